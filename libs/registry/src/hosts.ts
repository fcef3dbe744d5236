/**
 * Per-registry connection settings, as in docker's daemon.json and certs.d:
 *
 * - `insecure-registries`: hosts (`host`, `host:port`) or IPv4 CIDRs reached over https
 *   without certificate checks, or over plain http when https fails.
 * - `registry-mirrors`: base URLs tried first for reads from docker.io, then docker.io itself.
 * - `<certsDir>/<host[:port]>/*.crt` are extra CAs (on top of the system ones) and
 *   `client.cert` + `client.key` a client certificate, as in /etc/docker/certs.d.
 *
 * Loopback hosts (localhost, 127.0.0.0/8, ::1) count as insecure, as in docker, so that a local
 * test registry works over plain http without configuration.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { invalidArgument } from '@berth/errdefs';

/** Registry settings; every field is optional. */
export interface HostsConfig {
  /** `host`, `host:port` or IPv4 CIDR (`10.0.0.0/8`) entries, like daemon.json's `insecure-registries`. */
  insecureRegistries?: string[];
  /** Mirror base URLs for docker.io, tried in order before docker.io itself (daemon.json `registry-mirrors`). */
  registryMirrors?: string[];
  /** Directory holding `<host[:port]>/ca.crt` (and `client.cert`/`client.key`), like /etc/docker/certs.d. */
  certsDir?: string;
}

/** One place a request for a registry host can go. */
export interface Endpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`, or a mirror's base URL. */
  base: URL;
  agent: HttpAgent | HttpsAgent;
  /** True for a mirror: errors there fall back to the next endpoint. */
  mirror: boolean;
  /** True when a TLS failure may fall back to plain http (insecure or loopback host). */
  httpFallback: boolean;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Reports whether `host` names Docker Hub. */
export function isDockerHub(host: string): boolean {
  return DOCKER_HUB.has(host);
}

/** Reads daemon.json-style keys (`insecure-registries`, `registry-mirrors`) into a HostsConfig. */
export function hostsFromDaemonJson(json: unknown, certsDir?: string): HostsConfig {
  const o = (json ?? {}) as Record<string, unknown>;
  const list = (key: string): string[] => {
    const v = o[key] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw invalidArgument(`daemon config: "${key}" must be a list of strings`);
    }
    return v as string[];
  };
  for (const m of list('registry-mirrors')) {
    if (!/^https?:\/\//.test(m))
      throw invalidArgument(`daemon config: registry mirror ${m} needs http:// or https://`);
  }
  return {
    insecureRegistries: list('insecure-registries'),
    registryMirrors: list('registry-mirrors'),
    certsDir,
  };
}

function ipv4(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const i = host.lastIndexOf(':');
  return i > 0 && host.indexOf(':') === i ? host.slice(0, i) : host;
}

/** Reports whether `host` is loopback (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  const name = hostname(host);
  const ip = ipv4(name);
  return name === 'localhost' || name === '::1' || (ip !== undefined && ip >>> 24 === 127);
}

/** Reports whether `host` matches an `insecure-registries` entry (exact host, host:port or CIDR). */
export function isInsecure(config: HostsConfig, host: string): boolean {
  const name = hostname(host);
  const ip = ipv4(name);
  return (config.insecureRegistries ?? []).some((entry) => {
    if (entry === host || entry === name) return true;
    const [net, bits] = entry.split('/');
    const base = net === undefined ? undefined : ipv4(net);
    if (bits === undefined || base === undefined || ip === undefined) return false;
    const n = Number(bits);
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return (ip & mask) >>> 0 === (base & mask) >>> 0;
  });
}

/** Builds the https agent for `host`: system CAs plus certs.d files, or no verification when insecure. */
function httpsAgentFor(config: HostsConfig, host: string, insecure: boolean): HttpsAgent {
  const dir = config.certsDir ? join(config.certsDir, host) : undefined;
  const opts: ConstructorParameters<typeof HttpsAgent>[0] = {
    keepAlive: true,
    rejectUnauthorized: !insecure,
  };
  if (dir && existsSync(dir)) {
    const cas = readdirSync(dir)
      .filter((f) => f.endsWith('.crt'))
      .map((f) => readFileSync(join(dir, f), 'utf8'));
    if (cas.length) opts.ca = [...rootCertificates, ...cas];
    if (existsSync(join(dir, 'client.cert')) && existsSync(join(dir, 'client.key'))) {
      opts.cert = readFileSync(join(dir, 'client.cert'));
      opts.key = readFileSync(join(dir, 'client.key'));
    }
  }
  return new HttpsAgent(opts);
}

/** Chooses endpoints and agents per registry host; agents are cached until {@link HostResolver.close}. */
export interface HostResolver {
  /**
   * Returns the endpoints to try for `host`, in order. Reads (`forRead`) of docker.io go to the
   * mirrors first. For an insecure or loopback host, the https endpoint allows a fallback to http.
   */
  endpoints(host: string, forRead: boolean): Endpoint[];
  /** Returns the plain-http endpoint for `host`, used after its https attempt failed in the TLS layer. */
  httpEndpoint(host: string): Endpoint;
  /** Returns an agent for an arbitrary URL (token realm, redirect target). */
  agentFor(url: URL): HttpAgent | HttpsAgent;
  /** Destroys the cached agents' idle sockets. */
  close(): void;
}

/** Creates a {@link HostResolver} over `config`. */
export function createHostResolver(config: HostsConfig = {}): HostResolver {
  const agents = new Map<string, HttpAgent | HttpsAgent>();
  const cached = (key: string, make: () => HttpAgent | HttpsAgent) => {
    let a = agents.get(key);
    if (!a) agents.set(key, (a = make()));
    return a;
  };
  const https = (host: string) => {
    const insecure = isInsecure(config, host) || isLoopback(host);
    return cached(`https://${host}`, () => httpsAgentFor(config, host, insecure));
  };
  const http = () => cached('http:', () => new HttpAgent({ keepAlive: true }));
  const agentFor = (url: URL) => (url.protocol === 'https:' ? https(url.host) : http());
  return {
    endpoints(host, forRead) {
      const out: Endpoint[] = [];
      if (forRead && isDockerHub(host)) {
        for (const m of config.registryMirrors ?? []) {
          const base = new URL(m);
          out.push({ base, agent: agentFor(base), mirror: true, httpFallback: false });
        }
      }
      const real = isDockerHub(host) ? 'registry-1.docker.io' : host;
      const fallback = isInsecure(config, real) || isLoopback(real);
      out.push({
        base: new URL(`https://${real}`),
        agent: https(real),
        mirror: false,
        httpFallback: fallback,
      });
      return out;
    },
    httpEndpoint(host) {
      const real = isDockerHub(host) ? 'registry-1.docker.io' : host;
      return { base: new URL(`http://${real}`), agent: http(), mirror: false, httpFallback: false };
    },
    agentFor,
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}
