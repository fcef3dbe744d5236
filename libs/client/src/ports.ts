/**
 * docker's port flags as pure functions: `-p/--publish` specs (go-connections'
 * nat.ParsePortSpec syntax and messages), `--expose`, the ports `-P` publishes
 * (every exposed port on a host port the engine picks), the PORTS text `ps`
 * shows (docker's DisplayablePorts, ranges grouped) and the lines `port` prints.
 */
import { isIP } from 'node:net';
import { invalidArgument } from '@berth/errdefs';

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One published port: host side ('' = every address, 0 = the engine picks) → container side. */
export interface PortSpec {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
}

/** A container port without a host side (`EXPOSE 80`, `--expose 53/udp`). */
export interface ExposedPort {
  port: number;
  protocol: Protocol;
}

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];

/** `80`, `8000-8001` → [start, end]; undefined when not a valid port or range. */
function portRange(s: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return [start, end];
}

/** `80/udp` → ['udp', '80']; no protocol is tcp. */
function splitProto(s: string): [string, string] {
  const slash = s.indexOf('/');
  if (slash < 0) return ['tcp', s];
  return [s.slice(slash + 1).toLowerCase() || 'tcp', s.slice(0, slash)];
}

function checkProto(p: string): Protocol {
  if (!PROTOCOLS.includes(p)) throw invalidArgument(`invalid proto: ${p}`);
  return p as Protocol;
}

/** go-connections' splitParts: `ip:host:container`, with IPv6 addresses holding colons. */
function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1]!;
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0]!, container];
  if (n === 3) return [parts[0]!, parts[1]!, container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, container];
}

/**
 * Parses one `-p` value: `80`, `8080:80`, `127.0.0.1:8080:80`, `127.0.0.1::80`, `[::1]:80:80`,
 * `8080:80/udp`, `8000-8001:80-81`. A range publishes one mapping per port.
 *
 * @throws InvalidArgument with docker's messages (`invalid containerPort: x`, `invalid proto: x`…).
 */
export function parsePublish(raw: string): PortSpec[] {
  const [rawIp, hostPart, containerWithProto] = splitParts(raw.trim());
  const [proto, containerPart] = splitProto(containerWithProto);
  let ip = rawIp;
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw invalidArgument(`invalid IP address ${ip}`);
    ip = ip.slice(1, -1);
  }
  if (ip !== '' && isIP(ip) === 0) throw invalidArgument(`invalid IP address: ${ip}`);
  if (containerPart === '') throw invalidArgument(`no port specified: ${raw}<empty>`);
  const c = portRange(containerPart);
  if (!c) throw invalidArgument(`invalid containerPort: ${containerPart}`);
  let h: [number, number] = [0, 0];
  if (hostPart !== '') {
    const parsed = portRange(hostPart);
    if (!parsed) throw invalidArgument(`invalid hostPort: ${hostPart}`);
    h = parsed;
    if (c[1] - c[0] !== h[1] - h[0]) {
      if (c[0] !== c[1])
        throw invalidArgument(
          `invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`,
        );
      // docker picks any free port of the host range here; berth-network maps one port.
      throw invalidArgument(
        `host port range ${hostPart} for a single container port is not supported: give one host port, or none`,
      );
    }
  }
  const protocol = checkProto(proto);
  const hostIp = ip === '0.0.0.0' ? '' : ip;
  const out: PortSpec[] = [];
  for (let i = 0; i <= c[1] - c[0]; i++)
    out.push({ hostIp, hostPort: hostPart === '' ? 0 : h[0] + i, containerPort: c[0] + i, protocol });
  return out;
}

/** `--expose 80`, `--expose 53/udp`, `--expose 8000-8010`. */
export function parseExpose(raw: string): ExposedPort[] {
  const [proto, ports] = splitProto(raw.trim());
  const r = portRange(ports);
  if (!r) throw invalidArgument(`invalid range format for --expose: ${raw}`);
  const protocol = checkProto(proto);
  const out: ExposedPort[] = [];
  for (let p = r[0]; p <= r[1]; p++) out.push({ port: p, protocol });
  return out;
}

/** The image config's ExposedPorts keys (`80/tcp`), in order; malformed keys are skipped. */
export function imageExposedPorts(
  exposed: Readonly<Record<string, unknown>> | null | undefined,
): ExposedPort[] {
  const out: ExposedPort[] = [];
  for (const key of Object.keys(exposed ?? {})) {
    try {
      out.push(...parseExpose(key));
    } catch {
      // An image config written by another tool with a key docker would not accept.
    }
  }
  return out;
}

const portKey = (port: number, protocol: string) => `${port}/${protocol}`;

/**
 * The ports a container exposes (image, `--expose`, then every published one, as docker adds
 * them) and the mappings to publish: the `-p` ones, plus with `-P` every exposed port not
 * published yet, on a host port the engine picks.
 */
