/**
 * Turns containerd-style mount options into mount(2) flags plus the data
 * string, as containerd's mount_linux does: known flag words become flags,
 * everything else (lowerdir=…, upperdir=…, index=off) goes to the filesystem.
 */
export interface Flags {
  MS_RDONLY: number;
  MS_NOSUID: number;
  MS_NODEV: number;
  MS_NOEXEC: number;
  MS_BIND: number;
  MS_REC: number;
  MS_PRIVATE: number;
}

export interface Parsed {
  flags: number;
  /** Propagation to apply after mounting (rprivate etc.), 0 for none. */
  propagation: number;
  readonly: boolean;
  data: string[];
}

export function parseOptions(options: readonly string[], c: Flags): Parsed {
  let flags = 0;
  let propagation = 0;
  let readonly = false;
  const data: string[] = [];
  for (const o of options) {
    switch (o) {
      case 'ro':
        flags |= c.MS_RDONLY;
        readonly = true;
        break;
      case 'rw':
        flags &= ~c.MS_RDONLY;
        readonly = false;
        break;
      case 'bind':
        flags |= c.MS_BIND;
        break;
      case 'rbind':
        flags |= c.MS_BIND | c.MS_REC;
        break;
      case 'nosuid':
        flags |= c.MS_NOSUID;
        break;
      case 'nodev':
        flags |= c.MS_NODEV;
        break;
      case 'noexec':
        flags |= c.MS_NOEXEC;
        break;
      case 'private':
        propagation = c.MS_PRIVATE;
        break;
      case 'rprivate':
        propagation = c.MS_PRIVATE | c.MS_REC;
        break;
      default:
        data.push(o);
    }
  }
  return { flags, propagation, readonly, data };
}

/**
 * When overlay options exceed what one page can carry, rewrites the lowerdirs
 * relative to their longest common parent directory; the caller mounts with
 * that directory as cwd (containerd's compactLowerdirOption, Docker's l/ trick).
 */
export function compactLowerdirs(data: string[], limit: number): { data: string[]; cwd?: string } {
  if (data.join(',').length < limit) return { data };
  const i = data.findIndex((d) => d.startsWith('lowerdir='));
  if (i < 0) return { data };
  const dirs = data[i]!.slice('lowerdir='.length).split(':');
  let common = dirs[0]!.slice(0, dirs[0]!.lastIndexOf('/') + 1);
  for (const d of dirs)
    while (!d.startsWith(common)) common = common.slice(0, common.slice(0, -1).lastIndexOf('/') + 1);
  if (common.length <= 1) return { data };
  const out = [...data];
  out[i] = `lowerdir=${dirs.map((d) => d.slice(common.length)).join(':')}`;
  return { data: out, cwd: common };
}
