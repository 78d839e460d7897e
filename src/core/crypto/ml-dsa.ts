// ML-DSA-44/65/87 (FIPS 204) over @noble/post-quantum (verify and public-key-from-seed natively when backend.ts selects node:crypto).
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { KEY_SIZES } from './algs.js';
import { bytesEqual, checkBytes, drawRandom } from './bytes.js';
import type { Rng, SigAlgName } from './types.js';
import { useNative } from './backend.js';
import { WritError } from '../errors.js';
import { nativeMlDsaPublicKey, nativeMlDsaVerify } from './native.js';

const IMPL = { 'ml-dsa-44': ml_dsa44, 'ml-dsa-65': ml_dsa65, 'ml-dsa-87': ml_dsa87 } as const;

/** Signature sizes (FIPS 204 Table 2). */
export const ML_DSA_SIGNATURE_SIZE: Record<SigAlgName, number> = {
  'ml-dsa-44': 2420,
  'ml-dsa-65': 3309,
  'ml-dsa-87': 4627,
};

function impl(alg: SigAlgName) {
  const i = IMPL[alg];
  if (i === undefined) throw new TypeError(`unknown ML-DSA parameter set: ${String(alg)}`);
  return i;
}

export function checkContext(context: Uint8Array | undefined): Uint8Array | undefined {
  if (context === undefined) return undefined;
  checkBytes('context', context);
  // FIPS 204 §5.2: ctx is at most 255 bytes.
  if (context.length > 255) throw new RangeError(`context must be at most 255 bytes, got ${context.length}`);
  return context;
}

/** FIPS 204 Algorithm 6 ML-DSA.KeyGen_internal(xi): the 32-byte seed xi gives (pk, sk). */
export function mlDsaKeygen(alg: SigAlgName, seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const i = impl(alg);
  checkBytes('seed', seed, 32);
  const { publicKey, secretKey } = i.keygen(seed);
  return { publicKey, secretKey };
}

/**
 * The public key of the seed xi alone (FIPS 204 Algorithm 6): native when selected (node:crypto imports
 * the RFC 9881 seed form but cannot export the expanded secret key, so mlDsaKeygen stays on noble).
 */
export function mlDsaPublicKeyFromSeed(alg: SigAlgName, seed: Uint8Array): Uint8Array {
  impl(alg);
  checkBytes('seed', seed, 32);
  if (useNative('signatures')) {
    try {
      return nativeMlDsaPublicKey(alg, seed);
    } catch {
      // node:crypto refused the input: noble gives the answer (or the error) instead.
    }
  }
  return mlDsaKeygen(alg, seed).publicKey;
}

/**
 * The public key of an expanded secret key (FIPS 204 skEncode form), recomputed as t1 = Power2Round(A*s1+s2),
 * and checked against the tr = H(pk, 64) the secret key carries (FIPS 204 Algorithm 6 line 6): a secret key
 * whose parts disagree is rejected with KEY_MISMATCH rather than yielding a public key that does not sign.
 */
export function mlDsaPublicKeyFromSecret(alg: SigAlgName, secretKey: Uint8Array): Uint8Array {
  const i = impl(alg);
  checkBytes('secretKey', secretKey, KEY_SIZES[alg].expandedKey);
  const pk = i.getPublicKey(secretKey);
  const tr = shake256(pk, { dkLen: 64 });
  if (!bytesEqual(tr, secretKey.subarray(64, 128))) throw new WritError('KEY_MISMATCH', 'secretKey is inconsistent (tr does not match the derived public key)');
  return pk;
}

export interface MlDsaSignOptions {
  /** When given, hedged signing with rnd = rng(32) (FIPS 204 §3.4); else the deterministic variant (rnd = 0^32). */
  rng?: Rng;
  /** FIPS 204 ctx (pure ML-DSA). Certificates and CMS use the empty context (RFC 9881 §3, RFC 9882 §3). */
  context?: Uint8Array;
}

/** FIPS 204 Algorithm 2 ML-DSA.Sign (pure) with an expanded secret key. */
export function mlDsaSign(alg: SigAlgName, secretKey: Uint8Array, message: Uint8Array, opts: MlDsaSignOptions = {}): Uint8Array {
  const i = impl(alg);
  checkBytes('secretKey', secretKey, KEY_SIZES[alg].expandedKey);
  checkBytes('message', message);
  const context = checkContext(opts.context);
  const extraEntropy = opts.rng === undefined ? false : drawRandom(opts.rng, 32);
  // noble draws from its own RNG when extraEntropy is undefined: always pass bytes or false (RNG is injected).
  return i.sign(message, secretKey, context === undefined ? { extraEntropy } : { extraEntropy, context });
}

/**
 * FIPS 204 Algorithm 3 ML-DSA.Verify (pure). A signature of the wrong length, or one that does not verify,
 * gives false; a public key of the wrong length is a caller error (RangeError).
 */
export function mlDsaVerify(
  alg: SigAlgName,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context?: Uint8Array,
): boolean {
  const i = impl(alg);
  checkBytes('publicKey', publicKey, KEY_SIZES[alg].publicKey);
  checkBytes('message', message);
  checkBytes('signature', signature);
  const ctx = checkContext(context);
  if (signature.length !== ML_DSA_SIGNATURE_SIZE[alg]) return false;
  // Native only for the empty context (all certificate and CMS use, RFC 9881 §3 / RFC 9882 §3).
  if ((ctx === undefined || ctx.length === 0) && useNative('signatures')) {
    try {
      return nativeMlDsaVerify(alg, publicKey, message, signature);
    } catch {
      // node:crypto threw (it does not for a bad signature): let noble decide.
    }
  }
  try {
    return i.verify(signature, message, publicKey, ctx === undefined ? {} : { context: ctx });
  } catch {
    // noble throws on some malformed encodings (e.g. hint bytes out of range): that is a bad signature.
    return false;
  }
}
