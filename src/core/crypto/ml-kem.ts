// ML-KEM-768/1024 (FIPS 203) over @noble/post-quantum: keygen from the 64-byte seed d||z, encaps with injected RNG, decaps (native when selected); ML-KEM-512 read-only.
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { KEY_SIZES } from './algs.js';
import { bytesEqual, checkBytes, drawRandom } from './bytes.js';
import type { Rng } from './types.js';
import { useNative } from './backend.js';
import { WritError } from '../errors.js';
import { nativeMlKemDecapsulate, nativeMlKemPublicKey } from './native.js';

export type MlKemAlgName = 'ml-kem-768' | 'ml-kem-1024';

const IMPL = { 'ml-kem-768': ml_kem768, 'ml-kem-1024': ml_kem1024 } as const;

/** Ciphertext sizes (FIPS 203 Table 3). */
export const ML_KEM_CIPHERTEXT_SIZE: Record<MlKemAlgName, number> = { 'ml-kem-768': 1088, 'ml-kem-1024': 1568 };

function impl(alg: MlKemAlgName) {
  const i = IMPL[alg];
  if (i === undefined) throw new TypeError(`unknown ML-KEM parameter set: ${String(alg)}`);
  return i;
}

/** FIPS 203 Algorithm 16 ML-KEM.KeyGen_internal(d, z), seed = d || z (64 bytes, the RFC 9935 seed form). */
export function mlKemKeygen(alg: MlKemAlgName, seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const i = impl(alg);
  checkBytes('seed', seed, 64);
  const { publicKey, secretKey } = i.keygen(seed);
  return { publicKey, secretKey };
}

/** The encapsulation key of the seed d||z alone (FIPS 203 Algorithm 16): native when selected, else noble. */
export function mlKemPublicKeyFromSeed(alg: MlKemAlgName, seed: Uint8Array): Uint8Array {
  impl(alg);
  checkBytes('seed', seed, 64);
  if (useNative('kems')) {
    try {
      return nativeMlKemPublicKey(alg, seed);
    } catch {
      // node:crypto refused the input: noble gives the answer (or the error) instead.
    }
  }
  const { publicKey, secretKey } = mlKemKeygen(alg, seed);
  secretKey.fill(0);
  return publicKey;
}

/**
 * The encapsulation key embedded in a decapsulation key dk = dkPKE || ek || H(ek) || z, after the FIPS 203
 * §7.3 hash check (H(ek) must equal the stored hash); KEY_MISMATCH when it fails: that is bad input, not a bug.
 */
export function mlKemPublicKeyFromSecret(alg: MlKemAlgName, secretKey: Uint8Array): Uint8Array {
  impl(alg);
  checkBytes('secretKey', secretKey, KEY_SIZES[alg].expandedKey);
  const k384 = KEY_SIZES[alg].publicKey - 32; // 384*k
  const ek = secretKey.slice(k384, k384 + KEY_SIZES[alg].publicKey);
  const h = secretKey.subarray(k384 + ek.length, k384 + ek.length + 32);
  if (!bytesEqual(sha3_256(ek), h)) throw new WritError('KEY_MISMATCH', 'secretKey is inconsistent (H(ek) check failed, FIPS 203 §7.3)');
  return ek;
}

/** FIPS 203 Algorithm 20 ML-KEM.Encaps with m = rng(32); the public key gets the §7.2 modulus check (RangeError). */
export function mlKemEncapsulate(alg: MlKemAlgName, publicKey: Uint8Array, rng: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  const i = impl(alg);
  checkBytes('publicKey', publicKey, KEY_SIZES[alg].publicKey);
  const m = drawRandom(rng, 32);
  try {
    const { cipherText, sharedSecret } = i.encapsulate(publicKey, m);
    return { cipherText, sharedSecret };
  } catch (e) {
    throw new RangeError('publicKey failed the FIPS 203 §7.2 modulus check', { cause: e });
  } finally {
    m.fill(0);
  }
}

/** FIPS 203 Algorithm 21 ML-KEM.Decaps (implicit rejection: a bad ciphertext of the right length yields a pseudo-random key). */
export function mlKemDecapsulate(alg: MlKemAlgName, secretKey: Uint8Array, cipherText: Uint8Array): Uint8Array {
  const i = impl(alg);
  checkBytes('secretKey', secretKey, KEY_SIZES[alg].expandedKey);
  checkBytes('cipherText', cipherText, ML_KEM_CIPHERTEXT_SIZE[alg]);
  if (useNative('kems')) {
    try {
      return nativeMlKemDecapsulate(alg, secretKey, cipherText);
    } catch {
      // OpenSSL refused the key (e.g. the §7.3 hash check): noble raises the same refusal below.
    }
  }
  try {
    return i.decapsulate(cipherText, secretKey);
  } catch (e) {
    throw new WritError('KEY_MISMATCH', 'secretKey failed the FIPS 203 §7.3 hash check', { cause: e });
  }
}

// ---- ML-KEM-512, read-only: decapsulation of CMS envelopes written by others (RFC 9936 allows ML-KEM-512).
// It is deliberately NOT a writ key algorithm (not in KEY_ALG_OIDS / KemAlgName): writ never generates
// or seals to ML-KEM-512 keys. Encapsulation is exposed only so tests can build such envelopes.

/** ML-KEM-512 sizes (FIPS 203 Table 3) and its OID (NIST CSOR id-alg-ml-kem-512). */
export const ML_KEM_512 = { oid: '2.16.840.1.101.3.4.4.1', seed: 64, publicKey: 800, expandedKey: 1632, cipherText: 768 } as const;

/** FIPS 203 Algorithm 16 from the 64-byte seed d||z. */
export function mlKem512Keygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  checkBytes('seed', seed, ML_KEM_512.seed);
  const { publicKey, secretKey } = ml_kem512.keygen(seed);
  return { publicKey, secretKey };
}

/** The encapsulation key inside an ML-KEM-512 decapsulation key, after the FIPS 203 §7.3 hash check (KEY_MISMATCH). */
export function mlKem512PublicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, ML_KEM_512.expandedKey);
  const off = 384 * 2;
  const ek = secretKey.slice(off, off + ML_KEM_512.publicKey);
  const h = secretKey.subarray(off + ek.length, off + ek.length + 32);
  if (!bytesEqual(sha3_256(ek), h)) throw new WritError('KEY_MISMATCH', 'secretKey is inconsistent (H(ek) check failed, FIPS 203 §7.3)');
  return ek;
}

/** FIPS 203 Algorithm 20 with m = rng(32) (tests only). */
export function mlKem512Encapsulate(publicKey: Uint8Array, rng: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  checkBytes('publicKey', publicKey, ML_KEM_512.publicKey);
  const m = drawRandom(rng, 32);
  try {
    return ml_kem512.encapsulate(publicKey, m);
  } catch (e) {
    throw new RangeError('publicKey failed the FIPS 203 §7.2 modulus check', { cause: e });
  } finally {
    m.fill(0);
  }
}

/** FIPS 203 Algorithm 21 (implicit rejection). */
export function mlKem512Decapsulate(secretKey: Uint8Array, cipherText: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, ML_KEM_512.expandedKey);
  checkBytes('cipherText', cipherText, ML_KEM_512.cipherText);
  try {
    return ml_kem512.decapsulate(cipherText, secretKey);
  } catch (e) {
    throw new RangeError('secretKey failed the FIPS 203 §7.3 hash check', { cause: e });
  }
}
