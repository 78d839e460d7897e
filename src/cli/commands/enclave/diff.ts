// `writ enclave diff` (issue 5): every way an enclave departs from a signed baseline; exit 1 when any departure is not waived.
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from './_time.js';
import { diffEnclave, diffText } from '../../../enclave/diff.js';

export function run(ctx0: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const ctx = clock(ctx0, opts);
  const r = diffEnclave(args[0] as string, opts.baseline as string, opts.authority as string | undefined, ctx.now());
  return { text: diffText(r), data: { ...r }, ...(r.notAllowed > 0 ? { exitCode: 1 } : {}) };
}
