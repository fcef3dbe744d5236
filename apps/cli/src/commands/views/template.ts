/**
 * A subset of Go's text/template, as docker's `--format` and `inspect -f` use
 * it: `{{.A.B}}`, `{{json .X}}`, `{{index .M "k"}}`, pipelines (`{{.X | upper}}`),
 * `{{if}}…{{else}}…{{end}}`, `{{range}}` (with `$k, $v :=`), `{{with}}`, `{{- -}}`
 * trimming, string/number literals, and docker's functions (json, join, split,
 * upper, lower, title, pad, truncate, println) plus Go's builtins (index, len,
 * eq, ne, lt, le, gt, ge, not, and, or, print, printf).
 *
 * Data is plain JSON-like values; a function-valued field is a method
 * (`{{.Label "k"}}`). Values print as Go's %v would print a decoded JSON
 * value: `map[k:v]`, `[a b]`, `<nil>`, and `<no value>` for a missing key.
 * Pure module.
 */

/** A template that failed to parse or to execute; the message reads like Go's. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

type Value = unknown;
type Method = (...args: Value[]) => Value;

// ---- lexing of one action ---------------------------------------------------------------

type Tok =
  | { t: 'field'; names: string[] } // .A.B (names may be empty: ".")
  | { t: 'var'; name: string; names: string[] } // $x.A
  | { t: 'ident'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'op'; v: '(' | ')' | '|' | ':=' | '=' | ',' };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

function lexAction(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fields = (): string[] => {
    const names: string[] = [];
    while (src[i] === '.') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (!m) break;
      names.push(m[0]);
      i = IDENT.lastIndex;
    }
    return names;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '.') {
      IDENT.lastIndex = i + 1;
      if (IDENT.exec(src)) out.push({ t: 'field', names: fields() });
      else {
        i++;
        out.push({ t: 'field', names: [] });
      }
    } else if (c === '$') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      i = m ? IDENT.lastIndex : i + 1;
      out.push({ t: 'var', name: m ? m[0] : '', names: fields() });
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new TemplateError('unterminated quoted string');
      try {
        out.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      } catch {
        throw new TemplateError(`bad string ${src.slice(i, j + 1)}`);
      }
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw quoted string');
      out.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (/[-+0-9]/.test(c)) {
      const m = /[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)/y;
      m.lastIndex = i;
      const r = m.exec(src);
      if (!r) throw new TemplateError(`bad number syntax: ${src.slice(i)}`);
      out.push({ t: 'num', v: Number(r[0]) });
      i = m.lastIndex;
    } else if (src.startsWith(':=', i)) {
      out.push({ t: 'op', v: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      out.push({ t: 'op', v: c as '(' | ')' | '|' | '=' | ',' });
      i++;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(src);
      if (!m) throw new TemplateError(`unexpected ${JSON.stringify(c)} in command`);
      i = IDENT.lastIndex;
      // `(pipe).Field` chains after a parenthesised pipeline are not supported; identifiers are plain.
      out.push({ t: 'ident', v: m[0] });
    }
  }
  return out;
}

// ---- parse tree -------------------------------------------------------------------------

type Arg =
  | { k: 'field'; names: string[] }
  | { k: 'var'; name: string; names: string[] }
  | { k: 'ident'; name: string }
  | { k: 'lit'; v: Value }
  | { k: 'pipe'; pipe: Pipe };

interface Pipe {
  decl: string[];
  cmds: Arg[][];
}

type Node =
  | { n: 'text'; s: string }
  | { n: 'action'; pipe: Pipe }
  | { n: 'if' | 'range' | 'with'; pipe: Pipe; body: Node[]; alt: Node[] };

function parsePipe(toks: Tok[]): Pipe {
  let pos = 0;
  const decl: string[] = [];
  // `$a :=` or `$a, $b :=` at the start.
  const declEnd = toks.findIndex((t) => t.t === 'op' && (t.v === ':=' || t.v === '='));
  if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.t === 'var' || (t.t === 'op' && t.v === ','))) {
    for (const t of toks.slice(0, declEnd)) if (t.t === 'var') decl.push(t.name);
    pos = declEnd + 1;
  }
  const pipe = (): Pipe => {
    const cmds: Arg[][] = [[]];
    while (pos < toks.length) {
      const t = toks[pos++]!;
      if (t.t === 'op' && t.v === ')') {
        pos--;
        break;
      }
      if (t.t === 'op' && t.v === '|') {
        if (cmds.at(-1)!.length === 0) throw new TemplateError('missing command before |');
        cmds.push([]);
        continue;
      }
      const cur = cmds.at(-1)!;
      if (t.t === 'op' && t.v === '(') {
        const inner = pipe();
        const close = toks[pos++];
        if (!close || close.t !== 'op' || close.v !== ')') throw new TemplateError('unclosed left paren');
        cur.push({ k: 'pipe', pipe: inner });
      } else if (t.t === 'field') cur.push({ k: 'field', names: t.names });
      else if (t.t === 'var') cur.push({ k: 'var', name: t.name, names: t.names });
      else if (t.t === 'str' || t.t === 'num') cur.push({ k: 'lit', v: t.v });
      else if (t.t === 'ident') {
        if (t.v === 'true' || t.v === 'false') cur.push({ k: 'lit', v: t.v === 'true' });
        else if (t.v === 'nil') cur.push({ k: 'lit', v: null });
        else cur.push({ k: 'ident', name: t.v });
      } else throw new TemplateError(`unexpected ${t.v} in operand`);
    }
    if (cmds.at(-1)!.length === 0) throw new TemplateError('missing value for command');
    return { decl: [], cmds };
  };
  const p = pipe();
  if (pos < toks.length) throw new TemplateError('unexpected ) in operand');
  return { decl, cmds: p.cmds };
}

/** Splits the source into text and actions, honouring `{{-` and `-}}` trimming; drops comments. */
function split(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) out.push({ text });
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || (src[start] === '-' && /\s/.test(src[start + 1] ?? ''))) {
      text = text.replace(/\s+$/, '');
      start++;
    }
    if (text) out.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    trimNext = false;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    body = body.trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) out.push({ action: body });
    i = close + 2;
  }
  return out;
}

