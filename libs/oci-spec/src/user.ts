import { invalidArgument } from '@berth/errdefs';
import type { User } from './types.js';

/** One /etc/passwd entry. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const MAX_ID = 2147483647;

/** Parses /etc/passwd contents; malformed lines are skipped, as libc does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const f of fields(text)) {
    const uid = id(f[2]);
    const gid = id(f[3]);
    if (f[0] && uid !== undefined && gid !== undefined) out.push({ name: f[0], uid, gid, home: f[5] ?? '' });
  }
  return out;
}

/** Parses /etc/group contents; malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const f of fields(text)) {
    const gid = id(f[2]);
    const members = (f[3] ?? '').split(',').filter((m) => m !== '');
    if (f[0] && gid !== undefined) out.push({ name: f[0], gid, members });
  }
  return out;
}

/**
 * Resolves a docker `--user` spec (`name`, `uid`, `uid:gid`, `name:group`, …) against the image's
 * /etc/passwd and /etc/group contents, like runc's `user.GetExecUser`: an empty spec is root; a
 * numeric uid need not exist (gid then defaults to its passwd entry's, or 0); a user matched in
 * passwd gets the groups that list it as supplementary ids, unless a group is given explicitly.
 * `additionalGids` starts with the primary gid, so supplementary groups are never inherited.
 *
 * @throws InvalidArgument `unable to find user x: no matching entries in passwd file`, the same
 *   for groups, or for ids out of range.
 */
export function resolveUser(spec: string, passwd = '', group = ''): User {
  const [userPart = '', groupPart] = splitOnce(spec.trim(), ':');
  const users = parsePasswd(passwd);
  let uid = 0;
  let gid = 0;
  const userArg = userPart === '' ? '0' : userPart;
  const numericUid = numeric(userArg);
  const matched = users.find((u) => u.name === userArg || (numericUid !== undefined && u.uid === numericUid));
  if (matched) {
    uid = matched.uid;
    gid = matched.gid;
  } else if (numericUid !== undefined) {
    uid = numericUid;
  } else {
    throw invalidArgument(`unable to find user ${userArg}: no matching entries in passwd file`);
  }

  const groups = parseGroup(group);
  let additional: number[] = [];
  if (groupPart !== undefined && groupPart !== '') {
    const numericGid = numeric(groupPart);
    const g = groups.find((e) => e.name === groupPart || (numericGid !== undefined && e.gid === numericGid));
    if (g) gid = g.gid;
    else if (numericGid !== undefined) gid = numericGid;
    else throw invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
  } else if (matched) {
    const name = matched.name;
    additional = groups.filter((g) => g.members.includes(name)).map((g) => g.gid);
  }
  const additionalGids = [...new Set([gid, ...additional])];
  return { uid, gid, additionalGids };
}

function numeric(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID) throw invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

function id(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= MAX_ID ? n : undefined;
}

function fields(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}
