// X-Wing (draft-connolly-cfrg-xwing-kem) through writ's split route (ML-KEM-768 in noble, X25519 in node:crypto) against noble's ml_kem768_x25519 as the reference: same bytes, same refusals.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { XWING_SIZES, xwingDecapsulate, xwingEncapsulate, xwingKeygen } from '../../../src/core/crypto/x-wing.js';
import { seededRng } from '../../helpers/rng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** What noble says for a decapsulation: the secret, or that it threw. */
function nobleDecaps(ct: Uint8Array, seed: Uint8Array): string {
  try {
    return hex(ml_kem768_x25519.decapsulate(ct, seed));
  } catch {
    return 'throws';
  }
}
function writDecaps(seed: Uint8Array, ct: Uint8Array): string {
  try {
    return hex(xwingDecapsulate(seed, ct));
  } catch {
    return 'throws';
  }
}

// RFC 7748 §7 / cr.yp.to: u-coordinates of small order; X25519 with any scalar gives all zeros for them.
const LOW_ORDER_U = [
  new Uint8Array(32),
  Uint8Array.of(1, ...new Uint8Array(31)),
  Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
  Buffer.from('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'hex'),
  Buffer.from('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex'),
];

describe('X-Wing: writ route equals noble ml_kem768_x25519', () => {
  it('key generation: the same public key for random seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        expect(hex(xwingKeygen(seed).publicKey)).toBe(hex(ml_kem768_x25519.keygen(seed).publicKey));
      }),
      { numRuns: 60, seed: 0x3a1 },
    );
  });

  it('encapsulation with the same eseed gives the same ciphertext and secret, and decapsulation recovers it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (seed, eseed) => {
        const pk = xwingKeygen(seed).publicKey;
        const mine = xwingEncapsulate(pk, () => Uint8Array.from(eseed));
        const ref = ml_kem768_x25519.encapsulate(pk, Uint8Array.from(eseed));
        expect(hex(mine.cipherText)).toBe(hex(ref.cipherText));
        expect(hex(mine.sharedSecret)).toBe(hex(ref.sharedSecret));
        expect(hex(xwingDecapsulate(seed, mine.cipherText))).toBe(hex(ref.sharedSecret));
      }),
      { numRuns: 60, seed: 0x3a2 },
    );
  });

  it('decapsulation of random and corrupted ciphertexts matches noble (implicit rejection included)', () => {
    const rng = seededRng('x-wing-corrupt');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(XWING_SIZES.cipherText * 8 - 1), fc.boolean(), (seed, bit, random) => {
        const pk = xwingKeygen(seed).publicKey;
        const ct = random ? rng(XWING_SIZES.cipherText) : Uint8Array.from(xwingEncapsulate(pk, rng).cipherText);
        ct[bit >> 3] = ct[bit >> 3]! ^ (1 << (bit & 7));
        expect(writDecaps(seed, ct)).toBe(nobleDecaps(ct, seed));
      }),
      { numRuns: 80, seed: 0x3a3 },
    );
  });

  it('an X25519 half of small order (all-zero X25519 output) gets noble\'s answer', () => {
    const rng = seededRng('x-wing-low-order');
    let cases = 0;
    for (const u of LOW_ORDER_U) {
      const seed = rng(32);
      const ct = Uint8Array.from(xwingEncapsulate(xwingKeygen(seed).publicKey, rng).cipherText);
      ct.set(u, 1088);
      expect(writDecaps(seed, ct)).toBe(nobleDecaps(ct, seed));
      cases++;
    }
    expect(cases).toBe(LOW_ORDER_U.length);
  });

  it('the seed passed in is left as it was (derived secrets are wiped, not the caller\'s key)', () => {
    const seed = seededRng('x-wing-seed')(32);
    const copy = Uint8Array.from(seed);
    const { publicKey } = xwingKeygen(seed);
    xwingDecapsulate(seed, xwingEncapsulate(publicKey, seededRng('e')).cipherText);
    expect(hex(seed)).toBe(hex(copy));
  });
});
