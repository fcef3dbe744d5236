import { describe, expect, it } from 'vitest';
import { Metrics as CgroupV1Metrics } from './cgroups/v1.js';
import { Options as RuncOptions } from './runc.js';
import { CreateTaskRequest, GetResponse, TasksService } from './tasks/v1.js';
import { Status } from './types.js';

// Walks the top level of an encoded message and returns [field number, wire type] per field,
// so the tests check containerd's numbering independently of the generated code.
function topLevelFields(bytes: Uint8Array): Array<[number, number]> {
  const fields: Array<[number, number]> = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const wireType = tag & 7;
    fields.push([Math.floor(tag / 8), wireType]);
    if (wireType === 0) varint();
    else if (wireType === 2) {
      const length = varint(); // read before touching pos: `pos += varint()` would use the old pos
      pos += length;
    } else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}

describe('containerd.services.tasks.v1', () => {
  it('round-trips a CreateTaskRequest with containerd field numbers', () => {
    const options = {
      typeUrl: 'containerd.runc.v1.Options',
      // env=node: ts-proto decodes bytes fields as Buffer, so build one for toEqual.
      value: Buffer.from(RuncOptions.encode(RuncOptions.fromPartial({ systemdCgroup: true })).finish()),
    };
    const req = CreateTaskRequest.fromPartial({
      containerId: 'c1',
      rootfs: [{ type: 'overlay', source: 'overlay', options: ['lowerdir=/a'] }],
      stdout: '/run/fifo/out',
      terminal: true,
      options,
      runtimePath: '/usr/bin/containerd-shim-runc-v2',
    });
    const bytes = CreateTaskRequest.encode(req).finish();
    expect(CreateTaskRequest.decode(bytes)).toEqual(req);

    expect(topLevelFields(bytes)).toEqual([
      [1, 2],
      [3, 2],
      [5, 2],
      [7, 0],
      [9, 2],
      [10, 2],
    ]);
    // terminal = field 7, varint: tag byte 0x38; runtime_path = field 10, length-delimited: 0x52.
    const one = (partial: Partial<CreateTaskRequest>) =>
      Array.from(CreateTaskRequest.encode(CreateTaskRequest.fromPartial(partial)).finish());
    expect(one({ terminal: true })).toEqual([0x38, 0x01]);
    expect(one({ runtimePath: 'x' })).toEqual([0x52, 0x01, 0x78]);
    expect(one({ containerId: 'c' })).toEqual([0x0a, 0x01, 0x63]);
    // runc Options.systemd_cgroup is field 9: tag 0x48, value 1.
    expect(Array.from(options.value)).toEqual([0x48, 0x01]);
  });

  it('carries the task Status enum and the gRPC paths', () => {
    const res = GetResponse.fromPartial({ process: { containerId: 'c1', pid: 42, status: Status.RUNNING } });
    const decoded = GetResponse.decode(GetResponse.encode(res).finish());
    expect(decoded.process?.status).toBe(Status.RUNNING);
    expect(Status.PAUSING).toBe(5);
    expect(TasksService.create.path).toBe('/containerd.services.tasks.v1.Tasks/Create');
    expect(TasksService.wait.path).toBe('/containerd.services.tasks.v1.Tasks/Wait');
  });
});

describe('io.containerd.cgroups.v1', () => {
  it('round-trips Metrics with cgroups field numbers', () => {
    const metrics = CgroupV1Metrics.fromPartial({
      pids: { current: 3, limit: 100 },
      cpu: { usage: { total: 1_000_000, perCpu: [600_000, 400_000] } },
      memory: { rss: 4096, usage: { usage: 8192, limit: 2 ** 40 } },
      memoryOomControl: { oomKill: 1 },
    });
    const bytes = CgroupV1Metrics.encode(metrics).finish();
    expect(CgroupV1Metrics.decode(bytes)).toEqual(metrics);
    expect(topLevelFields(bytes)).toEqual([
      [2, 2],
      [3, 2],
      [4, 2],
      [9, 2],
    ]);
    // MemoryStat.usage is field 33 (two-byte tag 0x8a 0x02); rss is field 2.
    const memory = CgroupV1Metrics.decode(bytes).memory;
    expect(memory).toBeDefined();
    const memoryBytes = CgroupV1Metrics.encode({ ...CgroupV1Metrics.fromPartial({}), memory }).finish();
    expect(topLevelFields(memoryBytes.subarray(2))).toEqual([
      [2, 0],
      [33, 2],
    ]);
  });
});
