// Sealed envelopes: sign-then-encrypt (CMS SignedData, RFC 5652 / RFC 9882, inside AuthEnvelopedData, RFC 5083 + RFC 9629 KEMRecipientInfo) and the policy-checked open pipeline (issue 4).
//
// Seal decides the flow first (checkFlow: agreement, layer, scope, level, query shape, crossing) and
// throws before producing a byte when it is not covered. Open runs its checks in a fixed order and
// stops at the first failure with exactly one code; nothing is returned for a refused envelope, so
// the caller cannot write records it should not (refusal, not substitution):
//   1 DECRYPT             the AuthEnvelopedData does not decrypt / authenticate for our KEM key
//   2 SIGNATURE / chain   the inner SignedData's signature, then the sender's chain (verify() codes:
//                         NO_PATH, REVOKED, EXPIRED, ...), then the signer must be the sender's gateway
//   3 REFUSED_NOT_RECIPIENT  the header names another recipient
//   4 REFUSED_EXPIRED     now >= expiresAt (or issued more than MAX_SKEW in the future)
//   5 REFUSED_NO_AGREEMENT / _WITHDRAWN / _SCOPE / _LEVEL / _QUERY_SHAPE / _CROSSING  (checkFlow), and
//     for answers, the binding to a query this enclave sent (REFUSED_QUERY_SHAPE)
//   6 REFUSED_REPLAY      the envelope id was opened before
//   7 PROVENANCE          the manifest or any record's provenance does not verify
import { WritError } from '../errors.js';
import { sha512 } from '../crypto/kdf.js';
import { toHex } from '../crypto/bytes.js';
import type { KemAlgName, Rng, Signer } from '../crypto/types.js';
import { canonicalBytes, type JsonValue } from '../json/canonical.js';
import { signCms, verifyCms, type CmsSignerInfo, type VerifiedCms } from '../cms/signed-data.js';
import { sealAuthEnveloped, openEnveloped } from '../cms/enveloped.js';
import { CMS_OID } from '../cms/common.js';
import type { Certificate, Crl } from '../x509/types.js';
import { verify } from '../verify/verify.js';
import type { TrustAnchor, VerifyResult } from '../verify/types.js';
import { ENVELOPE_OIDS, levelName, levelOid } from '../policy/levels.js';
import { checkFlow, type FlowDecision, type Layer, type PolicyState } from '../policy/agreement.js';
import { bytesEqual } from '../crypto/bytes.js';
import { enclaveIdOf, gatewayIdentityOf, isObj, toBase64 } from '../policy/signed.js';
import { encodeHeader, decodeHeader, type EnvelopeHeader, type EnvelopeKind } from './header.js';
import { buildManifest, manifestMatches } from './manifest.js';
import { MAX_ATTESTATIONS, MAX_ENVELOPE_RECORDS, checkLimit } from '../limits.js';
import {
  attestRecords,
  compactRecords,
  completeRecords,
  parseAttestation,
  parseRecord,
  verifyRecords,
  type Attestation,
  type NewRecord,
  type ProvenancedRecord,
  type VerifiedAttestation,
} from './records.js';

/** Clock skew tolerated for issuedAt in the future. */
export const MAX_SKEW_MS = 5 * 60_000;

/** The signed payload (eContentType ENVELOPE_OIDS.content), RFC 8785 canonical JSON. */
export interface EnvelopeContent {
  type: 'writ-envelope';
  version: 1;
  records: ProvenancedRecord[];
  attestations: Attestation[];
  /** query envelopes: the shape id and its parameters (validated against the shape's JSON Schema). */
  query?: { shape: string; params: JsonValue };
}

