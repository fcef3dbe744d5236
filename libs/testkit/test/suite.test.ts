import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canConnect, hasBinary, serviceEntry, startSuite } from '@berth/testkit';

const built = ['content', 'gateway'].every((s) => existsSync(serviceEntry(s)));

describe.skipIf(!built || !hasBinary('nats-server'))('startSuite', () => {
  it('starts nats, content and the gateway under a temp root and removes it all on stop', async () => {
    const suite = await startSuite({ services: ['content'] });
    try {
      expect(Object.keys(suite.services).sort()).toEqual(['content', 'gateway']);
      expect(suite.address).toBe(`${suite.state}/berth.sock`);
      expect(await canConnect(suite.address)).toBe(true);
      expect(await canConnect(suite.services['content']!.socket)).toBe(true);
    } finally {
      await suite.stop();
    }
    expect(existsSync(suite.root)).toBe(false);
    const pids = Object.values(suite.services).map((s) => s.pid);
    for (const pid of [...pids, suite.nats!.pid]) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('reports a service that cannot start with its log, and leaves nothing running', async () => {
    await expect(startSuite({ services: ['no-such-service'] })).rejects.toThrow(/no-such-service/);
  });
});
