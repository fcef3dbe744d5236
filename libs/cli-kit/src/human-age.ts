/**
 * Durations for people, ported from docker's go-units HumanDuration so that
 * ages read the same as in `docker ps` and `ctr content ls`.
 */

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** Returns a duration in milliseconds as "Less than a second", "3 minutes", "About an hour", "2 weeks", … */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / HOUR);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / HOUR / 24 / 365)} years`;
}

/** Returns how long ago `date` was, relative to `now`, as {@link humanDuration} words. */
export function humanAge(date: Date, now: Date = new Date()): string {
  return humanDuration(Math.max(0, now.getTime() - date.getTime()));
}