/** The local enclave as seal and open see it. */
export interface LocalEnclave {
  /** Enclave id, spiffe://<enclave>.<region>.<domain>. */
  id: string;
  /** Level OID this enclave proves (its own chain). */
  level: string;
  /** Gateway signing key and certificate, and the rest of its chain (enclave CA, regional CA), DER. */
  signer: Signer;
  cert: Certificate;
  chain: Uint8Array[];
  trust: { anchors: TrustAnchor[]; crls?: Crl[] };
  policy: PolicyState;
}

export interface SealRequest {
  kind: EnvelopeKind;
  sender: LocalEnclave;
  /** The recipient's KEM certificate and the certificates to build its path from. */
  recipientCert: Certificate;
  recipientChain?: Certificate[];
  agreementId: string;
  scope: string;
  /** Level name or OID of the contents; default: the sender's own level. */
  level?: string;
  consentRef?: string;
  /** Records the sender originates (attested now) and records it re-shares (with their attestations). */
  newRecords?: NewRecord[];
  reshared?: { records: ProvenancedRecord[]; attestations: Attestation[] };
  query?: { shape: string; params: JsonValue };
  /** answer envelopes: the opened query this answers. */
  answerTo?: { queryHash: string; shape: string };
  expiresAt: Date;
  now: Date;
  rng: Rng;
}

export interface SealResult {
  der: Uint8Array;
  header: EnvelopeHeader;
  /** SHA-512 hex of the inner SignedData: what an answer binds to. */
  signedHash: string;
  decision: FlowDecision;
  recipientIdentity: string;
}

export function layerOf(kind: EnvelopeKind): Layer {
  return kind === 'records' ? 'data' : 'models';
}

/** Validates a KEM certificate's path against the local trust store and returns what it proves. */
export function verifyRecipient(cert: Certificate, chain: readonly Certificate[], trust: LocalEnclave['trust'], now: Date): VerifyResult {
  const v = verify({ leaf: cert, untrusted: [...chain], ...(trust.crls ? { crls: trust.crls } : {}) }, trust.anchors, { now, keyUsage: ['keyEncipherment'] });
  if (!v.ok) {
    const e = v.errors[0];
    throw new WritError(e?.code ?? 'NO_PATH', `the recipient's KEM certificate does not verify: ${e?.message ?? 'no path'}`);
  }
  if (!v.identity || !v.enclave || !/\/kem$/.test(v.identity)) throw new WritError('IDENTITY', `the recipient certificate is not an enclave KEM certificate (${v.identity ?? 'no identity'})`);
  return v;
}

function newEnvelopeId(rng: Rng): string {
  const b = rng(16);
  if (!(b instanceof Uint8Array) || b.length !== 16) throw new TypeError('rng must return the requested number of bytes');
  return `env-${toHex(b)}`;
}

/**
 * The inner SignedData of an envelope: the RFC 8785 canonical content signed by the sender's gateway
 * key, the header carried as signed attributes, the sender's chain included (RFC 5652 §5, RFC 9882).
 */
export function signEnvelopeContent(content: unknown, header: EnvelopeHeader, sender: Pick<LocalEnclave, 'signer' | 'cert' | 'chain'>, signingTime: Date): Uint8Array {
  return signCms({
    content: canonicalBytes(content),
    contentType: ENVELOPE_OIDS.content,
    signers: [{ signer: sender.signer, cert: sender.cert }],
    certificates: sender.chain,
    signedAttributes: encodeHeader(header),
    signingTime,
  });
}

/**
 * Seals an envelope. Throws (REFUSED_* / chain codes / USAGE) before producing anything when the flow
 * is not covered. `now` is the issue time.
 */
