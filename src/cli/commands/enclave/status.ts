// `writ enclave status` (issue 5): identity, region, level, expiry dates, CRL freshness, what is due, agreements in force; no key needed.
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from './_time.js';
import { enclaveFacts, statusText } from '../../../enclave/status.js';

export function run(ctx0: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const ctx = clock(ctx0, opts);
  const f = enclaveFacts(args[0] as string, ctx.now());
  const overdue = f.due.some((d) => d.overdue);
  return { text: statusText(f), data: { ...f, overdue }, ...(overdue ? { exitCode: 1 } : {}) };
}
