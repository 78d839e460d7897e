// `writ regional plan --root-dir DIR --at T`: which regional certificates are due, overdue or fine under the rotation schedule.
import type { Ctx, CommandResult } from '../../context.js';
import { WritError } from '../../../core/errors.js';
import { planRegionals } from '../../../ceremony/plan.js';

export function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): CommandResult {
  const at = opts.at === undefined ? ctx.now() : new Date(opts.at as string);
  if (Number.isNaN(at.getTime())) throw new WritError('USAGE', '--at must be an RFC 3339 time, e.g. 2027-01-01T00:00:00Z');
  const plan = planRegionals(opts.rootDir as string, at);
  const w = Math.max(6, ...plan.map((r) => r.region.length));
  const lines = [`regional certificates under ${opts.rootDir as string} at ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}:`];
  if (plan.length === 0) lines.push('  none found');
  for (const r of plan) lines.push(`  ${r.status.toUpperCase().padEnd(7)} ${r.region.padEnd(w)} ${r.file}  until ${r.notAfter}  ${r.reason}`);
  const due = plan.filter((r) => r.status !== 'fine').length;
  lines.push(due ? `${due} regional certificate(s) need a regional-issuance ceremony.` : 'nothing due.');
  return { text: lines.join('\n'), data: { at: at.toISOString(), regionals: plan } };
}
