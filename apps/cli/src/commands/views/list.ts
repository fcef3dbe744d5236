/**
 * docker's `ls`-style output for commands with `--format` templates (ps, network ls,
 * volume ls): `-q` ids, the default table, `json` lines, or a Go template — `table …`
 * gets a header row and aligned columns, anything else a line per item.
 */
import { asUsage } from '../../usage.js';
import { tabulate, tabulateText } from './tabwriter.js';
import { compileTemplate } from './template.js';

export interface ListView<C> {
  /** What `-q` prints per item. */
  id: (c: C) => string;
  /** The default table: the header row, then a row per item. */
  table: (cs: readonly C[]) => string[][];
  /** The object printed per line by `--format json`. */
  json: (c: C) => unknown;
  /** What a `table TEMPLATE` renders its header row from. */
  header: () => unknown;
}

/** Splits a `--format` into whether it is `table …` and the template source, with \t and \n unescaped. */
export function splitTableFormat(format: string): { table: boolean; src: string } {
  const table = format.startsWith('table');
  const src = (table ? format.slice('table'.length) : format)
    .trim()
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  return { table, src };
}

/** Renders `cs` for `-q` and `--format`; a template that fails is a usage error. */
export function renderList<C>(
  cs: readonly C[],
  o: { quiet?: boolean; format?: string },
  view: ListView<C>,
): string {
  const format = o.format?.trim();
  if (o.quiet && (!format || format === 'table')) return cs.map((c) => view.id(c) + '\n').join('');
  if (!format || format === 'table') return tabulate(view.table(cs));
  if (format === 'json') return cs.map((c) => JSON.stringify(view.json(c)) + '\n').join('');
  const { table, src } = splitTableFormat(format);
  const t = asUsage(() => compileTemplate(src));
  const lines = cs.map((c) => asUsage(() => t.execute(c)) + '\n');
  if (!table) return lines.join('');
  return tabulateText(asUsage(() => t.execute(view.header())) + '\n' + lines.join(''));
}
