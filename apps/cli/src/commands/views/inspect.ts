/**
 * `berth inspect [-f TEMPLATE] [--type container|image] NAME...`, docker's:
 * each NAME is looked up as a container first (Runtime.Inspect resolves ids,
 * names and id prefixes), then as an image. Prints one JSON array, or the
 * template once per object.
 */
import { unary } from '@berth/grpc';
import { isNotFound, isNotImplemented, isUnavailable, notFound } from '@berth/errdefs';
import { formatError } from '@berth/cli-kit';
import type { Context } from '../../context.js';
import { asUsage } from '../../usage.js';
import { imageInspector } from '../images/inspect.js';
import { openRuntime } from './runtime.js';
import { compileTemplate } from './template.js';

export interface InspectOptions {
  format?: string;
  type?: 'container' | 'image';
}

export async function run(ctx: Context, [args]: [string[]], opts: InspectOptions): Promise<number> {
  const rt = openRuntime(ctx);
  let image: ((arg: string) => Promise<Record<string, unknown>>) | undefined;
  const one = async (arg: string): Promise<unknown> => {
    if (opts.type !== 'image') {
      try {
        return JSON.parse((await unary(rt, rt.inspect, { id: arg }, ctx.callOpts())).json) as unknown;
      } catch (err) {
        // Not a container (or no runtime deployed here): try images unless told otherwise.
        if (opts.type === 'container' || !(isNotFound(err) || isUnavailable(err) || isNotImplemented(err)))
          throw err;
      }
    }
    image ??= imageInspector(ctx);
    try {
      return await image(arg);
    } catch (err) {
      if (isNotFound(err) && opts.type === undefined) throw notFound(`No such object: ${arg}`);
      throw err;
    }
  };
  return printInspected(ctx, args, opts.format, one);
}

/**
 * Inspects each argument with `one` and prints the results as docker does: a
 * JSON array (4-space indent) or `format` per object; a line on stderr for
 * each argument that failed. Returns the exit status.
 */
export async function printInspected(
  ctx: Context,
  args: string[],
  format: string | undefined,
  one: (arg: string) => Promise<unknown>,
): Promise<number> {
  const template = format
    ? asUsage(() => compileTemplate(format.replaceAll('\\t', '\t').replaceAll('\\n', '\n')))
    : undefined;
  const found: unknown[] = [];
  let failed = 0;
  for (const arg of args) {
    try {
      found.push(await one(arg));
    } catch (err) {
      ctx.stderr.write(formatError(err, { address: ctx.address }) + '\n');
      failed++;
    }
  }
  if (template) {
    // docker: `{{json .}}` aside, every object's output ends in a newline.
    ctx.stdout.write(found.map((o) => template.execute(o) + '\n').join(''));
  } else {
    ctx.stdout.write(JSON.stringify(found, null, 4) + '\n');
  }
  return failed ? 1 : 0;
}
