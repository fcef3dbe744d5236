import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkImageName, imageName, readOnlyMounts, sniffCompression, tarHeaderProblem } from './pure.js';

const digest = `sha256:${'a'.repeat(64)}`;

/** A ustar header block for a regular file `name` of `size` bytes, with a valid checksum. */
function header(name: string, size = 0): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 'latin1');
  b.write('0000644\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write('0', 156, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

describe('imageName', () => {
  it('normalises REPOSITORY[:TAG] as docker does', () => {
    expect(imageName('mybox', digest)).toBe('docker.io/library/mybox:latest');
    expect(imageName('mybox:v2', digest)).toBe('docker.io/library/mybox:v2');
    expect(imageName('localhost:5000/a/b:c', digest)).toBe('localhost:5000/a/b:c');
  });

  it('names an untagged image by its manifest digest', () => {
    expect(imageName(undefined, digest)).toBe(`docker.io/library/moby-dangling@${digest}`);
  });

  it('refuses digests and invalid names up front', () => {
    expect(() => checkImageName(`mybox@${digest}`)).toThrow(
      /refusing to create a tag with a digest reference/,
    );
    expect(() => checkImageName('Bad Name')).toThrow(/invalid reference/);
    expect(() => checkImageName(undefined)).not.toThrow();
  });
});

describe('readOnlyMounts', () => {
  it("stacks an overlay's upper dir on its lower dirs, without upper and work dirs", () => {
    const m = {
      type: 'overlay',
      source: 'overlay',
      target: '',
      options: ['index=off', 'workdir=/s/2/work', 'upperdir=/s/2/fs', 'lowerdir=/s/1/fs:/s/0/fs'],
    };
    expect(readOnlyMounts([m])).toEqual([
      { ...m, options: ['index=off', 'ro', 'lowerdir=/s/2/fs:/s/1/fs:/s/0/fs'] },
    ]);
  });

  it('keeps an overlay without upper dir and makes a bind read-only', () => {
    const ro = { type: 'overlay', source: 'overlay', target: '', options: ['lowerdir=/a:/b'] };
    expect(readOnlyMounts([ro])).toEqual([ro]);
    const bind = { type: 'bind', source: '/s/1/fs', target: '', options: ['rbind', 'rw'] };
    expect(readOnlyMounts([bind])).toEqual([{ ...bind, options: ['rbind', 'ro'] }]);
  });
});

describe('sniffCompression', () => {
  it('knows gzip, zstd and plain, and refuses bzip2 and xz', () => {
    expect(sniffCompression(gzipSync(Buffer.from('x')))).toBe('gzip');
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd');
    expect(sniffCompression(header('a'))).toBe('none');
    expect(() => sniffCompression(Buffer.from('BZh91AY'))).toThrow(/bzip2/);
    expect(() => sniffCompression(Buffer.from('fd377a585a0000', 'hex'))).toThrow(/xz/);
  });
});

describe('tarHeaderProblem', () => {
  it('accepts a valid header and the zero block of an empty archive', () => {
    expect(tarHeaderProblem(header('new.txt', 3))).toBeUndefined();
    expect(tarHeaderProblem(Buffer.alloc(1024))).toBeUndefined();
  });

  it('says why other bytes are no tar', () => {
    expect(tarHeaderProblem(Buffer.from('hello'))).toMatch(/shorter than one tar block \(5 bytes\)/);
    expect(tarHeaderProblem(Buffer.alloc(512, 'x'))).toMatch(/checksum field is not a number/);
    const bad = header('a');
    bad[0] = 0x62; // the checksum no longer matches
    expect(tarHeaderProblem(bad)).toMatch(/checksum mismatch/);
  });
});
