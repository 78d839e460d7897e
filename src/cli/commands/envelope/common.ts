// Shared plumbing of the `writ envelope` commands: loading the local enclave, record files (JSON lines), the sent-query store and audit entries.
//
// Record files (docs/envelopes.md "Record bundles"), one JSON object per line:
//   {"data": ..., "guardianship": {"kaitiaki": ..., "terms": ...}}   a record this enclave originates
//   {"type": "writ-record", "data": ..., "provenance": {...}}         a record with provenance (re-shared as is)
//   {"type": "writ-attestation", "id": ..., "cms": ..., "chain": [...]} the origin attestation those refer to
// `envelope open --out` writes the last two kinds, so what one enclave opens it can re-share, and a
// record together with its attestation line verifies anywhere that trusts the origin's root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../../../core/errors.js';
import { sha512 } from '../../../core/crypto/kdf.js';
import { toHex } from '../../../core/crypto/bytes.js';
import { canonicalize, type JsonValue } from '../../../core/json/canonical.js';
import type { Layer } from '../../../core/policy/agreement.js';
import { isObj } from '../../../core/policy/signed.js';
import { levelLabel, type LocalEnclave, type OpenedEnvelope, type SealResult } from '../../../core/envelope/envelope.js';
import type { AuditInput } from '../../../core/audit/log.js';
import type { EnvelopeKind } from '../../../core/envelope/header.js';
import { parseAttestation, parseRecord, type Attestation, type Guardianship, type NewRecord, type ProvenancedRecord } from '../../../core/envelope/records.js';
import type { Ctx } from '../../context.js';
import { appendLineDurable, ensureDir, readFileLimited } from '../../io.js';
import { readCerts } from '../../load.js';
import type { Certificate } from '../../../core/x509/types.js';
import { looksLikePem, pemDecodeAll } from '../../../core/asn1/pem.js';
import { loadEnclave, type LoadedEnclave } from '../../../enclave/layout.js';
import { parseRfc3339 } from '../verify/chain.js';
import { MAX_ATTESTATIONS, MAX_ENVELOPE_BYTES, MAX_SENT_QUERIES_BYTES, MAX_ENVELOPE_RECORDS, MAX_JSONL_LINE_BYTES, checkJsonDepth, limitError } from '../../../core/limits.js';

/** Envelopes may be large (10,000 records with provenance are ~20 MB); refuse beyond this (MAX_ENVELOPE_BYTES; streamed payloads are exempt, src/core/limits.ts). */
export const ENVELOPE_READ_LIMIT = MAX_ENVELOPE_BYTES;

export async function loadLocal(ctx: Ctx, dir: unknown, passFile: unknown, o: { noKem?: boolean; now?: Date } = {}): Promise<{ enclave: LoadedEnclave; local: LocalEnclave }> {
  if (typeof dir !== 'string' || dir === '') throw new WritError('USAGE', '--as ENCLAVE_DIR is required');
  const enclave = await loadEnclave(dir, {
    ...(typeof passFile === 'string' ? { passFile } : {}),
    now: o.now ?? ctx.now(),
    rng: ctx.rng,
    note: (m) => ctx.note(m),
    ...(o.noKem ? { noKem: true } : {}),
  });
  const local: LocalEnclave = {
    id: enclave.profile.identity,
    level: enclave.profile.level,
    signer: enclave.signer,
    cert: enclave.signingCert,
    chain: enclave.chain.slice(1).map((c) => c.der),
    trust: { anchors: enclave.anchors, crls: enclave.crls },
    policy: enclave.policy,
  };
  return { enclave, local };
}

/** --expires: an RFC 3339 time, or a duration from now such as 90s, 30m, 12h, 7d. */
export function parseExpiry(v: unknown, now: Date): Date {
  if (typeof v !== 'string' || v === '') throw new WritError('USAGE', '--expires is required (RFC 3339 time, or a duration like 24h or 7d)');
  const m = /^([1-9][0-9]{0,5})([smhd])$/.exec(v);
  if (m) return new Date(now.getTime() + Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']);
  return parseRfc3339(v);
}

function parseLines(file: string, limit = ENVELOPE_READ_LIMIT, limitName = 'MAX_ENVELOPE_BYTES', dropTorn = false): unknown[] {
  const bytes = readFileLimited(file, limit, limitName);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new WritError('PARSE', `${file}: not UTF-8 text`, { cause: e }); // a TypeError is no answer (issue 8)
  }
  const out: unknown[] = [];
  const lines = text.split('\n');
  if (dropTorn && !text.endsWith('\n')) lines.pop(); // a torn last line (crash mid-append) was never committed
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (line.length > MAX_JSONL_LINE_BYTES) throw limitError('MAX_JSONL_LINE_BYTES', MAX_JSONL_LINE_BYTES, `${file}: line ${i + 1}`);
    if (out.length >= MAX_ENVELOPE_RECORDS + MAX_ATTESTATIONS) throw limitError('MAX_ENVELOPE_RECORDS + MAX_ATTESTATIONS', MAX_ENVELOPE_RECORDS + MAX_ATTESTATIONS, `${file}: lines`);
    checkJsonDepth(line, `${file}: line ${i + 1}`);
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw new WritError('PARSE', `${file}: line ${i + 1} is not JSON`, { cause: e });
    }
  });
  return out;
}