export function sealEnvelope(req: SealRequest): SealResult {
  const { sender, now } = req;
  if (!(req.expiresAt instanceof Date) || !(req.expiresAt.getTime() > now.getTime())) throw new WritError('USAGE', 'the expiry must lie after the issue time');
  const rv = verifyRecipient(req.recipientCert, req.recipientChain ?? [], sender.trust, now);
  const recipient = enclaveIdOf(rv.identity!);
  const level = levelOid(req.level ?? sender.level);
  if (req.kind === 'query' && !req.query) throw new WritError('USAGE', 'a query envelope needs a query shape and parameters');
  if (req.kind !== 'query' && req.query) throw new WritError('USAGE', 'only query envelopes carry a query');
  if (req.kind === 'answer' && !req.answerTo) throw new WritError('USAGE', 'an answer envelope needs the query it answers');
  const queryShape = req.query?.shape ?? req.answerTo?.shape;
  const decision = checkFlow(sender.policy, {
    sender: sender.id,
    recipient,
    layer: layerOf(req.kind),
    scope: req.scope,
    level,
    senderLevel: sender.level,
    recipientLevel: rv.level ?? level,
    agreementId: req.agreementId,
    ...(queryShape !== undefined ? { queryShape } : {}),
    ...(req.query ? { params: req.query.params } : {}),
    now,
  });

  // Records: the sender's own are attested now; re-shared ones keep their original attestation and are
  // checked first, so a forwarder never passes on provenance that does not verify.
  const records: ProvenancedRecord[] = [];
  const attestations: Attestation[] = [];
  if (req.reshared && req.reshared.records.length > 0) {
    verifyRecords(req.reshared.records, req.reshared.attestations, { ...sender.trust, now });
    const used = new Set(req.reshared.records.map((r) => r.provenance.attestation));
    for (const a of req.reshared.attestations) if (used.has(a.id) && !attestations.some((x) => x.id === a.id)) attestations.push(a);
    records.push(...req.reshared.records);
  }
  if (req.newRecords && req.newRecords.length > 0) {
    const own = attestRecords(req.newRecords, { origin: sender.id, signer: sender.signer, cert: sender.cert, chain: sender.chain, attestedAt: now });
    // The sender's chain already travels in the SignedData: drop the duplicate from its own attestation.
    const { chain: _chain, ...slim } = own.attestation;
    attestations.push(slim);
    records.push(...compactRecords(own.records));
  }
  if (req.kind === 'records' && records.length === 0) throw new WritError('USAGE', 'a records envelope needs at least one record');

  const content: EnvelopeContent = { type: 'writ-envelope', version: 1, records, attestations, ...(req.query ? { query: req.query } : {}) };
  const header: EnvelopeHeader = {
    envelopeId: newEnvelopeId(req.rng),
    kind: req.kind,
    sender: enclaveIdOf(sender.id),
    recipient,
    scope: req.scope,
    consentRef: req.consentRef ?? `agreement:${req.agreementId}`,
    agreementId: req.agreementId,
    level,
    issuedAt: new Date(Math.floor(now.getTime() / 1000) * 1000),
    expiresAt: new Date(Math.floor(req.expiresAt.getTime() / 1000) * 1000),
    manifest: buildManifest(records),
    ...(queryShape !== undefined ? { queryShape } : {}),
    ...(req.answerTo ? { inReplyTo: req.answerTo.queryHash } : {}),
  };
  const signed = signEnvelopeContent(content, header, sender, header.issuedAt);
  const der = sealAuthEnveloped({ content: signed, contentType: CMS_OID.signedData, recipient: req.recipientCert, rng: req.rng });
  return { der, header, signedHash: toHex(sha512(signed)), decision, recipientIdentity: rv.identity! };
}

export interface OpenRequest {
  der: Uint8Array;
  self: LocalEnclave;
  /** The local KEM key (seed or expanded form) and certificate. */
  kem: { alg: KemAlgName; privateKey: Uint8Array; cert: Certificate };
  /** Replay store lookup: true when this envelope id was opened before. */
  opened: (envelopeId: string) => boolean;
  /** Queries this enclave sent, by SignedData hash: answers must bind to one of them. */
  sentQuery?: (queryHash: string) => { recipient: string; shape: string } | undefined;
  now: Date;
}

