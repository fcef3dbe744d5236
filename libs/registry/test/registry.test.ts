// System tests against Debian's real registry (distribution 2.8) on 127.0.0.1: uploads
// (monolithic, chunked, mounted), downloads (whole and resumed), manifests, tags, login.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, kindOf } from '@berth/errdefs';
import { tempRoot, type TempRoot } from '@berth/testkit';
import {
  OCI_MANIFEST,
  createRegistryClient,
  credentialsFor,
  fileCredentials,
  login,
  logout,
  type RegistryClient,
} from '../src/index.js';
import { registrySkipReason, startRegistry, type TestRegistry } from '@berth/testkit';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const opener = (b: Buffer) => (offset: number) => Readable.from([b.subarray(offset)]);

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

/** Pushes a config and a layer to `repo` and returns an OCI manifest referencing them. */
async function pushImage(client: RegistryClient, host: string, repo: string): Promise<Buffer> {
  const layer = randomBytes(64 << 10);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  await client.pushBlob(host, repo, sha256(config), config.length, opener(config));
  await client.pushBlob(host, repo, sha256(layer), layer.length, opener(layer));
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
      ],
    }),
  );
}

const skip = registrySkipReason();

describe.skipIf(skip)(`registry client against docker-registry${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    reg = await startRegistry();
    client = createRegistryClient({ retryBaseDelayMs: 10 });
  });
  afterAll(async () => {
    client?.close();
    await reg?.stop();
  });

  it('pushes a blob monolithically and reads it back byte for byte', async () => {
    const blob = randomBytes(3 << 20);
    const digest = sha256(blob);
    expect(await client.blobExists(reg.host, 'test/mono', digest)).toBe(false);
    let progress = 0;
    const how = await client.pushBlob(reg.host, 'test/mono', digest, blob.length, opener(blob), {
      onProgress: (n) => (progress = n),
    });
    expect(how).toBe('uploaded');
    expect(progress).toBe(blob.length);
    expect(await client.blobExists(reg.host, 'test/mono', digest)).toBe(true);
    expect(await client.pushBlob(reg.host, 'test/mono', digest, blob.length, opener(blob))).toBe('exists');
    const got = await client.fetchBlob(reg.host, 'test/mono', digest);
    expect(got.size).toBe(blob.length);
    expect((await collect(got.stream)).equals(blob)).toBe(true);
  });

  it('pushes a blob in chunks and resumes a download from an offset', async () => {
    const blob = randomBytes((5 << 20) + 12345);
    const digest = sha256(blob);
    const how = await client.pushBlob(reg.host, 'test/chunked', digest, blob.length, opener(blob), {
      chunkSize: 1 << 20,
    });
    expect(how).toBe('uploaded');
    const offset = (2 << 20) + 7;
    let seen = 0;
    const got = await client.fetchBlob(reg.host, 'test/chunked', digest, {
      offset,
      onProgress: (n) => (seen = n),
    });
    expect(got).toMatchObject({ size: blob.length, offset });
    expect((await collect(got.stream)).equals(blob.subarray(offset))).toBe(true);
    expect(seen).toBe(blob.length - offset);
  });

  it('mounts a blob from another repository instead of uploading it', async () => {
    const blob = randomBytes(200 << 10);
    const digest = sha256(blob);
    await client.pushBlob(reg.host, 'test/src', digest, blob.length, opener(blob));
    const open = () => {
      throw new Error('mount should not read the blob');
    };
    expect(
      await client.pushBlob(reg.host, 'test/dst', digest, blob.length, open, { mountFrom: 'test/src' }),
    ).toBe('mounted');
    expect(await client.blobExists(reg.host, 'test/dst', digest)).toBe(true);
  });

  it('pushes a manifest, resolves its tag to the same digest and lists tags', async () => {
    const manifest = await pushImage(client, reg.host, 'test/img');
    const digest = await client.pushManifest(reg.host, 'test/img', 'v1', manifest, OCI_MANIFEST);
    expect(digest).toBe(sha256(manifest));
    await client.pushManifest(reg.host, 'test/img', 'v2', manifest, OCI_MANIFEST);
    expect(await client.resolve(reg.host, 'test/img', 'v1')).toEqual({
      digest,
      mediaType: OCI_MANIFEST,
      size: manifest.length,
    });
    expect((await client.resolve(reg.host, 'test/img', digest)).digest).toBe(digest);
    expect((await client.fetchManifest(reg.host, 'test/img', digest)).equals(manifest)).toBe(true);
    expect((await client.listTags(reg.host, 'test/img')).sort()).toEqual(['v1', 'v2']);
  });

  it('reports NotFound for an unknown tag and an unknown blob', async () => {
    const err = await client.resolve(reg.host, 'test/busybox', 'nope').catch((e: unknown) => e);
    expect(kindOf(err)).toBe('NotFound');
    expect((err as Error).message).toBe(`manifest unknown: ${reg.host}/test/busybox:nope`);
    const missing = sha256(randomBytes(16));
    const blobErr = await client.fetchBlob(reg.host, 'test/mono', missing).catch((e: unknown) => e);
    expect(isNotFound(blobErr)).toBe(true);
    expect((blobErr as Error).message).toContain(`${reg.host}/test/mono@${missing}`);
    expect(await client.blobExists(reg.host, 'test/mono', missing)).toBe(false);
  });
});

const authSkip = registrySkipReason({ auth: true });

describe.skipIf(authSkip)(`login and htpasswd auth${authSkip ? ` (skipped: ${authSkip})` : ''}`, () => {
  const user = { user: 'jack', pass: 'secret-pass' };
  let reg: TestRegistry;
  let tmp: TempRoot;
  let configPath: string;
  beforeAll(async () => {
    reg = await startRegistry({ auth: user });
    tmp = tempRoot('berth-login-');
    configPath = join(tmp.dir, 'berth', 'config.json');
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  it('refuses a wrong password and stores nothing', async () => {
    const err = await login(reg.host, user.user, 'wrong', configPath).catch((e: unknown) => e);
    expect(kindOf(err)).toBe('Unauthenticated');
    expect((err as Error).message).toMatch(/authentication required/);
    expect(existsSync(configPath)).toBe(false);
  });

  it('refuses anonymous access with Unauthenticated', async () => {
    const anon = createRegistryClient();
    try {
      const err = await anon.resolve(reg.host, 'test/busybox', 'latest').catch((e: unknown) => e);
      expect(kindOf(err)).toBe('Unauthenticated');
    } finally {
      anon.close();
    }
  });

  it('stores good credentials with mode 0600 and pushes with them', async () => {
    await login(reg.host, user.user, user.pass, configPath);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(configPath, 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(stored.auths[reg.host]?.auth ?? '', 'base64').toString()).toBe(
      `${user.user}:${user.pass}`,
    );
    expect(await credentialsFor(reg.host, configPath)).toEqual({ username: user.user, password: user.pass });

    const client = createRegistryClient({ credentials: fileCredentials(configPath) });
    try {
      const manifest = await pushImage(client, reg.host, 'test/private');
      const digest = await client.pushManifest(reg.host, 'test/private', 'v1', manifest, OCI_MANIFEST);
      expect((await client.resolve(reg.host, 'test/private', 'v1')).digest).toBe(digest);
    } finally {
      client.close();
    }
    expect(await logout(reg.host, configPath)).toBe(true);
    expect(await credentialsFor(reg.host, configPath)).toBeUndefined();
    expect(await logout(reg.host, configPath)).toBe(false);
  });
});
