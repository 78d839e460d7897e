// PKCS#8 private keys (RFC 5958) for ML-DSA (RFC 9881 §6), ML-KEM (RFC 9935 §6) and X-Wing, plus PBES2 encryption (RFC 8018 §6.2, RFC 7914 §7).
//
// Forms (RFC 9881 §6 / RFC 9935 §6, module uses IMPLICIT TAGS):
//   ML-DSA-xx-PrivateKey ::= CHOICE {
//     seed        [0] OCTET STRING (SIZE (32)),          -- 64 for ML-KEM (d || z)
//     expandedKey OCTET STRING (SIZE (2560|4032|4896)),  -- FIPS 204 skEncode / FIPS 203 dk
//     both        SEQUENCE { seed OCTET STRING, expandedKey OCTET STRING } }
// The CHOICE value is the contents of the OneAsymmetricKey privateKey OCTET STRING. writ writes the seed
// form; it reads all three and checks that "both" is consistent.
//
// X-Wing (writ private profile, following draft-connolly-cfrg-xwing-kem: "the private key is the 32-byte
// seed"): the privateKey OCTET STRING contains the raw 32-byte seed, no CHOICE wrapper. Until the IETF
// fixes a PKCS#8 encoding for X-Wing, only writ is expected to read these files.
//
// Encrypted keys: EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2), KDF scrypt
// (RFC 7914 §7) or PBKDF2 with hmacWithSHA256 (RFC 8018 §A.2, B.1.2), cipher aes256-CBC
// (RFC 8018 §B.2.5, IV as OCTET STRING) — the same DER layout OpenSSL writes, so OpenSSL loads ours and
// we load its own.
import { WritError } from '../errors.js';
import { KEY_ALG_OIDS, KEY_SIZES, algFromOid } from '../crypto/algs.js';
import { aes256CbcDecrypt, aes256CbcEncrypt } from '../crypto/aead.js';
import { bytesEqual, checkBytes, drawRandom } from '../crypto/bytes.js';
import { pbkdf2, scrypt } from '../crypto/kdf.js';
import type { HashName } from '../crypto/kdf.js';
import { expandSeed, publicKeyFromExpandedKey } from '../crypto/keys.js';
import type { KeyAlgName, Rng } from '../crypto/types.js';
import {
  TAG,
  children,
  ctxPrimitive,
  decodeDer,
  decodeSmallUint,
  expect,
  integer,
  isContext,
  isUniversal,
  nullValue,
  octetString,
  oidContent,
  seq,
  seqOf,
} from './der.js';
import type { Tlv } from './der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from './alg-id.js';
import { MAX_KEY_SCRYPT_WORK_BYTES, MAX_PBKDF2_ITERATIONS } from '../limits.js';

export type PrivateKeyForm = 'seed' | 'expandedKey' | 'both';

export interface DecodedPrivateKey {
  alg: KeyAlgName;
  form: PrivateKeyForm;
  seed?: Uint8Array;
  expandedKey?: Uint8Array;
  /** The public key derived from the private key (and checked against an embedded one, if any). */
  publicKey: Uint8Array;
}

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

const PRF_HASH: Record<string, HashName> = {
  [OID.hmacWithSha256]: 'sha256',
  [OID.hmacWithSha384]: 'sha384',
  [OID.hmacWithSha512]: 'sha512',
};

/** Defaults when writing. scrypt N=2^14, r=8 keeps under OpenSSL's 32 MiB scrypt memory cap (EVP_PBE_scrypt); p=4 adds work, not memory. */
export const DEFAULT_SCRYPT = { N: 2 ** 14, r: 8, p: 4 } as const;
/** PBKDF2-HMAC-SHA256 iterations (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;

/**
 * Limits applied when reading untrusted encrypted keys, so a hostile file cannot make us burn memory or
 * hours (issue 8). scrypt: total work 128 * N * r * p bytes at most writ's own default (64 MiB; OpenSSL's
 * default N=2^14, r=8, p=1 is 16 MiB), which also bounds memory (128 * N * r). Before the fuzzers, memory
 * alone was capped (1 GiB) and p was free: N=2^14, r=8, p=2^20 would have run for hours. PBKDF2: 2,000,000
 * iterations (3x writ's default; 10,000,000 took ~40 s on a loaded 2-core box).
 */
