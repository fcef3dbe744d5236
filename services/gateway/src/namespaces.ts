/**
 * containerd.services.namespaces.v1.Namespaces, stored in the gateway's level db:
 *   v1/namespaces/<name> → { labels, createdAt }
 * Semantics ctr depends on: Get of an unknown namespace succeeds with no labels
 * (clients call it on every run/pull); namespaces also come into being
 * implicitly when something is first written in them (ensure()); Delete is
 * refused while any backend still holds objects there.
 */
import {
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  isAlreadyExists,
  notFound,
} from '@berth/errdefs';
import { KeyedMutex, commit, getOr, key, list, type Db } from '@berth/store';
import { applyLabelMask, validateLabels, type Labels } from '@berth/labels';
import { parseFilters, recordAdaptor } from '@berth/filters';
import { validateIdentifier, type CallContext } from '@berth/grpc';
import { packAny, type EventPublisher } from '@berth/events';
import { NamespaceCreate, NamespaceDelete, NamespaceUpdate } from '@berth/proto/events';
import type {
  CreateNamespaceRequest,
  CreateNamespaceResponse,
  DeleteNamespaceRequest,
  GetNamespaceRequest,
  GetNamespaceResponse,
  ListNamespacesRequest,
  ListNamespacesResponse,
  UpdateNamespaceRequest,
  UpdateNamespaceResponse,
} from '@berth/proto/namespaces/v1';
import type { Empty } from '@berth/proto/google';

interface NsRecord {
  labels: Labels;
  createdAt: string;
}

/** Asks every backend what it still holds in a namespace; Unavailable if one cannot answer. */
export type UsageProbe = (ns: string) => Promise<string[]>;

const nsKey = (name: string) => key('v1', 'namespaces', name);

export class NamespaceStore {
  private readonly lock = new KeyedMutex();
  private readonly known = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventPublisher,
  ) {}

  get(name: string): Promise<NsRecord | undefined> {
    return getOr<NsRecord>(this.db, nsKey(validateIdentifier(name)));
  }

  list(): Promise<Array<[string, NsRecord]>> {
    return list<NsRecord>(this.db, key('v1', 'namespaces'));
  }

  async create(name: string, labels: Labels): Promise<NsRecord> {
    validateIdentifier(name);
    return this.lock.run(name, async () => {
      if (await this.get(name)) throw alreadyExists(`namespace ${name}: already exists`);
      const rec = { labels: validateLabels(labels), createdAt: new Date().toISOString() };
      await commit(this.db, [{ type: 'put', key: nsKey(name), value: rec }]);
      this.known.add(name);
      this.bus.publish(
        name,
        '/namespaces/create',
        packAny('containerd.events.NamespaceCreate', NamespaceCreate, { name, labels: rec.labels }),
      );
      return rec;
    });
  }

  /** Creates `name` if it does not exist yet (implicit creation on first write). Cheap when known. */
  async ensure(name: string): Promise<void> {
    if (this.known.has(name)) return;
    await this.create(name, {}).catch((err) => {
      if (!isAlreadyExists(err)) throw err;
    });
    this.known.add(name);
  }

  async update(name: string, labels: Labels, paths: string[] | undefined): Promise<NsRecord> {
    return this.lock.run(validateIdentifier(name), async () => {
      const cur = await this.get(name);
      if (!cur) throw notFound(`namespace ${name}: not found`);
      const next = {
        ...cur,
        labels: applyLabelMask(cur.labels, labels, paths, (p) => {
          if (p !== 'name') throw invalidArgument(`cannot update ${JSON.stringify(p)} of a namespace`);
        }),
      };
      await commit(this.db, [{ type: 'put', key: nsKey(name), value: next }]);
      this.bus.publish(
        name,
        '/namespaces/update',
        packAny('containerd.events.NamespaceUpdate', NamespaceUpdate, { name, labels: next.labels }),
      );
      return next;
    });
  }

  async delete(name: string, probe: UsageProbe): Promise<void> {
    return this.lock.run(validateIdentifier(name), async () => {
      if (!(await this.get(name))) throw notFound(`namespace ${name}: not found`);
      const held = await probe(name);
      if (held.length)
        throw failedPrecondition(`namespace ${name} must be empty, but it still holds: ${held.join(', ')}`);
      await commit(this.db, [{ type: 'del', key: nsKey(name) }]);
      this.known.delete(name);
      this.bus.publish(
        name,
        '/namespaces/delete',
        packAny('containerd.events.NamespaceDelete', NamespaceDelete, { name }),
      );
    });
  }
}

/** The gRPC adapter. */
export class NamespacesServer {
  constructor(
    private readonly store: NamespaceStore,
    private readonly probe: UsageProbe,
  ) {}

  async get(req: GetNamespaceRequest): Promise<GetNamespaceResponse> {
    // NOTE: never NotFound — containerd clients call Get to read per-namespace defaults.
    const rec = await this.store.get(req.name);
    return { namespace: { name: req.name, labels: rec?.labels ?? {} } };
  }

  async list(req: ListNamespacesRequest): Promise<ListNamespacesResponse> {
    const f = parseFilters(req.filter ? [req.filter] : []);
    const namespaces = (await this.store.list())
      .filter(([name, r]) => f.match(recordAdaptor({ name }, r.labels)))
      .map(([name, r]) => ({ name, labels: r.labels }));
    return { namespaces };
  }

  async create(req: CreateNamespaceRequest): Promise<CreateNamespaceResponse> {
    const name = req.namespace?.name ?? '';
    const rec = await this.store.create(name, req.namespace?.labels ?? {});
    return { namespace: { name, labels: rec.labels } };
  }

  async update(req: UpdateNamespaceRequest): Promise<UpdateNamespaceResponse> {
    const name = req.namespace?.name ?? '';
    const rec = await this.store.update(name, req.namespace?.labels ?? {}, req.updateMask);
    return { namespace: { name, labels: rec.labels } };
  }

  async delete(req: DeleteNamespaceRequest, _ctx: CallContext): Promise<Empty> {
    await this.store.delete(req.name, this.probe);
    return {};
  }
}
