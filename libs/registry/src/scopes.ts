/** Token scopes and message subjects shared by the operations. @internal */
import { isDigest } from './digest.js';

/** Token scope for pulling from `repo`. */
export const pullScope = (repo: string) => `repository:${repo}:pull`;

/** Token scope for pushing to `repo` (push implies pull, as docker asks). */
export const pushScope = (repo: string) => `repository:${repo}:pull,push`;

/** `host/repo:tag` or `host/repo@digest`, naming what a message is about. */
export const subjectOf = (host: string, repo: string, ref: string) =>
  isDigest(ref) ? `${host}/${repo}@${ref}` : `${host}/${repo}:${ref}`;
