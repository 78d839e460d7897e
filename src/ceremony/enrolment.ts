// The root directory's public enrolment record and personal approval keys (encrypted PKCS#8, RFC 5958 / RFC 8018 PBES2 scrypt).
//
// enrolment.json is public: approval-key public keys of custodians and officers (administrators and
// witnesses), the SLIP-0039 share set parameters and one commitment per share (HMAC, see
// src/core/shares/slip39.ts shareCommitment). It is what later ceremonies check approvals and shares against.
import { WritError } from '../core/errors.js';
import { SIG_ALGS, type Rng, type SigAlgName, type Signer } from '../core/crypto/types.js';
import { KEY_SIZES } from '../core/crypto/algs.js';
import { generateKeyPair, signerFromSeed } from '../core/crypto/keys.js';
import { decodePrivateKey, decryptPrivateKey, encodePrivateKey, encryptPrivateKey } from '../core/asn1/pkcs8.js';
import { pemDecodeAll, pemEncode } from '../core/asn1/pem.js';
import { enrolKey } from '../core/transcript/chain.js';
import type { EnrolledKey, Role } from '../core/transcript/types.js';
import { checkJsonDepth } from '../core/limits.js';

export const ENROLMENT_TYPE = 'writ-enrolment';

export interface PublicKeyRecord {
  name: string;
  alg: SigAlgName;
  /** Raw ML-DSA public key, standard base64 (as in transcripts). */
  publicKey: string;
  /** Hex SHA-256 of the SPKI DER. */
  keyId: string;
}

export interface ShareSetRecord {
  /** SLIP-0039 identifier of the split (15 bits). */
  identifier: number;
  threshold: number;
  count: number;
  iterationExponent: number;
  extendable: boolean;
  /** Hex salt of the commitments. */
  salt: string;
  /** Per custodian: SLIP-0039 member index (0-based, as encoded) and the share's commitment. */
  custodians: { name: string; memberIndex: number; commitment: string }[];
}

export interface Enrolment {
  type: typeof ENROLMENT_TYPE;
  version: 1;
  /** The ceremony that wrote this record. */
  ceremony: string;
  root: { alg: SigAlgName; keyFingerprint: string };
  shares: ShareSetRecord;
  custodians: PublicKeyRecord[];
  /** Administrators and witnesses: any enrolled officer may serve as either in a later ceremony. */
  officers: PublicKeyRecord[];
}

export function publicKeyRecord(name: string, alg: SigAlgName, publicKey: Uint8Array): PublicKeyRecord {
  const k = enrolKey('custodian', name, alg, publicKey);
  return { name, alg, publicKey: k.publicKey, keyId: k.keyId };
}

/** The transcript's EnrolledKey for a record, in a given role. */
export function asEnrolled(role: Role, r: PublicKeyRecord): EnrolledKey {
  return { role, actor: r.name, alg: r.alg, publicKey: r.publicKey, keyId: r.keyId };
}

export function parseEnrolment(text: string, source: string): Enrolment {
  checkJsonDepth(text, source); // LIMIT before any walker (or String()) meets a deeply nested value
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WritError('PARSE', `${source}: not JSON`, { cause: e });
  }
  const e = v as Enrolment;
  const ok =
    e !== null &&
    typeof e === 'object' &&
    e.type === ENROLMENT_TYPE &&
    e.version === 1 &&
    typeof e.ceremony === 'string' &&
    typeof e.root?.keyFingerprint === 'string' &&
    Array.isArray(e.custodians) &&
    Array.isArray(e.officers) &&
    typeof e.shares?.identifier === 'number' &&
    Array.isArray(e.shares?.custodians);
  if (!ok) throw new WritError('PARSE', `${source}: not a writ enrolment record`);
  // Re-derive every key id so a hand-edited record cannot pair a name with someone else's key id.
  for (const r of [...e.custodians, ...e.officers]) {
    try {
      const x = r as unknown as Record<string, unknown> | null;
      if (x === null || typeof x !== 'object' || typeof x.name !== 'string' || typeof x.alg !== 'string' || typeof x.publicKey !== 'string' || typeof x.keyId !== 'string') {
        throw new Error('not a {name, alg, publicKey, keyId} record');
      }
      // Name, algorithm and length are checked here, as input, before enrolKey's own programming-error checks.
      if (r.name.length === 0) throw new WritError('PARSE', `${source}: an enrolled key has an empty name (every custodian and officer needs one)`);
      if (!SIG_ALGS.includes(r.alg)) throw new WritError('PARSE', `${source}: the enrolled key of ${r.name} has an unknown algorithm (want one of ${SIG_ALGS.join(', ')})`);
      const raw = Uint8Array.from(Buffer.from(r.publicKey, 'base64'));
      if (raw.length !== KEY_SIZES[r.alg].publicKey) {
        throw new WritError('PARSE', `${source}: the enrolled key of ${r.name} is ${raw.length} bytes, not the ${KEY_SIZES[r.alg].publicKey} of ${r.alg}`);
      }
      const again = publicKeyRecord(r.name, r.alg, raw);
      if (again.keyId !== r.keyId) throw new Error('key id');
    } catch (err) {
      if (err instanceof WritError) throw err;
      // r may be any JSON value here (null too): the message must not throw in its turn.
      const n = r !== null && typeof r === 'object' ? (r as { name?: unknown }).name : undefined;
      const name = typeof n === 'string' ? n : 'an entry'; // String() of a deeply nested array overflows the stack
      throw new WritError('PARSE', `${source}: the enrolled key of ${name} is malformed`, { cause: err });
    }
  }
  return e;
}

export interface KdfCost {
  N: number;
  r: number;
  p: number;
}

/** A fresh approval key pair; returns the encrypted PEM (for its owner) and a signer kept for this ceremony. */
export function newApprovalKey(alg: SigAlgName, passphrase: Uint8Array, rng: Rng, cost?: KdfCost): { pem: string; signer: Signer & { wipe(): void }; record: (name: string) => PublicKeyRecord } {
  const kp = generateKeyPair(alg, rng);
  const der = encodePrivateKey(alg, kp.seed);
  const enc = encryptPrivateKey(der, passphrase, { kdf: 'scrypt', rng, ...(cost ? { scrypt: cost } : {}) });
  der.fill(0);
  const signer = signerFromSeed(alg as SigAlgName, kp.seed);
  kp.seed.fill(0);
  return { pem: pemEncode('ENCRYPTED PRIVATE KEY', enc), signer, record: (name) => publicKeyRecord(name, alg, kp.publicKey) };
}

/** Opens an approval key file (PEM, encrypted PKCS#8) with its owner's passphrase. */
export function openApprovalKey(bytes: Uint8Array, passphrase: Uint8Array, source: string): Signer & { wipe(): void } {
  const blocks = pemDecodeAll(new TextDecoder().decode(bytes));
  const b = blocks.find((x) => x.label === 'ENCRYPTED PRIVATE KEY');
  if (!b) throw new WritError('PARSE', `${source} is not an encrypted approval key (ENCRYPTED PRIVATE KEY PEM)`);
  const der = decryptPrivateKey(b.der, passphrase);
  try {
    const k = decodePrivateKey(der);
    if (!k.seed || !k.alg.startsWith('ml-dsa')) throw new WritError('PARSE', `${source}: not an ML-DSA key in seed form`);
    const s = signerFromSeed(k.alg as SigAlgName, k.seed);
    k.seed.fill(0);
    return s;
  } finally {
    der.fill(0);
  }
}