export const READ_LIMITS = { scryptWorkBytes: MAX_KEY_SCRYPT_WORK_BYTES, pbkdf2Iterations: MAX_PBKDF2_ITERATIONS } as const; // src/core/limits.ts

const pkcs8Fail = (why: string): never => {
  throw new WritError('PARSE', `malformed PKCS#8 private key: ${why}`);
};

// ---------------------------------------------------------------- plain keys

/** DER OneAsymmetricKey v1 (version 0) holding the seed form (X-Wing: the raw seed, writ private profile). */
export function encodePrivateKey(alg: KeyAlgName, seed: Uint8Array): Uint8Array {
  const o = KEY_ALG_OIDS[alg];
  if (o === undefined) throw new TypeError(`unknown key algorithm: ${String(alg)}`);
  checkBytes('seed', seed, KEY_SIZES[alg].seed);
  const choice = alg === 'x-wing' ? Uint8Array.from(seed) : ctxPrimitive(0, seed); // seed [0] IMPLICIT OCTET STRING
  const inner = octetString(choice);
  const out = seq(integer(0), algorithmIdentifier(o), inner);
  choice.fill(0);
  inner.fill(0);
  return out;
}

/**
 * Parses a OneAsymmetricKey (RFC 5958 §2, version 0 or 1) for one of writ's algorithms and derives the
 * public key. PARSE for malformed or non-RFC forms, UNSUPPORTED_ALG for other algorithms, KEY_MISMATCH when
 * "both" disagrees with itself, an expanded key fails its internal checks, or an embedded publicKey [1]
 * is not the derived one.
 */
