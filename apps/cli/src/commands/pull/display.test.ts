import { describe, expect, it } from 'vitest';
import type { Progress } from '@berth/proto/berth/images/v1';
import { TransferDisplay } from './display.js';

const D = 'sha256:e9a687da45d9a0b8e8bfd650a8d35a79a8197671f9792d4d81e3719d0d80e1fc';
const p = (ref: string, status: string, offset = 0, total = 0): Progress => ({
  ref,
  status,
  offset,
  total,
  image: undefined,
  name: '',
});

function sink() {
  const out: string[] = [];
  return { out, stream: { write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream };
}

describe('TransferDisplay', () => {
  it('prints one plain line per status change of a layer when not a terminal', () => {
    const s = sink();
    const d = new TransferDisplay(s.stream, 'pull', false);
    d.update(p(`manifest-${D}`, 'downloading'));
    d.update(p(`layer-${D}`, 'waiting', 0, 2 << 20));
    d.update(p(`layer-${D}`, 'downloading', 1 << 20, 2 << 20));
    d.update(p(`layer-${D}`, 'downloading', 2 << 20, 2 << 20));
    d.update(p(`layer-${D}`, 'done', 2 << 20, 2 << 20));
    d.update(p(`layer-${D}`, 'unpacking', 0, 2 << 20));
    d.update(p(`layer-${D}`, 'done'));
    d.finish();
    expect(s.out.join('')).toBe(
      [
        'e9a687da45d9: Waiting',
        'e9a687da45d9: Downloading 1.0 MiB / 2.0 MiB',
        'e9a687da45d9: Download complete',
        'e9a687da45d9: Extracting',
        'e9a687da45d9: Pull complete',
        '',
      ].join('\n'),
    );
  });

  it('redraws the layer lines in place on a terminal', () => {
    const s = sink();
    const d = new TransferDisplay(s.stream, 'push', true);
    d.update(p(`layer-${D}`, 'waiting'));
    d.update(p(`layer-sha256:${'a'.repeat(64)}`, 'exists'));
    d.update(p(`layer-${D}`, 'done'));
    expect(s.out[0]).toBe('\r\x1b[2Ke9a687da45d9: Waiting\n');
    expect(s.out.at(-1)).toBe(
      '\x1b[2A\r\x1b[2Ke9a687da45d9: Pushed\n\r\x1b[2Kaaaaaaaaaaaa: Layer already exists\n',
    );
  });
});
