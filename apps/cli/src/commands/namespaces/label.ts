/**
 * `berth namespaces label <name> [k=v | k= ...]`: sets or removes only the
 * named labels (field mask `labels.<k>`) and prints the resulting labels;
 * with none given it only prints them.
 */
import { NamespacesClient, GetNamespaceRequest, UpdateNamespaceRequest } from '@berth/proto/namespaces/v1';
import { unary } from '@berth/grpc';
import { formatLabels } from '@berth/cli-kit';
import { parseLabelArgs } from '@berth/labels';
import type { Context } from '../../context.js';
import { openClient } from '../../clients.js';
import { asUsage } from '../../usage.js';

export async function run(ctx: Context, [name, args]: [string, string[]]): Promise<void> {
  const labels = asUsage(() => parseLabelArgs(args));
  const client = openClient(ctx, NamespacesClient);
  const updateMask = Object.keys(labels).map((k) => `labels.${k}`);
  // An empty mask would replace every label with none: only read in that case.
  const { namespace } = updateMask.length
    ? await unary(
        client,
        client.update,
        UpdateNamespaceRequest.fromPartial({ namespace: { name, labels }, updateMask }),
        ctx.callOpts(),
      )
    : await unary(client, client.get, GetNamespaceRequest.fromPartial({ name }), ctx.callOpts());
  ctx.stdout.write(formatLabels(namespace?.labels ?? {}, '') + '\n');
}
