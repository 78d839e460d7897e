// Shared plumbing of the `writ federation` commands: opening the enclave (--as), reading time options, auditing every decision.
import { WritError, isWritError } from '../../../core/errors.js';
import { loadEnclave, type LoadedEnclave } from '../../../enclave/layout.js';
import { LAYERS, type Agreement } from '../../../core/policy/agreement.js';
import type { AuditInput } from '../../../core/audit/log.js';
import type { Ctx } from '../../context.js';

/** Loads --as DIR with the CLI's clock and RNG (the KEM key is not needed by federation commands). */
export async function openEnclave(ctx: Ctx, opts: Record<string, unknown>): Promise<LoadedEnclave> {
  const dir = opts.as as string | undefined;
  if (!dir) throw new WritError('USAGE', 'give the enclave directory with --as DIR');
  return loadEnclave(dir, { now: ctx.now(), rng: ctx.rng, note: ctx.note, noKem: true, ...(opts.passFile ? { passFile: opts.passFile as string } : {}) });
}

/**
 * Runs `work` with the enclave loaded; afterwards signs an audit checkpoint over whatever was appended
 * and wipes the keys. A WritError from `work` is audited as a refusal (`refusal` describes the act).
 */
export async function withEnclave<T>(ctx: Ctx, opts: Record<string, unknown>, refusal: Omit<AuditInput, 'decision' | 'code'>, work: (e: LoadedEnclave) => Promise<T> | T): Promise<T> {
  const e = await openEnclave(ctx, opts);
  try {
    try {
      return await work(e);
    } catch (err) {
      if (isWritError(err) && err.code !== 'USAGE' && err.code !== 'IO' && err.code !== 'EXISTS') {
        e.audit.append({ ...refusal, event: 'refuse', decision: 'refuse', code: err.code, details: { ...(refusal.details ?? {}), act: refusal.event } });
      }
      throw err;
    }
  } finally {
    try {
      e.audit.checkpoint();
    } finally {
      e.wipe();
    }
  }
}

/** One audit entry per layer the agreement switches on (each layer has its own audit trail). */
export function auditAgreement(e: LoadedEnclave, a: Agreement, input: Omit<AuditInput, 'layer' | 'subject' | 'peer'>): void {
  const peer = a.parties.find((p) => p !== e.profile.identity);
  for (const layer of LAYERS) {
    if (!a.layers[layer]) continue;
    e.audit.append({ ...input, layer, subject: a.id, ...(peer ? { peer } : {}) });
  }
}

/** Parses a time option: RFC 3339 ("2027-01-01T00:00:00Z") or a duration from now ("30d", "12h"). */
export function parseWhen(v: unknown, now: Date, what: string): Date {
  if (typeof v !== 'string' || v === '') throw new WritError('USAGE', `${what}: give an RFC 3339 time or a duration such as 30d`);
  const m = /^(\d{1,5})([dhm])$/.exec(v);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
    return new Date(now.getTime() + n * unit);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) throw new WritError('USAGE', `${what}: "${v}" is not an RFC 3339 time or a duration such as 30d`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new WritError('USAGE', `${what}: "${v}" is not a valid time`);
  return d;
}

/** Splits repeatable, comma-separated list options ("--layers data,models --layers identity"). */
export function listOpt(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}
