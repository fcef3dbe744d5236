import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, hasBinary, startNats, tempRoot, type NatsServer } from '@berth/testkit';

describe.skipIf(!hasBinary('nats-server'))('startNats', () => {
  const tmp = tempRoot('berth-nats-');
  let nats: NatsServer | undefined;
  afterAll(async () => {
    await nats?.stop();
    await tmp.cleanup();
  });

  it('starts a JetStream nats-server on loopback that survives kill and restart on the same port', async () => {
    nats = await startNats({ dir: tmp.dir });
    const target = { host: '127.0.0.1', port: nats.port };
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await canConnect(target)).toBe(true);
    expect(nats.log()).toMatch(/JetStream/);

    const firstPid = nats.pid;
    await nats.kill();
    expect(await canConnect(target)).toBe(false);

    await nats.restart();
    expect(nats.pid).not.toBe(firstPid);
    expect(await canConnect(target)).toBe(true);
  });
});
