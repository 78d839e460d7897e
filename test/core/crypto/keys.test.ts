// Tests for seed-based key pairs and signers (keys.ts).
import { describe, expect, it } from 'vitest';
import {
  expandSeed,
  generateKeyPair,
  keyPairFromSeed,
  publicKeyFromExpandedKey,
  seedLength,
  signerFromExpandedKey,
  signerFromSeed,
} from '../../../src/core/crypto/keys.js';
import { KEY_SIZES } from '../../../src/core/crypto/algs.js';
import { mlDsaVerify } from '../../../src/core/crypto/ml-dsa.js';
import { KEM_ALGS, SIG_ALGS } from '../../../src/core/crypto/types.js';
import { seededRng } from '../../helpers/rng.js';

describe.each([...SIG_ALGS, ...KEM_ALGS])('%s key pairs', (alg) => {
  it('generates from the injected rng, deterministically', () => {
    const a = generateKeyPair(alg, seededRng('k'));
    const b = generateKeyPair(alg, seededRng('k'));
    expect(a).toEqual(b);
    expect(a.alg).toBe(alg);
    expect(a.seed.length).toBe(seedLength(alg));
    expect(seedLength(alg)).toBe(alg.startsWith('ml-kem') ? 64 : 32);
    expect(a.publicKey.length).toBe(KEY_SIZES[alg].publicKey);
    expect(keyPairFromSeed(alg, a.seed)).toEqual(a);
    expect(generateKeyPair(alg, seededRng('other')).publicKey).not.toEqual(a.publicKey);
  });

  it('expanded key gives back the public key', () => {
    const seed = seededRng('e')(seedLength(alg));
    const { publicKey, expandedKey } = expandSeed(alg, seed);
    expect(expandedKey.length).toBe(KEY_SIZES[alg].expandedKey);
    expect(publicKeyFromExpandedKey(alg, expandedKey)).toEqual(publicKey);
  });

  it('rejects bad seeds and a lying rng', () => {
    expect(() => keyPairFromSeed(alg, new Uint8Array(seedLength(alg) + 1))).toThrow(RangeError);
    expect(() => generateKeyPair(alg, () => new Uint8Array(3))).toThrow(RangeError);
    expect(() => keyPairFromSeed(alg, [1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('signerFromSeed', () => {
  it.each(SIG_ALGS)('%s: deterministic without rng, hedged with rng, both verify', (alg) => {
    const seed = seededRng('s')(32);
    const msg = Uint8Array.of(1, 2, 3);
    const det = signerFromSeed(alg, seed);
    const hedged = signerFromSeed(alg, seed, seededRng('r'));
    expect(det.publicKey).toEqual(keyPairFromSeed(alg, seed).publicKey);
    expect(det.sign(msg)).toEqual(det.sign(msg));
    const h1 = hedged.sign(msg);
    expect(hedged.sign(msg)).not.toEqual(h1);
    expect(mlDsaVerify(alg, det.publicKey, msg, h1)).toBe(true);
    expect(mlDsaVerify(alg, det.publicKey, msg, det.sign(msg))).toBe(true);
  });

  it.each(SIG_ALGS)('%s: signerFromExpandedKey signs like signerFromSeed', (alg) => {
    const seed = seededRng('x')(32);
    const msg = Uint8Array.of(4, 5, 6);
    const a = signerFromSeed(alg, seed);
    const b = signerFromExpandedKey(alg, expandSeed(alg, seed).expandedKey);
    expect(b.publicKey).toEqual(a.publicKey);
    expect(b.sign(msg)).toEqual(a.sign(msg));
    b.wipe();
    expect(() => signerFromExpandedKey(alg, new Uint8Array(10))).toThrow(RangeError);
  });

  it('refuses KEM algorithms', () => {
    expect(() => signerFromSeed('ml-kem-768' as never, new Uint8Array(64))).toThrow(TypeError);
  });
});
