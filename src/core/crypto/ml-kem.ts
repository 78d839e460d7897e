// ML-KEM-768/1024 (FIPS 203) over @noble/post-quantum: keygen from the 64-byte seed d||z, encaps with injected RNG, decaps.
import { ml_kem1024, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { KEY_SIZES } from './algs.js';
import { bytesEqual, checkBytes, drawRandom } from './bytes.js';
import type { Rng } from './types.js';

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

/**
 * The encapsulation key embedded in a decapsulation key dk = dkPKE || ek || H(ek) || z, after the FIPS 203
 * §7.3 hash check (H(ek) must equal the stored hash); RangeError when the check fails.
 */
export function mlKemPublicKeyFromSecret(alg: MlKemAlgName, secretKey: Uint8Array): Uint8Array {
  impl(alg);
  checkBytes('secretKey', secretKey, KEY_SIZES[alg].expandedKey);
  const k384 = KEY_SIZES[alg].publicKey - 32; // 384*k
  const ek = secretKey.slice(k384, k384 + KEY_SIZES[alg].publicKey);
  const h = secretKey.subarray(k384 + ek.length, k384 + ek.length + 32);
  if (!bytesEqual(sha3_256(ek), h)) throw new RangeError('secretKey is inconsistent (H(ek) check failed, FIPS 203 §7.3)');
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
  try {
    return i.decapsulate(cipherText, secretKey);
  } catch (e) {
    throw new RangeError('secretKey failed the FIPS 203 §7.3 hash check', { cause: e });
  }
}
