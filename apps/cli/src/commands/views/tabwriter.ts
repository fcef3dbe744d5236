/**
 * Go's text/tabwriter as docker configures it for its tables: every cell but
 * the last of a line is padded to its column's width (the widest cell plus
 * `padding`, at least `minWidth`); the last cell is printed as is. Widths are
 * counted in code points. Pure module.
 */

export interface TabOptions {
  /** Smallest column width, padding included (docker's formatter: 10; `docker top`: 20). */
  minWidth: number;
  /** Spaces added to the widest cell of a column (docker: 3). */
  padding: number;
}

/** docker's table formatter (`docker ps`, `--format 'table …'`). */
export const DOCKER_TABLE: TabOptions = { minWidth: 10, padding: 3 };

const width = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Renders rows of cells (e.g. lines split on `\t`) as aligned lines, each ending in a newline. */
export function tabulate(rows: readonly (readonly string[])[], o: TabOptions = DOCKER_TABLE): string {
  const widths: number[] = [];
  for (const row of rows)
    for (let c = 0; c < row.length - 1; c++)
      widths[c] = Math.max(widths[c] ?? o.minWidth, width(row[c] ?? '') + o.padding);
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const cell = row[c] ?? '';
      line += c === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[c] ?? 0) - width(cell)));
    }
    out += line.trimEnd() + '\n';
  }
  return out;
}

/** Renders text whose lines hold `\t`-separated cells (what a `table …` template produced). */
export const tabulateText = (text: string, o: TabOptions = DOCKER_TABLE): string =>
  tabulate(
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => l.split('\t')),
    o,
  );