export function decodePrivateKey(der: Uint8Array): DecodedPrivateKey {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  const fields = seqOf(decodeDer(der, 'OneAsymmetricKey'), 'OneAsymmetricKey');
  const version = decodeSmallUint(expect(fields[0], TAG.INTEGER, 'version').content, 'version');
  if (version !== 0 && version !== 1) pkcs8Fail(`unknown version ${version}`);
  const algId = parseAlgorithmIdentifier(fields[1], 'privateKeyAlgorithm');
  const alg = algFromOid(algId.oid);
  if (alg === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported private key algorithm ${algId.oid}`);
  // RFC 9881 §6 / RFC 9935 §6: parameters MUST be absent.
  if (algId.params !== undefined) pkcs8Fail(`${alg}: AlgorithmIdentifier parameters must be absent`);
  const privateKey = expect(fields[2], TAG.OCTET_STRING, 'privateKey').content;
  let embeddedPublic: Uint8Array | undefined;
  let i = 3;
  if (isContext(fields[i], 0) && fields[i]?.constructed === true) {
    // attributes [0] IMPLICIT SET OF Attribute (RFC 5958 §2): ignored, but they must be Attributes
    // (before, any constructed [0] was skipped unread; found by the fuzzer, issue 8).
    for (const a of children(fields[i]!)) {
      const p = seqOf(a, 'Attribute');
      if (p.length !== 2) pkcs8Fail('malformed attribute');
      oidContent(expect(p[0], TAG.OID, 'attribute type').content, 'attribute type');
      expect(p[1], TAG.SET, 'attribute values');
    }
    i++;
  }
  const pub = fields[i];
  if (isContext(pub, 1) && !pub.constructed) {
    // publicKey [1] IMPLICIT BIT STRING, only in version 1 (RFC 5958 §2).
    if (version !== 1) pkcs8Fail('publicKey is only allowed in version 1 (v2) keys');
    if (pub.content[0] !== 0) pkcs8Fail('publicKey BIT STRING has unused bits');
    embeddedPublic = pub.content.slice(1);
    i++;
  }
  if (i !== fields.length) pkcs8Fail('unexpected trailing fields');

  const out = decodeChoice(alg, privateKey);
  if (embeddedPublic !== undefined && !bytesEqual(embeddedPublic, out.publicKey)) {
    throw new WritError('KEY_MISMATCH', `${alg} private key: the embedded publicKey does not match the private key`);
  }
  return out;
}

function decodeChoice(alg: KeyAlgName, pk: Uint8Array): DecodedPrivateKey {
  const sizes = KEY_SIZES[alg];
  if (alg === 'x-wing') {
    if (pk.length !== sizes.seed) pkcs8Fail(`x-wing private key must be the ${sizes.seed}-byte seed`);
    const seed = Uint8Array.from(pk);
    const { publicKey, expandedKey } = expandSeed(alg, seed);
    expandedKey.fill(0); // a copy of the seed
    return { alg, form: 'seed', seed, publicKey };
  }
  let t: Tlv;
  try {
    t = decodeDer(pk, 'private key CHOICE');
  } catch (e) {
    throw new WritError('PARSE', `malformed PKCS#8 private key: ${alg} privateKey is not a DER ${alg.toUpperCase()}-PrivateKey CHOICE`, { cause: e });
  }
  if (isContext(t, 0) && !t.constructed) {
    if (t.content.length !== sizes.seed) pkcs8Fail(`${alg} seed must be ${sizes.seed} bytes`);
    const seed = Uint8Array.from(t.content);
    const { publicKey, expandedKey } = expandSeed(alg, seed);
    expandedKey.fill(0);
    return { alg, form: 'seed', seed, publicKey };
  }
  if (isUniversal(t, TAG.OCTET_STRING) && !t.constructed) {
    if (t.content.length !== sizes.expandedKey) pkcs8Fail(`${alg} expandedKey must be ${sizes.expandedKey} bytes`);
    const expandedKey = Uint8Array.from(t.content);
    return { alg, form: 'expandedKey', expandedKey, publicKey: checkedPublic(alg, expandedKey) };
  }
  if (isUniversal(t, TAG.SEQUENCE) && t.constructed) {
    const kids = seqOf(t, `${alg} both`);
    if (kids.length !== 2) pkcs8Fail(`${alg} both: expected SEQUENCE { seed, expandedKey }`);
    const s = expect(kids[0], TAG.OCTET_STRING, 'both.seed').content;
    const e = expect(kids[1], TAG.OCTET_STRING, 'both.expandedKey').content;
    if (s.length !== sizes.seed) pkcs8Fail(`${alg} seed must be ${sizes.seed} bytes`);
    if (e.length !== sizes.expandedKey) pkcs8Fail(`${alg} expandedKey must be ${sizes.expandedKey} bytes`);
    const seed = Uint8Array.from(s);
    const expandedKey = Uint8Array.from(e);
    const derived = expandSeed(alg, seed);
    const same = bytesEqual(derived.expandedKey, expandedKey);
    derived.expandedKey.fill(0);
    // RFC 9881 §6 / RFC 9935 §6: a consumer of "both" checks that the expanded key is the one the seed gives.
    if (!same) throw new WritError('KEY_MISMATCH', `${alg} private key: expandedKey does not match the key derived from the seed`);
    return { alg, form: 'both', seed, expandedKey, publicKey: derived.publicKey };
  }
  return pkcs8Fail(`${alg} privateKey is not a ${alg.toUpperCase()}-PrivateKey CHOICE (tag 0x${(t.der[0] ?? 0).toString(16)})`);
}

function checkedPublic(alg: KeyAlgName, expandedKey: Uint8Array): Uint8Array {
  try {
    return publicKeyFromExpandedKey(alg, expandedKey);
  } catch (e) {
    throw new WritError('KEY_MISMATCH', `${alg} expandedKey is internally inconsistent`, { cause: e });
  }
}

// ---------------------------------------------------------------- encrypted keys

export interface EncryptOptions {
  kdf: 'scrypt' | 'pbkdf2';
  rng: Rng;
  /** scrypt cost (default DEFAULT_SCRYPT). OpenSSL refuses N*r*128 > 32 MiB. */
  scrypt?: { N: number; r: number; p: number };
  /** PBKDF2 iterations (default DEFAULT_PBKDF2_ITERATIONS). */
  iterations?: number;
}

/** True when `der` looks like an EncryptedPrivateKeyInfo (SEQUENCE { AlgorithmIdentifier, OCTET STRING }). */
export function isEncryptedPrivateKey(der: Uint8Array): boolean {
  try {
    const kids = seqOf(decodeDer(der, 'EncryptedPrivateKeyInfo'), 'EncryptedPrivateKeyInfo');
    return kids.length === 2 && isUniversal(kids[0], TAG.SEQUENCE) && kids[0].constructed && isUniversal(kids[1], TAG.OCTET_STRING) && !kids[1].constructed;
  } catch {
    return false;
  }
}

