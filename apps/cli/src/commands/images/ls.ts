/**
 * `berth images [-q] [--digests] [--format json] [REPO[:TAG]]`: docker's image
 * list, REPOSITORY TAG IMAGE ID CREATED SIZE, newest first.
 */
import { humanAge, humanSize } from '@berth/cli-kit';
import { parseReference } from '@berth/image';
import type { Context } from '../../context.js';
import { printList, type Format } from '../../output.js';
import { asUsage } from '../../usage.js';
import { createdDate, describeAll, openImageClients, repoTag, shortId, type Described } from './lib.js';

interface LsOptions {
  quiet?: boolean;
  digests?: boolean;
  format?: Format;
}

interface Row {
  repo: string;
  tag: string;
  digest: string;
  id: string;
  created: Date | undefined;
  size: number;
}

export async function run(ctx: Context, [filter]: [string | undefined], opts: LsOptions): Promise<void> {
  const want = filter ? asUsage(() => parseReference(filter)) : undefined;
  const wantRepo = want && repoTag(`${want.domain}/${want.path}`).repo;
  const rows = (await describeAll(ctx, openImageClients(ctx)))
    .map(toRow)
    .filter((r) => !want || (r.repo === wantRepo && (want.tag === undefined || r.tag === want.tag)))
    .sort(
      (a, b) =>
        (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0) ||
        a.repo.localeCompare(b.repo) ||
        a.tag.localeCompare(b.tag),
    );
  if (opts.quiet && opts.format !== 'json') {
    ctx.stdout.write([...new Set(rows.map((r) => shortId(r.id)))].map((id) => id + '\n').join(''));
    return;
  }
  printList(ctx, rows, opts, {
    columns: [
      ['REPOSITORY', (r) => r.repo],
      ['TAG', (r) => r.tag],
      ...(opts.digests ? [['DIGEST', (r: Row) => r.digest] as [string, (r: Row) => string]] : []),
      ['IMAGE ID', (r) => shortId(r.id)],
      ['CREATED', (r) => (r.created ? `${humanAge(r.created)} ago` : 'N/A')],
      ['SIZE', (r) => humanSize(r.size)],
    ],
    id: (r) => shortId(r.id),
    json: (r) => ({
      Repository: r.repo,
      Tag: r.tag,
      Digest: r.digest,
      ID: r.id,
      CreatedAt: r.created?.toISOString() ?? '',
      Size: r.size,
    }),
  });
}

function toRow(d: Described): Row {
  const { repo, tag } = repoTag(d.image.name);
  return {
    repo,
    tag,
    digest: d.image.target?.digest ?? '',
    id: d.id,
    created: createdDate(d.config),
    size: d.raw.size,
  };
}
