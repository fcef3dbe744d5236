/**
 * Isolation between bridge networks, in the spirit of docker's
 * DOCKER-ISOLATION-STAGE-1/2, as two filter-table chains jumped to first
 * from FORWARD:
 *
 *   BERTH-ISOLATION-1   -i <br> ! -o <br> -j BERTH-ISOLATION-2     (per bridge)
 *                       -i <br> ! -o <br> -j DROP                 (internal: no way out)
 *                       ! -i <br> -o <br> -j DROP                 (internal: no way in)
 *   BERTH-ISOLATION-2   -o <br> -j DROP                           (per bridge)
 *
 * so traffic leaving one berth bridge for another is dropped. The chains are
 * shared by every berth-network on the host: syncing adds this instance's rules
 * and removes only rules whose bridge this instance deleted or that no longer
 * exists on the host, never another instance's live rules.
 */
import { linkExists } from './links.js';
import { runOk, runTool } from './run.js';

export const ISOLATION_1 = 'BERTH-ISOLATION-1';
export const ISOLATION_2 = 'BERTH-ISOLATION-2';

export interface IsolatedBridge {
  bridge: string;
  internal: boolean;
}

/** One rule: the chain and the match/target arguments, as `iptables -S` prints them. */
export interface Rule {
  chain: string;
  args: string[];
}

/** The rules a set of bridges needs (pure). */
export function isolationRules(bridges: readonly IsolatedBridge[]): Rule[] {
  const out: Rule[] = [];
  for (const { bridge: b, internal } of bridges) {
    if (internal) {
      out.push({ chain: ISOLATION_1, args: ['-i', b, '!', '-o', b, '-j', 'DROP'] });
      out.push({ chain: ISOLATION_1, args: ['!', '-i', b, '-o', b, '-j', 'DROP'] });
    } else out.push({ chain: ISOLATION_1, args: ['-i', b, '!', '-o', b, '-j', ISOLATION_2] });
    out.push({ chain: ISOLATION_2, args: ['-o', b, '-j', 'DROP'] });
  }
  return out;
}

/** Parses `iptables -S <chain>` output into its rules (`-A` lines only). */
export function parseRules(text: string): Rule[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === '-A' && w[1])
    .map((w) => ({ chain: w[1]!, args: w.slice(2) }));
}

/** The bridge a rule of ours is about (the `-i` or `-o` device). */
export function bridgeOf(rule: Rule): string | undefined {
  const i = rule.args.findIndex((a) => a === '-i' || a === '-o');
  return i >= 0 ? rule.args[i + 1] : undefined;
}

const same = (a: Rule, b: Rule) => a.chain === b.chain && a.args.join(' ') === b.args.join(' ');

/** The changes that turn `current` into a state with `wanted`, dropping rules for `gone` bridges (pure). */
export function planSync(
  current: readonly Rule[],
  wanted: readonly Rule[],
  isGone: (bridge: string) => boolean,
): { add: Rule[]; del: Rule[] } {
  const wantedBridges = new Set(wanted.map(bridgeOf));
  const del = current.filter((r) => {
    const b = bridgeOf(r);
    if (b === undefined) return false;
    if (wantedBridges.has(b)) return !wanted.some((w) => same(w, r));
    return isGone(b);
  });
  const add = wanted.filter((w) => !current.some((r) => same(w, r)));
  return { add, del };
}

const iptables = (args: string[]) => runOk('iptables', ['-w', '5', ...args]);

/** Makes sure both chains exist and FORWARD jumps to the first one before anything else. */
export async function ensureChains(): Promise<void> {
  for (const chain of [ISOLATION_1, ISOLATION_2]) {
    const r = await runTool('iptables', ['-w', '5', '-t', 'filter', '-N', chain]);
    if (r.code !== 0 && !/exists/i.test(r.stderr)) await iptables(['-t', 'filter', '-N', chain]);
  }
  await ensureJumpFirst();
}

/**
 * Puts `-j BERTH-ISOLATION-1` first in FORWARD: plugins (firewall's CNI-FORWARD) add their own
 * jumps, and an ACCEPT evaluated before ours would let traffic between bridges through.
 */
export async function ensureJumpFirst(): Promise<void> {
  const rules = parseRules(await iptables(['-t', 'filter', '-S', 'FORWARD']));
  const jump = ['-j', ISOLATION_1];
  const ours = rules.filter((r) => r.args.join(' ') === jump.join(' '));
  if (ours.length === 1 && rules[0]?.args.join(' ') === jump.join(' ')) return;
  for (let i = 0; i < ours.length; i++) await iptables(['-t', 'filter', '-D', 'FORWARD', ...jump]);
  await iptables(['-t', 'filter', '-I', 'FORWARD', '1', ...jump]);
}

/**
 * Brings the chains in line with `bridges` (this instance's bridge networks); `removed` are
 * bridges this instance deleted, whose rules go even if the device still exists.
 */
export async function syncIsolation(
  bridges: readonly IsolatedBridge[],
  removed: readonly string[] = [],
): Promise<void> {
  await ensureChains();
  const current = [
    ...parseRules(await iptables(['-t', 'filter', '-S', ISOLATION_1])),
    ...parseRules(await iptables(['-t', 'filter', '-S', ISOLATION_2])),
  ];
  const gone = new Set(removed);
  for (const r of current) {
    const b = bridgeOf(r);
    if (b && !gone.has(b) && !bridges.some((x) => x.bridge === b) && !(await linkExists(b))) gone.add(b);
  }
  const plan = planSync(current, isolationRules(bridges), (b) => gone.has(b));
  for (const r of plan.del) await iptables(['-t', 'filter', '-D', r.chain, ...r.args]);
  for (const r of plan.add) await iptables(['-t', 'filter', '-A', r.chain, ...r.args]);
}
