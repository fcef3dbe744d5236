/**
 * The name-resolution files berth writes for each container: /etc/hosts, /etc/resolv.conf
 * and /etc/hostname, in docker's formats so that images behave as they do under docker.
 * Pure functions: the caller decides where the text goes.
 */
import { isIP } from 'node:net';
import { invalidArgument } from '@berth/errdefs';
import { isLoopback } from './dns/ip.js';

/** docker's (glibc's MAXDNSRCH) limit on search domains. */
const MAX_SEARCH = 6;
/** Linux's HOST_NAME_MAX: sethostname(2) refuses longer names. */
const MAX_HOSTNAME = 64;
/** Used when the host has no nameserver a container can reach, as docker does. */
const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
// docker's ValidateDNSSearch domain syntax: letters, digits and inner hyphens per label.
const SEARCH_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const OPTION = /^[A-Za-z][A-Za-z0-9-]*(:\d+)?$/;

function isHostName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

function checkHostName(name: string, what: string): void {
  if (!isHostName(name)) throw invalidArgument(`invalid ${what} "${name}"`);
}

function isSearchDomain(d: string): boolean {
  const name = d.endsWith('.') ? d.slice(0, -1) : d;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => SEARCH_LABEL.test(l));
}

function checkIp(ip: string, what: string): void {
  if (isIP(ip) === 0) throw invalidArgument(`invalid ${what} "${ip}": not an IP address`);
}

export interface HostsFileOptions {
  hostname: string;
  domainname?: string;
  /** The container's own addresses; empty in host and none network modes. */
  ips: string[];
  /** --add-host values: "host:ip" (or "host=ip"; IPv6 may be bracketed). */
  extraHosts: string[];
  /** --link targets: `alias` is what the container asked for, `name` the linked container's name. */
  links: Array<{ alias: string; name: string; ip: string }>;
}

/** /etc/hosts as docker writes it: loopback and IPv6 well-known names, --add-host, links, own addresses. */
export function hostsFile(o: HostsFileOptions): string {
  checkHostName(o.hostname, 'hostname');
  if (o.domainname) checkHostName(o.domainname, 'domain name');
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const entry of o.extraHosts) {
    const { host, ip } = parseExtraHost(entry);
    lines.push(`${ip}\t${host}`);
  }
  for (const link of o.links) {
    checkHostName(link.alias, 'link alias');
    checkHostName(link.name, 'link name');
    checkIp(link.ip, `address of link "${link.alias}"`);
    lines.push(
      link.alias === link.name ? `${link.ip}\t${link.alias}` : `${link.ip}\t${link.alias} ${link.name}`,
    );
  }
  const own = o.domainname ? `${o.hostname}.${o.domainname} ${o.hostname}` : o.hostname;
  for (const ip of o.ips) {
    checkIp(ip, 'container address');
    lines.push(`${ip}\t${own}`);
  }
  return lines.join('\n') + '\n';
}

/** Splits an --add-host value like docker's ValidateExtraHost: "host=ip" first, else at the first ':'. */
function parseExtraHost(entry: string): { host: string; ip: string } {
  const eq = entry.indexOf('=');
  const sep = eq >= 0 ? eq : entry.indexOf(':');
  if (sep < 0) throw invalidArgument(`invalid --add-host "${entry}": expected host:ip`);
  const host = entry.slice(0, sep);
  let ip = entry.slice(sep + 1);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!isHostName(host)) throw invalidArgument(`invalid --add-host "${entry}": bad host name "${host}"`);
  if (ip === 'host-gateway')
    throw invalidArgument(`invalid --add-host "${entry}": host-gateway is not supported; give the address`);
  if (isIP(ip) === 0) throw invalidArgument(`invalid --add-host "${entry}": "${ip}" is not an IP address`);
  return { host, ip };
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/**
 * /etc/resolv.conf. Every nameserver is kept, as docker does (glibc reads the first three).
 * A search list of just "." means "no search domains", as with `--dns-search .`.
 */
export function resolvConf(o: ResolvConf): string {
  for (const ns of o.nameservers) checkIp(ns, 'nameserver');
  const search = o.search.length === 1 && o.search[0] === '.' ? [] : o.search;
  if (search.length > MAX_SEARCH)
    throw invalidArgument(`too many search domains (${search.length}); at most ${MAX_SEARCH} are allowed`);
  for (const d of search) if (!isSearchDomain(d)) throw invalidArgument(`invalid search domain "${d}"`);
  for (const opt of o.options)
    if (!OPTION.test(opt)) throw invalidArgument(`invalid resolver option "${opt}"`);
  const lines = o.nameservers.map((ns) => `nameserver ${ns}`);
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  if (o.options.length > 0) lines.push(`options ${o.options.join(' ')}`);
  return lines.map((l) => l + '\n').join('');
}

/**
 * Reads the host's resolv.conf for containers: loopback nameservers (a local stub such as
 * systemd-resolved's 127.0.0.53) mean nothing inside a container's network namespace and
 * are dropped; when none is left, docker's defaults are used. As in glibc, the last
 * `search` or `domain` line wins and `options` lines accumulate. Entries resolvConf would
 * refuse are dropped (and search domains past the sixth, which glibc ignores), so that an
 * odd host file never stops a container from starting.
 */
export function hostResolvers(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: string[] = [];
  for (const line of text.split('\n')) {
    const [key, ...args] = line.trim().split(/\s+/);
    if (!key || key.startsWith('#') || key.startsWith(';')) continue;
    if (key === 'nameserver') {
      const ns = args[0];
      if (ns !== undefined && isIP(ns) !== 0 && !isLoopback(ns)) nameservers.push(ns);
    } else if (key === 'search') search = args.filter(isSearchDomain).slice(0, MAX_SEARCH);
    else if (key === 'domain') search = args.slice(0, 1).filter(isSearchDomain);
    else if (key === 'options') options.push(...args.filter((a) => OPTION.test(a)));
  }
  return { nameservers: nameservers.length > 0 ? nameservers : [...DEFAULT_NAMESERVERS], search, options };
}

/** /etc/hostname. */
export function hostnameFile(hostname: string): string {
  checkHostName(hostname, 'hostname');
  if (hostname.length > MAX_HOSTNAME)
    throw invalidArgument(`hostname "${hostname}" is longer than ${MAX_HOSTNAME} characters`);
  return `${hostname}\n`;
}
