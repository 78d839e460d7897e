// The bundle's node:crypto hashes (src/core/crypto/{sha3,sha2,scrypt}-native.ts) against plain noble: same bytes, same API behaviour.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nobleSha3 from '@noble/hashes/sha3.js';
import * as nobleSha2 from '@noble/hashes/sha2.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import * as sha3 from '../../../src/core/crypto/sha3-native.js';
import * as sha2 from '../../../src/core/crypto/sha2-native.js';
import { scrypt } from '../../../src/core/crypto/scrypt-native.js';

const bytes = fc.uint8Array({ minLength: 0, maxLength: 600 });

describe('native SHAKE / SHA-3 (FIPS 202) equals noble', () => {
  it('one-shot SHAKE128/256 at any output length, SHA3-256/512', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 2000 }), (msg, dkLen) => {
        expect(sha3.shake128(msg, { dkLen })).toEqual(nobleSha3.shake128(msg, { dkLen }));
        expect(sha3.shake256(msg, { dkLen })).toEqual(nobleSha3.shake256(msg, { dkLen }));
        expect(sha3.shake256(msg)).toEqual(nobleSha3.shake256(msg));
        expect(sha3.sha3_256(msg)).toEqual(nobleSha3.sha3_256(msg));
        expect(sha3.sha3_512(msg)).toEqual(nobleSha3.sha3_512(msg));
      }),
      { numRuns: 150 },
    );
  });

  it('incremental absorb, then squeezes of arbitrary sizes read one continuous XOF stream', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }), (parts, reads) => {
        for (const [mine, theirs] of [
          [sha3.shake128, nobleSha3.shake128],
          [sha3.shake256, nobleSha3.shake256],
        ] as const) {
          const a = mine.create({});
          const b = theirs.create({});
          for (const p of parts) {
            a.update(p);
            b.update(p);
          }
          for (const n of reads) expect(a.xofInto(new Uint8Array(n))).toEqual(b.xofInto(new Uint8Array(n)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('digest() gives dkLen bytes; update after squeezing and non-byte input are refused as noble refuses them', () => {
    const h = sha3.shake256.create({ dkLen: 64 }).update(new Uint8Array([1, 2, 3]));
    expect(h.digest()).toEqual(nobleSha3.shake256(new Uint8Array([1, 2, 3]), { dkLen: 64 }));
    expect(() => h.update(new Uint8Array(1))).toThrow();
    expect(() => sha3.shake256.create({}).update('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => sha3.sha3_256('abc' as unknown as Uint8Array)).toThrow();
    expect(sha3.shake128.blockLen).toBe(168);
    expect(sha3.shake256.blockLen).toBe(136);
    expect(sha3.sha3_256.outputLen).toBe(32);
  });

  it('returns plain Uint8Arrays (slice copies), not Buffer views', () => {
    const out = sha3.shake256(new Uint8Array(5), { dkLen: 40 });
    expect(Buffer.isBuffer(out)).toBe(false);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });

  it('squeezes an ExpandA-sized SHAKE128 stream (rho || j || i, 840 bytes) as noble does', () => {
    // FIPS 204 Algorithm 32 ExpandA reads SHAKE128(rho || j || i) block by block.
    const seed = new Uint8Array(32).fill(9);
    const { publicKey } = ml_dsa87.keygen(seed);
    const rho = publicKey.subarray(0, 32);
    const mine = sha3.shake128.create({}).update(new Uint8Array([...rho, 0, 0]));
    const theirs = nobleSha3.shake128.create({}).update(new Uint8Array([...rho, 0, 0]));
    expect(mine.xof(840)).toEqual(theirs.xof(840));
  });
});

describe('native one-shot SHA-2 (FIPS 180-4) equals noble', () => {
  it('sha256 / sha384 / sha512 of any input; create() stays noble (HMAC, PBKDF2 use it)', () => {
    fc.assert(
      fc.property(bytes, (msg) => {
        expect(sha2.sha256(msg)).toEqual(nobleSha2.sha256(msg));
        expect(sha2.sha384(msg)).toEqual(nobleSha2.sha384(msg));
        expect(sha2.sha512(msg)).toEqual(nobleSha2.sha512(msg));
        expect(sha2.sha256.create().update(msg).digest()).toEqual(nobleSha2.sha256(msg));
      }),
      { numRuns: 150 },
    );
    expect(sha2.sha256.outputLen).toBe(32);
    expect(sha2.sha512.blockLen).toBe(128);
    expect(() => sha2.sha256('abc' as unknown as Uint8Array)).toThrow();
  });
});

describe('native scrypt (RFC 7914) equals noble', () => {
  it('RFC 7914 §12 vector 2 and random small parameters', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const v = scrypt(enc('password'), enc('NaCl'), { N: 1024, r: 8, p: 16, dkLen: 64 });
    expect(Buffer.from(v).toString('hex')).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
    fc.assert(
      fc.property(bytes, bytes, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 80 }), (pw, salt, logN, r, p, dkLen) => {
        const o = { N: 2 ** logN, r, p, dkLen, maxmem: 128 * r * (2 ** logN + p + 2) + 1024 };
        expect(scrypt(pw, salt, o)).toEqual(nobleScrypt(pw, salt, o));
      }),
      { numRuns: 40 },
    );
  });
});
