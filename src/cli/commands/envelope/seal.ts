// `writ envelope seal`: sign-then-encrypt records (and queries) to a peer enclave under an agreement (issue 4; CMS per RFC 5652, RFC 5083, RFC 9629).
//
// Nothing is written unless the flow is covered: the output file is checked for writability first,
// then the core decides the flow (agreement, layer, scope, level, query shape, crossing) and refuses
// with one code before the envelope exists. Seals and refusals both go to the audit log.
import { WritError } from '../../../core/errors.js';
import { sha512 } from '../../../core/crypto/kdf.js';
import { toHex } from '../../../core/crypto/bytes.js';
import type { JsonValue } from '../../../core/json/canonical.js';
import { levelLabel, sealEnvelope, type SealRequest, type SealResult } from '../../../core/envelope/envelope.js';
import type { EnvelopeKind } from '../../../core/envelope/header.js';
import { headerJson } from '../../../core/envelope/header.js';
import type { Guardianship } from '../../../core/envelope/records.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, readFileLimited, writeFileAtomic } from '../../io.js';
import { auditRefusal, iso, layerOfKind, loadLocal, parseExpiry, readRecordsFile, recipientCerts, recordSentQuery, sealAuditInput, type EnclaveHandle, type RecordInput } from './common.js';
import { MAX_DOCUMENT_BYTES } from '../../../core/limits.js';

/** --params: inline JSON, or @FILE. */
export function parseParams(v: unknown): JsonValue {
  if (typeof v !== 'string') throw new WritError('USAGE', '--params is required: inline JSON or @FILE');
  const text = v.startsWith('@') ? new TextDecoder().decode(readFileLimited(v.slice(1), MAX_DOCUMENT_BYTES, 'MAX_DOCUMENT_BYTES')) : v;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new WritError('USAGE', '--params is not valid JSON', { cause: e });
  }
}

export function defaultGuardianship(opts: Record<string, unknown>): Guardianship | undefined {
  const k = opts.kaitiaki as string | undefined;
  const t = opts.terms as string | undefined;
  if (k === undefined && t === undefined) return undefined;
  if (!k || !t) throw new WritError('USAGE', '--kaitiaki and --terms go together');
  return { kaitiaki: k, terms: t };
}

export interface SealSpec {
  kind: EnvelopeKind;
  records?: RecordInput;
  query?: { shape: string; params: JsonValue };
  answerTo?: { queryHash: string; shape: string };
}

/** Seals for an already loaded enclave: the common path of seal, query and answer. */
export function sealWith(ctx: Ctx, enclave: EnclaveHandle, local: Parameters<typeof sealEnvelope>[0]['sender'], opts: Record<string, unknown>, spec: SealSpec): CommandResult {
  const out = opts.out as string;
  checkWritable(out, Boolean(opts.force));
  const now = ctx.now();
  const rc = recipientCerts(opts);
  const event = spec.kind === 'records' ? 'seal' : spec.kind;
  const layer = layerOfKind(spec.kind);
  let sealed: SealResult;
  try {
    const req: SealRequest = {
      kind: spec.kind,
      sender: local,
      recipientCert: rc.cert,
      recipientChain: rc.chain,
      agreementId: opts.agreement as string,
      scope: opts.scope as string,
      ...(opts.level ? { level: opts.level as string } : {}),
      ...(opts.consent ? { consentRef: opts.consent as string } : {}),
      ...(spec.records ? { newRecords: spec.records.newRecords, reshared: spec.records.reshared } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.answerTo ? { answerTo: spec.answerTo } : {}),
      expiresAt: parseExpiry(opts.expires, now),
      now,
      rng: ctx.rng,
    };
    sealed = sealEnvelope(req);
  } catch (e) {
    auditRefusal(ctx, enclave, e, {
      event,
      layer,
      subject: String(opts.agreement ?? ''),
      details: { scope: String(opts.scope ?? '') },
    });
    throw e;
  }
  writeFileAtomic(out, sealed.der, { force: Boolean(opts.force) });
  const h = sealed.header;
  const digest = toHex(sha512(sealed.der));
  enclave.audit.append(sealAuditInput(sealed, digest));
  if (spec.kind === 'query') {
    recordSentQuery(enclave, { hash: sealed.signedHash, envelopeId: h.envelopeId, recipient: h.recipient, shape: h.queryShape!, time: iso(now) });
  }
  const data = {
    envelope: out,
    bytes: sealed.der.length,
    sha512: digest,
    header: headerJson(h),
    recipientKemIdentity: sealed.recipientIdentity,
    ...(spec.kind === 'query' ? { queryHash: sealed.signedHash } : {}),
    ...(sealed.decision.crossing ? { crossing: sealed.decision.crossing.crossing.id } : {}),
  };
  const text = [
    `sealed ${h.kind} envelope ${h.envelopeId} -> ${out} (${sealed.der.length} bytes)`,
    `  from ${h.sender} to ${h.recipient}`,
    `  agreement ${h.agreementId}, scope ${h.scope}, level ${levelLabel(h.level)}${sealed.decision.crossing ? `, crossing ${sealed.decision.crossing.crossing.id}` : ''}`,
    `  ${h.manifest.recordHashes.length} record(s), manifest root ${h.manifest.root.slice(0, 32)}…`,
    ...(h.queryShape ? [`  query shape ${h.queryShape}${spec.kind === 'query' ? `, query hash ${sealed.signedHash.slice(0, 32)}…` : ''}`] : []),
    `  expires ${iso(h.expiresAt)}`,
  ].join('\n');
  return { text, data };
}

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  for (const o of ['to', 'agreement', 'scope', 'out'] as const) if (typeof opts[o] !== 'string') throw new WritError('USAGE', `--${o} is required`);
  const queryShape = opts.queryShape as string | undefined;
  if (typeof opts.payload === 'string') {
    // A payload envelope: the file streams through (payload.ts); same options, same policy.
    const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile, { noKem: true });
    try {
      const { sealPayload } = await import('./payload.js');
      return sealPayload(ctx, enclave, local, opts);
    } finally {
      enclave.wipe();
    }
  }
  if (!queryShape && typeof opts.records !== 'string') throw new WritError('USAGE', '--records FILE.jsonl is required (or --query-shape with --params for a query, or --payload FILE)');
  const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile, { noKem: true });
  try {
    const records = typeof opts.records === 'string' ? readRecordsFile(opts.records, defaultGuardianship(opts)) : undefined;
    const spec: SealSpec = queryShape
      ? { kind: 'query', ...(records ? { records } : {}), query: { shape: queryShape, params: parseParams(opts.params) } }
      : { kind: 'records', ...(records ? { records } : {}) };
    return sealWith(ctx, enclave, local, opts, spec);
  } finally {
    enclave.wipe();
  }
}
