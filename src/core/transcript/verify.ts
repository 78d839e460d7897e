// verifyTranscript: checks a ceremony transcript offline: hash chain (RFC 8785 + SHA-512), closing CMS signatures (RFC 5652/9882), approvals, artifact hashes.
//
// How damage is told apart. The chain codes come from the shared classifier (src/core/log/chain.ts
// classifyChain, which documents the rules: the hash links are the truth, seq numbers only say where a
// gap is): CHAIN_EDITED (also: the first line is not the header, or does not chain from the ceremony's
// genesis), CHAIN_REORDERED (the hash order is rebuilt and the other checks run on it), CHAIN_DELETED,
// CHAIN_TRUNCATED (no closing record), CHAIN_APPENDED (lines after the closing record). Then:
//  - CHECKPOINT: the closing record is malformed, unsigned, or its CMS signatures are not the root's
//    (a self-signed certificate, the trusted one when given; not for a header with rootSigned: false,
//    nor for an aborted ceremony) plus the enrolled administrator's and witness's keys, each verifying over the record's canonical bytes without `data.signature`.
//    Everything before the close is bound through `prev`, so a re-chained forgery ends here.
//  - APPROVAL_MISSING: a "sign" event without `quorum` valid approvals of its digest recorded before it.
//    A recorded approval that does not check is reported with its own code (APPROVAL_DIGEST, ...).
//  - ARTIFACT_MISMATCH: a given artifact's SHA-256 differs from the record's, or an artifact is given
//    but not listed, or listed but not given.
import { WritError } from '../errors.js';
import type { WritErrorCode } from '../errors.js';
import { canonicalBytes } from '../json/canonical.js';
import { sha256 } from '../crypto/kdf.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { verifySignature } from '../crypto/signature.js';
import { verifyCms } from '../cms/signed-data.js';
import { berToDer } from '../cms/ber.js';
import type { Certificate } from '../x509/types.js';
import { assessApproval } from './approvals.js';
import { classifyChain } from '../log/chain.js';
import { HEX64, HEX128, enrolledSpki, fromBase64, genesisHash, isEnrolledKey, lineHash, parseLine } from './chain.js';
import { isArtifactPath } from './writer.js';
import { EVENTS, TRANSCRIPT_FORMAT } from './types.js';
import type { ApprovalRecord, ClosingSignerInfo, EnrolledKey, TranscriptEntry, TranscriptHeader, TranscriptIssue, TranscriptVerifyResult } from './types.js';
import { MAX_JSONL_LINE_BYTES, MAX_LOG_LINES, checkLimit } from '../limits.js';

export interface VerifyTranscriptOptions {
  /** Every file the ceremony wrote, by the path the closing record uses ("/"-separated, relative). */
  artifacts: Record<string, Uint8Array>;
  /** When given, the closing record's root signer must be exactly this certificate. */
  trustedRoot?: Certificate;
}

/** Splits transcript.jsonl text into lines: LF-separated, one final LF expected (and dropped). */
export function splitTranscript(text: string): string[] {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  checkLimit(lines.length, 'MAX_LOG_LINES', MAX_LOG_LINES, 'transcript lines');
  lines.forEach((l, i) => checkLimit(l.length, 'MAX_JSONL_LINE_BYTES', MAX_JSONL_LINE_BYTES, `transcript line ${i + 1}`));
  return lines;
}

function readHeader(data: unknown): TranscriptHeader | string {
  const h = data as Partial<TranscriptHeader> | null;
  if (h === null || typeof h !== 'object') return 'header data is not an object';
  if (h.format !== TRANSCRIPT_FORMAT) return `format is ${String(h.format)}, expected ${TRANSCRIPT_FORMAT}`;
  if (typeof h.ceremonyId !== 'string' || h.ceremonyId.length === 0) return 'ceremonyId missing';
  if (!h.script || typeof h.script.name !== 'string' || typeof h.script.sha256 !== 'string' || !HEX64.test(h.script.sha256)) return 'script missing';
  if (typeof h.rehearsal !== 'boolean') return 'rehearsal flag missing';
  const r = h.roles;
  if (!r || typeof r.administrator !== 'string' || typeof r.witness !== 'string' || !Array.isArray(r.custodians) || r.custodians.some((c) => typeof c !== 'string')) return 'roles missing';
  if (typeof h.quorum !== 'number' || !Number.isSafeInteger(h.quorum) || h.quorum < 1) return 'quorum missing';
  if (!Array.isArray(h.keys)) return 'keys missing';
  if (typeof h.rootSigned !== 'boolean') return 'rootSigned flag missing';
  return h as TranscriptHeader;
}

const msgOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Verifies a transcript's lines (see the file comment for the rules and codes). Never throws on bad content. */
export function verifyTranscript(lines: readonly string[], o: VerifyTranscriptOptions): TranscriptVerifyResult {
  if (!Array.isArray(lines) || lines.some((l) => typeof l !== 'string')) throw new TypeError('lines must be an array of strings');
  if (!o || o.artifacts === null || typeof o.artifacts !== 'object') throw new TypeError('options.artifacts must be a record of path -> bytes');
  const issues: TranscriptIssue[] = [];
  const add = (code: WritErrorCode, message: string, index?: number): void => {
    issues.push(index === undefined ? { code, message } : { code, line: index + 1, message });
  };
  const result = (extra: Partial<TranscriptVerifyResult>): TranscriptVerifyResult => {
    const status = extra.status ?? 'unclosed';
    const intact = issues.length === 0;
    return {
      ok: intact && status === 'complete',
      intact,
      status,
      errors: issues,
      ceremonyId: extra.ceremonyId ?? '',
      rehearsal: extra.rehearsal ?? false,
      ...(extra.script ? { script: extra.script } : {}),
      ...(extra.header ? { header: extra.header } : {}),
      entries: lines.length,
      approvals: extra.approvals ?? [],
      artifacts: extra.artifacts ?? {},
      ...(extra.root ? { root: extra.root } : {}),
      closingSigners: extra.closingSigners ?? [],
    };
  };
  if (lines.length === 0) {
    add('CHAIN_TRUNCATED', 'the transcript is empty');
    return result({});
  }

  const parsed = lines.map(parseLine);
  const entries: (TranscriptEntry | undefined)[] = parsed.map((p) => ('entry' in p ? p.entry : undefined));
  const hashes = lines.map(lineHash);

  // The header names the ceremony, whose genesis the first line must chain from.
  const headerIdx = entries.findIndex((e) => e?.event === EVENTS.open && e.seq === 0);
  const headerRead = headerIdx >= 0 ? readHeader(entries[headerIdx]!.data) : undefined;
  const header = typeof headerRead === 'object' ? headerRead : undefined;
  const ceremonyId = header?.ceremonyId ?? '';
  const genesis = header ? genesisHash(ceremonyId) : undefined;

  // ---- the hash chain (src/core/log/chain.ts): damage classified, the hash order rebuilt, the close found
  const chain = classifyChain({
    lines: parsed.map((p) => ('entry' in p ? p.entry : p)),
    hashes,
    genesis,
    isHead: (i) => entries[i]?.event === EVENTS.open,
    isClose: (i) => entries[i]?.event === EVENTS.close,
    names: { log: 'transcript', head: 'header', genesis: `the genesis of ceremony "${ceremonyId}"` },
  });
  for (const f of chain.findings) issues.push(f);
  const order = chain.order;
  const limit = chain.end - 1;
  const closeIdx = chain.close;

  if (headerIdx >= 0 && typeof headerRead === 'string') {
    add(headerRead.startsWith('format') ? 'UNSUPPORTED' : 'PARSE', `header: ${headerRead}`, headerIdx);
  }
  if (!header) {
    if (headerIdx < 0 && !issues.some((x) => x.code === 'CHAIN_DELETED' || x.code === 'CHAIN_EDITED')) add('PARSE', 'no header line');
    return result({});
  }

  // ---- enrolled keys, approvals, signings (in chain order, up to the close)
  const keys: EnrolledKey[] = [];
  const addKeys = (ks: unknown, i: number): void => {
    if (!Array.isArray(ks)) return add('PARSE', 'enrolled keys are not a list', i);
    for (const k of ks) {
      if (!isEnrolledKey(k)) {
        add('PARSE', 'an enrolled key record is malformed', i);
        continue;
      }
      try {
        enrolledSpki(k);
        keys.push(k);
      } catch (e) {
        add('PARSE', msgOf(e), i);
      }
    }
  };
  const seen = new Map<string, { custodians: Set<string>; keyIds: Set<string>; valid: string[] }>();
  const approvalsRows: TranscriptVerifyResult['approvals'] = [];
  let aborted = false;
  // The writer records only approvals that verified, so one refused approval already refuses the
  // transcript; later ones are not checked (each costs an ML-DSA verify, and a hostile file can hold
  // thousands), and the signings after it report the approvals they lack.
  let approvalRefused = false;
  for (let p = 0; p <= limit; p++) {
    const i = order[p]!;
    const e = entries[i];
    if (!e) continue;
    if (i === headerIdx) addKeys(header.keys, i);
    else if (e.event === EVENTS.open) add('CHAIN_EDITED', `line ${i + 1}: a second header`, i);
    else if (e.event === EVENTS.enrol) addKeys(e.data.keys, i);
    else if (e.event === EVENTS.abort) aborted = true;
    else if (e.event === EVENTS.approval) {
      const rec = e.data as unknown as ApprovalRecord;
      if (typeof rec.digest !== 'string' || !HEX128.test(rec.digest)) {
        add('PARSE', `line ${i + 1}: approval without a SHA-512 digest`, i);
        continue;
      }
      const s = seen.get(rec.digest) ?? { custodians: new Set<string>(), keyIds: new Set<string>(), valid: [] };
      seen.set(rec.digest, s);
      if (approvalRefused) continue;
      const v = assessApproval(rec, { ceremonyId, digest: rec.digest, enrolled: keys }, s);
      if (!v.ok) {
        add(v.code, `line ${i + 1}: ${v.message}`, i);
        approvalRefused = true;
      } else {
        s.custodians.add(v.custodian);
        s.keyIds.add(v.keyId);
        s.valid.push(v.custodian);
      }
    } else if (e.event === EVENTS.sign) {
      const d = e.data.digest;
      const label = typeof e.data.label === 'string' ? e.data.label : '';
      if (typeof d !== 'string' || !HEX128.test(d)) {
        add('PARSE', `line ${i + 1}: signing event without a SHA-512 digest`, i);
        continue;
      }
      const valid = [...(seen.get(d)?.valid ?? [])];
      approvalsRows.push({ step: e.step, digest: d, label, threshold: header.quorum, custodians: valid });
      if (valid.length < header.quorum) {
        add('APPROVAL_MISSING', `line ${i + 1}: "${label}" was signed with ${valid.length} valid custodian approval(s) recorded, ${header.quorum} needed`, i);
      }
    }
  }

  const base = { ceremonyId, rehearsal: header.rehearsal, script: header.script, header, approvals: approvalsRows };
  if (closeIdx === undefined || !entries[closeIdx]) return result(base);

  // ---- the closing record
  const close = entries[closeIdx]!;
  const cd = close.data as Record<string, unknown>;
  const arts = cd.artifacts as Record<string, unknown> | undefined;
  if (
    (cd.status !== 'complete' && cd.status !== 'aborted') ||
    arts === null ||
    typeof arts !== 'object' ||
    Array.isArray(arts) ||
    Object.entries(arts).some(([k, v]) => !isArtifactPath(k) || typeof v !== 'string' || !HEX64.test(v)) ||
    !Array.isArray(cd.signers) ||
    typeof cd.signature !== 'string'
  ) {
    add('CHECKPOINT', 'the closing record is malformed', closeIdx);
    return result(base);
  }
  const status = cd.status;
  const artifacts = arts as Record<string, string>;
  if ((status === 'aborted') !== aborted) {
    add('CHECKPOINT', status === 'aborted' ? 'the closing record says aborted but no abort is recorded' : 'an abort is recorded but the closing record says complete', closeIdx);
  }
  const closingSigners: ClosingSignerInfo[] = [];
  let root: TranscriptVerifyResult['root'];
  const checkpoint = (m: string): void => add('CHECKPOINT', m, closeIdx);
  const roleKeys = keys.filter((k) => k.role === 'administrator' || k.role === 'witness').map((k) => ({ key: k, ...enrolledSpki(k) }));
  const { signature, ...unsigned } = cd;
  const signedBytes = canonicalBytes({ ...close, data: unsigned });
  if (signature === '') {
    if (status !== 'aborted' || roleKeys.length > 0) checkpoint('the closing record is unsigned');
  } else {
    try {
      const der = fromBase64(signature as string, 'closing signature');
      // Only DER is accepted here (verifyCms also reads BER): one signature, one encoding.
      if (!bytesEqual(berToDer(der), der)) throw new WritError('PARSE', 'the closing signature is not DER');
      const res = verifyCms(der, { detachedContent: signedBytes, publicKeys: roleKeys.map((k) => k.spki) });
      const found = new Map<string, ClosingSignerInfo>();
      res.signers.forEach((si, n) => {
        if (!si.ok) return checkpoint(`closing signature ${n + 1} does not verify (${si.error ?? 'bad signature'})`);
        let info: ClosingSignerInfo | undefined;
        if (si.cert) {
          if (status === 'complete' && !header.rootSigned) return checkpoint('a root signature on a ceremony opened with rootSigned: false');
          const c = si.cert;
          const selfSigned = bytesEqual(c.issuer.der, c.subject.der) && verifySignature(c.signatureAlgorithm, c.spki, c.tbs, c.signature);
          if (!selfSigned) return checkpoint('the certificate-bearing closing signer is not a self-signed root');
          if (o.trustedRoot && !bytesEqual(o.trustedRoot.der, c.der)) return checkpoint('the closing record is signed by a root other than the trusted one');
          info = { role: 'root', actor: c.subject.text, keyId: toHex(sha256(c.spki.der)) };
          root = { fingerprint: toHex(sha256(c.der)), subject: c.subject.text };
        } else {
          const k = si.keyId === undefined ? undefined : roleKeys.find((r) => bytesEqual(r.cmsKeyId, si.keyId!));
          if (!k) return checkpoint(`closing signature ${n + 1} is by a key that is neither the root nor an enrolled administrator or witness key`);
          info = { role: k.key.role as 'administrator' | 'witness', actor: k.key.actor, keyId: k.key.keyId };
        }
        if (found.has(info.role)) return checkpoint(`the ${info.role} signed the closing record twice`);
        found.set(info.role, info);
      });
      const needed: ClosingSignerInfo['role'][] =
        status === 'complete' ? (header.rootSigned ? ['root', 'administrator', 'witness'] : ['administrator', 'witness']) : (['administrator', 'witness'] as const).filter((r) => roleKeys.some((k) => k.key.role === r));
      for (const r of needed) if (!found.has(r)) checkpoint(`the closing record lacks a valid ${r} signature`);
      for (const r of ['root', 'administrator', 'witness'] as const) {
        const f = found.get(r);
        if (f) closingSigners.push(f);
      }
      const listed = JSON.stringify((cd.signers as ClosingSignerInfo[]).map((s) => [s?.role, s?.actor, s?.keyId]));
      if (listed !== JSON.stringify(closingSigners.map((s) => [s.role, s.actor, s.keyId]))) {
        checkpoint('the signers the closing record lists are not the ones whose signatures verify');
      }
    } catch (e) {
      checkpoint(`the closing signature cannot be read: ${msgOf(e)}`);
    }
  }

  // ---- artifacts: every given file listed with its hash, every listed file given
  for (const [path, bytes] of Object.entries(o.artifacts)) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`artifact ${path} must be a Uint8Array`);
    const want = artifacts[path];
    if (want === undefined) add('ARTIFACT_MISMATCH', `${path} is not named in the closing record`, closeIdx);
    else if (want !== toHex(sha256(bytes))) add('ARTIFACT_MISMATCH', `${path} does not match the SHA-256 in the closing record`, closeIdx);
  }
  for (const path of Object.keys(artifacts)) {
    if (!Object.prototype.hasOwnProperty.call(o.artifacts, path)) add('ARTIFACT_MISMATCH', `${path} is named in the closing record but missing`, closeIdx);
  }

  return result({ ...base, status, artifacts, closingSigners, ...(root ? { root } : {}) });
}