export interface OpenedEnvelope {
  header: EnvelopeHeader;
  /** The records with every inclusion path filled in (portable form), in envelope order. */
  records: ProvenancedRecord[];
  /** Attestations with their chains filled in (so the records verify on their own after export). */
  attestations: Attestation[];
  verifiedAttestations: VerifiedAttestation[];
  query?: { shape: string; params: JsonValue };
  /** Proved by the sender's chain. */
  senderIdentity: string;
  senderLevel?: string;
  senderRegion?: string;
  decision: FlowDecision;
  /** SHA-512 hex of the inner SignedData (an answer to a query binds to this). */
  signedHash: string;
  algorithms: Record<string, string>;
}

/**
 * Where open stopped, for the audit log: the header when it was read (decrypt and signature passed),
 * else undefined. Attached to the thrown WritError as `.envelope`.
 */
export type RefusalContext = { envelopeId?: string; sender?: string; kind?: EnvelopeKind; agreementId?: string; scope?: string };

export function refuse(code: WritError['code'], message: string, ctx: RefusalContext, cause?: unknown): never {
  const e = new WritError(code, message, cause === undefined ? undefined : { cause });
  (e as WritError & { envelope?: RefusalContext }).envelope = ctx;
  throw e;
}

function parseContent(bytes: Uint8Array): EnvelopeContent {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new WritError('PARSE', 'envelope content is not JSON', { cause: e });
  }
  if (!isObj(v) || v.type !== 'writ-envelope' || v.version !== 1 || !Array.isArray(v.records) || !Array.isArray(v.attestations)) {
    throw new WritError('PARSE', 'envelope content must be {"type":"writ-envelope","version":1,"records":[...],"attestations":[...]}');
  }
  checkLimit(v.records.length, 'MAX_ENVELOPE_RECORDS', MAX_ENVELOPE_RECORDS, 'envelope records');
  checkLimit(v.attestations.length, 'MAX_ATTESTATIONS', MAX_ATTESTATIONS, 'envelope attestations');
  const out: EnvelopeContent = {
    type: 'writ-envelope',
    version: 1,
    records: v.records.map((r, i) => parseRecord(r, `record ${i}`)),
    attestations: v.attestations.map((a, i) => parseAttestation(a, `attestation ${i}`)),
  };
  if (v.query !== undefined) {
    if (!isObj(v.query) || typeof v.query.shape !== 'string' || !('params' in v.query)) throw new WritError('PARSE', 'envelope query must be {"shape","params"}');
    out.query = { shape: v.query.shape, params: v.query.params as JsonValue };
  }
  return out;
}