export interface RecordInput {
  newRecords: NewRecord[];
  reshared: { records: ProvenancedRecord[]; attestations: Attestation[] };
}

/** Reads a records file; lines without guardianship take `defaultGuardianship` (USAGE when there is none). */
export function readRecordsFile(file: string, defaultGuardianship?: Guardianship): RecordInput {
  const out: RecordInput = { newRecords: [], reshared: { records: [], attestations: [] } };
  parseLines(file).forEach((v, i) => {
    const where = `${file}: line ${i + 1}`;
    if (!isObj(v)) throw new WritError('PARSE', `${where}: expected a JSON object`);
    if (v.type === 'writ-attestation') {
      const { type: _t, ...rest } = v;
      out.reshared.attestations.push(parseAttestation(rest, where));
    } else if (v.type === 'writ-record') {
      const { type: _t, ...rest } = v;
      out.reshared.records.push(parseRecord(rest, where));
    } else if (v.type === undefined && 'data' in v) {
      for (const k of Object.keys(v)) if (k !== 'data' && k !== 'guardianship') throw new WritError('PARSE', `${where}: unknown member "${k}"`);
      const g = (v.guardianship as Guardianship | undefined) ?? defaultGuardianship;
      if (!g) throw new WritError('USAGE', `${where}: no guardianship; give it in the line or with --kaitiaki and --terms`);
      out.newRecords.push({ data: v.data as JsonValue, guardianship: g });
    } else {
      throw new WritError('PARSE', `${where}: expected {"data","guardianship"}, or a "writ-record" / "writ-attestation" line`);
    }
  });
  return out;
}

