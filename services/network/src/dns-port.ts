/**
 * What berth-network needs from the network DNS server and the container
 * files (both in their own modules, ./dns and ./files): the interface the
 * attachment logic is written against, so tests can pass a fake.
 */
export { NetworkDns } from './dns/server.js';
export { hostsFile, resolvConf, hostResolvers, hostnameFile } from './files.js';

/** The network DNS as the attachment logic uses it (NetworkDns implements it). */
export interface DnsPort {
  serve(networkId: string, listenIp: string): Promise<void>;
  setRecords(networkId: string, records: Map<string, string[]>): void;
  stop(networkId: string): Promise<void>;
  close(): Promise<void>;
}
