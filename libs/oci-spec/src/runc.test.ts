// Runs a built spec under the host's runc with a one-binary busybox rootfs: the check that the
// spec is not only well-formed but accepted and honoured by a real runtime. Needs root and runc;
// skipped otherwise.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildSpec } from './build-spec.js';
import type { RunOptions } from './run-options.js';

const run = promisify(execFile);
const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const hasRunc = spawnSync('runc', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;

const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n';
const group = 'root:x:0:\nnogroup:x:65534:\nusers:x:100:nobody\n';

async function runInRunc(opts: RunOptions): Promise<{ stdout: string; code: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-oci-spec-'));
  const id = `id-${randomBytes(6).toString('hex')}`;
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'etc'));
    await copyFile(busybox!, join(rootfs, 'bin/busybox'));
    for (const tool of ['sh', 'id', 'hostname', 'touch', 'cat'])
      await symlink('busybox', join(rootfs, 'bin', tool));
    await writeFile(join(rootfs, 'etc/passwd'), passwd);
    await writeFile(join(rootfs, 'etc/group'), group);
    const spec = buildSpec(opts, undefined, { id, namespace: 'oci-spec-test', passwd, group });
    await writeFile(join(dir, 'config.json'), JSON.stringify(spec, null, 2));
    try {
      const { stdout } = await run('runc', ['run', '--bundle', dir, id], { timeout: 30_000 });
      return { stdout, code: 0 };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw err;
      return { stdout: e.stdout ?? '', code: e.code };
    }
  } finally {
    await run('runc', ['delete', '-f', id]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!isRoot || !hasRunc || !busybox)('runc accepts the spec', () => {
  it('runs sh -c "echo ok" with the default spec', async () => {
    expect(await runInRunc({ cmd: ['sh', '-c', 'echo ok'] })).toEqual({ stdout: 'ok\n', code: 0 });
  }, 60_000);

  it('honours user, hostname, read-only rootfs, tmpfs and the exit code', async () => {
    const script =
      'id -u; id -G; hostname; touch /x 2>/dev/null || echo ro; touch /scratch/y && echo tmpfs; exit 3';
    const result = await runInRunc({
      cmd: ['sh', '-c', script],
      user: 'nobody',
      hostname: 'box',
      readOnly: true,
      tmpfs: { '/scratch': 'size=1m,mode=1777' },
    });
    expect(result).toEqual({ stdout: '65534\n65534 100\nbox\nro\ntmpfs\n', code: 3 });
  }, 60_000);
});
