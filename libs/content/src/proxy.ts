/**
 * The content store over gRPC: implements ContentStore by calling a content
 * service (directly or through the gateway). Errors arrive as BerthErrors with
 * the server's kind and message.
 */
import {
  ContentClient,
  WriteAction,
  WriteContentRequest,
  type WriteContentResponse,
} from '@berth/proto/content/v1';
import { LocalContentClient } from '@berth/proto/berth/content/v1';
import { dial, duplex, serverStream, unary, type CallOpts } from '@berth/grpc';
import type { Locator } from './local-read.js';
import type { Labels } from '@berth/labels';
import type { ContentStore, OpenWriterOptions, Writer } from './store.js';
import type { Status } from './types.js';
import { infoFromProto, statusFromProto, timeFromProto } from './convert.js';

/** Largest WRITE frame, as containerd's client uses. */
export const WRITE_CHUNK = 1 << 20;

class ProxyWriter implements Writer {
  private st: Status;
  private last = '';
  constructor(
    readonly ref: string,
    private readonly stream: ReturnType<typeof duplex<WriteContentRequest, WriteContentResponse>>,
    first: WriteContentResponse,
    expected: string,
  ) {
    this.st = this.toStatus(first, expected);
    this.last = first.digest;
  }
  private toStatus(r: WriteContentResponse, expected: string): Status {
    return {
      ref: this.ref,
      offset: r.offset,
      total: r.total,
      expected,
      startedAt: timeFromProto(r.startedAt) ?? new Date(),
      updatedAt: timeFromProto(r.updatedAt) ?? new Date(),
    };
  }
  status(): Status {
    return { ...this.st };
  }
  digest(): string {
    return this.last;
  }
  async write(offset: number, data: Uint8Array): Promise<void> {
    const r = await this.stream.send(
      WriteContentRequest.fromPartial({
        action: WriteAction.WRITE,
        offset,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      }),
    );
    this.st = this.toStatus(r, this.st.expected);
    this.last = r.digest;
  }
  async commit(size: number, expected: string, labels: Labels = {}): Promise<string> {
    const r = await this.stream.send(
      WriteContentRequest.fromPartial({
        action: WriteAction.COMMIT,
        total: size,
        expected,
        offset: this.st.offset,
        labels,
      }),
    );
    void this.stream.close();
    return r.digest || expected;
  }
  async close(): Promise<void> {
    // Wait for the server to end the call: only then is the ref unlocked for the next writer.
    await this.stream.close();
  }
}

/** Creates a ContentStore backed by the gRPC service at `address`. `service` names it in Unavailable errors. */
export function createContentProxy(
  address: string,
  service = 'berth',
): ContentStore & Locator & { close(): void } {
  const client = dial(ContentClient, address);
  const local = dial(LocalContentClient, address);
  const o = (ns: string, extra: Partial<CallOpts> = {}): CallOpts => ({ ns, service, ...extra });
  return {
    close: () => {
      client.close();
      local.close();
    },
    async locate(ns, digest) {
      return unary(local, local.locate, { digest }, o(ns));
    },
    async info(ns, digest) {
      return infoFromProto((await unary(client, client.info, { digest }, o(ns))).info);
    },
    async update(ns, info, paths) {
      const r = await unary(
        client,
        client.update,
        {
          info: {
            digest: info.digest,
            labels: info.labels,
            size: 0,
            createdAt: undefined,
            updatedAt: undefined,
          },
          updateMask: paths ?? [],
        },
        o(ns),
      );
      return infoFromProto(r.info);
    },
    async *list(ns, filters = []) {
      for await (const batch of serverStream(client, client.list, { filters }, o(ns)))
        yield* batch.info.map(infoFromProto);
    },
    async delete(ns, digest) {
      await unary(client, client.delete, { digest }, o(ns));
    },
    async *read(ns, digest, offset = 0, size = 0) {
      for await (const r of serverStream(client, client.read, { digest, offset, size }, o(ns))) yield r.data;
    },
    async status(ns, ref) {
      return statusFromProto((await unary(client, client.status, { ref }, o(ns))).status);
    },
    async listStatuses(ns, filters = []) {
      return (await unary(client, client.listStatuses, { filters }, o(ns))).statuses.map(statusFromProto);
    },
    async abort(ns, ref) {
      await unary(client, client.abort, { ref }, o(ns));
    },
    async writer(ns, opts: OpenWriterOptions, lease?: string): Promise<Writer> {
      const stream = duplex<WriteContentRequest, WriteContentResponse>(
        client,
        client.write,
        o(ns, lease ? { lease } : {}),
      );
      try {
        const first = await stream.send(
          WriteContentRequest.fromPartial({
            action: WriteAction.STAT,
            ref: opts.ref,
            total: opts.total ?? 0,
            expected: opts.expected ?? '',
          }),
        );
        return new ProxyWriter(opts.ref, stream, first, opts.expected ?? '');
      } catch (err) {
        stream.cancel();
        throw err;
      }
    },
  };
}
