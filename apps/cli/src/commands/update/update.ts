/**
 * `berth update [flags] CONTAINER...`: docker update's resource flags. For each container the
 * new limits are checked against its current ones (docker's rules), applied to a live task with
 * Tasks.Update (runc update: OCI LinuxResources), then written into the container's spec
 * (Containers.Update, mask `spec`), so a later start keeps them. Prints each container as named,
 * then docker's warnings; exits 1 when any failed.
 */
import { getContainer, getTask, probeResourceHost, resolveContainer, SPEC_TYPE_URL } from '@berth/client';
import { wrap } from '@berth/errdefs';
import { Status } from '@berth/proto/types';
import { unary } from '@berth/grpc';
import { resourcesUpdate, type ResourceHost, type ResourceLimits, type Spec } from '@berth/oci-spec';
import type { Context } from '../../context.js';
import { forEach } from '../../each.js';
import { openContainerClients } from '../container/lib.js';
import type { ResourceFlags } from './flags.js';
import { resourceOptions } from './options.js';

/** The type containerd's Tasks.Update takes for runc. */
export const LINUX_RESOURCES_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

export async function run(ctx: Context, [refs]: [string[]], f: ResourceFlags): Promise<number> {
  const opts = resourceOptions(f);
  const host: ResourceHost = probeResourceHost();
  // Flags alone must make sense before any container is touched.
  resourcesUpdate(opts, host);
  const c = openContainerClients(ctx);
  const warnings = new Set<string>();
  const status = await forEach(ctx, refs, async (ref) => {
    const { id } = await resolveContainer(c, ref);
    const container = await getContainer(c, id);
    const spec = JSON.parse(Buffer.from(container.spec?.value ?? []).toString('utf8') || '{}') as Spec;
    const { devices = [], ...current } = spec.linux?.resources ?? { devices: [] };
    const u = resourcesUpdate(opts, host, current as ResourceLimits);
    u.warnings.forEach((w) => warnings.add(w));
    // A live task changes now; one that has exited (or none) gets the limits at its next start.
    const task = await getTask(c, id);
    if (task && [Status.CREATED, Status.RUNNING, Status.PAUSED].includes(task.status)) {
      try {
        await unary(
          c.tasks,
          c.tasks.update,
          {
            containerId: id,
            resources: { typeUrl: LINUX_RESOURCES_TYPE_URL, value: Buffer.from(JSON.stringify(u.resources)) },
            annotations: {},
          },
          c.opts,
        );
      } catch (err) {
        throw wrap(err, `Cannot update container ${id}`);
      }
    }
    const next: Spec = { ...spec, linux: { ...spec.linux, resources: { devices, ...u.merged } } };
    await unary(
      c.containers,
      c.containers.update,
      {
        container: {
          ...container,
          spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(next)) },
        },
        updateMask: ['spec'],
      },
      c.opts,
    );
  });
  if (warnings.size) ctx.stdout.write([...warnings].join('\n') + '\n');
  return status;
}
