/**
 * Reading what a plugin writes: a result on success, the CNI error object
 * (`{"cniVersion", "code", "msg", "details"}`) on failure. Errors become
 * BerthErrors whose message names the plugin and the command.
 */
import { BerthError, type ErrorKind } from '@berth/errdefs';
import type { CniCommand, CniIpConfig, CniResult } from './types.js';

/** Parses a plugin's stdout after success; throws Internal naming the plugin on garbage. */
export function parseResult(plugin: string, stdout: string): CniResult {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new BerthError(
      'Internal',
      `cni plugin ${plugin}: unparsable result ${JSON.stringify(clip(stdout))}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BerthError('Internal', `cni plugin ${plugin}: result is not an object`);
  const r = raw as Record<string, unknown>;
  const out: CniResult = { cniVersion: typeof r['cniVersion'] === 'string' ? r['cniVersion'] : '' };
  if (Array.isArray(r['interfaces'])) out.interfaces = r['interfaces'] as CniResult['interfaces'];
  if (Array.isArray(r['ips']))
    out.ips = (r['ips'] as Array<CniIpConfig & { version?: string }>).map(({ version: _v, ...ip }) => ip);
  if (Array.isArray(r['routes'])) out.routes = r['routes'] as CniResult['routes'];
  if (r['dns'] && typeof r['dns'] === 'object') out.dns = r['dns'] as CniResult['dns'];
  return out;
}

/** Well-known CNI error codes (spec "Error" section). */
const CODE_KIND: Record<number, ErrorKind> = {
  1: 'InvalidArgument', // incompatible CNI version
  2: 'InvalidArgument', // unsupported field in network configuration
  3: 'NotFound', // container unknown or does not exist
  4: 'InvalidArgument', // invalid necessary environment variables
  5: 'Internal', // I/O failure
  6: 'InvalidArgument', // failed to decode content
  7: 'InvalidArgument', // invalid network config
  11: 'Unavailable', // try again later
};

/** A plugin's own failure, typed by its CNI code (and by message for IPAM exhaustion/conflicts). */
export class CniError extends BerthError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly plugin: string,
    readonly code: number,
    readonly cniMessage: string,
    readonly details: string,
  ) {
    super(kind, message);
  }
}

function kindFor(code: number, text: string): ErrorKind {
  if (/requested IP address \S+ is not available|already (been )?allocated|already in use/i.test(text))
    return 'AlreadyExists';
  if (/no IP addresses available|no more addresses|range .*full/i.test(text)) return 'ResourceExhausted';
  return CODE_KIND[code] ?? 'Internal';
}

/**
 * Builds the error for a failed invocation from what the plugin printed (the CNI error object
 * on stdout; plugins that crash print to stderr) and its exit status.
 */
export function parseCniError(
  plugin: string,
  command: CniCommand,
  exit: { code: number | null; signal?: string | null },
  stdout: string,
  stderr: string,
): CniError {
  let code = 999;
  let msg = '';
  let details = '';
  try {
    const e = JSON.parse(stdout) as { code?: unknown; msg?: unknown; details?: unknown };
    if (typeof e.code === 'number') code = e.code;
    if (typeof e.msg === 'string') msg = e.msg;
    if (typeof e.details === 'string') details = e.details;
  } catch {
    // Not the error object: report what the process left behind.
  }
  if (!msg) {
    const why = exit.signal ? `killed by ${exit.signal}` : `exited with status ${exit.code}`;
    msg = clip(stderr.trim() || stdout.trim()) || why;
    if (stderr.trim() || stdout.trim()) details = why;
  }
  const text = details && details !== msg ? `${msg}: ${details}` : msg;
  return new CniError(
    kindFor(code, text),
    `cni plugin ${plugin} failed (${command}): ${text}`,
    plugin,
    code,
    msg,
    details,
  );
}

const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 500)}…` : s);
