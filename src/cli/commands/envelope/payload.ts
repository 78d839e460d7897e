// `writ envelope seal --payload` and the payload branch of `writ envelope open`: streamed payload envelopes (issue 6 target 4, docs/envelopes.md "Payload envelopes").
//
// The same policy, refusal and audit behaviour as records envelopes; the bytes stream through
// src/stream/payload-file.ts in 1 MiB chunks. The audit and replay entries name the payload by its
// signed SHA-512 (hashing the whole envelope file too would cost a second pass over a large file).
import * as path from 'node:path';
import { WritError } from '../../../core/errors.js';
import { levelLabel } from '../../../core/envelope/envelope.js';
import type { LocalEnclave, RefusalContext } from '../../../core/envelope/envelope.js';
import { beginPayloadOpen, beginPayloadSeal, type OpenedPayload, type PayloadSealRequest } from '../../../core/envelope/payload.js';
import { headerJson } from '../../../core/envelope/header.js';
import type { AuditInput } from '../../../core/audit/log.js';
import type { Ctx, CommandResult } from '../../context.js';
import { openPayloadFile, sealPayloadFile, type PayloadPeek } from '../../../stream/payload-file.js';
import { auditRefusal, iso, layerOfKind, parseExpiry, recipientCerts, type EnclaveHandle } from './common.js';
import { defaultGuardianship } from './seal.js';

/** Seals `--payload FILE` for an already loaded enclave. */
export function sealPayload(ctx: Ctx, enclave: EnclaveHandle, local: LocalEnclave, opts: Record<string, unknown>): CommandResult {
  const input = opts.payload as string;
  const out = opts.out as string;
  if (opts.records !== undefined || opts.queryShape !== undefined) throw new WritError('USAGE', '--payload cannot be combined with --records or --query-shape');
  const guardianship = defaultGuardianship(opts);
  if (!guardianship) throw new WritError('USAGE', '--payload needs --kaitiaki and --terms (the guardianship of the payload record)');
  const name = typeof opts.name === 'string' ? opts.name : path.basename(input);
  const now = ctx.now();
  let r: ReturnType<typeof sealPayloadFile>;
  try {
    r = sealPayloadFile(input, out, Boolean(opts.force), (size) => {
      const rc = recipientCerts(opts);
      const req: PayloadSealRequest = {
        sender: local,
        recipientCert: rc.cert,
        recipientChain: rc.chain,
        agreementId: opts.agreement as string,
        scope: opts.scope as string,
        ...(opts.level ? { level: opts.level as string } : {}),
        ...(opts.consent ? { consentRef: opts.consent as string } : {}),
        name,
        size,
        guardianship,
        expiresAt: parseExpiry(opts.expires, now),
        now,
        rng: ctx.rng,
      };
      return beginPayloadSeal(req);
    });
  } catch (e) {
    auditRefusal(ctx, enclave, e, { event: 'seal', layer: 'data', subject: String(opts.agreement ?? ''), details: { scope: String(opts.scope ?? '') } });
    throw e;
  }
  const { header: h, payload, record } = r.sealed.sealed;
  const audit: AuditInput = {
    event: 'seal',
    decision: 'allow',
    layer: layerOfKind(h.kind),
    subject: h.envelopeId,
    peer: h.recipient,
    digests: { payload: payload.sha512, manifest: h.manifest.root },
    details: {
      agreement: h.agreementId,
      scope: h.scope,
      level: levelLabel(h.level) ?? h.level,
      records: 1,
      payloadBytes: payload.size,
      ...(r.sealer.decision.crossing ? { crossing: r.sealer.decision.crossing.crossing.id } : {}),
    },
  };
  enclave.audit.append(audit);
  const data = {
    envelope: out,
    bytes: r.bytes,
    payload,
    header: headerJson(h),
    record,
    recipientKemIdentity: r.sealer.recipientIdentity,
    ...(r.sealer.decision.crossing ? { crossing: r.sealer.decision.crossing.crossing.id } : {}),
  };
  const text = [
    `sealed payload envelope ${h.envelopeId} -> ${out} (${r.bytes} bytes)`,
    `  payload ${payload.name}, ${payload.size} bytes, SHA-512 ${payload.sha512.slice(0, 32)}…`,
    `  from ${h.sender} to ${h.recipient}`,
    `  agreement ${h.agreementId}, scope ${h.scope}, level ${levelLabel(h.level)}${r.sealer.decision.crossing ? `, crossing ${r.sealer.decision.crossing.crossing.id}` : ''}`,
    `  guardianship: kaitiaki ${record.provenance.guardianship.kaitiaki}, attested by ${record.provenance.origin}`,
    `  expires ${iso(h.expiresAt)}`,
  ].join('\n');
  return { text, data };
}

