/**
 * A fallback for CNI DEL that could not clean up: the bridge plugin removes
 * its masquerade rules only while the container's interface still exists, and
 * a plugin that fails leaves its rules. Every rule the plugins make for a
 * container carries `id: "<CNI_CONTAINERID>"` in a comment (bridge masquerade,
 * portmap DNAT) or the container's address (firewall), so they can be found.
 */
import { runOk, runTool } from './run.js';

/** Splits one `iptables -S` line into arguments (double quotes with backslash escapes). */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        cur += line[i];
      }
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The rules (as argv after `-A`) of `text` that belong to `cniContainerId` or to one of `ips` (pure). */
export function rulesFor(text: string, cniContainerId: string, ips: readonly string[]): string[][] {
  const idTag = `id: "${cniContainerId}"`;
  const hosts = new Set(ips.filter(Boolean).map((ip) => `${ip}/32`));
  return text
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .map(splitRule)
    .filter((w) => {
      const comment = w[w.indexOf('--comment') + 1];
      if (w.includes('--comment') && comment?.includes(idTag)) return true;
      const s = w[w.indexOf('-s') + 1];
      const d = w[w.indexOf('-d') + 1];
      return (
        w[1] === 'CNI-FORWARD' &&
        ((w.includes('-s') && hosts.has(s ?? '')) || (w.includes('-d') && hosts.has(d ?? '')))
      );
    })
    .map((w) => w.slice(1));
}

/** Deletes the container's leftover plugin rules and per-container chains; returns how many rules went. */
export async function sweepCniRules(cniContainerId: string, ips: readonly string[]): Promise<number> {
  let n = 0;
  for (const table of ['nat', 'filter']) {
    const rules = rulesFor(await runOk('iptables', ['-w', '5', '-t', table, '-S']), cniContainerId, ips);
    const chains = new Set<string>();
    for (const r of rules) {
      const target = r[r.indexOf('-j') + 1];
      if (target && /^CNI-(?!HOSTPORT-|FORWARD$|ADMIN$)/.test(target) && target !== r[0]) chains.add(target);
      if ((await runTool('iptables', ['-w', '5', '-t', table, '-D', ...r])).code === 0) n++;
    }
    for (const c of chains) {
      await runTool('iptables', ['-w', '5', '-t', table, '-F', c]);
      await runTool('iptables', ['-w', '5', '-t', table, '-X', c]);
    }
  }
  return n;
}
