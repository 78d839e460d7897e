// `writ envelope open`: decrypt, verify and policy-check an envelope for this enclave (issue 4 open pipeline); `--key` routes to the low-level open.
//
// Refusal, not substitution: a refused envelope writes no records and no replay entry; it prints one
// reason code (exit 1) and appends one refusal entry to the audit log. An accepted envelope writes its
// records (with provenance and attestations, as a re-shareable bundle) first, then the replay entry,
// then the audit entry.
import { WritError } from '../../../core/errors.js';
import { levelLabel, openEnvelope, type OpenedEnvelope, type RefusalContext } from '../../../core/envelope/envelope.js';
import { headerJson } from '../../../core/envelope/header.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import type { LocalEnclave } from '../../../core/envelope/envelope.js';
import { auditRefusal, bundleLines, iso, layerOfKind, loadLocal, openAuditInput, readEnvelopeFile, sentQueries, type EnclaveHandle } from './common.js';

export interface OpenOptions {
  /** Skip the replay check (answer: the query was opened before, on purpose). */
  allowOpened?: boolean;
  event?: 'open' | 'answer';
}

/** Runs the core open pipeline for a loaded enclave and logs a refusal; throws the refusal. */
export function openWith(ctx: Ctx, enclave: EnclaveHandle, local: LocalEnclave, der: Uint8Array, digest: string, o: OpenOptions = {}): OpenedEnvelope {
  try {
    return openEnvelope({
      der,
      self: local,
      kem: enclave.kem,
      opened: (id) => (o.allowOpened ? false : enclave.replay.has(id)),
      sentQuery: (hash) => {
        const q = sentQueries(enclave).find((x) => x.hash === hash);
        return q ? { recipient: q.recipient, shape: q.shape } : undefined;
      },
      now: ctx.now(),
    });
  } catch (e) {
    const env = (e as { envelope?: RefusalContext }).envelope ?? {};
    auditRefusal(ctx, enclave, e, {
      event: o.event ?? 'open',
      ...(env.kind ? { layer: layerOfKind(env.kind) } : {}),
      ...(env.envelopeId ? { subject: env.envelopeId } : {}),
      ...(env.sender ? { peer: env.sender } : {}),
      digests: { envelope: digest },
      ...(env.scope ? { details: { scope: env.scope, ...(env.agreementId ? { agreement: env.agreementId } : {}) } } : {}),
    });
    throw e;
  }
}

export function openedSummary(r: OpenedEnvelope): Record<string, unknown> {
  const origins = [...new Set(r.records.map((x) => x.provenance.origin))];
  const kaitiaki = [...new Set(r.records.map((x) => x.provenance.guardianship.kaitiaki))];
  return {
    header: headerJson(r.header),
    sender: { identity: r.senderIdentity, region: r.senderRegion, level: levelLabel(r.senderLevel) },
    agreement: r.decision.agreement.id,
    ...(r.decision.crossing ? { crossing: r.decision.crossing.crossing.id } : {}),
    records: r.records.length,
    provenance: {
      verified: true,
      origins,
      kaitiaki,
      attestations: r.verifiedAttestations.map((a) => ({ id: a.id, origin: a.origin, size: a.size, attestedAt: a.attestedAt, region: a.region, level: levelLabel(a.level) })),
    },
    ...(r.query ? { query: r.query } : {}),
    signedHash: r.signedHash,
    algorithms: r.algorithms,
  };
}

/**
 * Accepts an envelope that passed every check: writes its records (when `out`), then the replay entry,
 * then the audit entry, in that order, so a failure part-way leaves it re-openable rather than lost.
 */
export function acceptOpened(ctx: Ctx, enclave: EnclaveHandle, r: OpenedEnvelope, digest: string, out: string | undefined, force: boolean): CommandResult {
  const h = r.header;
  if (out) writeFileAtomic(out, bundleLines(r.records, r.attestations), { force });
  enclave.replay.record({ id: h.envelopeId, time: iso(ctx.now()), sender: h.sender, digest });
  enclave.audit.append(openAuditInput(r, digest));
  const summary = openedSummary(r);
  const data = { ...summary, ...(out ? { out } : { recordsData: r.records }) };
  const lines = [
    `opened ${h.kind} envelope ${h.envelopeId} from ${h.sender} (signed by ${r.senderIdentity}, ${levelLabel(r.senderLevel) ?? '?'} in ${r.senderRegion ?? '?'})`,
    `  agreement ${h.agreementId}, scope ${h.scope}, level ${levelLabel(h.level)}${r.decision.crossing ? `, crossing ${r.decision.crossing.crossing.id}` : ''}`,
    `  ${r.records.length} record(s), provenance verified (origins: ${(summary.provenance as { origins: string[] }).origins.join(', ') || 'none'})`,
    ...(r.query ? [`  query shape ${r.query.shape}, parameters ${JSON.stringify(r.query.params)}`, `  query hash ${r.signedHash}`] : []),
    ...(h.inReplyTo ? [`  answers query ${h.inReplyTo.slice(0, 32)}… (binding checked)`] : []),
    ...(out ? [`  records written to ${out}`] : r.records.map((x) => `  ${JSON.stringify(x.data)}  [origin ${x.provenance.origin}, kaitiaki ${x.provenance.guardianship.kaitiaki}]`)),
  ];
  return { text: lines.join('\n'), data };
}

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (opts.key !== undefined) {
    // Low-level mode: any standard CMS envelope, no federation policy (open-raw.ts).
    const raw = (await import('./open-raw.js')) as { run: (c: Ctx, a: string[], o: Record<string, unknown>) => Promise<CommandResult> | CommandResult };
    return raw.run(ctx, args, opts);
  }
  if (opts.as === undefined) throw new WritError('USAGE', 'give --as ENCLAVE_DIR (policy-checked open) or --key PRIVATE_KEY (low-level open)');
  const out = opts.out as string | undefined;
  if (out) checkWritable(out, Boolean(opts.force));
  if (typeof args[0] === 'string') {
    // A payload envelope (its authenticated attributes say so) streams to --out instead (payload.ts).
    const { peekPayloadEnvelope } = await import('../../../stream/payload-file.js');
    const peek = peekPayloadEnvelope(args[0]);
    if (peek) {
      const { openPayload } = await import('./payload.js');
      const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile);
      try {
        return openPayload(ctx, enclave, local, args[0], peek, opts);
      } finally {
        enclave.wipe();
      }
    }
  }
  const { der, digest } = readEnvelopeFile(args[0]);
  const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile);
  try {
    const r = openWith(ctx, enclave, local, der, digest);
    return acceptOpened(ctx, enclave, r, digest, out, Boolean(opts.force));
  } finally {
    enclave.wipe();
  }
}