/** Wraps a DER PKCS#8 key into a PBES2 EncryptedPrivateKeyInfo (RFC 5958 §3, RFC 8018 §6.2.1). */
export function encryptPrivateKey(der: Uint8Array, passphrase: Uint8Array, opts: EncryptOptions): Uint8Array {
  checkBytes('der', der);
  checkBytes('passphrase', passphrase);
  if (passphrase.length === 0) throw new RangeError('passphrase must not be empty');
  const salt = drawRandom(opts.rng, 16);
  const iv = drawRandom(opts.rng, 16);
  let kdfAlgId: Uint8Array;
  let key: Uint8Array;
  if (opts.kdf === 'scrypt') {
    const { N, r, p } = opts.scrypt ?? DEFAULT_SCRYPT;
    key = scrypt(passphrase, salt, { N, r, p, dkLen: 32 });
    // scrypt-params ::= SEQUENCE { salt, costParameter, blockSize, parallelizationParameter } (RFC 7914 §7);
    // keyLength omitted, as OpenSSL writes it (the cipher fixes it).
    kdfAlgId = algorithmIdentifier(OID.scrypt, seq(octetString(salt), integer(N), integer(r), integer(p)));
  } else if (opts.kdf === 'pbkdf2') {
    const c = opts.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
    key = pbkdf2('sha256', passphrase, salt, c, 32);
    // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount, keyLength OPTIONAL, prf } (RFC 8018 §A.2).
    kdfAlgId = algorithmIdentifier(OID.pbkdf2, seq(octetString(salt), integer(c), algorithmIdentifier(OID.hmacWithSha256, nullValue())));
  } else {
    throw new TypeError(`unknown kdf: ${String((opts as { kdf: unknown }).kdf)}`);
  }
  const ct = aes256CbcEncrypt(key, iv, der);
  key.fill(0);
  const pbes2 = algorithmIdentifier(OID.pbes2, seq(kdfAlgId, algorithmIdentifier(OID.aes256Cbc, octetString(iv))));
  return seq(pbes2, octetString(ct));
}

/**
 * Decrypts a PBES2 EncryptedPrivateKeyInfo and returns the inner PKCS#8 DER. BAD_PASSPHRASE when the
 * passphrase is wrong (padding or inner structure check fails); PARSE / UNSUPPORTED_ALG / LIMIT for the
 * container itself.
 */
