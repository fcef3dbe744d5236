/**
 * `berth snapshots tree`: every snapshot under its parent, as `ctr snapshots tree`
 * prints it: roots as ` name`, each level below indented two spaces and marked `\_`.
 */
import type { Context } from '../../context.js';
import { openSnapshots, type SnapshotterOption } from './client.js';

export async function run(ctx: Context, _args: [], opts: SnapshotterOption): Promise<void> {
  const infos = await openSnapshots(ctx, opts.snapshotter).list();
  const names = new Set(infos.map((i) => i.name));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const i of infos) {
    // A parent missing from the listing (another snapshotter's, or metadata gone) still shows, as a root.
    if (i.parent && !names.has(i.parent)) {
      names.add(i.parent);
      roots.push(i.parent);
    }
    if (i.parent) children.set(i.parent, [...(children.get(i.parent) ?? []), i.name]);
    else roots.push(i.name);
  }
  const lines: string[] = [];
  const visit = (name: string, level: number, seen: Set<string>): void => {
    if (seen.has(name)) return; // a cycle would be corrupt metadata: print each node once
    seen.add(name);
    lines.push(`${'  '.repeat(level)}${level > 0 ? '\\_' : ''} ${name}`);
    for (const child of children.get(name) ?? []) visit(child, level + 1, seen);
  };
  const seen = new Set<string>();
  for (const root of roots) visit(root, 0, seen);
  ctx.stdout.write(lines.map((l) => l + '\n').join(''));
}