/** Opens an envelope, running every check in order; throws one WritError (with `.envelope` context) on refusal. */
export function openEnvelope(req: OpenRequest): OpenedEnvelope {
  const { self, now } = req;
  const ctx: RefusalContext = {};
  // 1. Decrypt. Any failure of the outer layer, malformed or unauthentic, is DECRYPT: nothing inside
  //    can be trusted or even attributed until the AEAD tag has verified.
  let inner: ReturnType<typeof openEnveloped>;
  try {
    inner = openEnveloped(req.der, { alg: req.kem.alg, privateKey: req.kem.privateKey, cert: req.kem.cert });
  } catch (e) {
    refuse('DECRYPT', `the envelope does not decrypt with this enclave's KEM key${e instanceof Error ? `: ${e.message}` : ''}`, ctx, e);
  }
  if (inner.contentType !== CMS_OID.signedData) refuse('DECRYPT', 'the decrypted content is not a SignedData', ctx);

  // 2. Signature, then the sender's chain against the local trust store.
  let signed: ReturnType<typeof verifyCms>;
  try {
    signed = verifyCms(inner.content);
  } catch (e) {
    refuse('SIGNATURE', 'the signed envelope cannot be read', ctx, e);
  }
  // 2-4. Signature, chain, identity, recipient, dates.
  const { header, signer: s, v, senderId } = checkSignedEnvelope(signed, ENVELOPE_OIDS.content, self, now, ctx);

  let content: EnvelopeContent;
  try {
    content = parseContent(signed.content);
  } catch (e) {
    refuse(e instanceof WritError && e.code === 'LIMIT' ? 'LIMIT' : 'PARSE', e instanceof Error ? e.message : 'envelope content cannot be read', ctx, e);
  }

  // 5. Policy: agreement, withdrawal, scope, level, query shape, crossing; then the answer binding.
  if (header.kind === 'query' && (!content.query || content.query.shape !== header.queryShape)) {
    refuse('REFUSED_QUERY_SHAPE', 'the query in the envelope does not match the shape its header names', ctx);
  }
  if (header.kind !== 'query' && content.query) refuse('REFUSED_QUERY_SHAPE', `a ${header.kind} envelope must not carry a query`, ctx);
  const decision = checkOpenFlow(self, header, v, senderId, content.query, now, ctx);
  if (header.kind === 'answer') {
    const sent = header.inReplyTo !== undefined ? req.sentQuery?.(header.inReplyTo) : undefined;
    if (!sent) refuse('REFUSED_QUERY_SHAPE', 'the answer is not bound to a query this enclave sent', ctx);
    if (enclaveIdOf(sent.recipient) !== senderId || sent.shape !== header.queryShape) {
      refuse('REFUSED_QUERY_SHAPE', `the answer comes from ${senderId} for shape "${header.queryShape ?? ''}", but the query went to ${sent.recipient} for shape "${sent.shape}"`, ctx);
    }
  } else if (header.inReplyTo !== undefined) {
    refuse('REFUSED_QUERY_SHAPE', `a ${header.kind} envelope must not claim to answer a query`, ctx);
  }

  // 6. Replay.
  if (req.opened(header.envelopeId)) refuse('REFUSED_REPLAY', `envelope ${header.envelopeId} was opened before`, ctx);

  // 7. Provenance: the signed manifest, then every record's attestation and inclusion path.
  if (!manifestMatches(header.manifest, content.records)) refuse('PROVENANCE', 'the records do not match the signed manifest', ctx);
  // Attestations made by the sender travel without a chain (the SignedData carries it once); give
  // them the sender's chain back so the records verify on their own once they leave this envelope.
  const senderChain = [s.cert.der, ...signed.certificates.filter((c) => !bytesEqual(c.der, s.cert!.der)).map((c) => c.der)].map(toBase64);
  const attestations = content.attestations.map((a) => (a.chain === undefined ? { ...a, chain: senderChain } : a));
  let verified: Map<string, VerifiedAttestation>;
  try {
    verified = verifyRecords(content.records, content.attestations, { ...self.trust, now, extraCerts: signed.certificates });
  } catch (e) {
    if (e instanceof WritError) refuse('PROVENANCE', e.message, ctx, e);
    throw e;
  }

  return {
    header,
    records: completeRecords(content.records),
    attestations,
    verifiedAttestations: [...verified.values()],
    ...(content.query ? { query: content.query } : {}),
    senderIdentity: v.identity!,
    ...(v.level ? { senderLevel: v.level } : {}),
    ...(v.region ? { senderRegion: v.region } : {}),
    decision,
    signedHash: toHex(sha512(inner.content)),
    algorithms: inner.algorithms,
  };
}

/**
 * Open steps 2-4 on a SignedData that was read (in memory here, streamed in payload.ts): exactly one
 * good signer, the expected eContentType, the header, the sender's chain and gateway identity, then
 * the recipient and the dates. Refuses with the pipeline's codes; fills `ctx` once the header is read.
 */
