/**
 * Plain-text tables as `ctr` and `docker` print them: a header row, columns
 * left-aligned and separated by at least two spaces, no trailing spaces.
 */

/** Column gap, as Go's tabwriter is configured by ctr (padding 2). */
const GAP = '  ';

/**
 * Renders `header` and `rows` as aligned lines, each ending in a newline.
 * Rows shorter than the header are padded with empty cells; cells are used as
 * given (callers format sizes, ages and labels first). Width is measured in
 * UTF-16 code units, which is exact for the ASCII that digests, refs and
 * labels normally are.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cols = header.length;
  const widths = header.map((h) => h.length);
  for (const row of rows)
    for (let c = 0; c < cols; c++) widths[c] = Math.max(widths[c] ?? 0, (row[c] ?? '').length);
  const line = (cells: readonly string[]): string => {
    let out = '';
    for (let c = 0; c < cols; c++) {
      const cell = cells[c] ?? '';
      out += c === cols - 1 ? cell : cell.padEnd(widths[c] ?? 0) + GAP;
    }
    return out.trimEnd() + '\n';
  };
  return line(header) + rows.map(line).join('');
}
