/**
 * containerd's filter language, used by List, ListStatuses, Subscribe and friends:
 *
 *   filters   := selector ("," selector)*        — AND within one string
 *   selector  := fieldpath [op value]            — no op: the field must be present
 *   fieldpath := part ("." part)*                — a part may be "quoted" (labels."a.b/c")
 *   op        := "==" | "!=" | "~="              — ~= is a regular expression match
 *   value     := bare | "quoted" | /regex/
 *
 * Several filter strings are OR'ed together; no strings at all matches everything.
 */
import { invalidArgument } from '@berth/errdefs';

/** Looks up a field path on an object; returns undefined when the field is absent. */
export type Adaptor = (path: readonly string[]) => string | undefined;

export interface Selector {
  path: string[];
  op?: '==' | '!=' | '~=';
  value?: string;
  re?: RegExp;
}

/** A parsed filter set: an OR of ANDs of selectors. */
export interface Filter {
  match(adaptor: Adaptor): boolean;
  /** The parsed form, for services that can push a selector down (e.g. namespace==x). */
  readonly alternatives: readonly (readonly Selector[])[];
}

class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  eof = () => this.i >= this.s.length;
  peek = () => this.s[this.i] ?? '';
  skipSpace() {
    while (/\s/.test(this.peek())) this.i++;
  }
  fail(what: string): never {
    throw invalidArgument(`filter ${JSON.stringify(this.s)}: ${what} at position ${this.i}`);
  }
  quoted(q: string): string {
    this.i++; // opening quote
    let out = '';
    while (!this.eof() && this.peek() !== q) {
      if (this.peek() === '\\') {
        this.i++;
        const c = this.peek();
        // In "strings" backslash escapes the next char; in /regex/ only \/ is ours, the rest is RegExp's.
        if (q === '"') out += c === 'n' ? '\n' : c === 't' ? '\t' : c;
        else out += c === q ? c : `\\${c}`;
      } else out += this.peek();
      this.i++;
    }
    if (this.eof()) this.fail('unterminated quote');
    this.i++;
    return out;
  }
}

const FIELD_STOP = /[.,=!~\s"]/;

function parsePath(sc: Scanner): string[] {
  const path: string[] = [];
  for (;;) {
    sc.skipSpace();
    if (sc.peek() === '"') path.push(sc.quoted('"'));
    else {
      const start = sc.i;
      while (!sc.eof() && !FIELD_STOP.test(sc.peek())) sc.i++;
      if (sc.i === start) sc.fail('expected a field name');
      path.push(sc.s.slice(start, sc.i));
    }
    if (sc.peek() !== '.') return path;
    sc.i++;
  }
}

function parseValue(sc: Scanner, op: string): string {
  sc.skipSpace();
  const c = sc.peek();
  if (c === '"') return sc.quoted('"');
  if (c === '/' && op === '~=') return sc.quoted('/');
  const start = sc.i;
  while (!sc.eof() && sc.peek() !== ',') sc.i++;
  const v = sc.s.slice(start, sc.i).trim();
  if (v === '') sc.fail('expected a value');
  return v;
}

function parseSelector(sc: Scanner): Selector {
  const path = parsePath(sc);
  sc.skipSpace();
  const two = sc.s.slice(sc.i, sc.i + 2);
  if (two !== '==' && two !== '!=' && two !== '~=') {
    if (!sc.eof() && sc.peek() !== ',') sc.fail(`unexpected ${JSON.stringify(sc.peek())}`);
    return { path };
  }
  sc.i += 2;
  const value = parseValue(sc, two);
  if (two !== '~=') return { path, op: two, value };
  try {
    return { path, op: two, value, re: new RegExp(value) };
  } catch {
    return sc.fail(`invalid regular expression ${JSON.stringify(value)}`);
  }
}

/** Parses one filter string into the selectors it ANDs together. */
export function parseOne(expr: string): Selector[] {
  const sc = new Scanner(expr);
  const out: Selector[] = [];
  for (;;) {
    sc.skipSpace();
    out.push(parseSelector(sc));
    sc.skipSpace();
    if (sc.eof()) return out;
    if (sc.peek() !== ',') sc.fail(`unexpected ${JSON.stringify(sc.peek())}`);
    sc.i++;
  }
}

function matchSelector(sel: Selector, adaptor: Adaptor): boolean {
  const v = adaptor(sel.path);
  switch (sel.op) {
    case undefined:
      return v !== undefined;
    case '==':
      return v === sel.value;
    case '!=':
      return v !== sel.value;
    case '~=':
      return v !== undefined && sel.re!.test(v);
  }
}

/** Parses filter strings (OR'ed); empty strings are ignored. Throws InvalidArgument on bad syntax. */
export function parseFilters(exprs: readonly string[]): Filter {
  const alternatives = exprs.filter((e) => e.trim() !== '').map(parseOne);
  return {
    alternatives,
    match: (adaptor) =>
      alternatives.length === 0 || alternatives.some((all) => all.every((s) => matchSelector(s, adaptor))),
  };
}
