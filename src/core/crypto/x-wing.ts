// X-Wing hybrid KEM (X25519 + ML-KEM-768, draft-connolly-cfrg-xwing-kem) over @noble/post-quantum's ml_kem768_x25519 (keygen/decaps natively when selected).
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { checkBytes, drawRandom } from './bytes.js';
import type { Rng } from './types.js';
import { useNative } from './backend.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { nativeXwingDecapsulate, nativeXwingEncapsulate, nativeXwingPublicKey } from './native.js';

export const XWING_SIZES = { seed: 32, publicKey: 1216, cipherText: 1120, sharedSecret: 32 } as const;

/** draft-connolly-cfrg-xwing-kem §5.2 GenerateKeyPairDerand: the 32-byte seed is the whole private key. */
export function xwingKeygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  checkBytes('seed', seed, XWING_SIZES.seed);
  if (useNative('kems')) {
    try {
      return { publicKey: nativeXwingPublicKey(seed), secretKey: Uint8Array.from(seed) };
    } catch {
      // node:crypto refused the input: noble gives the answer instead.
    }
  }
  const { publicKey } = ml_kem768_x25519.keygen(seed);
  return { publicKey, secretKey: Uint8Array.from(seed) };
}

/** draft-connolly-cfrg-xwing-kem §5.3 EncapsulateDerand with eseed = rng(64). */
export function xwingEncapsulate(publicKey: Uint8Array, rng: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  checkBytes('publicKey', publicKey, XWING_SIZES.publicKey);
  const eseed = drawRandom(rng, 64);
  try {
    if (useNative('kems')) {
      try {
        // X25519 in node:crypto, ML-KEM-768 EncapsDerand in noble (m from our rng): same bytes as below.
        return nativeXwingEncapsulate(publicKey, eseed, (pkM, m) => ml_kem768.encapsulate(pkM, m));
      } catch {
        // e.g. an X25519 key giving an all-zero secret, or an ML-KEM key failing §7.2: noble decides below.
      }
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
      // e.g. OpenSSL refuses an all-zero X25519 output: noble decides (same result or same error).
    }
  }
  return ml_kem768_x25519.decapsulate(cipherText, seed);
}
