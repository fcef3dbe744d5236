/**
 * `berth load [-i FILE] [-q]`: streams a docker-archive or OCI layout tar (FILE
 * or stdin) to Transfer.Import, which stores, unpacks and records its images;
 * prints "Loaded image: <name>" for each, as docker does.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { Metadata } from '@grpc/grpc-js';
import { NAMESPACE_KEY, clientError } from '@berth/grpc';
import { WRITE_CHUNK } from '@berth/content';
import type { ImportRequest, ImportResponse } from '@berth/proto/berth/images/v1';
import type { Context } from '../../context.js';
import { UsageError } from '../../usage.js';
import { openImageClients, shortName } from './lib.js';

interface LoadOptions {
  input?: string;
  quiet?: boolean;
}

export async function run(ctx: Context, _args: [], opts: LoadOptions): Promise<void> {
  if (!opts.input && process.stdin.isTTY)
    throw new UsageError('requested load from stdin, but stdin is a terminal: use -i FILE or redirect');
  const input: AsyncIterable<Buffer> = opts.input
    ? createReadStream(opts.input, { highWaterMark: WRITE_CHUNK })
    : process.stdin;
  const { transfer } = openImageClients(ctx);
  const md = new Metadata();
  md.set(NAMESPACE_KEY, ctx.namespace);
  const res = await new Promise<ImportResponse>((resolve, reject) => {
    const call = transfer.import(md, {}, (err, r) =>
      err ? reject(clientError(err, { ns: ctx.namespace, service: 'berth' }, 'import')) : resolve(r),
    );
    const send = async (req: ImportRequest) => {
      if (!call.write(req)) await once(call, 'drain');
    };
    (async () => {
      await send({
        body: { $case: 'options', value: { defaultName: '', skipUnpack: false, platform: undefined } },
      });
      for await (const chunk of input)
        for (let o = 0; o < chunk.length; o += WRITE_CHUNK)
          await send({ body: { $case: 'data', value: chunk.subarray(o, o + WRITE_CHUNK) } });
      call.end();
    })().catch((err: unknown) => {
      call.cancel();
      reject(err);
    });
  });
  if (opts.quiet) return;
  res.names.forEach((name, i) =>
    ctx.stdout.write(
      name ? `Loaded image: ${shortName(name)}\n` : `Loaded image ID: ${res.images[i]?.digest}\n`,
    ),
  );
}
