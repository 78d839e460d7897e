// X-Wing hybrid KEM (X25519 + ML-KEM-768, draft-connolly-cfrg-xwing-kem): ML-KEM-768 in noble (natively when selected), X25519 in node:crypto, noble's ml_kem768_x25519 as reference and fallback.
//
// Why X25519 goes to node:crypto whatever the backend: it is classical and deterministic (RFC 7748), in
// every OpenSSL Node.js ships, and noble's curve code runs cold in a short CLI process: one X25519
// base-point multiplication cost ~40 ms of a ~45 ms X-Wing key expansion, and opening an envelope
// expanded the key three times. The result is byte for byte noble's (test/core/crypto/x-wing.test.ts);
// anything node:crypto refuses (an all-zero X25519 output, RFC 7748 §6.1) is decided by noble instead.
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { checkBytes, concat, drawRandom } from './bytes.js';
import type { Rng } from './types.js';
import { useNative } from './backend.js';
import { nativeXwingDecapsulate, nativeXwingEncapsulate, nativeXwingPublicKey, x25519PublicKey, x25519Shared, XWING_LABEL } from './native.js';

export const XWING_SIZES = { seed: 32, publicKey: 1216, cipherText: 1120, sharedSecret: 32 } as const;
const ML_KEM_768_CT = 1088;

/**
 * §5.2 expandDecapsulationKey: SHAKE256(sk, 96) = d || z (the ML-KEM-768 KeyGen_internal seed) || sk_X.
 * Runs `use` on the ML-KEM-768 key pair and sk_X, then wipes every derived secret.
 */
function withExpanded<T>(seed: Uint8Array, use: (kem: { publicKey: Uint8Array; secretKey: Uint8Array }, skX: Uint8Array) => T): T {
  const expanded = shake256(seed, { dkLen: 96 });
  const kem = ml_kem768.keygen(expanded.subarray(0, 64));
  try {
    return use(kem, expanded.subarray(64, 96));
  } finally {
    kem.secretKey.fill(0);
    expanded.fill(0);
  }
}

/** draft-connolly-cfrg-xwing-kem §5.2 GenerateKeyPairDerand: the 32-byte seed is the whole private key. */
export function xwingKeygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  checkBytes('seed', seed, XWING_SIZES.seed);
  if (useNative('kems')) {
    try {
      return { publicKey: nativeXwingPublicKey(seed), secretKey: Uint8Array.from(seed) };
    } catch {
      // node:crypto refused the input: the routes below give the answer instead.
    }
  }
  try {
    // pk = pk_M || X25519(sk_X, 9).
    return { publicKey: withExpanded(seed, (kem, skX) => concat(kem.publicKey, x25519PublicKey(skX))), secretKey: Uint8Array.from(seed) };
  } catch {
    // No X25519 in this node:crypto: noble alone.
  }
  const { publicKey } = ml_kem768_x25519.keygen(seed);
  return { publicKey, secretKey: Uint8Array.from(seed) };
}

/** draft-connolly-cfrg-xwing-kem §5.3 EncapsulateDerand with eseed = rng(64). */
export function xwingEncapsulate(publicKey: Uint8Array, rng: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  checkBytes('publicKey', publicKey, XWING_SIZES.publicKey);
  const eseed = drawRandom(rng, 64);
  try {
    try {
      // X25519 in node:crypto (ek_X = eseed[32:64] from our rng), ML-KEM-768 EncapsDerand in noble (m =
      // eseed[0:32]): the same bytes as noble's whole encapsulation below.
      return nativeXwingEncapsulate(publicKey, eseed, (pkM, m) => ml_kem768.encapsulate(pkM, m));
    } catch {
      // e.g. an X25519 key giving an all-zero secret, or an ML-KEM key failing §7.2: noble decides below.
    }
    const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(publicKey, eseed);
    return { cipherText, sharedSecret };
  } catch (e) {
    throw new RangeError('publicKey is not a valid X-Wing encapsulation key', { cause: e });
  } finally {
    eseed.fill(0);
  }
}

/** draft-connolly-cfrg-xwing-kem §5.4 Decapsulate, from the 32-byte seed. */
export function xwingDecapsulate(seed: Uint8Array, cipherText: Uint8Array): Uint8Array {
  checkBytes('seed', seed, XWING_SIZES.seed);
  checkBytes('cipherText', cipherText, XWING_SIZES.cipherText);
  if (useNative('kems')) {
    try {
      return nativeXwingDecapsulate(seed, cipherText);
    } catch {
      // e.g. OpenSSL refuses an all-zero X25519 output: the routes below decide (same result or same error).
    }
  }
  try {
    const ctM = cipherText.subarray(0, ML_KEM_768_CT);
    const ctX = cipherText.subarray(ML_KEM_768_CT);
    return withExpanded(seed, (kem, skX) => {
      const ssM = ml_kem768.decapsulate(ctM, kem.secretKey);
      const ssX = x25519Shared(skX, ctX);
      try {
        // §5.4 Combiner: SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel).
        return sha3_256(concat(ssM, ssX, ctX, x25519PublicKey(skX), XWING_LABEL));
      } finally {
        ssM.fill(0);
        ssX.fill(0);
      }
    });
  } catch {
    // An all-zero X25519 output (OpenSSL throws), or no X25519 in this node:crypto: noble decides.
  }
  return ml_kem768_x25519.decapsulate(cipherText, seed);
}
