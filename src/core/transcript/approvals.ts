// Custodian approvals: a CMS SignedData (RFC 5652, ML-DSA per RFC 9882) over {ceremony id, SHA-512 of the exact TBS bytes}, checked against enrolled keys.
//
// DESIGN.md §2: a custodian approves the exact to-be-signed digest, so they cannot be tricked into
// approving something other than what gets signed. The statement names the ceremony too, so an approval
// cannot be replayed into another ceremony over the same TBS.
import { WritError } from '../errors.js';
import type { WritErrorCode } from '../errors.js';
import { canonicalBytes, canonicalize } from '../json/canonical.js';
import { sha512 } from '../crypto/kdf.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import type { SigAlgName, Signer } from '../crypto/types.js';
import { signCms, verifyCms } from '../cms/signed-data.js';
import { HEX128, enrolKey, enrolledSpki, fromBase64, toBase64 } from './chain.js';
import { APPROVAL_TYPE } from './types.js';
import type { ApprovalRecord, EnrolledKey } from './types.js';

/** Hex SHA-512 of the exact to-be-signed bytes: the digest custodians approve and people read aloud. */
export function tbsDigest(tbs: Uint8Array): string {
  return toHex(sha512(tbs));
}

/** The statement an approval signs, as canonical JSON bytes. */
export function approvalStatement(o: { ceremonyId: string; digest: string; custodian: string }): Uint8Array {
  return canonicalBytes({ type: APPROVAL_TYPE, ceremonyId: o.ceremonyId, digest: o.digest, custodian: o.custodian });
}

/**
 * A custodian's approval: CMS SignedData with the statement encapsulated, signed by the custodian's
 * enrolled approval key (key-only signer: SignerIdentifier is the key's subjectKeyIdentifier).
 */
export function makeApproval(o: { ceremonyId: string; digest: string; custodian: string; signer: Signer; signingTime?: Date }): ApprovalRecord {
  if (typeof o.ceremonyId !== 'string' || o.ceremonyId.length === 0) throw new TypeError('ceremonyId must be a non-empty string');
  if (typeof o.digest !== 'string' || !HEX128.test(o.digest)) throw new RangeError('digest must be 128 lower-case hex digits (SHA-512)');
  if (typeof o.custodian !== 'string' || o.custodian.length === 0) throw new TypeError('custodian must be a non-empty string');
  const der = signCms({
    content: approvalStatement(o),
    signers: [{ signer: o.signer }],
    ...(o.signingTime ? { signingTime: o.signingTime } : {}),
  });
  const keyId = enrolKey('custodian', o.custodian, o.signer.alg, o.signer.publicKey).keyId;
  return { ceremonyId: o.ceremonyId, digest: o.digest, custodian: o.custodian, keyId, cms: toBase64(der) };
}

/** An enrolled approval key, either as the transcript records it or as raw material. */
export type EnrolledInput = EnrolledKey | { custodian: string; publicKey: Uint8Array; alg: SigAlgName };

export interface ApprovalCheckOptions {
  ceremonyId: string;
  digest: string;
  enrolled: readonly EnrolledInput[];
  threshold: number;
}

function normalise(enrolled: readonly EnrolledInput[]): EnrolledKey[] {
  return enrolled.map((k) => ('keyId' in k ? k : enrolKey('custodian', k.custodian, k.alg, k.publicKey)));
}

/** The outcome of checking one approval: the custodian and key id on success, else a code and message. */
export type ApprovalVerdict = { ok: true; custodian: string; keyId: string } | { ok: false; code: WritErrorCode; message: string };

/**
 * Checks one approval against the expected ceremony and digest and the enrolled custodian keys, given
 * the approvals already accepted (`seen`: custodians and key ids). Never throws on bad input.
 */
