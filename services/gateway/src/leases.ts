/**
 * containerd.services.leases.v1.Leases. A lease protects what a multi-step
 * client operation (pull, import, run) creates until it is referenced; the
 * garbage collectors of content and snapshots read leases from here. Schema v1:
 *   v1/leases/<ns>/<id>                        → { createdAt, labels }
 *   v1/lease-res/<ns>/<id>/<type>/<resource>   → 1
 * Resource types: `content` (digest), `ingests` (write ref), `snapshots/<snapshotter>` (key).
 * Lease and resource ids are escaped with encodeURIComponent because they may contain `/`.
 */
import { randomBytes } from 'node:crypto';
import { alreadyExists, invalidArgument, notFound, notImplemented } from '@berth/errdefs';
import { KeyedMutex, commit, getOr, key, list, type BatchOp, type Db } from '@berth/store';
import { validateLabels, type Labels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { validateIdentifier, type CallContext } from '@berth/grpc';
import type {
  AddResourceRequest,
  CreateRequest,
  CreateResponse,
  DeleteRequest,
  DeleteResourceRequest,
  ListRequest,
  ListResourcesRequest,
  ListResourcesResponse,
  ListResponse,
  Resource,
} from '@berth/proto/leases/v1';
import type { Empty } from '@berth/proto/google';

interface LeaseRecord {
  createdAt: string;
  labels: Labels;
}

const leaseKey = (ns: string, id: string) => key('v1', 'leases', ns, encodeURIComponent(id));
const resPrefix = (ns: string, id: string) => key('v1', 'lease-res', ns, encodeURIComponent(id));
const resKey = (ns: string, id: string, r: Resource) =>
  key(resPrefix(ns, id), encodeURIComponent(r.type), encodeURIComponent(r.id));

function validateResource(r: Resource | undefined): Resource {
  if (!r || !r.id) throw invalidArgument('lease resource: id is required');
  if (r.type !== 'content' && r.type !== 'ingests' && !/^snapshots\/[A-Za-z0-9._-]+$/.test(r.type))
    throw notImplemented(`lease resource type ${JSON.stringify(r.type)} is not supported`);
  return r;
}

// Lease ids are free-form in containerd: ctr sends "926899786-W-AH", and `ctr images mount`
// uses the mount target path ("/mnt/x"), so they are URI-encoded inside level keys.
function validateLeaseId(id: string): string {
  if (!id || id.length > 4096)
    throw invalidArgument(`lease id ${JSON.stringify(id.slice(0, 64))} is invalid`);
  return id;
}

export class LeasesServer {
  private readonly lock = new KeyedMutex();

  constructor(private readonly db: Db) {}

  async create(req: CreateRequest, ctx: CallContext): Promise<CreateResponse> {
    const id = validateLeaseId(req.id || `${Date.now()}-${randomBytes(3).toString('hex')}`);
    const labels = validateLabels(req.labels);
    return this.lock.run(`${ctx.ns}/${id}`, async () => {
      if (await getOr(this.db, leaseKey(ctx.ns, id))) throw alreadyExists(`lease ${id}: already exists`);
      const rec: LeaseRecord = { createdAt: new Date().toISOString(), labels };
      await commit(this.db, [{ type: 'put', key: leaseKey(ctx.ns, id), value: rec }]);
      return { lease: { id, createdAt: new Date(rec.createdAt), labels } };
    });
  }

  async delete(req: DeleteRequest, ctx: CallContext): Promise<Empty> {
    const id = validateLeaseId(req.id);
    await this.lock.run(`${ctx.ns}/${id}`, async () => {
      if (!(await getOr(this.db, leaseKey(ctx.ns, id)))) throw notFound(`lease ${id}: not found`);
      const ops: BatchOp[] = [{ type: 'del', key: leaseKey(ctx.ns, id) }];
      for (const [rest] of await list(this.db, resPrefix(ctx.ns, id)))
        ops.push({ type: 'del', key: key(resPrefix(ctx.ns, id), rest) });
      await commit(this.db, ops);
    });
    // NOTE: `sync` asks for a GC pass; collection is owned by each store and runs on its own schedule.
    return {};
  }

  async list(req: ListRequest, ctx: CallContext): Promise<ListResponse> {
    const f = parseFilters(req.filters);
    const leases = (await list<LeaseRecord>(this.db, key('v1', 'leases', validateIdentifier(ctx.ns))))
      .filter(([k, r]) => f.match(recordAdaptor({ id: decodeURIComponent(k) }, r.labels)))
      .map(([k, r]) => ({ id: decodeURIComponent(k), createdAt: new Date(r.createdAt), labels: r.labels }));
    return { leases };
  }

  async addResource(req: AddResourceRequest, ctx: CallContext): Promise<Empty> {
    const id = validateLeaseId(req.id);
    const r = validateResource(req.resource);
    await this.lock.run(`${ctx.ns}/${id}`, async () => {
      if (!(await getOr(this.db, leaseKey(ctx.ns, id)))) throw notFound(`lease ${id}: not found`);
      await commit(this.db, [{ type: 'put', key: resKey(ctx.ns, id, r), value: 1 }]);
    });
    return {};
  }

  async deleteResource(req: DeleteResourceRequest, ctx: CallContext): Promise<Empty> {
    const id = validateLeaseId(req.id);
    const r = validateResource(req.resource);
    await this.lock.run(`${ctx.ns}/${id}`, async () => {
      if (!(await getOr(this.db, leaseKey(ctx.ns, id)))) throw notFound(`lease ${id}: not found`);
      await commit(this.db, [{ type: 'del', key: resKey(ctx.ns, id, r) }]);
    });
    return {};
  }

  async listResources(req: ListResourcesRequest, ctx: CallContext): Promise<ListResourcesResponse> {
    const id = validateLeaseId(req.id);
    if (!(await getOr(this.db, leaseKey(ctx.ns, id)))) throw notFound(`lease ${id}: not found`);
    const resources = (await list(this.db, resPrefix(ctx.ns, id))).map(([rest]) => {
      const [type = '', rid = ''] = rest.split('/');
      return { type: decodeURIComponent(type), id: decodeURIComponent(rid) };
    });
    return { resources };
  }
}
