/**
 * `berth containers info [--spec] CONTAINER`: the record as ctr prints it (Go
 * field names, 4-space indent) with the OCI spec decoded from its Any.
 */
import { unary } from '@berth/grpc';
import type { Any } from '@berth/proto/google';
import type { Context } from '../../context.js';
import { goJsonTime, openContainers } from './clients.js';

/** gogo's types.Any as Go's encoding/json writes it (omitempty fields). */
const anyJson = (a: Any | undefined) =>
  a
    ? {
        ...(a.typeUrl ? { type_url: a.typeUrl } : {}),
        ...(a.value.length ? { value: Buffer.from(a.value).toString('base64') } : {}),
      }
    : null;

function decodeSpec(a: Any | undefined): unknown {
  if (!a?.value?.length) return undefined;
  try {
    return JSON.parse(Buffer.from(a.value).toString('utf8')) as unknown;
  } catch {
    return anyJson(a);
  }
}

export async function run(ctx: Context, [id]: [string], opts: { spec?: boolean }): Promise<void> {
  const c = openContainers(ctx);
  const { container: x } = await unary(c, c.get, { id }, ctx.callOpts());
  if (!x) throw new Error(`container ${id}: empty answer`);
  const spec = decodeSpec(x.spec);
  if (opts.spec) {
    ctx.stdout.write(JSON.stringify(spec ?? null, null, 4) + '\n');
    return;
  }
  const ext = Object.entries(x.extensions);
  const info = {
    ID: x.id,
    Labels: Object.keys(x.labels).length ? x.labels : null,
    Image: x.image,
    Runtime: { Name: x.runtime?.name ?? '', Options: anyJson(x.runtime?.options) },
    SnapshotKey: x.snapshotKey,
    Snapshotter: x.snapshotter,
    CreatedAt: goJsonTime(x.createdAt),
    UpdatedAt: goJsonTime(x.updatedAt),
    Extensions: ext.length ? Object.fromEntries(ext.map(([k, v]) => [k, anyJson(v)])) : null,
    ...(spec !== undefined ? { Spec: spec } : {}),
  };
  ctx.stdout.write(JSON.stringify(info, null, 4) + '\n');
}
