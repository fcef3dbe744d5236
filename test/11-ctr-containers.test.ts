/**
 * System: containerd's `ctr containers` against berth. ctr builds the OCI spec
 * client-side, prepares the container's snapshot on the image's top layer
 * (through berth's snapshotter), and records the container in berth-runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainersClient } from '@berth/proto/containers/v1';
import { dial, serverStream, unary } from '@berth/grpc';
import { AuditClient } from '@berth/proto/berth/events/v1';
import { startSuite, tempRoot, waitFor, type Suite, type TempRoot } from '@berth/testkit';
import { kindOfRejection, missingImagePrerequisite } from './helpers.js';
import { ctr, ctrOk } from './ctr.js';
import { makeBusyboxArchive } from './fixtures/images/busybox.js';

const skip = missingImagePrerequisite();
const IMAGE = 'docker.io/library/busybox:latest';

describe.skipIf(skip !== undefined)(
  `ctr containers against berth ${skip ? `(skipped: ${skip})` : ''}`,
  () => {
    let suite: Suite;
    let tmp: TempRoot;

    beforeAll(async () => {
      suite = await startSuite({ services: ['content', 'snapshotter', 'images', 'runtime'] });
      tmp = tempRoot('berth-containers-');
      await ctrOk(suite.address, ['images', 'import', makeBusyboxArchive(tmp.dir).path]);
    });
    afterAll(async () => {
      await tmp?.cleanup();
      await suite?.stop();
    });

    it('creates a container with its snapshot, lists it, shows its spec and labels, and removes both', async () => {
      const since = new Date();
      const audit = dial(AuditClient, suite.address);
      try {
        await ctrOk(suite.address, [
          'containers',
          'create',
          '--label',
          'app=web',
          IMAGE,
          'web1',
          'echo',
          'hi',
        ]);
        expect((await ctrOk(suite.address, ['containers', 'ls', '-q'])).stdout.trim()).toBe('web1');
        const info = JSON.parse((await ctrOk(suite.address, ['containers', 'info', 'web1'])).stdout) as {
          Image: string;
          Runtime: { Name: string };
          SnapshotKey: string;
          Labels: Record<string, string>;
          Spec: { process: { args: string[] }; root: { path: string } };
        };
        expect(info.Image).toBe(IMAGE);
        expect(info.Runtime.Name).toBe('io.containerd.runc.v2');
        expect(info.SnapshotKey).toBe('web1');
        expect(info.Labels.app).toBe('web');
        expect(info.Spec.process.args).toEqual(['echo', 'hi']);
        expect((await ctrOk(suite.address, ['snapshots', 'ls'])).stdout).toMatch(
          /web1\s+sha256:\S+\s+Active/,
        );
        await ctrOk(suite.address, ['containers', 'label', 'web1', 'tier=front']);
        expect(
          (await ctrOk(suite.address, ['containers', 'ls', 'labels.tier==front', '-q'])).stdout.trim(),
        ).toBe('web1');
        expect(
          (await ctrOk(suite.address, ['containers', 'ls', 'labels.tier==back', '-q'])).stdout.trim(),
        ).toBe('');
        // The event history has create and update (published through the outbox: wait for them).
        const topics = async () => {
          const out: string[] = [];
          const req = { since, filters: ['topic~="^/containers/"'], follow: false };
          for await (const e of serverStream(audit, audit.replay, req)) out.push(e.topic);
          return out.length >= 2 ? out : undefined;
        };
        expect(await waitFor(topics, { timeoutMs: 10_000, what: 'the /containers/* events' })).toEqual([
          '/containers/create',
          '/containers/update',
        ]);
        await ctrOk(suite.address, ['containers', 'rm', 'web1']);
        expect((await ctrOk(suite.address, ['containers', 'ls', '-q'])).stdout.trim()).toBe('');
        expect((await ctrOk(suite.address, ['snapshots', 'ls'])).stdout).not.toContain('web1');
      } finally {
        audit.close();
      }
    });

    it('refuses a duplicate id and answers NotFound for an unknown one', async () => {
      await ctrOk(suite.address, ['containers', 'create', IMAGE, 'dup']);
      const again = await ctr(suite.address, ['containers', 'create', IMAGE, 'dup']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/already exists/);
      const client = dial(ContainersClient, suite.address);
      try {
        expect(await kindOfRejection(unary(client, client.get, { id: 'nope' }))).toBe('NotFound');
        expect(await kindOfRejection(unary(client, client.get, { id: 'bad id!' }))).toBe('InvalidArgument');
      } finally {
        client.close();
      }
      await ctrOk(suite.address, ['containers', 'rm', 'dup']);
    });
  },
);
