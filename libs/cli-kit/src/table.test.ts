import { describe, it, expect } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('aligns columns with two-space gaps under a header', () => {
    const out = renderTable(
      ['NAME', 'LABELS'],
      [
        ['default', '-'],
        ['k8s.io', 'a=1'],
      ],
    );
    expect(out).toBe('NAME     LABELS\ndefault  -\nk8s.io   a=1\n');
  });
  it('widens a column to its longest cell and leaves no trailing spaces', () => {
    const out = renderTable(['A', 'B', 'C'], [['xxxx', '', 'z']]);
    expect(out.split('\n')).toEqual(['A     B  C', 'xxxx     z', '']);
  });
  it('prints only the header for no rows and pads missing cells', () => {
    expect(renderTable(['DIGEST', 'SIZE'], [])).toBe('DIGEST  SIZE\n');
    expect(renderTable(['A', 'B'], [['1']])).toBe('A  B\n1\n');
  });
});
