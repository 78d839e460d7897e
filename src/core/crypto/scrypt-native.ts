// scrypt (RFC 7914) for the bundle: noble's scrypt module with the synchronous scrypt computed by node:crypto.
//
// Why: every key file and share file is protected by scrypt, and noble's Salsa20/8 core runs cold in
// V8's interpreter; a ceremony derives about twenty keys (docs/performance.md, ceremonyRatio).
// OpenSSL's scrypt gives the same bytes (RFC 7914 fixes them). tsup.config.ts points every import of
// '@noble/hashes/scrypt.js' inside the bundle at this module; tests run the source against plain noble,
// and test/crypto/hashes-native.test.ts compares the two. src/core/crypto/kdf.ts range-checks N, r, p
// and dkLen and passes maxmem >= 128*N*r before either implementation runs.
import { scryptSync } from 'node:crypto';
import * as noble from '@noble/hashes/scrypt.js';

export * from '@noble/hashes/scrypt.js';

interface Opts {
  N: number;
  r: number;
  p: number;
  dkLen?: number;
  maxmem?: number;
  onProgress?: unknown;
}

export const scrypt: typeof noble.scrypt = ((password: Uint8Array, salt: Uint8Array, opts: Opts): Uint8Array => {
  // Progress callbacks and non-byte inputs are noble's business (its checks and errors, unchanged).
  if (typeof scryptSync !== 'function' || opts.onProgress !== undefined || !(password instanceof Uint8Array) || !(salt instanceof Uint8Array)) {
    return noble.scrypt(password, salt, opts as Parameters<typeof noble.scrypt>[2]);
  }
  const { N, r, p } = opts;
  const dkLen = opts.dkLen ?? 32;
  const maxmem = opts.maxmem ?? 1024 ** 3 + 1024;
  return new Uint8Array(scryptSync(password, salt, dkLen, { N, r, p, maxmem }));
}) as typeof noble.scrypt;