export function assessApproval(a: ApprovalRecord, o: { ceremonyId: string; digest: string; enrolled: readonly EnrolledInput[] }, seen: { custodians: Set<string>; keyIds: Set<string> }): ApprovalVerdict {
  const bad = (code: WritErrorCode, message: string): ApprovalVerdict => ({ ok: false, code, message });
  const who = typeof a?.custodian === 'string' ? `approval of ${a.custodian}` : 'approval';
  if (a === null || typeof a !== 'object' || typeof a.cms !== 'string') return bad('PARSE', `${who}: not an approval record`);
  // A record naming a key that already approved this digest is refused before its signature is
  // checked: a valid approval names its signing key (checked below), so this one could only be a
  // duplicate, and a file repeating one approval line a thousand times must not cost a thousand
  // ML-DSA verifies (a fuzzed transcript took 1.5 s).
  if (typeof a.keyId === 'string' && seen.keyIds.has(a.keyId)) return bad('APPROVAL_DUPLICATE', `${who}: its key has already approved this digest`);
  let keys: { key: EnrolledKey; spki: ReturnType<typeof enrolledSpki> }[];
  try {
    keys = normalise(o.enrolled)
      .filter((k) => k.role === 'custodian')
      .map((key) => ({ key, spki: enrolledSpki(key) }));
  } catch (e) {
    return bad('PARSE', `enrolled keys: ${e instanceof Error ? e.message : String(e)}`);
  }
  let res: ReturnType<typeof verifyCms>;
  try {
    res = verifyCms(fromBase64(a.cms, `${who}: cms`), { publicKeys: keys.map((k) => k.spki.spki) });
  } catch (e) {
    return bad('PARSE', `${who}: the CMS signature cannot be read (${e instanceof WritError ? e.message : 'malformed'})`);
  }
  if (res.signers.length !== 1) return bad('PARSE', `${who}: expected exactly one signer, found ${res.signers.length}`);
  const si = res.signers[0]!;
  const match = si.keyId === undefined ? undefined : keys.find((k) => bytesEqual(k.spki.cmsKeyId, si.keyId!));
  if (match === undefined) return bad('APPROVAL_UNKNOWN_KEY', `${who}: signed by a key that is not an enrolled custodian approval key`);
  if (!si.ok) return bad('SIGNATURE', `${who}: the signature does not verify under ${match.key.actor}'s enrolled key`);
  let st: Record<string, unknown>;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(res.content);
    st = JSON.parse(text) as Record<string, unknown>;
    if (canonicalize(st) !== text) throw new Error('not canonical');
  } catch {
    return bad('PARSE', `${who}: the signed statement is not canonical JSON`);
  }
  if (st.type !== APPROVAL_TYPE) return bad('PARSE', `${who}: the signed statement is not a ${APPROVAL_TYPE}`);
  if (st.ceremonyId !== o.ceremonyId) {
    return bad('APPROVAL_DIGEST', `${who}: approves ceremony ${String(st.ceremonyId)}, not ${o.ceremonyId}`);
  }
  if (st.digest !== o.digest) return bad('APPROVAL_DIGEST', `${who}: approves a different to-be-signed digest`);
  if (st.custodian !== match.key.actor) {
    return bad('APPROVAL_UNKNOWN_KEY', `${who}: the statement names ${String(st.custodian)} but the key is enrolled for ${match.key.actor}`);
  }
  // The record's plain-text copies must agree with what was signed (they are what people read).
  if (a.ceremonyId !== st.ceremonyId || a.digest !== st.digest || a.custodian !== st.custodian || a.keyId !== match.key.keyId) {
    return bad('APPROVAL_DIGEST', `${who}: the record's fields differ from the signed statement`);
  }
  if (seen.custodians.has(match.key.actor) || seen.keyIds.has(match.key.keyId)) {
    return bad('APPROVAL_DUPLICATE', `${who}: ${match.key.actor} has already approved this digest`);
  }
  return { ok: true, custodian: match.key.actor, keyId: match.key.keyId };
}

/**
 * Checks a set of approvals for one signing: throws the first refusal (APPROVAL_DIGEST for another
 * digest or ceremony, APPROVAL_DUPLICATE for a second approval by the same custodian or key,
 * APPROVAL_UNKNOWN_KEY for a key not enrolled, SIGNATURE for a bad signature, PARSE for a malformed
 * record), then QUORUM when fewer than `threshold` remain. Returns the approving custodians in order.
 */
export function checkApprovals(approvals: readonly ApprovalRecord[], o: ApprovalCheckOptions): { custodians: string[]; keyIds: string[] } {
  if (!Number.isSafeInteger(o.threshold) || o.threshold < 1) throw new RangeError('threshold must be a positive integer');
  const seen = { custodians: new Set<string>(), keyIds: new Set<string>() };
  const custodians: string[] = [];
  const keyIds: string[] = [];
  for (const a of approvals) {
    const v = assessApproval(a, o, seen);
    if (!v.ok) throw new WritError(v.code, v.message);
    seen.custodians.add(v.custodian);
    seen.keyIds.add(v.keyId);
    custodians.push(v.custodian);
    keyIds.push(v.keyId);
  }
  if (custodians.length < o.threshold) {
    throw new WritError('QUORUM', `${custodians.length} valid approval(s), ${o.threshold} needed`);
  }
  return { custodians, keyIds };
}
