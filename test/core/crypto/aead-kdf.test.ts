// Tests for AES-256 GCM/CBC/KW (aead.ts) and SHA-2/HMAC/HKDF/PBKDF2/scrypt (kdf.ts): published vectors, @noble and node:crypto cross-checks.
import { gcm } from '@noble/ciphers/aes.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { sha256 as nobleSha256, sha384 as nobleSha384, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { createCipheriv, createHash, createHmac, hkdfSync, pbkdf2Sync, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  aes256CbcDecrypt,
  aes256CbcEncrypt,
  aes256GcmDecrypt,
  aes256GcmEncrypt,
  aes256KeyUnwrap,
  aes256KeyWrap,
  aesGcmDecrypt,
} from '../../../src/core/crypto/aead.js';
import { digest, hkdf, hmac, pbkdf2, scrypt, sha256, sha384, sha512 } from '../../../src/core/crypto/kdf.js';
import { WritError } from '../../../src/core/errors.js';

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const x = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

describe('AES-256-GCM', () => {
  // GCM runs in node:crypto, so the independent reference here is @noble's pure-JS GCM.
  it('agrees with @noble/ciphers and round-trips (property)', () => {
    fc.assert(
      fc.property(bytes(32), bytes(12), fc.uint8Array({ maxLength: 100 }), fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }), (k, n, p, a) => {
        const ref = gcm(k, n, a).encrypt(p);
        const ours = aes256GcmEncrypt(k, n, p, a);
        return x(ref) === x(ours) && x(aes256GcmDecrypt(k, n, ours, a)) === x(p) && x(aesGcmDecrypt(k, n, ref, a)) === x(p);
      }),
      { numRuns: 50 },
    );
  });

  it('opens AES-128 and AES-192 GCM as @noble/ciphers writes them (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 24), fc.uint8Array({ minLength: 32, maxLength: 32 }), bytes(12), fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 20 }), (len, k32, n, p, a) => {
        const k = k32.subarray(0, len);
        return x(aesGcmDecrypt(k, n, gcm(k, n, a).encrypt(p), a)) === x(p);
      }),
      { numRuns: 30 },
    );
  });

  it('matches the GCM specification test cases 13 and 14 (AES-256, zero key and IV)', () => {
    const k = new Uint8Array(32);
    const n = new Uint8Array(12);
    expect(x(aes256GcmEncrypt(k, n, new Uint8Array(0)))).toBe('530f8afbc74536b9a963b4f1c4cb738b');
    expect(x(aes256GcmEncrypt(k, n, new Uint8Array(16)))).toBe('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919');
  });

  it('agrees with @noble/ciphers on a multi-megabyte message', () => {
    const k = new Uint8Array(32).fill(7);
    const n = new Uint8Array(12).fill(3);
    const p = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i * 31);
    const a = Uint8Array.of(1, 2, 3);
    const ours = aes256GcmEncrypt(k, n, p, a);
    expect(x(ours.subarray(ours.length - 16))).toBe(x(gcm(k, n, a).encrypt(p).subarray(p.length)));
    expect(x(aes256GcmDecrypt(k, n, ours, a))).toBe(x(p));
  });

  it('fails authentication on any change', () => {
    const k = new Uint8Array(32).fill(1);
    const n = new Uint8Array(12).fill(2);
    const ct = aes256GcmEncrypt(k, n, Uint8Array.of(1, 2, 3), Uint8Array.of(9));
    const t = Uint8Array.from(ct);
    t[0] = (t[0] as number) ^ 1;
    expect(() => aes256GcmDecrypt(k, n, t, Uint8Array.of(9))).toThrow(WritError);
    expect(() => aes256GcmDecrypt(k, n, ct, Uint8Array.of(8))).toThrow(WritError);
    expect(() => aes256GcmDecrypt(k, n, ct.subarray(0, 10))).toThrow(WritError);
    expect(() => aes256GcmEncrypt(k.subarray(1), n, ct)).toThrow(RangeError);
    expect(() => aes256GcmEncrypt(k, new Uint8Array(16), ct)).toThrow(RangeError);
  });
});

describe('AES-256-CBC', () => {
  it('agrees with node:crypto (PKCS#7 padding) and round-trips (property)', () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), fc.uint8Array({ maxLength: 100 }), (k, iv, p) => {
        const c = createCipheriv('aes-256-cbc', k, iv);
        const ref = Buffer.concat([c.update(p), c.final()]);
        const ours = aes256CbcEncrypt(k, iv, p);
        return ref.equals(Buffer.from(ours)) && Buffer.from(aes256CbcDecrypt(k, iv, ours)).equals(Buffer.from(p));
      }),
      { numRuns: 50 },
    );
  });

  it('rejects bad lengths and (usually) a wrong key', () => {
    const k = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(16);
    const ct = aes256CbcEncrypt(k, iv, new Uint8Array(20));
    expect(() => aes256CbcDecrypt(k, iv, ct.subarray(1))).toThrow(WritError);
    expect(() => aes256CbcDecrypt(k, iv, new Uint8Array(0))).toThrow(WritError);
    expect(() => aes256CbcDecrypt(new Uint8Array(32).fill(3), iv, ct)).toThrow(WritError);
    expect(() => aes256CbcEncrypt(k, iv.subarray(1), ct)).toThrow(RangeError);
  });
});