function parse(src: string): Node[] {
  const parts = split(src);
  let pos = 0;
  // Parses nodes until one of `stop` keywords; returns the list and the keyword hit.
  const list = (stop: string[]): { nodes: Node[]; end: string; rest: string } => {
    const nodes: Node[] = [];
    while (pos < parts.length) {
      const p = parts[pos++]!;
      if ('text' in p) {
        nodes.push({ n: 'text', s: p.text });
        continue;
      }
      const kw = /^(if|range|with|else|end)\b\s*/.exec(p.action);
      if (!kw) {
        nodes.push({ n: 'action', pipe: parsePipe(lexAction(p.action)) });
        continue;
      }
      const word = kw[1]!;
      const rest = p.action.slice(kw[0].length);
      if (word === 'end' || word === 'else') {
        if (!stop.includes(word)) throw new TemplateError(`unexpected {{${word}}}`);
        return { nodes, end: word, rest };
      }
      nodes.push(block(word as 'if' | 'range' | 'with', rest));
    }
    if (stop.length) throw new TemplateError('unexpected EOF');
    return { nodes, end: '', rest: '' };
  };
  const block = (kind: 'if' | 'range' | 'with', head: string): Node => {
    if (!head) throw new TemplateError(`missing value for ${kind}`);
    const pipe = parsePipe(lexAction(head));
    const body = list(['else', 'end']);
    let alt: Node[] = [];
    if (body.end === 'else') {
      const chained = /^(if|with)\b\s*/.exec(body.rest);
      if (chained && kind !== 'range') {
        // {{else if …}} / {{else with …}}: a nested block that shares our {{end}}.
        alt = [block(chained[1] as 'if' | 'with', body.rest.slice(chained[0].length))];
      } else {
        alt = list(['end']).nodes;
      }
    }
    return { n: kind, pipe, body: body.nodes, alt };
  };
  return list([]).nodes;
}

// ---- evaluation -------------------------------------------------------------------------

/** A missing map key: prints `<no value>`, is false, and looks up to itself. */
const NO_VALUE = Symbol('no value');

