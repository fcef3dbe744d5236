import { invalidArgument } from '@berth/errdefs';

/** What `--security-opt` values ask for. */
export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** `unconfined` turns the default seccomp filter off. */
  seccomp: 'default' | 'unconfined';
  /** An AppArmor profile name; `unconfined` means none. Undefined: the runtime default (none). */
  apparmor?: string;
}

/**
 * Parses `--security-opt` values the way Docker's daemon does: `no-new-privileges[=bool]`,
 * `seccomp=unconfined|builtin`, `apparmor=<profile>|unconfined`, `label=disable` (a no-op, berth
 * has no SELinux support). The `key:value` form is accepted as Docker still does.
 *
 * @throws InvalidArgument `invalid --security-opt 2: "…"` for an unknown key or value, and
 *   NotImplemented-style InvalidArgument for a custom seccomp profile or SELinux label.
 */
export function parseSecurityOpts(opts: readonly string[] = []): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: 'default' };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue;
    const sep = opt.includes('=') ? '=' : ':';
    const i = opt.indexOf(sep);
    if (i < 0) throw invalidArgument(`invalid --security-opt 1: "${opt}"`);
    const key = opt.slice(0, i);
    const value = opt.slice(i + 1);
    switch (key) {
      case 'no-new-privileges':
        if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) {
          throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
        }
        out.noNewPrivileges = /^(1|t|T|TRUE|true|True)$/.test(value);
        break;
      case 'seccomp':
        if (value === 'unconfined') out.seccomp = 'unconfined';
        else if (value === 'builtin' || value === 'default') out.seccomp = 'default';
        else throw invalidArgument(`--security-opt ${opt}: custom seccomp profiles are not supported`);
        break;
      case 'apparmor':
        if (value === '') throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
        out.apparmor = value;
        break;
      case 'label':
        if (value !== 'disable')
          throw invalidArgument(`--security-opt ${opt}: SELinux labels are not supported`);
        break;
      default:
        throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
    }
  }
  return out;
}