/** The JSON-lines bundle of opened records: attestations first, then the records. */
export function bundleLines(records: readonly ProvenancedRecord[], attestations: readonly Attestation[]): string {
  const lines = [...attestations.map((a) => canonicalize({ type: 'writ-attestation', ...a })), ...records.map((r) => canonicalize({ type: 'writ-record', ...r }))];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function readEnvelopeFile(file: unknown): { der: Uint8Array; digest: string } {
  if (typeof file !== 'string') throw new WritError('USAGE', 'an envelope FILE is required');
  let der = readFileLimited(file, ENVELOPE_READ_LIMIT, 'MAX_ENVELOPE_BYTES');
  if (looksLikePem(der)) {
    const blocks = pemDecodeAll(new TextDecoder().decode(der));
    if (blocks.length !== 1) throw new WritError('PARSE', `${file}: expected one PEM block (CMS / PKCS7)`);
    der = blocks[0]!.der;
  }
  return { der, digest: toHex(sha512(der)) };
}

// ---- sent queries: state/queries.jsonl (this enclave's outgoing queries, so answers can be bound) ----

export interface SentQuery {
  /** SHA-512 hex of the query's SignedData: what the answer names in inReplyTo. */
  hash: string;
  envelopeId: string;
  recipient: string;
  shape: string;
  time: string;
}

/** What seal and open need of an enclave besides its keys: the KEM key, replay store, audit log and paths (the demo builds one without loadEnclave). */
export type EnclaveHandle = Pick<LoadedEnclave, 'kem' | 'replay' | 'audit' | 'paths'>;

function queriesFile(enclave: Pick<EnclaveHandle, 'paths'>): string {
  return path.join(enclave.paths.stateDir, 'queries.jsonl');
}

export function sentQueries(enclave: Pick<EnclaveHandle, 'paths'>): SentQuery[] {
  const f = queriesFile(enclave);
  if (!fs.existsSync(f)) return [];
  return parseLines(f, MAX_SENT_QUERIES_BYTES, 'MAX_SENT_QUERIES_BYTES', true).map((v, i) => {
    if (!isObj(v) || typeof v.hash !== 'string' || typeof v.recipient !== 'string' || typeof v.shape !== 'string') {
      throw new WritError('PARSE', `${f}: line ${i + 1} is not a sent-query record`);
    }
    return v as unknown as SentQuery;
  });
}

export function recordSentQuery(enclave: Pick<EnclaveHandle, 'paths'>, q: SentQuery): void {
  const f = queriesFile(enclave);
  ensureDir(path.dirname(f));
  appendLineDurable(f, canonicalize(q)); // torn-tail repair and rollback on a failed write (docs/enclave-dir.md "Crash safety")
}

/** --to (KEM certificate, maybe followed by its chain) and --untrusted files: the recipient and its path material. */
export function recipientCerts(opts: Record<string, unknown>): { cert: Certificate; chain: Certificate[] } {
  const to = readCerts(opts.to as string);
  return { cert: to[0]!, chain: [...to.slice(1), ...((opts.untrusted as string[] | undefined) ?? []).flatMap((f) => readCerts(f))] };
}

export function layerOfKind(kind: EnvelopeKind): Layer {
  return kind === 'records' ? 'data' : 'models';
}

/** Appends a refusal to the audit log, never masking the refusal itself if the log cannot be written. */
export function auditRefusal(
  ctx: Ctx,
  enclave: Pick<EnclaveHandle, 'audit'>,
  e: unknown,
  o: { event: 'seal' | 'open' | 'query' | 'answer'; layer?: Layer; subject?: string; peer?: string; digests?: Record<string, string>; details?: Record<string, string | number | boolean> },
): void {
  if (!(e instanceof WritError)) return;
  try {
    enclave.audit.append(refusalAuditInput(e, o));
  } catch (err) {
    ctx.note(`writ: warning: the refusal could not be written to the audit log: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The audit entry of a successful seal (digests and decisions only). */
export function sealAuditInput(sealed: SealResult, envelopeDigest: string): AuditInput {
  const h = sealed.header;
  return {
    event: h.kind === 'records' ? 'seal' : h.kind,
    decision: 'allow',
    layer: layerOfKind(h.kind),
    subject: h.envelopeId,
    peer: h.recipient,
    digests: { envelope: envelopeDigest, manifest: h.manifest.root, ...(h.kind === 'query' ? { query: sealed.signedHash } : {}), ...(h.inReplyTo ? { inReplyTo: h.inReplyTo } : {}) },
    details: {
      agreement: h.agreementId,
      scope: h.scope,
      level: levelLabel(h.level) ?? h.level,
      records: h.manifest.recordHashes.length,
      ...(h.queryShape ? { shape: h.queryShape } : {}),
      ...(sealed.decision.crossing ? { crossing: sealed.decision.crossing.crossing.id } : {}),
    },
  };
}

/** The audit entry of an accepted open. */
export function openAuditInput(r: OpenedEnvelope, envelopeDigest: string): AuditInput {
  const h = r.header;
  return {
    event: 'open',
    decision: 'allow',
    layer: layerOfKind(h.kind),
    subject: h.envelopeId,
    peer: h.sender,
    digests: { envelope: envelopeDigest, manifest: h.manifest.root, ...(h.inReplyTo ? { inReplyTo: h.inReplyTo } : {}) },
    details: {
      agreement: h.agreementId,
      scope: h.scope,
      level: levelLabel(h.level) ?? h.level,
      records: r.records.length,
      ...(h.queryShape ? { shape: h.queryShape } : {}),
      ...(r.decision.crossing ? { crossing: r.decision.crossing.crossing.id } : {}),
    },
  };
}

/** The audit entry of a refusal (seal or open), from the error and whatever of the envelope was read. */
export function refusalAuditInput(
  e: WritError,
  o: { event: 'seal' | 'open' | 'query' | 'answer'; layer?: Layer; subject?: string; peer?: string; digests?: Record<string, string>; details?: Record<string, string | number | boolean> },
): AuditInput {
  return {
    event: o.event,
    decision: 'refuse',
    code: e.code,
    ...(o.layer ? { layer: o.layer } : {}),
    ...(o.subject ? { subject: o.subject.slice(0, 200) } : {}),
    ...(o.peer ? { peer: o.peer } : {}),
    ...(o.digests ? { digests: o.digests } : {}),
    ...(o.details ? { details: o.details } : {}),
  };
}

export function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}
