// Shared semantic checks for accepted fuzz inputs of signed DER objects (certificates, CRLs, CSRs; RFC 5280 §4.1, §5.1; RFC 2986 §4).
//
// The oracle for a signed object: a mutant the parser accepts must either carry exactly a seed's
// (to-be-signed, algorithm, signature) triple — and then be byte-identical to that seed, since DER is
// canonical (X.690 §10) — or its signature must NOT verify under any fixture key (no false accept).
import { children, decodeDer, TAG, type Tlv } from '../../../src/core/asn1/der.js';
import { verifySignature } from '../../../src/core/crypto/signature.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import type { AlgorithmId, PublicKeyInfo } from '../../../src/core/x509/types.js';
import { hex } from './_fixture.js';

export interface SignedSeed {
  der: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm?: AlgorithmId;
}

function sameAlg(a: AlgorithmId, b: AlgorithmId): boolean {
  return a.oid === b.oid && (a.params === undefined ? b.params === undefined : b.params !== undefined && bytesEqual(a.params, b.params));
}

/** A fixture public key and the subject name (DER) it certifies; no subject = always tried. */
export interface SigningKey {
  spki: PublicKeyInfo;
  subject?: Uint8Array;
}

export function checkSignedMutant(
  what: string,
  input: Uint8Array,
  got: { der: Uint8Array; tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: AlgorithmId; issuer?: { der: Uint8Array } },
  seeds: readonly SignedSeed[],
  keys: readonly SigningKey[],
): void {
  if (!bytesEqual(got.der, input)) throw new Error(`${what}: parsed der differs from the input`);
  const seed = seeds.find((s) => bytesEqual(s.tbs, got.tbs) && bytesEqual(s.signature, got.signature));
  if (seed) {
    if (bytesEqual(seed.der, input)) return;
    // Same to-be-signed and signature, other bytes: only the outer signatureAlgorithm may differ, and then
    // the signature must not verify under it (RFC 5280 §4.1.1.2: path validation also refuses the mismatch).
    if (seed.signatureAlgorithm !== undefined && sameAlg(seed.signatureAlgorithm, got.signatureAlgorithm)) {
      throw new Error(`${what}: a second encoding of a seed was accepted (${hex(input).slice(0, 80)}...)`);
    }
  }
  // Only the keys of fixture certificates whose subject is the mutant's issuer (by DER): those are the
  // ones a path would check it under; verifying under every fixture key costs ~6 ML-DSA verifications.
  const issuerDer = got.issuer?.der;
  const candidates = issuerDer === undefined ? keys.map((k) => k.spki) : keys.filter((k) => k.subject !== undefined && bytesEqual(k.subject, issuerDer)).map((k) => k.spki);
  for (const k of candidates) {
    let ok = false;
    try {
      ok = verifySignature(got.signatureAlgorithm, k, got.tbs, got.signature);
    } catch {
      ok = false;
    }
    if (ok) throw new Error(`${what}: a mutated to-be-signed verifies under a fixture key (false accept)`);
  }
}

/** The Time element's digits re-derived from the parsed date must equal the encoded ones (no rollover: Feb 30 is not Mar 2). */
export function checkTime(t: Tlv | undefined, d: Date, what: string): void {
  if (t === undefined) throw new Error(`${what}: missing`);
  if (Number.isNaN(d.getTime())) throw new Error(`${what}: invalid Date accepted`);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const body = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  const want = t.tag === TAG.UTC_TIME ? `${p2(y % 100)}${body}` : `${String(y).padStart(4, '0')}${body}`;
  const got = Buffer.from(t.content).toString('latin1');
  if (got !== want) throw new Error(`${what}: encoded ${got} but parsed as ${d.toISOString()}`);
}

/** Children of the to-be-signed SEQUENCE. */
export function tbsFields(tbs: Uint8Array): Tlv[] {
  return children(decodeDer(tbs));
}
