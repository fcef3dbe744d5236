/** Option declarations shared by several commands (declarations only: no handler code). */
import { Option } from 'commander';

/** `--format table|json` for list commands. */
export const formatOption = (): Option =>
  new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

/** `-q, --quiet` for list commands: print ids only. */
export const quietOption = (what: string): Option => new Option('-q, --quiet', `print only the ${what}`);