export function decryptPrivateKey(der: Uint8Array, passphrase: Uint8Array): Uint8Array {
  checkBytes('der', der);
  checkBytes('passphrase', passphrase);
  const kids = seqOf(decodeDer(der, 'EncryptedPrivateKeyInfo'), 'EncryptedPrivateKeyInfo');
  if (kids.length !== 2) pkcs8Fail('EncryptedPrivateKeyInfo must have 2 fields');
  const enc = parseAlgorithmIdentifier(kids[0], 'encryptionAlgorithm');
  const ct = expect(kids[1], TAG.OCTET_STRING, 'encryptedData').content;
  if (enc.oid !== OID.pbes2) throw new WritError('UNSUPPORTED_ALG', `unsupported key encryption ${enc.oid} (only PBES2)`);
  if (enc.params === undefined) return pkcs8Fail('PBES2 parameters missing');
  const p = seqOf(decodeDer(enc.params, 'PBES2-params'), 'PBES2-params');
  if (p.length !== 2) pkcs8Fail('PBES2-params must have 2 fields');
  const kdf = parseAlgorithmIdentifier(p[0], 'keyDerivationFunc');
  const cipher = parseAlgorithmIdentifier(p[1], 'encryptionScheme');
  if (cipher.oid !== OID.aes256Cbc) throw new WritError('UNSUPPORTED_ALG', `unsupported PBES2 cipher ${cipher.oid} (only aes256-CBC)`);
  if (cipher.params === undefined) return pkcs8Fail('aes256-CBC IV missing');
  const iv = expect(decodeDer(cipher.params, 'aes256-CBC IV'), TAG.OCTET_STRING, 'aes256-CBC IV').content;
  if (iv.length !== 16) pkcs8Fail('aes256-CBC IV must be 16 bytes');
  if (kdf.params === undefined) return pkcs8Fail('KDF parameters missing');
  const kp = seqOf(decodeDer(kdf.params, 'KDF parameters'), 'KDF parameters');
  const salt = expect(kp[0], TAG.OCTET_STRING, 'salt').content;

  let key: Uint8Array;
  if (kdf.oid === OID.scrypt) {
    if (kp.length < 4 || kp.length > 5) pkcs8Fail('scrypt-params must have 4 or 5 fields');
    const N = decodeSmallUint(expect(kp[1], TAG.INTEGER, 'costParameter').content, 'costParameter');
    const r = decodeSmallUint(expect(kp[2], TAG.INTEGER, 'blockSize').content, 'blockSize');
    const pp = decodeSmallUint(expect(kp[3], TAG.INTEGER, 'parallelizationParameter').content, 'parallelizationParameter');
    checkKeyLength(kp[4]);
    if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || pp < 1) pkcs8Fail('scrypt parameters out of range');
    if (128 * r * N * pp > READ_LIMITS.scryptWorkBytes) {
      throw new WritError('LIMIT', `scrypt parameters above the limit (128 * N * r * p <= ${READ_LIMITS.scryptWorkBytes / 2 ** 20} MiB)`);
    }
    key = scrypt(passphrase, salt, { N, r, p: pp, dkLen: 32 });
  } else if (kdf.oid === OID.pbkdf2) {
    const c = decodeSmallUint(expect(kp[1], TAG.INTEGER, 'iterationCount').content, 'iterationCount');
    let j = 2;
    if (isUniversal(kp[j], TAG.INTEGER) && kp[j]?.constructed === false) checkKeyLength(kp[j++]);
    // prf DEFAULT algid-hmacWithSHA1 (RFC 8018 §A.2): SHA-1 is not accepted.
    const prf = kp[j] === undefined ? { oid: '1.2.840.113549.2.7' } : parseAlgorithmIdentifier(kp[j++], 'prf');
    if (j !== kp.length) pkcs8Fail('PBKDF2-params has trailing fields');
    if (prf.params !== undefined && !(prf.params.length === 2 && prf.params[0] === 5 && prf.params[1] === 0)) pkcs8Fail('prf parameters must be NULL');
    const hash = PRF_HASH[prf.oid];
    if (hash === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported PBKDF2 prf ${prf.oid} (SHA-256/384/512 only)`);
    if (c < 1) pkcs8Fail('iterationCount must be positive');
    if (c > READ_LIMITS.pbkdf2Iterations) throw new WritError('LIMIT', `PBKDF2 iteration count above ${READ_LIMITS.pbkdf2Iterations}`);
    key = pbkdf2(hash, passphrase, salt, c, 32);
  } else {
    throw new WritError('UNSUPPORTED_ALG', `unsupported PBES2 key derivation ${kdf.oid} (scrypt or PBKDF2 only)`);
  }

  let plain: Uint8Array;
  try {
    plain = aes256CbcDecrypt(key, iv, ct);
  } catch (e) {
    throw new WritError('BAD_PASSPHRASE', 'cannot decrypt the private key: wrong passphrase (or corrupted file)', { cause: e });
  } finally {
    key.fill(0);
  }
  // A wrong key passes the padding check about 1 time in 256: also require a well-formed OneAsymmetricKey.
  try {
    const f = seqOf(decodeDer(plain, 'OneAsymmetricKey'), 'OneAsymmetricKey');
    expect(f[0], TAG.INTEGER, 'version');
    oidContent(seqOf(f[1], 'algorithm')[0]?.content ?? new Uint8Array(0), 'algorithm');
    expect(f[2], TAG.OCTET_STRING, 'privateKey');
  } catch (e) {
    plain.fill(0);
    throw new WritError('BAD_PASSPHRASE', 'cannot decrypt the private key: wrong passphrase (or corrupted file)', { cause: e });
  }
  return plain;
}

function checkKeyLength(t: Tlv | undefined): void {
  if (t === undefined) return;
  const n = decodeSmallUint(expect(t, TAG.INTEGER, 'keyLength').content, 'keyLength');
  if (n !== 32) pkcs8Fail('keyLength must be 32 for aes256-CBC');
}
