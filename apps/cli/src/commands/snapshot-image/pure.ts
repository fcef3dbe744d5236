/**
 * Small pure decisions of commit, export and import: the image name to record,
 * the read-only form of a container's mounts, a rootfs tarball's compression
 * and whether its first block is a tar header.
 */
import { formatReference, normalizeReference, parseReference } from '@berth/image';
import type { Mount } from '@berth/proto/types';

/**
 * Repository under which an untagged commit or import is recorded: a name that is a
 * valid reference (so every images API can look it up) and says what it is. The same
 * convention as docker's containerd image store (`moby-dangling@<manifest digest>`).
 */
export const DANGLING_REPOSITORY = 'moby-dangling';

/**
 * The record name for `REPOSITORY[:TAG]` (normalised, `:latest` by default), or the
 * dangling name for the manifest when none was given.
 * @throws Error for an invalid reference or one with a digest.
 */
export function imageName(arg: string | undefined, manifestDigest: string): string {
  if (arg === undefined || arg === '') return `docker.io/library/${DANGLING_REPOSITORY}@${manifestDigest}`;
  if (parseReference(arg).digest !== undefined)
    throw new Error(`refusing to create a tag with a digest reference: ${arg}`);
  return formatReference(normalizeReference(arg));
}

/** Checks a REPOSITORY[:TAG] argument before any work is done (see imageName). */
export function checkImageName(arg: string | undefined): void {
  if (arg !== undefined) imageName(arg, `sha256:${'0'.repeat(64)}`);
}

const opt = (m: Mount, name: string) =>
  m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);

/**
 * The read-only mounts of the same tree an active snapshot's mounts give: an overlay's
 * upperdir becomes its topmost lowerdir (overlay honours whiteouts and opaque dirs in
 * lower layers), so nothing writes into the container's layer; a bind gets `ro`.
 */
export function readOnlyMounts(mounts: readonly Mount[]): Mount[] {
  return mounts.map((m) => {
    if (m.type === 'overlay') {
      const upper = opt(m, 'upperdir');
      if (!upper) return m;
      const lower = opt(m, 'lowerdir');
      const rest = m.options.filter(
        (o) => !/^(lowerdir|upperdir|workdir)=/.test(o) && o !== 'rw' && o !== 'ro',
      );
      return { ...m, options: [...rest, 'ro', `lowerdir=${lower ? `${upper}:${lower}` : upper}`] };
    }
    if (m.type === 'bind' || m.type === 'rbind')
      return { ...m, options: [...m.options.filter((o) => o !== 'rw' && o !== 'ro'), 'ro'] };
    return m;
  });
}

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * The compression named by the first bytes of a tarball (as containerd sniffs layers).
 * @throws Error for bzip2 and xz, which berth cannot read.
 */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh')
    throw new Error('bzip2-compressed tarballs are not supported (use gzip, zstd or none)');
  if (head.length >= 6 && head.toString('hex', 0, 6) === 'fd377a585a00')
    throw new Error('xz-compressed tarballs are not supported (use gzip, zstd or none)');
  return 'none';
}

const BLOCK = 512;

/**
 * Why `block` (the first 512 bytes of an uncompressed tarball) is not a tar header, or
 * undefined when it is one (or the zero block of an empty archive). Checks the header
 * checksum as tar readers do (unsigned, or signed for old writers).
 */
export function tarHeaderProblem(block: Buffer): string | undefined {
  if (block.length < BLOCK) return `it is shorter than one tar block (${block.length} bytes)`;
  if (block.subarray(0, BLOCK).every((b) => b === 0)) return undefined;
  const field = block
    .toString('latin1', 148, 156)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (!/^[0-7]+$/.test(field)) return 'no tar header at its start (checksum field is not a number)';
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const stored = parseInt(field, 8);
  return stored === unsigned || stored === signed
    ? undefined
    : 'no tar header at its start (checksum mismatch)';
}
