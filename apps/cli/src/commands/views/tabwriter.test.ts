import { describe, expect, it } from 'vitest';
import { tabulate, tabulateText } from './tabwriter.js';

describe('tabulate', () => {
  it('pads all but the last cell to max(minWidth, widest + padding)', () => {
    expect(
      tabulate(
        [
          ['UID', 'PID', 'CMD'],
          ['root', '12345', 'sleep 1000'],
        ],
        { minWidth: 20, padding: 3 },
      ),
    ).toBe(
      'UID                 PID                 CMD\n' +
        'root                12345               sleep 1000\n',
    );
    expect(tabulateText('A\tBBBBBBBBBBBB\tC\nx\ty\tz\n')).toBe(
      'A         BBBBBBBBBBBB   C\nx         y              z\n',
    );
  });
  it('counts code points, not UTF-16 units', () => {
    expect(
      tabulate(
        [
          ['a…', 'b'],
          ['ccc', 'd'],
        ],
        { minWidth: 0, padding: 1 },
      ),
    ).toBe('a…  b\nccc d\n');
  });
});
