// SHA-2 (FIPS 180-4) for the bundle: noble's sha2 module with the one-shot SHA-256/384/512 computed by node:crypto.
//
// Why: certificate fingerprints and CMS digests are one-shot hashes, and a cold process runs noble's
// compression function in V8's interpreter (docs/performance.md). tsup.config.ts points every import of
// '@noble/hashes/sha2.js' inside the bundle at this module; tests run the source against plain noble, and
// test/crypto/hashes-native.test.ts compares the two. Only the one-shot call goes native: `.create()`
// (incremental hashing, which noble's HMAC, HKDF and PBKDF2 use) stays noble's, unchanged.
import { createHash } from 'node:crypto';
import * as noble from '@noble/hashes/sha2.js';

export * from '@noble/hashes/sha2.js';

let nativeOk: boolean | undefined;
/** Feature test, once: does this Node.js's OpenSSL provide the SHA-2 family? */
function native(): boolean {
  if (nativeOk === undefined) {
    try {
      for (const a of ['sha256', 'sha384', 'sha512']) createHash(a).update(new Uint8Array(1)).digest();
      nativeOk = true;
    } catch {
      nativeOk = false;
    }
  }
  return nativeOk;
}

function oneShot<T>(nobleFn: T, alg: 'sha256' | 'sha384' | 'sha512'): T {
  const fallback = nobleFn as unknown as (msg: Uint8Array) => Uint8Array;
  const f = (msg: Uint8Array): Uint8Array => {
    // Same argument check as noble (abytes): anything but bytes is a TypeError, never hashed as a string.
    if (!(msg instanceof Uint8Array) || !native()) return fallback(msg);
    return new Uint8Array(createHash(alg).update(msg).digest());
  };
  return Object.freeze(Object.assign(f, { ...(nobleFn as object) })) as unknown as T;
}

export const sha256: typeof noble.sha256 = oneShot(noble.sha256, 'sha256');
export const sha384: typeof noble.sha384 = oneShot(noble.sha384, 'sha384');
export const sha512: typeof noble.sha512 = oneShot(noble.sha512, 'sha512');
