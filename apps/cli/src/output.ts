/**
 * List output shared by the `ls`-style commands: an aligned table for people,
 * `-q` for one id per line, `--format json` for one JSON array.
 */
import { renderTable } from '@berth/cli-kit';
import type { Context } from './context.js';

export type Format = 'table' | 'json';

export interface ListOptions {
  format?: Format;
  quiet?: boolean;
}

export interface ListSpec<T> {
  /** Column headers and how to render each cell. */
  columns: readonly [header: string, cell: (row: T) => string][];
  /** The id printed by `-q`. */
  id: (row: T) => string;
  /** The object printed per row by `--format json` (default: the row itself). */
  json?: (row: T) => unknown;
}

/** Prints `rows` as a table, ids (-q) or JSON (--format json) on ctx.stdout. */
export function printList<T>(ctx: Context, rows: readonly T[], o: ListOptions, spec: ListSpec<T>): void {
  if (o.format === 'json') {
    ctx.stdout.write(JSON.stringify(rows.map(spec.json ?? ((r) => r)), null, 2) + '\n');
  } else if (o.quiet) {
    ctx.stdout.write(rows.map((r) => spec.id(r) + '\n').join(''));
  } else {
    const header = spec.columns.map(([h]) => h);
    ctx.stdout.write(
      renderTable(
        header,
        rows.map((r) => spec.columns.map(([, cell]) => cell(r))),
      ),
    );
  }
}