describe('AES-256 key wrap', () => {
  it('matches RFC 3394 §4.6 (256-bit key data with 256-bit KEK)', () => {
    const kek = h('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F');
    const key = h('00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F');
    const wrapped = aes256KeyWrap(kek, key);
    expect(x(wrapped)).toBe('28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21');
    expect(aes256KeyUnwrap(kek, wrapped)).toEqual(key);
    wrapped[3] = (wrapped[3] as number) ^ 1;
    expect(() => aes256KeyUnwrap(kek, wrapped)).toThrow(WritError);
    expect(() => aes256KeyWrap(kek, new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('hashes and KDFs', () => {
  it('SHA-2 and HMAC agree with node:crypto (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 }), (d, k) => {
        const n = (a: string) => new Uint8Array(createHash(a).update(d).digest());
        return (
          x(sha256(d)) === x(n('sha256')) &&
          x(sha384(d)) === x(n('sha384')) &&
          x(sha512(d)) === x(n('sha512')) &&
          x(digest('sha384', d)) === x(n('sha384')) &&
          x(hmac('sha512', k, d)) === createHmac('sha512', k).update(d).digest('hex')
        );
      }),
      { numRuns: 40 },
    );
  });

  it('HKDF matches RFC 5869 A.1 and node:crypto', () => {
    const ikm = h('0b'.repeat(22));
    const salt = h('000102030405060708090a0b0c');
    const info = h('f0f1f2f3f4f5f6f7f8f9');
    expect(x(hkdf('sha256', ikm, salt, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    expect(x(hkdf('sha384', ikm, salt, info, 48))).toBe(Buffer.from(hkdfSync('sha384', ikm, salt, info, 48)).toString('hex'));
    expect(() => hkdf('sha256', ikm, salt, info, 0)).toThrow(RangeError);
  });

  // PBKDF2 and scrypt run in node:crypto, so the independent reference is @noble's pure JS.
  it('PBKDF2 and scrypt agree with @noble/hashes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.constantFrom('sha256', 'sha384', 'sha512'), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 100 }), (pw, salt, h, c, dkLen) => {
        const hash = { sha256: nobleSha256, sha384: nobleSha384, sha512: nobleSha512 }[h as 'sha256'];
        return x(pbkdf2(h as 'sha256', pw, salt, c, dkLen)) === x(noblePbkdf2(hash, pw, salt, { c, dkLen }));
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.constantFrom(2, 16, 256), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (pw, salt, N, r, p) => {
        return x(scrypt(pw, salt, { N, r, p, dkLen: 32 })) === x(nobleScrypt(pw, salt, { N, r, p, dkLen: 32 }));
      }),
      { numRuns: 20 },
    );
  });

  it('PBKDF2 matches RFC 7914 §11 (PBKDF2-HMAC-SHA256) and node:crypto', () => {
    const pw = new TextEncoder().encode('passwd');
    const salt = new TextEncoder().encode('salt');
    expect(x(pbkdf2('sha256', pw, salt, 1, 64))).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
    expect(x(pbkdf2('sha512', pw, salt, 1000, 32))).toBe(pbkdf2Sync(pw, salt, 1000, 32, 'sha512').toString('hex'));
    expect(() => pbkdf2('sha256', pw, salt, 0, 32)).toThrow(RangeError);
  });

  it('scrypt matches RFC 7914 §12 and node:crypto', () => {
    const pw = new TextEncoder().encode('password');
    const salt = new TextEncoder().encode('NaCl');
    expect(x(scrypt(pw, salt, { N: 1024, r: 8, p: 16, dkLen: 64 }))).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
    expect(x(scrypt(pw, salt, { N: 256, r: 4, p: 2, dkLen: 32 }))).toBe(scryptSync(pw, salt, 32, { N: 256, r: 4, p: 2 }).toString('hex'));
    expect(() => scrypt(pw, salt, { N: 1000, r: 8, p: 1, dkLen: 32 })).toThrow(RangeError);
    expect(() => scrypt(pw, 'salt' as unknown as Uint8Array, { N: 16, r: 8, p: 1, dkLen: 32 })).toThrow(TypeError);
  });
});
