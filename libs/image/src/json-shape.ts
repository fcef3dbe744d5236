/**
 * Checks of untrusted JSON against the shapes in ./manifest.ts. Each helper takes the value
 * and its JSON path (`layers[2].digest`) and throws InvalidArgument `<path>: <problem>`.
 * @internal
 */
import { invalidArgument } from '@berth/errdefs';
import { digestProblem } from './digest.js';
import type { Descriptor } from './manifest.js';

type Json = Record<string, unknown>;

const fail = (at: string, problem: string) => invalidArgument(`${at}: ${problem}`);

/** @internal */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @internal */
export function object(v: unknown, at: string): Json {
  if (!isObject(v)) throw fail(at, 'must be an object');
  return v;
}

/** @internal */
export function string(v: unknown, at: string): string {
  if (typeof v !== 'string') throw fail(at, 'must be a string');
  return v;
}

/** @internal */
export function optional<T>(v: unknown, at: string, check: (v: unknown, at: string) => T): void {
  if (v !== undefined) check(v, at);
}

/** @internal Accepts null too: docker writes `"Cmd": null`. */
export function nullable<T>(v: unknown, at: string, check: (v: unknown, at: string) => T): void {
  if (v !== undefined && v !== null) check(v, at);
}

/** @internal */
export function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw fail(at, 'must be an array');
  return v;
}

/** @internal */
export function stringArray(v: unknown, at: string): string[] {
  return array(v, at).map((s, i) => string(s, `${at}[${i}]`));
}

/** @internal */
export function stringMap(v: unknown, at: string): Record<string, string> {
  const o = object(v, at);
  for (const [k, s] of Object.entries(o)) string(s, `${at}[${JSON.stringify(k)}]`);
  return o as Record<string, string>;
}

/** @internal */
export function digest(v: unknown, at: string): string {
  const d = string(v, at);
  const problem = digestProblem(d);
  if (problem !== undefined) throw fail(at, `invalid digest ${JSON.stringify(d)}: ${problem}`);
  return d;
}

/** @internal */
export function descriptor(v: unknown, at: string): Descriptor {
  const o = object(v, at);
  if (string(o.mediaType, `${at}.mediaType`) === '') throw fail(`${at}.mediaType`, 'must not be empty');
  digest(o.digest, `${at}.digest`);
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) {
    throw fail(`${at}.size`, 'must be a non-negative integer');
  }
  optional(o.urls, `${at}.urls`, stringArray);
  optional(o.annotations, `${at}.annotations`, stringMap);
  optional(o.platform, `${at}.platform`, (p, pat) => {
    const po = object(p, pat);
    string(po.os, `${pat}.os`);
    string(po.architecture, `${pat}.architecture`);
    optional(po.variant, `${pat}.variant`, string);
  });
  return o as unknown as Descriptor;
}
