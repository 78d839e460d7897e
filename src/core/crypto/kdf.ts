// Hashes and key derivation: SHA-2 (FIPS 180-4), HMAC (RFC 2104), HKDF (RFC 5869) over @noble/hashes; PBKDF2 (RFC 8018 §5.2) and scrypt (RFC 7914) through node:crypto.
import { sha256 as nSha256, sha384 as nSha384, sha512 as nSha512 } from '@noble/hashes/sha2.js';
import { hmac as nHmac } from '@noble/hashes/hmac.js';
import { hkdf as nHkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2Sync } from 'node:crypto';
// scrypt through node:crypto (noble as fallback) in tests as in the bundle; see scrypt-native.ts.
import { scrypt as nScrypt } from './scrypt-native.js';
import { checkBytes } from './bytes.js';

export type HashName = 'sha256' | 'sha384' | 'sha512';
const HASHES = { sha256: nSha256, sha384: nSha384, sha512: nSha512 } as const;

function hashOf(name: HashName) {
  const h = HASHES[name];
  if (h === undefined) throw new TypeError(`unknown hash: ${String(name)}`);
  return h;
}

export const sha256 = (data: Uint8Array): Uint8Array => nSha256(checkBytes('data', data));
export const sha384 = (data: Uint8Array): Uint8Array => nSha384(checkBytes('data', data));
export const sha512 = (data: Uint8Array): Uint8Array => nSha512(checkBytes('data', data));

/** SHA-2 by name. */
export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return hashOf(hash)(checkBytes('data', data));
}

/** HMAC (RFC 2104) with a SHA-2 hash. */
export function hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nHmac(hashOf(hash), checkBytes('key', key), checkBytes('data', data));
}

/** HKDF extract-and-expand (RFC 5869). */
export function hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array | undefined, length: number): Uint8Array {
  checkBytes('ikm', ikm);
  if (salt !== undefined) checkBytes('salt', salt);
  if (info !== undefined) checkBytes('info', info);
  if (!Number.isInteger(length) || length < 1 || length > 255 * hashOf(hash).outputLen) throw new RangeError(`length out of range: ${length}`);
  return nHkdf(hashOf(hash), ikm, salt, info, length);
}

/** PBKDF2 with HMAC-SHA-2 (RFC 8018 §5.2). */
export function pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  checkBytes('password', password);
  checkBytes('salt', salt);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(dkLen) || dkLen < 1 || dkLen > 1024) throw new RangeError(`dkLen out of range: ${dkLen}`);
  hashOf(hash);
  // OpenSSL's PBKDF2 (deterministic, no randomness from node:crypto): a key file may ask for up to
  // MAX_PBKDF2_ITERATIONS, which took 2 s in @noble's pure JS and takes ~0.3 s here (docs/fuzzing.md "Bugs found" 8).
  return new Uint8Array(pbkdf2Sync(password, salt, iterations, dkLen, hash));
}

export interface ScryptParams {
  /** CPU/memory cost, a power of two > 1 (RFC 7914 §2). */
  N: number;
  r: number;
  p: number;
  dkLen: number;
}

/** scrypt (RFC 7914 §6). Memory is about 128*r*N bytes; parameters are range-checked by the caller's limits. */
export function scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Uint8Array {
  checkBytes('password', password);
  checkBytes('salt', salt);
  const { N, r, p, dkLen } = params;
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0) throw new RangeError(`scrypt N must be a power of two > 1, got ${N}`);
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`scrypt r must be a positive integer, got ${r}`);
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`scrypt p must be a positive integer, got ${p}`);
  if (!Number.isInteger(dkLen) || dkLen < 1 || dkLen > 1024) throw new RangeError(`dkLen out of range: ${dkLen}`);
  return nScrypt(password, salt, { N, r, p, dkLen, maxmem: 128 * r * (N + p + 2) + 1024 });
}
