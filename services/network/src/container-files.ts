/**
 * /etc/hosts, /etc/resolv.conf and /etc/hostname for a container, written
 * under <containers>/<ns>/<id>/ for the runtime to bind-mount:
 *
 * - on user-defined networks the nameserver is the network's gateway, where
 *   berth-network's DNS answers container names and forwards the rest
 *   (any --dns servers follow it);
 * - on the default bridge and `none`, the --dns servers or the host's
 *   resolvers (loopback ones dropped: unreachable from the container);
 * - in host mode, the host's own files (its resolv.conf as is, its hosts
 *   with --add-host lines appended), as docker does.
 */
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostResolvers, hostnameFile, hostsFile, resolvConf } from './dns-port.js';
import type { AttachmentRecord } from './records.js';

export interface Link {
  alias: string;
  name: string;
  ip: string;
}

export interface HostFiles {
  /** The host's /etc/resolv.conf text. */
  resolvConf: string;
  /** The host's /etc/hosts text. */
  hosts: string;
  hostname: string;
}

export interface ContainerFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

const STANDARD_HOSTS_LINES = 6;

/** The three files' contents (pure). `gateways` are the DNS addresses of the user networks joined. */
export function containerFiles(
  a: Pick<AttachmentRecord, 'containerId' | 'mode' | 'endpoints' | 'options'>,
  host: HostFiles,
  o: { links: Link[]; gateways: string[] },
): ContainerFiles {
  const opt = a.options;
  const hostname = opt.hostname || (a.mode === 'host' ? host.hostname : a.containerId.slice(0, 12));
  if (a.mode === 'host') {
    const extra = hostsFile({ hostname, ips: [], extraHosts: opt.extraHosts, links: [] })
      .split('\n')
      .slice(STANDARD_HOSTS_LINES)
      .join('\n');
    const base = host.hosts.endsWith('\n') || host.hosts === '' ? host.hosts : `${host.hosts}\n`;
    const custom = opt.dns.length || opt.dnsSearch.length || opt.dnsOptions.length;
    const inherited = hostResolvers(host.resolvConf);
    return {
      hosts: base + extra,
      resolvConf: custom
        ? resolvConf({
            nameservers: opt.dns.length ? opt.dns : inherited.nameservers,
            search: opt.dnsSearch.length ? opt.dnsSearch : inherited.search,
            options: opt.dnsOptions.length ? opt.dnsOptions : inherited.options,
          })
        : host.resolvConf,
      hostname: hostnameFile(hostname),
    };
  }
  const inherited = hostResolvers(host.resolvConf);
  const nameservers = o.gateways.length
    ? [...o.gateways, ...opt.dns]
    : opt.dns.length
      ? opt.dns
      : inherited.nameservers;
  return {
    hosts: hostsFile({
      hostname,
      domainname: opt.domainname,
      ips: a.endpoints.map((e) => e.ip ?? '').filter(Boolean),
      extraHosts: opt.extraHosts,
      links: o.links,
    }),
    resolvConf: resolvConf({
      nameservers: [...new Set(nameservers)],
      search: opt.dnsSearch.length ? opt.dnsSearch : inherited.search,
      options: opt.dnsOptions.length ? opt.dnsOptions : inherited.options,
    }),
    hostname: hostnameFile(hostname),
  };
}

/** The paths of a container's files. */
export function containerFilePaths(dir: string, ns: string, containerId: string): ContainerFiles {
  const base = join(dir, ns, containerId);
  return {
    hosts: join(base, 'hosts'),
    resolvConf: join(base, 'resolv.conf'),
    hostname: join(base, 'hostname'),
  };
}

/**
 * Writes the files. In place, not by rename: a running container has them bind-mounted,
 * and a mount holds the inode, so only an in-place write reaches it (docker does the same).
 */
export async function writeContainerFiles(paths: ContainerFiles, files: ContainerFiles): Promise<void> {
  for (const k of ['hosts', 'resolvConf', 'hostname'] as const) {
    await mkdir(dirname(paths[k]), { recursive: true });
    await writeFile(paths[k], files[k], { mode: 0o644 });
  }
}

/** Removes a container's files dir (idempotent). */
export async function removeContainerFiles(dir: string, ns: string, containerId: string): Promise<void> {
  await rm(join(dir, ns, containerId), { recursive: true, force: true });
  await rmdir(join(dir, ns)).catch(() => undefined);
}
