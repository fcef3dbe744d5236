/**
 * `berth ps [-a] [-q] [--no-trunc] [-n N] [-l] [-f k=v]… [--format …] [-s]`:
 * docker's container list from one Runtime.List call (no per-container RPC
 * unless -s asks for sizes).
 */
import { unary } from '@berth/grpc';
import { notFound } from '@berth/errdefs';
import type { ContainerSummary } from '@berth/proto/berth/runtime/v1';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { openRuntime } from './runtime.js';
import {
  byCreatedDesc,
  filtersNeedAll,
  matchPs,
  parsePsFilters,
  psContext,
  psHeaderContext,
  psJson,
  psTableRows,
  type MatchContext,
  type PsContext,
} from './ps-view.js';
import { renderList } from './list.js';

export interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  trunc?: boolean;
  last?: string;
  latest?: boolean;
  filter?: string[];
  format?: string;
  size?: boolean;
}

export async function run(ctx: Context, _args: [], opts: PsOptions): Promise<void> {
  const filters = asUsage(() => parsePsFilters(opts.filter ?? []));
  const last = opts.latest ? 1 : opts.last === undefined ? -1 : asUsage(() => parseLast(opts.last ?? ''));
  const all = !!opts.all || last > 0 || filtersNeedAll(filters);
  const rt = openRuntime(ctx);
  const listed = (await unary(rt, rt.list, { all: true, filters: [] }, ctx.callOpts())).containers;
  const m: MatchContext = {};
  if (filters.has('before')) m.before = createdOf(listed, filters.get('before')!.at(-1)!);
  if (filters.has('since')) m.since = createdOf(listed, filters.get('since')!.at(-1)!);
  if (filters.has('ancestor')) m.ancestor = await ancestorMatcher();
  let rows = listed
    .filter((s) => all || s.state === 'running' || s.state === 'paused' || s.state === 'restarting')
    .filter((s) => matchPs(filters, s, m))
    .sort(byCreatedDesc);
  if (last > 0) rows = rows.slice(0, last);

  const now = new Date();
  const trunc = opts.trunc !== false;
  const sizes = opts.size ? await sizesOf(ctx, rows) : undefined;
  const contexts = rows.map((s) => psContext(s, { trunc, now, ...(sizes ? { sizes } : {}) }));
  ctx.stdout.write(render(contexts, opts, !!opts.size));
}

function parseLast(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new Error(`invalid argument "${s}" for "-n, --last": not a number`);
  return Number(s);
}

function render(cs: PsContext[], opts: PsOptions, withSize: boolean): string {
  return renderList(cs, opts, {
    id: (c) => c.ID,
    table: (rows) => psTableRows(rows, withSize),
    json: psJson,
    header: psHeaderContext,
  });
}

/** The creation time of the container `ref` names among `listed` (id, name, then id prefix). */
function createdOf(listed: ContainerSummary[], ref: string): Date {
  const c =
    listed.find((s) => s.id === ref) ??
    listed.find((s) => s.name === ref.replace(/^\//, '')) ??
    listed.find((s) => s.id.startsWith(ref));
  if (!c) throw notFound(`No such container: ${ref}`);
  return c.createdAt ?? new Date(0);
}

/** ancestor=IMAGE: the container's image names the same reference (normalised) as IMAGE. */
async function ancestorMatcher(): Promise<(image: string, want: string) => boolean> {
  const { formatReference, normalizeReference } = await import('@berth/image');
  const canon = (s: string): string => {
    try {
      return formatReference(normalizeReference(s));
    } catch {
      return s;
    }
  };
  return (image, want) => image === want || canon(image) === canon(want);
}

/** `-s`: bytes in each container's own snapshot, and that plus its image's layers. */
async function sizesOf(ctx: Context, rows: ContainerSummary[]) {
  const { containerSizes } = await import('./sizes.js');
  return containerSizes(
    ctx,
    rows.map((r) => r.id),
  );
}
