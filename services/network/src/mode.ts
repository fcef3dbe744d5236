/**
 * Reading an Attach request's network mode (docker's --network plus
 * --network-alias/--ip per network) into a plan (pure).
 */
import { invalidArgument } from '@berth/errdefs';

export interface EndpointWish {
  network: string;
  aliases: string[];
  ip: string;
}

export type ModePlan =
  | { kind: 'host' }
  | { kind: 'none' }
  | { kind: 'container'; target: string }
  | { kind: 'networks'; endpoints: EndpointWish[] };

/**
 * `mode` is '' or `bridge`/`default` (the default network unless `endpoints` name others),
 * `host`, `none`, `container:<id|name>`, or network names separated by commas; `endpoints`
 * add networks or give aliases and a static address for the ones named.
 */
export function planMode(mode: string, endpoints: readonly EndpointWish[]): ModePlan {
  const m = mode.trim();
  const extra = endpoints.filter((e) => e.network);
  if (m === 'host' || m === 'none') {
    if (extra.some((e) => e.network !== m))
      throw invalidArgument(`conflicting options: network mode ${m} cannot join other networks`);
    return { kind: m };
  }
  if (m.startsWith('container:')) {
    const target = m.slice('container:'.length);
    if (!target) throw invalidArgument('network mode container: needs a container id or name');
    if (extra.length) throw invalidArgument('conflicting options: container type network mode and networks');
    return { kind: 'container', target };
  }
  const named = m === '' ? (extra.length ? [] : ['bridge']) : m.split(',').map((s) => s.trim());
  const wishes: EndpointWish[] = [];
  for (const n of [...named.map((x) => (x === 'default' ? 'bridge' : x)), ...extra.map((e) => e.network)]) {
    if (!n) throw invalidArgument(`invalid network mode ${JSON.stringify(mode)}`);
    if (wishes.some((w) => w.network === n)) continue;
    const given = extra.filter((e) => e.network === n);
    wishes.push({
      network: n,
      aliases: [...new Set(given.flatMap((e) => e.aliases))],
      ip: given.find((e) => e.ip)?.ip ?? '',
    });
  }
  if (wishes.length === 1 && (wishes[0]!.network === 'host' || wishes[0]!.network === 'none'))
    return { kind: wishes[0]!.network as 'host' | 'none' };
  if (wishes.some((w) => w.network === 'host' || w.network === 'none'))
    throw invalidArgument('conflicting options: host or none network mode cannot join other networks');
  return { kind: 'networks', endpoints: wishes };
}

/** Splits a --link value `name[:alias]`. */
export function parseLink(link: string): { name: string; alias: string } {
  const [rawName, alias, extra] = link.split(':');
  const name = (rawName ?? '').replace(/^\//, '');
  if (!name || extra !== undefined) throw invalidArgument(`invalid link ${JSON.stringify(link)}`);
  return { name, alias: alias || name };
}
