// Seed-based key pairs and signers for writ's algorithms (FIPS 204 xi, FIPS 203 d||z, X-Wing seed; RFC 9881/9935 seed form).
import { KEY_SIZES, isSigAlg } from './algs.js';
import { checkBytes, drawRandom } from './bytes.js';
import { mlDsaKeygen, mlDsaPublicKeyFromSecret, mlDsaPublicKeyFromSeed, mlDsaSign } from './ml-dsa.js';
import { mlKemKeygen, mlKemPublicKeyFromSecret, mlKemPublicKeyFromSeed } from './ml-kem.js';
import { xwingKeygen } from './x-wing.js';
import { KEM_ALGS, SIG_ALGS } from './types.js';
import type { KeyAlgName, Rng, SigAlgName, Signer } from './types.js';

export interface KeyPair {
  alg: KeyAlgName;
  /** The private seed: 32 bytes for ML-DSA (xi) and X-Wing, 64 bytes d||z for ML-KEM. Secret: wipe after use. */
  seed: Uint8Array;
  /** Raw public key (SPKI subjectPublicKey contents). */
  publicKey: Uint8Array;
}

function checkAlg(alg: unknown): KeyAlgName {
  if (!(SIG_ALGS as readonly unknown[]).includes(alg) && !(KEM_ALGS as readonly unknown[]).includes(alg)) {
    throw new TypeError(`unknown key algorithm: ${String(alg)}`);
  }
  return alg as KeyAlgName;
}

/** Seed length in bytes for an algorithm. */
export function seedLength(alg: KeyAlgName): number {
  return KEY_SIZES[checkAlg(alg)].seed;
}

/** Expands a seed into (public key, expanded private key). For X-Wing the expanded key is the seed itself. */
export function expandSeed(alg: KeyAlgName, seed: Uint8Array): { publicKey: Uint8Array; expandedKey: Uint8Array } {
  checkAlg(alg);
  checkBytes('seed', seed, KEY_SIZES[alg].seed);
  if (isSigAlg(alg)) {
    const { publicKey, secretKey } = mlDsaKeygen(alg, seed);
    return { publicKey, expandedKey: secretKey };
  }
  if (alg === 'x-wing') {
    const { publicKey, secretKey } = xwingKeygen(seed);
    return { publicKey, expandedKey: secretKey };
  }
  const { publicKey, secretKey } = mlKemKeygen(alg, seed);
  return { publicKey, expandedKey: secretKey };
}

/** The public key of an expanded private key, with the consistency checks of FIPS 204 / FIPS 203 §7.3 (RangeError). */
export function publicKeyFromExpandedKey(alg: KeyAlgName, expandedKey: Uint8Array): Uint8Array {
  checkAlg(alg);
  if (isSigAlg(alg)) return mlDsaPublicKeyFromSecret(alg, expandedKey);
  if (alg === 'x-wing') return xwingKeygen(expandedKey).publicKey;
  return mlKemPublicKeyFromSecret(alg, expandedKey);
}

/** The public key of a seed (deterministic); native when the crypto backend selects it (backend.ts). */
export function publicKeyFromSeed(alg: KeyAlgName, seed: Uint8Array): Uint8Array {
  checkAlg(alg);
  checkBytes('seed', seed, KEY_SIZES[alg].seed);
  if (isSigAlg(alg)) return mlDsaPublicKeyFromSeed(alg, seed);
  if (alg === 'x-wing') {
    const { publicKey, secretKey } = xwingKeygen(seed);
    secretKey.fill(0); // a copy of the seed
    return publicKey;
  }
  return mlKemPublicKeyFromSeed(alg, seed);
}

/** Derives the key pair of a seed (deterministic). */
export function keyPairFromSeed(alg: KeyAlgName, seed: Uint8Array): KeyPair {
  const publicKey = publicKeyFromSeed(alg, seed);
  return { alg, seed: Uint8Array.from(seed), publicKey };
}

/** Generates a fresh key pair from rng(seedLength(alg)) bytes. */
export function generateKeyPair(alg: KeyAlgName, rng: Rng): KeyPair {
  const seed = drawRandom(rng, seedLength(alg));
  const kp = keyPairFromSeed(alg, seed);
  seed.fill(0);
  return kp;
}

/**
 * A pure ML-DSA signer with the empty context (RFC 9881 §3). With `rng`, signing is hedged (FIPS 204 §3.4,
 * rnd = rng(32) per signature); without it, the deterministic variant (rnd = 0^32) is used.
 * The expanded secret key lives in the closure; call `wipe()` when done (best effort).
 */
export function signerFromSeed(alg: SigAlgName, seed: Uint8Array, rng?: Rng): Signer & { wipe(): void } {
  if (!isSigAlg(checkAlg(alg))) throw new TypeError(`${alg} is not a signature algorithm`);
  const { publicKey, secretKey } = mlDsaKeygen(alg, seed);
  return mlDsaSigner(alg, publicKey, secretKey, rng);
}

/**
 * A signer from an expanded ML-DSA private key (FIPS 204 skEncode), for keys read in the RFC 9881
 * expandedKey form that carry no seed. The key is checked (tr must match the derived public key).
 */
export function signerFromExpandedKey(alg: SigAlgName, expandedKey: Uint8Array, rng?: Rng): Signer & { wipe(): void } {
  if (!isSigAlg(checkAlg(alg))) throw new TypeError(`${alg} is not a signature algorithm`);
  const publicKey = mlDsaPublicKeyFromSecret(alg, expandedKey);
  return mlDsaSigner(alg, publicKey, Uint8Array.from(expandedKey), rng);
}

/** A Signer over an expanded secret key it owns (kept in the closure; `wipe()` zeroes it). */
function mlDsaSigner(alg: SigAlgName, publicKey: Uint8Array, secretKey: Uint8Array, rng: Rng | undefined): Signer & { wipe(): void } {
  return {
    alg,
    publicKey,
    sign(message: Uint8Array): Uint8Array {
      return mlDsaSign(alg, secretKey, message, rng === undefined ? {} : { rng });
    },
    wipe(): void {
      secretKey.fill(0);
    },
  };
}