export function checkSignedEnvelope(
  signed: VerifiedCms,
  contentType: string,
  self: LocalEnclave,
  now: Date,
  ctx: RefusalContext,
): { header: EnvelopeHeader; signer: CmsSignerInfo & { cert: Certificate }; v: VerifyResult; senderId: string } {
  if (signed.contentType !== contentType) refuse('SIGNATURE', contentType === ENVELOPE_OIDS.content ? 'the signed content is not a writ envelope' : 'the signed content is not a writ payload envelope', ctx);
  if (signed.signers.length !== 1) refuse('SIGNATURE', 'an envelope must have exactly one signer', ctx);
  const s = signed.signers[0]!;
  if (!s.ok) refuse('SIGNATURE', `the envelope signature does not verify${s.error ? ` (${s.error})` : ''}`, ctx);
  if (!s.cert) refuse('SIGNATURE', "the envelope does not include its sender's certificate", ctx);
  let header: EnvelopeHeader;
  try {
    header = decodeHeader(s.signedAttributes);
  } catch (e) {
    refuse('PARSE', `the envelope header cannot be read: ${e instanceof Error ? e.message : String(e)}`, ctx, e);
  }
  Object.assign(ctx, { envelopeId: header.envelopeId, sender: header.sender, kind: header.kind, agreementId: header.agreementId, scope: header.scope });
  const v = verify({ leaf: s.cert, untrusted: signed.certificates, ...(self.trust.crls ? { crls: self.trust.crls } : {}) }, self.trust.anchors, {
    now,
    keyUsage: ['digitalSignature'],
  });
  if (!v.ok) {
    const first = v.errors[0];
    refuse(first?.code ?? 'NO_PATH', `the sender's certificate does not verify: ${first?.message ?? 'no path'}`, ctx);
  }
  let senderId: string;
  try {
    senderId = enclaveIdOf(header.sender);
  } catch (e) {
    refuse('PARSE', 'the header sender is not an enclave id', ctx, e);
  }
  if (v.identity !== gatewayIdentityOf(senderId)) refuse('IDENTITY', `the envelope names sender ${senderId} but was signed by ${v.identity ?? 'an unproved identity'}`, ctx);

  // 3. Addressed to us.
  if (header.recipient !== enclaveIdOf(self.id)) refuse('REFUSED_NOT_RECIPIENT', `the envelope is addressed to ${header.recipient}, not to ${enclaveIdOf(self.id)}`, ctx);

  // 4. In date.
  if (now.getTime() >= header.expiresAt.getTime()) refuse('REFUSED_EXPIRED', `the envelope expired at ${header.expiresAt.toISOString()}`, ctx);
  if (header.issuedAt.getTime() > now.getTime() + MAX_SKEW_MS) refuse('REFUSED_EXPIRED', `the envelope is dated in the future (${header.issuedAt.toISOString()})`, ctx);
  return { header, signer: s as CmsSignerInfo & { cert: Certificate }, v, senderId };
}

/** Open step 5's flow decision (agreement, withdrawal, scope, level, query shape, crossing), refusing with checkFlow's code. */
export function checkOpenFlow(
  self: LocalEnclave,
  header: EnvelopeHeader,
  v: VerifyResult,
  senderId: string,
  query: { shape: string; params: JsonValue } | undefined,
  now: Date,
  ctx: RefusalContext,
): FlowDecision {
  try {
    return checkFlow(self.policy, {
      sender: senderId,
      recipient: self.id,
      layer: layerOf(header.kind),
      scope: header.scope,
      level: header.level,
      ...(v.level ? { senderLevel: v.level } : {}),
      recipientLevel: self.level,
      agreementId: header.agreementId,
      ...(header.queryShape !== undefined ? { queryShape: header.queryShape } : {}),
      ...(query ? { params: query.params } : {}),
      now,
    });
  } catch (e) {
    if (e instanceof WritError) refuse(e.code, e.message, ctx, e);
    throw e;
  }
}

/** A readable level for output: the name when it is one of ours. */
export function levelLabel(oid: string | undefined): string | undefined {
  return oid === undefined ? undefined : (levelName(oid) ?? oid);
}
