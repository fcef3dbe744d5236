/**
 * containerd.services.introspection.v1.Introspection and version.v1.Version.
 * Plugins lists the gateway's own services plus each backend's, with an
 * init error when the backend's socket does not answer, so `ctr plugins ls`
 * doubles as a health view of the suite.
 */
import { connect } from 'node:net';
import { status as Status } from '@grpc/grpc-js';
import type { Plugin, PluginsRequest, PluginsResponse, ServerResponse } from '@berth/proto/introspection/v1';
import type { VersionResponse } from '@berth/proto/version/v1';
import { parseFilters, recordAdaptor } from '@berth/filters';
import type { ResolvedBackend } from './routes.js';

const PLATFORM = { os: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch, variant: '' };

const GATEWAY_PLUGINS = ['namespaces', 'leases', 'events', 'introspection', 'version'].map((id) => ({
  type: 'io.containerd.grpc.v1',
  id,
}));

/** Resolves with an error message when nothing accepts connections on `socket`. */
function probe(socket: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect(socket);
    const t = setTimeout(() => {
      s.destroy();
      resolve('timed out connecting');
    }, 1_000);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(undefined);
    });
    s.once('error', (err) => {
      clearTimeout(t);
      resolve(err.message);
    });
  });
}

export class IntrospectionServer {
  constructor(
    private readonly backends: ResolvedBackend[],
    private readonly uuid: string,
  ) {}

  async plugins(req: PluginsRequest): Promise<PluginsResponse> {
    const f = parseFilters(req.filters);
    const out: Plugin[] = GATEWAY_PLUGINS.map((p) => plugin(p.type, p.id, 'berth-gateway', undefined));
    const health = await Promise.all(this.backends.map((b) => probe(b.socket)));
    this.backends.forEach((b, i) => {
      const err = health[i];
      for (const p of b.plugins)
        out.push(plugin(p.type, p.id, b.process, err && `${b.process} is unavailable (${b.socket}): ${err}`));
    });
    return { plugins: out.filter((p) => f.match(recordAdaptor({ type: p.type, id: p.id }, undefined))) };
  }

  async server(): Promise<ServerResponse> {
    return { uuid: this.uuid };
  }
}

function plugin(type: string, id: string, process: string, err: string | undefined): Plugin {
  return {
    type,
    id,
    requires: [],
    platforms: [PLATFORM],
    exports: { process },
    capabilities: [],
    initErr: err ? { code: Status.UNAVAILABLE, message: err, details: [] } : undefined,
  };
}

export class VersionServer {
  constructor(private readonly info: VersionResponse) {}

  async version(): Promise<VersionResponse> {
    return this.info;
  }
}