const isMap = (v: Value): v is Record<string, Value> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function truthy(v: Value): boolean {
  if (v === NO_VALUE || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Go's %v of a decoded JSON value. */
export function printValue(v: Value): string {
  if (v === NO_VALUE || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (isMap(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${printValue(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go prints large/small float64 with %v as e+XX.
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function jsonOf(v: Value): string {
  if (v === NO_VALUE || v === undefined) return 'null';
  return JSON.stringify(v, (_k, x: Value) => (typeof x === 'function' ? undefined : x)) ?? 'null';
}

function cmp(a: Value, b: Value, fn: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError(`error calling ${fn}: incompatible types for comparison`);
}

function index(v: Value, ...keys: Value[]): Value {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      if (typeof k !== 'number' || k < 0 || k >= cur.length)
        throw new TemplateError(`error calling index: index out of range: ${printValue(k)}`);
      cur = cur[k];
    } else if (isMap(cur)) {
      cur = Object.hasOwn(cur, String(k)) ? cur[String(k)] : NO_VALUE;
    } else if (cur === null || cur === undefined || cur === NO_VALUE) {
      throw new TemplateError('error calling index: index of untyped nil');
    } else throw new TemplateError(`error calling index: can't index item of type ${typeof cur}`);
  }
  return cur === undefined ? NO_VALUE : cur;
}

function sprintf(format: string, ...args: Value[]): string {
  let i = 0;
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([vsdqfxXtT%])/g,
    (_m, flags: string, w: string, prec, verb) => {
      if (verb === '%') return '%';
      if (i >= args.length) return `%!${verb}(MISSING)`;
      const a = args[i++];
      let s: string;
      switch (verb) {
        case 'q':
          s = JSON.stringify(typeof a === 'string' ? a : printValue(a));
          break;
        case 'd':
          s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${printValue(a)})`;
          break;
        case 'f':
          s = typeof a === 'number' ? a.toFixed(prec ? Number(prec) : 6) : `%!f(${printValue(a)})`;
          break;
        case 'x':
        case 'X':
          s = typeof a === 'number' ? a.toString(16) : Buffer.from(String(a)).toString('hex');
          if (verb === 'X') s = s.toUpperCase();
          break;
        case 't':
          s = String(a);
          break;
        case 'T':
          s =
            a === null
              ? '<nil>'
              : Array.isArray(a)
                ? '[]interface {}'
                : isMap(a)
                  ? 'map[string]interface {}'
                  : typeof a;
          break;
        default:
          s = printValue(a);
      }
      const width = Number(w || 0);
      if (s.length < width) s = flags.includes('-') ? s.padEnd(width) : s.padStart(width);
      return s;
    },
  );
}

/** Go's fmt.Sprint: spaces between operands when neither is a string. */
function sprint(args: Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a);
  });
  return out;
}

const FUNCS: Record<string, Method> = {
  json: (v) => jsonOf(v),
  join: (v, sep) => (Array.isArray(v) ? v.map(printValue).join(String(sep)) : printValue(v)),
  split: (s, sep) => String(s).split(String(sep)),
  upper: (s) => printValue(s).toUpperCase(),
  lower: (s) => printValue(s).toLowerCase(),
  title: (s) =>
    printValue(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  pad: (s, before, after) => ' '.repeat(Number(before)) + printValue(s) + ' '.repeat(Number(after)),
  truncate: (s, n) => [...printValue(s)].slice(0, Number(n)).join(''),
  println: (...a) => a.map(printValue).join(' ') + '\n',
  print: (...a) => sprint(a),
  printf: (f, ...a) => sprintf(String(f), ...a),
  index: (v, ...k) => index(v, ...k),
  len: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new TemplateError(`error calling len: len of ${v === null ? 'nil' : typeof v}`);
  },
  not: (v) => !truthy(v),
  and: (...a) => a.find((x) => !truthy(x)) ?? a.at(-1),
  or: (...a) => a.find((x) => truthy(x)) ?? a.at(-1),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => cmp(a, b, 'lt') < 0,
  le: (a, b) => cmp(a, b, 'le') <= 0,
  gt: (a, b) => cmp(a, b, 'gt') > 0,
  ge: (a, b) => cmp(a, b, 'ge') >= 0,
};

interface Scope {
  dot: Value;
  vars: Map<string, Value>;
}

function field(base: Value, names: string[], args: Value[] | undefined, where: string): Value {
  let cur = base;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (cur === NO_VALUE || cur === undefined) return NO_VALUE;
    if (cur === null)
      throw new TemplateError(`executing at <${where}>: nil pointer evaluating interface {}.${name}`);
    if (!isMap(cur))
      throw new TemplateError(`executing at <${where}>: can't evaluate field ${name} in type ${typeof cur}`);
    const next = Object.hasOwn(cur, name) ? cur[name] : NO_VALUE;
    if (typeof next === 'function') {
      const last = i === names.length - 1;
      cur = (next as Method).apply(cur, last ? (args ?? []) : []);
      if (last) return cur;
    } else cur = next;
  }
  if (args && args.length)
    throw new TemplateError(
      `executing at <${where}>: ${names.at(-1) ?? '.'} has arguments but cannot be invoked as function`,
    );
  return cur;
}

function evalArg(a: Arg, s: Scope): Value {
  switch (a.k) {
    case 'lit':
      return a.v;
    case 'field':
      return field(s.dot, a.names, undefined, '.' + a.names.join('.'));
    case 'var':
      return field(lookupVar(a.name, s), a.names, undefined, '$' + a.name);
    case 'pipe':
      return evalPipe(a.pipe, s);
    case 'ident': {
      const f = FUNCS[a.name];
      if (!f) throw new TemplateError(`function "${a.name}" not defined`);
      return f();
    }
  }
}

function lookupVar(name: string, s: Scope): Value {
  if (name === '') return s.vars.get('');
  if (!s.vars.has(name)) throw new TemplateError(`undefined variable: $${name}`);
  return s.vars.get(name);
}

function evalCmd(cmd: Arg[], s: Scope, final: Value | typeof NONE): Value {
  const [head, ...rest] = cmd as [Arg, ...Arg[]];
  const args = () => {
    const v = rest.map((r) => evalArg(r, s));
    if (final !== NONE) v.push(final);
    return v;
  };
  if (head.k === 'ident') {
    const f = FUNCS[head.name];
    if (!f) throw new TemplateError(`function "${head.name}" not defined`);
    return f(...args());
  }
  if (head.k === 'field' || head.k === 'var') {
    const a = args();
    const base = head.k === 'field' ? s.dot : lookupVar(head.name, s);
    const where = head.k === 'field' ? '.' + head.names.join('.') : '$' + head.name;
    return field(base, head.names, a, where);
  }
  if (rest.length || final !== NONE) throw new TemplateError(`can't give argument to non-function`);
  return evalArg(head, s);
}

const NONE = Symbol('none');

function evalPipe(p: Pipe, s: Scope): Value {
  let v: Value | typeof NONE = NONE;
  for (const c of p.cmds) v = evalCmd(c, s, v);
  const out = v === NONE ? undefined : v;
  for (const d of p.decl) s.vars.set(d, out);
  return out;
}

function exec(nodes: Node[], s: Scope, out: string[]): void {
  for (const node of nodes) {
    switch (node.n) {
      case 'text':
        out.push(node.s);
        break;
      case 'action': {
        const v = evalPipe(node.pipe, s);
        if (node.pipe.decl.length === 0) out.push(printValue(v));
        break;
      }
      case 'if': {
        const inner = { dot: s.dot, vars: new Map(s.vars) };
        exec(truthy(evalPipe(node.pipe, inner)) ? node.body : node.alt, inner, out);
        break;
      }
      case 'with': {
        const inner = { dot: s.dot, vars: new Map(s.vars) };
        const v = evalPipe({ decl: [], cmds: node.pipe.cmds }, inner);
        for (const d of node.pipe.decl) inner.vars.set(d, v);
        if (truthy(v)) exec(node.body, { dot: v, vars: inner.vars }, out);
        else exec(node.alt, inner, out);
        break;
      }
      case 'range': {
        const v = evalPipe({ decl: [], cmds: node.pipe.cmds }, s);
        const items: [Value, Value][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : isMap(v)
            ? Object.keys(v)
                .sort()
                .map((k) => [k, v[k]])
            : typeof v === 'number'
              ? Array.from({ length: v }, (_, i) => [i, i])
              : [];
        if (typeof v === 'string' || typeof v === 'boolean')
          throw new TemplateError(`range can't iterate over ${printValue(v)}`);
        if (items.length === 0) {
          exec(node.alt, s, out);
          break;
        }
        const [kName, vName] = node.pipe.decl.length === 2 ? node.pipe.decl : [undefined, node.pipe.decl[0]];
        for (const [k, x] of items) {
          const vars = new Map(s.vars);
          if (kName !== undefined) vars.set(kName, k);
          if (vName !== undefined) vars.set(vName, x);
          exec(node.body, { dot: x, vars }, out);
        }
        break;
      }
    }
  }
}

/** A parsed template; `execute` may be called many times (once per row). */
export interface Template {
  execute(data: Value): string;
}

/** Parses `src`; throws TemplateError (`template parsing error: …`) when it is malformed. */
export function compileTemplate(src: string): Template {
  let nodes: Node[];
  try {
    nodes = parse(src);
  } catch (err) {
    if (err instanceof TemplateError)
      throw new TemplateError(`template parsing error: template: :1: ${err.message}`);
    throw err;
  }
  return {
    execute(data) {
      const out: string[] = [];
      try {
        exec(nodes, { dot: data, vars: new Map([['', data]]) }, out);
      } catch (err) {
        if (err instanceof TemplateError) throw new TemplateError(`template: :1: ${err.message}`);
        throw err;
      }
      return out.join('');
    },
  };
}

/** Parses and runs `src` once on `data`. */
export const renderTemplate = (src: string, data: Value): string => compileTemplate(src).execute(data);
