// Tests for the ML-DSA wrapper (FIPS 204): round trips, lengths, tamper, context, hedged vs deterministic.
import { describe, expect, it } from 'vitest';
import { WritError } from '../../../src/core/errors.js';
import fc from 'fast-check';
import { ML_DSA_SIGNATURE_SIZE, mlDsaKeygen, mlDsaPublicKeyFromSecret, mlDsaSign, mlDsaVerify } from '../../../src/core/crypto/ml-dsa.js';
import { KEY_SIZES } from '../../../src/core/crypto/algs.js';
import { SIG_ALGS } from '../../../src/core/crypto/types.js';
import { seededRng } from '../../helpers/rng.js';

const msg = new TextEncoder().encode('writ test message');

describe.each(SIG_ALGS)('%s', (alg) => {
  const seed = seededRng(alg)(32);
  const { publicKey, secretKey } = mlDsaKeygen(alg, seed);

  it('has FIPS 204 sizes and is deterministic in the seed', () => {
    expect(publicKey.length).toBe(KEY_SIZES[alg].publicKey);
    expect(secretKey.length).toBe(KEY_SIZES[alg].expandedKey);
    expect(mlDsaKeygen(alg, seed).publicKey).toEqual(publicKey);
    expect(mlDsaPublicKeyFromSecret(alg, secretKey)).toEqual(publicKey);
  });

  it('signs and verifies (deterministic and hedged)', () => {
    const s1 = mlDsaSign(alg, secretKey, msg);
    expect(s1.length).toBe(ML_DSA_SIGNATURE_SIZE[alg]);
    expect(mlDsaSign(alg, secretKey, msg)).toEqual(s1); // deterministic variant without rng
    expect(mlDsaVerify(alg, publicKey, msg, s1)).toBe(true);
    const s2 = mlDsaSign(alg, secretKey, msg, { rng: seededRng('hedge') });
    expect(s2).not.toEqual(s1);
    expect(mlDsaVerify(alg, publicKey, msg, s2)).toBe(true);
  });

  it('binds the context string', () => {
    const ctx = Uint8Array.of(1, 2, 3);
    const s = mlDsaSign(alg, secretKey, msg, { context: ctx });
    expect(mlDsaVerify(alg, publicKey, msg, s, ctx)).toBe(true);
    expect(mlDsaVerify(alg, publicKey, msg, s)).toBe(false);
    expect(() => mlDsaSign(alg, secretKey, msg, { context: new Uint8Array(256) })).toThrow(RangeError);
  });

  it('rejects wrong types and lengths', () => {
    expect(() => mlDsaKeygen(alg, new Uint8Array(31))).toThrow(RangeError);
    expect(() => mlDsaKeygen(alg, 'x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => mlDsaSign(alg, secretKey.subarray(1), msg)).toThrow(/secretKey/);
    expect(() => mlDsaVerify(alg, publicKey.subarray(1), msg, new Uint8Array(10))).toThrow(RangeError);
    expect(mlDsaVerify(alg, publicKey, msg, new Uint8Array(10))).toBe(false);
    const bad = Uint8Array.from(secretKey);
    bad[70] = (bad[70] as number) ^ 1; // corrupt tr
    expect(() => mlDsaPublicKeyFromSecret(alg, bad)).toThrow(WritError);
  });

  it('any single flipped byte of the signature or message fails (property)', () => {
    const sig = mlDsaSign(alg, secretKey, msg);
    fc.assert(
      fc.property(fc.nat(sig.length + msg.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const s = Uint8Array.from(sig);
        const m = Uint8Array.from(msg);
        if (pos < s.length) s[pos] = (s[pos] as number) ^ x;
        else m[pos - s.length] = (m[pos - s.length] as number) ^ x;
        return mlDsaVerify(alg, publicKey, m, s) === false;
      }),
      { numRuns: 25 },
    );
  });
});
