// The clock of the `writ enclave` and `writ trust` commands: --at RFC 3339 (for rehearsals, tests and "what if"), else now.
import { WritError } from '../../../core/errors.js';
import type { Ctx } from '../../context.js';

export function clock(ctx: Ctx, opts: Record<string, unknown>): Ctx {
  const at = opts.at as string | undefined;
  if (at === undefined) return ctx;
  const d = new Date(at);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(at) || Number.isNaN(d.getTime())) throw new WritError('USAGE', `--at "${at}" is not an RFC 3339 time`);
  return { ...ctx, now: () => d };
}
