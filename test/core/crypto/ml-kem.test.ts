// Tests for the ML-KEM (FIPS 203) and X-Wing (draft-connolly-cfrg-xwing-kem) wrappers.
import { createHash, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WritError } from '../../../src/core/errors.js';
import fc from 'fast-check';
import { ML_KEM_CIPHERTEXT_SIZE, mlKemDecapsulate, mlKemEncapsulate, mlKemKeygen, mlKemPublicKeyFromSecret } from '../../../src/core/crypto/ml-kem.js';
import { XWING_SIZES, xwingDecapsulate, xwingEncapsulate, xwingKeygen } from '../../../src/core/crypto/x-wing.js';
import { KEY_SIZES } from '../../../src/core/crypto/algs.js';
import { seededRng } from '../../helpers/rng.js';

describe.each(['ml-kem-768', 'ml-kem-1024'] as const)('%s', (alg) => {
  const { publicKey, secretKey } = mlKemKeygen(alg, seededRng(alg)(64));

  it('encapsulates and decapsulates to the same secret', () => {
    expect(publicKey.length).toBe(KEY_SIZES[alg].publicKey);
    expect(secretKey.length).toBe(KEY_SIZES[alg].expandedKey);
    expect(mlKemPublicKeyFromSecret(alg, secretKey)).toEqual(publicKey);
    const { cipherText, sharedSecret } = mlKemEncapsulate(alg, publicKey, seededRng('m'));
    expect(cipherText.length).toBe(ML_KEM_CIPHERTEXT_SIZE[alg]);
    expect(sharedSecret.length).toBe(32);
    expect(mlKemDecapsulate(alg, secretKey, cipherText)).toEqual(sharedSecret);
    // Same m, same ciphertext (deterministic in the injected randomness).
    expect(mlKemEncapsulate(alg, publicKey, seededRng('m')).cipherText).toEqual(cipherText);
  });

  it('implicitly rejects a tampered ciphertext (property)', () => {
    const { cipherText, sharedSecret } = mlKemEncapsulate(alg, publicKey, seededRng('t'));
    fc.assert(
      fc.property(fc.nat(cipherText.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const c = Uint8Array.from(cipherText);
        c[pos] = (c[pos] as number) ^ x;
        const k = mlKemDecapsulate(alg, secretKey, c);
        return k.length === 32 && Buffer.compare(Buffer.from(k), Buffer.from(sharedSecret)) !== 0;
      }),
      { numRuns: 10 },
    );
  });

  it('rejects wrong lengths and bad keys', () => {
    expect(() => mlKemKeygen(alg, new Uint8Array(32))).toThrow(RangeError);
    expect(() => mlKemEncapsulate(alg, publicKey.subarray(1), seededRng('x'))).toThrow(RangeError);
    expect(() => mlKemEncapsulate(alg, new Uint8Array(publicKey.length).fill(0xff), seededRng('x'))).toThrow(RangeError); // modulus check
    expect(() => mlKemDecapsulate(alg, secretKey, new Uint8Array(10))).toThrow(RangeError);
    expect(() => mlKemDecapsulate(alg, secretKey.subarray(1), new Uint8Array(ML_KEM_CIPHERTEXT_SIZE[alg]))).toThrow(RangeError);
    const bad = Uint8Array.from(secretKey);
    bad[bad.length - 40] = (bad[bad.length - 40] as number) ^ 1; // inside H(ek)
    expect(() => mlKemPublicKeyFromSecret(alg, bad)).toThrow(WritError);
    expect(() => mlKemDecapsulate(alg, bad, new Uint8Array(ML_KEM_CIPHERTEXT_SIZE[alg]))).toThrow(WritError);
    expect(() => mlKemEncapsulate(alg, publicKey, () => new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('x-wing', () => {
  const seed = seededRng('xw')(32);
  const { publicKey, secretKey } = xwingKeygen(seed);

  it('round-trips and the private key is the seed', () => {
    expect(publicKey.length).toBe(XWING_SIZES.publicKey);
    expect(secretKey).toEqual(seed);
    const { cipherText, sharedSecret } = xwingEncapsulate(publicKey, seededRng('e'));
    expect(cipherText.length).toBe(XWING_SIZES.cipherText);
    expect(xwingDecapsulate(seed, cipherText)).toEqual(sharedSecret);
    const c = Uint8Array.from(cipherText);
    c[5] = (c[5] as number) ^ 1;
    expect(xwingDecapsulate(seed, c)).not.toEqual(sharedSecret);
  });

  it('follows the draft-connolly-cfrg-xwing-kem construction (independent re-computation with node:crypto)', () => {
    // §5.2: expanded = SHAKE256(sk, 96); ML-KEM-768 keys from expanded[0:64]; X25519 secret expanded[64:96].
    const expanded = new Uint8Array(createHash('shake256', { outputLength: 96 }).update(seed).digest());
    const kem = mlKemKeygen('ml-kem-768', expanded.subarray(0, 64));
    // X25519 PKCS#8 (RFC 8410 §7): a fixed 16-byte prefix, then the 32-byte scalar (a JWK needs x, which we are computing).
    const xPriv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), expanded.subarray(64)]), format: 'der', type: 'pkcs8' });
    const pkX = new Uint8Array(Buffer.from(createPublicKey(xPriv).export({ format: 'jwk' }).x as string, 'base64url'));
    expect(publicKey).toEqual(new Uint8Array([...kem.publicKey, ...pkX]));
    // §5.4: ss = SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel), label "\\.//^\\".
    const { cipherText, sharedSecret } = xwingEncapsulate(publicKey, seededRng('c'));
    const ctX = cipherText.subarray(1088);
    const ssM = mlKemDecapsulate('ml-kem-768', kem.secretKey, cipherText.subarray(0, 1088));
    const ctXKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(ctX).toString('base64url') }, format: 'jwk' });
    const ssX = diffieHellman({ privateKey: xPriv, publicKey: ctXKey });
    const label = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);
    const ss = createHash('sha3-256').update(ssM).update(ssX).update(ctX).update(pkX).update(label).digest();
    expect(Buffer.from(sharedSecret).equals(ss)).toBe(true);
  });

  it('rejects wrong lengths', () => {
    expect(() => xwingKeygen(new Uint8Array(31))).toThrow(RangeError);
    expect(() => xwingEncapsulate(publicKey.subarray(2), seededRng('x'))).toThrow(RangeError);
    expect(() => xwingDecapsulate(seed, new Uint8Array(10))).toThrow(RangeError);
    expect(() => xwingEncapsulate(publicKey, () => new Uint8Array(32))).toThrow(RangeError);
  });
});