export function portPlan(o: {
  publish: readonly PortSpec[];
  publishAll: boolean;
  exposed: readonly ExposedPort[];
}): { exposed: ExposedPort[]; publish: PortSpec[] } {
  const exposed: ExposedPort[] = [];
  const seen = new Set<string>();
  const add = (port: number, protocol: Protocol) => {
    const k = portKey(port, protocol);
    if (seen.has(k)) return;
    seen.add(k);
    exposed.push({ port, protocol });
  };
  for (const e of o.exposed) add(e.port, e.protocol);
  for (const p of o.publish) add(p.containerPort, p.protocol);
  const publish = [...o.publish];
  if (o.publishAll) {
    const published = new Set(o.publish.map((p) => portKey(p.containerPort, p.protocol)));
    for (const e of exposed)
      if (!published.has(portKey(e.port, e.protocol)))
        publish.push({ hostIp: '', hostPort: 0, containerPort: e.port, protocol: e.protocol });
  }
  return { exposed, publish };
}

/** One entry of docker's container Ports list: `ip` '' and `publicPort` 0 when only exposed. */
export interface DisplayPort {
  ip: string;
  privatePort: number;
  publicPort: number;
  type: string;
}

/** Published mappings (host ports as chosen) and exposed-only ports as docker lists them. */
export function displayPortsOf(
  published: readonly { hostIp: string; hostPort: number; containerPort: number; protocol: string }[],
  exposed: readonly ExposedPort[] = [],
): DisplayPort[] {
  const out: DisplayPort[] = published.map((p) => ({
    ip: p.hostIp || '0.0.0.0',
    privatePort: p.containerPort,
    publicPort: p.hostPort,
    type: p.protocol,
  }));
  const mapped = new Set(published.map((p) => portKey(p.containerPort, p.protocol)));
  for (const e of exposed)
    if (!mapped.has(portKey(e.port, e.protocol)))
      out.push({ ip: '', privatePort: e.port, publicPort: 0, type: e.protocol });
  return out;
}

const hostPortText = (ip: string, port: number | string) =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

function comparePorts(a: DisplayPort, b: DisplayPort): number {
  if (a.privatePort !== b.privatePort) return a.privatePort - b.privatePort;
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  if (a.publicPort !== b.publicPort) return a.publicPort - b.publicPort;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/**
 * docker's PORTS column (cli/command/formatter DisplayablePorts): consecutive ports mapped to
 * themselves grouped into ranges (`0.0.0.0:8000-8001->8000-8001/tcp`), other mappings as
 * `0.0.0.0:8080->80/tcp`, exposed-only ports as `80/tcp`; joined with ", ".
 */
export function displayablePorts(ports: readonly DisplayPort[]): string {
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  const formGroup = (key: string, first: number, last: number) => {
    const slash = key.lastIndexOf('/');
    const ip = slash < 0 ? '' : key.slice(0, slash);
    const type = slash < 0 ? key : key.slice(slash + 1);
    let group = first === last ? String(first) : `${first}-${last}`;
    if (ip !== '') group = `${hostPortText(ip, group)}->${group}`;
    return `${group}/${type}`;
  };
  for (const p of sorted) {
    let key = p.type;
    if (p.ip !== '') {
      if (p.publicPort !== p.privatePort) {
        hostMappings.push(`${hostPortText(p.ip, p.publicPort)}->${p.privatePort}/${p.type}`);
        continue;
      }
      key = `${p.ip}/${p.type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.privatePort, last: p.privatePort });
      order.push(key);
    } else if (p.privatePort === g.last + 1) {
      g.last = p.privatePort;
    } else {
      result.push(formGroup(key, g.first, g.last));
      groups.set(key, { first: p.privatePort, last: p.privatePort });
    }
  }
  for (const key of order) {
    const g = groups.get(key)!;
    result.push(formGroup(key, g.first, g.last));
  }
  return [...result, ...hostMappings].join(', ');
}

/**
 * `berth port CONTAINER [PRIVATE_PORT[/PROTO]]` lines: `80/tcp -> 0.0.0.0:8080` for every
 * mapping, or just `0.0.0.0:8080` for the one asked about, sorted as docker sorts them.
 *
 * @throws InvalidArgument for a malformed PRIVATE_PORT; NotFound-like text is the caller's.
 */
export function portLines(
  published: readonly { hostIp: string; hostPort: number; containerPort: number; protocol: string }[],
  want?: string,
): string[] {
  const sorted = [...published].sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) ||
      (a.hostIp < b.hostIp ? -1 : a.hostIp > b.hostIp ? 1 : 0) ||
      a.hostPort - b.hostPort,
  );
  const host = (p: (typeof published)[number]) => hostPortText(p.hostIp || '0.0.0.0', p.hostPort);
  if (want === undefined) return sorted.map((p) => `${p.containerPort}/${p.protocol} -> ${host(p)}`);
  const [proto, port] = splitProto(want);
  const r = portRange(port);
  if (!r || r[0] !== r[1]) throw invalidArgument(`invalid port ${JSON.stringify(want)}`);
  checkProto(proto);
  return sorted.filter((p) => p.containerPort === r[0] && p.protocol === proto).map(host);
}
