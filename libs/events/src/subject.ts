/**
 * Mapping containerd topics to NATS subjects:
 *   berth.events.<namespace>.<topic parts joined by ".">
 * Topic parts are identifiers that may contain ".", NATS's token separator, so a
 * "." inside a part is written "~" (never valid in an identifier, so the mapping
 * is reversible). `/tasks/exit` in `default` → `berth.events.default.tasks.exit`.
 */
import { invalidArgument } from '@berth/errdefs';

export const SUBJECT_ROOT = 'berth.events';

const PART = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** Throws InvalidArgument unless `topic` is `/part/part…` with identifier parts. */
export function validateTopic(topic: string): string {
  const parts = topic.split('/');
  if (parts[0] !== '' || parts.length < 2 || parts.slice(1).some((p) => !PART.test(p)))
    throw invalidArgument(
      `topic ${JSON.stringify(topic)}: must be "/" followed by "/"-separated identifiers`,
    );
  return topic;
}

/** Returns the NATS subject for an event. */
export function subjectFor(ns: string, topic: string): string {
  const parts = validateTopic(topic).split('/').slice(1);
  return [SUBJECT_ROOT, ns.replaceAll('.', '~'), ...parts.map((p) => p.replaceAll('.', '~'))].join('.');
}

/** Returns the subject pattern matching every event (or every event of one namespace). */
export function subjectPattern(ns?: string): string {
  return ns ? `${SUBJECT_ROOT}.${ns.replaceAll('.', '~')}.>` : `${SUBJECT_ROOT}.>`;
}

/** Reverses subjectFor. */
export function parseSubject(subject: string): { ns: string; topic: string } {
  const tokens = subject.split('.');
  if (tokens.length < 4 || `${tokens[0]}.${tokens[1]}` !== SUBJECT_ROOT)
    throw invalidArgument(`subject ${subject}: not a berth event subject`);
  const un = (t: string) => t.replaceAll('~', '.');
  return { ns: un(tokens[2]!), topic: '/' + tokens.slice(3).map(un).join('/') };
}