/** Opens a payload envelope (already recognised by peekPayloadEnvelope) to `--out`. */
export function openPayload(ctx: Ctx, enclave: EnclaveHandle, local: LocalEnclave, file: string, peek: PayloadPeek, opts: Record<string, unknown>): CommandResult {
  const out = opts.out as string | undefined;
  if (!out) throw new WritError('USAGE', 'a payload envelope needs --out FILE for the payload');
  const force = Boolean(opts.force);
  try {
    return openPayloadFile(
      file,
      peek,
      out,
      force,
      (head, tail, sink) => beginPayloadOpen({ self: local, kem: enclave.kem, opened: (id) => enclave.replay.has(id), now: ctx.now() }, head, tail, sink),
      (r) => accept(ctx, enclave, r, out),
    );
  } catch (e) {
    const env = (e as { envelope?: RefusalContext }).envelope ?? {};
    auditRefusal(ctx, enclave, e, {
      event: 'open',
      ...(env.kind ? { layer: layerOfKind(env.kind) } : {}),
      ...(env.envelopeId ? { subject: env.envelopeId } : {}),
      ...(env.sender ? { peer: env.sender } : {}),
      ...(env.scope ? { details: { scope: env.scope, ...(env.agreementId ? { agreement: env.agreementId } : {}) } } : {}),
    });
    throw e;
  }
}

function accept(ctx: Ctx, enclave: EnclaveHandle, r: OpenedPayload, out: string): CommandResult {
  const h = r.header;
  enclave.replay.record({ id: h.envelopeId, time: iso(ctx.now()), sender: h.sender, digest: r.payload.sha512 });
  enclave.audit.append({
    event: 'open',
    decision: 'allow',
    layer: layerOfKind(h.kind),
    subject: h.envelopeId,
    peer: h.sender,
    digests: { payload: r.payload.sha512, manifest: h.manifest.root },
    details: {
      agreement: h.agreementId,
      scope: h.scope,
      level: levelLabel(h.level) ?? h.level,
      records: 1,
      payloadBytes: r.payload.size,
      ...(r.decision.crossing ? { crossing: r.decision.crossing.crossing.id } : {}),
    },
  });
  const va = r.verifiedAttestation;
  const data = {
    header: headerJson(h),
    sender: { identity: r.senderIdentity, region: r.senderRegion, level: levelLabel(r.senderLevel) },
    agreement: r.decision.agreement.id,
    ...(r.decision.crossing ? { crossing: r.decision.crossing.crossing.id } : {}),
    payload: { ...r.payload, out },
    provenance: {
      verified: true,
      origins: [va.origin],
      kaitiaki: [r.record.provenance.guardianship.kaitiaki],
      attestations: [{ id: va.id, origin: va.origin, size: va.size, attestedAt: va.attestedAt, region: va.region, level: levelLabel(va.level) }],
    },
    record: r.record,
    attestation: r.attestation,
    algorithms: r.algorithms,
  };
  const lines = [
    `opened payload envelope ${h.envelopeId} from ${h.sender} (signed by ${r.senderIdentity}, ${levelLabel(r.senderLevel) ?? '?'} in ${r.senderRegion ?? '?'})`,
    `  agreement ${h.agreementId}, scope ${h.scope}, level ${levelLabel(h.level)}${r.decision.crossing ? `, crossing ${r.decision.crossing.crossing.id}` : ''}`,
    `  payload ${r.payload.name}, ${r.payload.size} bytes, SHA-512 ${r.payload.sha512.slice(0, 32)}… -> ${out}`,
    `  provenance verified (origin ${va.origin}, kaitiaki ${r.record.provenance.guardianship.kaitiaki})`,
  ];
  return { text: lines.join('\n'), data };
}
