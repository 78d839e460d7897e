// ML-DSA-44/65/87 verification with a prepared public key (FIPS 204 Algorithms 3 and 8): Â, tr and NTT(t1·2^d) computed once per key.
//
// Why: batch verification checks thousands of signatures made by a handful of keys. FIPS 204 Algorithm 8
// lines 1, 4, 5 and the t1 half of line 8 depend on the public key alone (pkDecode, ExpandA, tr = H(pk, 64),
// NTT(t1·2^d)); they are pure functions of pk, so computing them at prepare time changes no result. Per
// verify only sigDecode, NTT(z), SampleInBall + NTT(c), the K×L pointwise products, K inverse NTTs,
// UseHint, w1Encode and two SHAKE256 calls remain.
//
// Arithmetic: q = 8380417 < 2^23, so a product of two reduced coefficients is below 2^46 and a sum of up
// to L + 1 of them below 2^50: exact in a double. Reduction is p − ⌊p/q⌋·q with ⌊p/q⌋ estimated by a
// multiply by 1/q (error below 1) and corrected by one conditional step: exact, and cheaper than fmod.
//
// The result is exactly mlDsaVerify's (ml-dsa.ts) for every input, argument errors included: wrong
// signature length, malformed hints (Algorithm 21) and bad signatures give false; a context over 255 bytes
// is the same RangeError (checkContext); a public key of the wrong length is a RangeError at prepare time.
import { shake128, shake256 } from '@noble/hashes/sha3.js';
import { KEY_SIZES } from './algs.js';
import { bytesEqual, checkBytes } from './bytes.js';
import { ML_DSA_SIGNATURE_SIZE, checkContext } from './ml-dsa.js';
import type { SigAlgName } from './types.js';

/** A public key prepared for many verifications (the key is copied; the caller's buffer may be reused). */
export interface PreparedMlDsaKey {
  readonly alg: SigAlgName;
  /** FIPS 204 Algorithm 3 ML-DSA.Verify (pure, external form): same result as mlDsaVerify(alg, pk, ...). */
  verify(message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean;
}

const N = 256;
const Q = 8380417;
const QINV = 1 / Q;
const D = 13;
/** ζ = 1753 is a 512th root of unity mod q (FIPS 204 §7.5). */
const ZETA = 1753;
/** 256^-1 mod q (FIPS 204 Algorithm 42 line 21). */
const N_INV = 8347681;

/** FIPS 204 Table 1: the parameters Verify needs. */
interface Params {
  k: number;
  l: number;
  tau: number;
  /** λ/4: the length of c̃ in bytes. */
  ctildeLen: number;
  gamma1: number;
  gamma2: number;
  beta: number;
  omega: number;
  /** bitlen(2γ1 − 1): the width of one z coefficient in sigEncode (Algorithm 26). */
  zBits: number;
  /** bitlen((q − 1)/(2γ2) − 1): the width of one w1 coefficient in w1Encode (Algorithm 28). */
  w1Bits: number;
}

const PARAMS: Record<SigAlgName, Params> = {
  'ml-dsa-44': { k: 4, l: 4, tau: 39, ctildeLen: 32, gamma1: 1 << 17, gamma2: (Q - 1) / 88, beta: 78, omega: 80, zBits: 18, w1Bits: 6 },
  'ml-dsa-65': { k: 6, l: 5, tau: 49, ctildeLen: 48, gamma1: 1 << 19, gamma2: (Q - 1) / 32, beta: 196, omega: 55, zBits: 20, w1Bits: 4 },
  'ml-dsa-87': { k: 8, l: 7, tau: 60, ctildeLen: 64, gamma1: 1 << 19, gamma2: (Q - 1) / 32, beta: 120, omega: 75, zBits: 20, w1Bits: 4 },
};

/** a·b mod q for a, b in [0, q) (or any |a·b| < 2^52): the exact residue in [0, q). */
function mulMod(a: number, b: number): number {
  return reduce(a * b);
}

/** p mod q in [0, q) for an integer |p| < 2^52. */
function reduce(p: number): number {
  let r = p - Math.floor(p * QINV) * Q;
  if (r < 0) r += Q;
  else if (r >= Q) r -= Q;
  return r;
}

/** zetas[m] = ζ^BitRev8(m) mod q (FIPS 204 §7.5, Appendix B). */
const ZETAS: Float64Array = (() => {
  const pow = new Float64Array(N);
  pow[0] = 1;
  for (let i = 1; i < N; i++) pow[i] = mulMod(pow[i - 1] as number, ZETA);
  const z = new Float64Array(N);
  for (let m = 0; m < N; m++) {
    let r = 0;
    for (let b = 0; b < 8; b++) r |= ((m >> b) & 1) << (7 - b);
    z[m] = pow[r] as number;
  }
  return z;
})();

/**
 * FIPS 204 Algorithm 41 NTT, in place, on coefficients in [0, q); the output is reduced to [0, q).
 * Lazy reduction: only the product z·w[j + len] is reduced; the sum and difference (kept nonnegative by
 * adding q) grow by at most q per level, so after the 8 levels every value is below 9q < 2^27 and every
 * product below 2^50 (exact). This avoids a data-dependent, unpredictable branch per butterfly.
 */
function ntt(w: Float64Array, off: number): void {
  let m = 0;
  for (let len = 128; len >= 1; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      m++;
      const z = ZETAS[m] as number;
      const end = off + start + len;
      for (let j = off + start; j < end; j++) {
        const t = reduce(z * (w[j + len] as number));
        const a = w[j] as number;
        w[j + len] = a - t + Q;
        w[j] = a + t;
      }
    }
  }
  for (let j = off; j < off + N; j++) w[j] = reduce(w[j] as number);
}

/**
 * FIPS 204 Algorithm 42 NTT^-1, in place, on coefficients in [0, q), including the final 256^-1 factor;
 * the output is in [0, q). Lazy reduction: the sums t + b double their bound per level, so they are
 * reduced once, at len = 16 (bound 2^4·q before, 2^3·q at the end); every product z·(t − b) then stays
 * below 2^23 · 2^28 < 2^52 (exact).
 */
function invNtt(w: Float64Array, off: number): void {
  let m = N;
  for (let len = 1; len < N; len <<= 1) {
    const reduceSums = len === 16;
    for (let start = 0; start < N; start += 2 * len) {
      m--;
      // −zetas[m] mod q.
      const z = Q - (ZETAS[m] as number);
      const end = off + start + len;
      for (let j = off + start; j < end; j++) {
        const t = w[j] as number;
        const b = w[j + len] as number;
        w[j] = reduceSums ? reduce(t + b) : t + b;
        w[j + len] = reduce(z * (t - b));
      }
    }
  }
  for (let j = off; j < off + N; j++) w[j] = reduce(N_INV * (w[j] as number));
}

/**
 * FIPS 204 Algorithm 30 RejNTTPoly(ρ'): coefficients of one Â entry from SHAKE128(ρ'), three bytes each
 * (Algorithm 14 CoeffFromThreeBytes), rejecting values ≥ q. The XOF output is taken in one piece; in the
 * unlikely case it runs out, a longer output (of which the first is a prefix, FIPS 202 §6.2) is taken.
 */
function rejNttPoly(seed: Uint8Array, out: Float64Array, off: number): void {
  let len = 168 * 5;
  for (;;) {
    const buf = shake128(seed, { dkLen: len });
    let j = 0;
    for (let p = 0; p + 3 <= buf.length && j < N; p += 3) {
      const v = (buf[p] as number) | ((buf[p + 1] as number) << 8) | (((buf[p + 2] as number) & 0x7f) << 16);
      if (v < Q) out[off + j++] = v;
    }
    if (j === N) return;
    len *= 2;
  }
}

/**
 * FIPS 204 Algorithm 29 SampleInBall(ρ) with ρ = c̃ (all λ/4 bytes): the τ nonzero ±1 coefficients of c,
 * written mod q into `out` (which is zeroed first).
 */
function sampleInBall(ctilde: Uint8Array, tau: number, out: Float64Array): void {
  let len = 136;
  for (;;) {
    const s = shake256(ctilde, { dkLen: len });
    out.fill(0);
    let pos = 8;
    let ok = true;
    for (let i = N - tau; i < N && ok; i++) {
      let j: number;
      do {
        if (pos >= s.length) {
          ok = false;
          break;
        }
        j = s[pos++] as number;
      } while (j > i);
      if (!ok) break;
      // h[i + τ − 256]: bit (i + τ − 256) of the first 8 bytes, little-endian (BytesToBits, Algorithm 12).
      const bit = i + tau - N;
      const sign = ((s[bit >> 3] as number) >> (bit & 7)) & 1;
      out[i] = out[j!] as number;
      out[j!] = sign === 1 ? Q - 1 : 1;
    }
    if (ok) return;
    len *= 2;
  }
}

/**
 * Reads `count` little-endian `bits`-wide integers from bytes[off..] (SimpleBitUnpack / BitUnpack's
 * underlying order, FIPS 204 Algorithms 18, 19 with BytesToBits, Algorithm 12).
 */
function unpackBits(bytes: Uint8Array, off: number, count: number, bits: number, out: Int32Array, outOff: number): void {
  const mask = (1 << bits) - 1;
  let acc = 0;
  let accBits = 0;
  let p = off;
  for (let i = 0; i < count; i++) {
    while (accBits < bits) {
      acc |= (bytes[p++] as number) << accBits;
      accBits += 8;
    }
    out[outOff + i] = acc & mask;
    acc >>>= bits;
    accBits -= bits;
  }
}

/**
 * FIPS 204 Algorithm 21 HintBitUnpack into h (k·256 flags, zeroed here): false (⊥) for a malformed
 * encoding — a count that decreases or exceeds ω, indices not strictly increasing within a polynomial,
 * or a nonzero byte after the last used index.
 */
function hintBitUnpack(y: Uint8Array, off: number, k: number, omega: number, h: Uint8Array): boolean {
  h.fill(0);
  let index = 0;
  for (let i = 0; i < k; i++) {
    const end = y[off + omega + i] as number;
    if (end < index || end > omega) return false;
    const first = index;
    while (index < end) {
      if (index > first && (y[off + index - 1] as number) >= (y[off + index] as number)) return false;
      h[i * N + (y[off + index] as number)] = 1;
      index++;
    }
  }
  for (let i = index; i < omega; i++) if ((y[off + i] as number) !== 0) return false;
  return true;
}

class Prepared implements PreparedMlDsaKey {
  readonly alg: SigAlgName;
  private readonly p: Params;
  /** Â in the NTT domain, row-major: entry (r, s) at ((r·l + s)·256). */
  private readonly aHat: Float64Array;
  /** NTT(t1·2^d), k polynomials. */
  private readonly t1Hat: Float64Array;
  /** tr = H(pk, 64) (Algorithm 8 line 5). */
  private readonly tr: Uint8Array;
  // Scratch, fully rewritten by each verify before it is read (no state carries between calls).
  private readonly zRaw: Int32Array;
  private readonly zHat: Float64Array;
  private readonly cHat: Float64Array;
  private readonly w: Float64Array;
  private readonly h: Uint8Array;
  private readonly w1: Uint8Array;

  constructor(alg: SigAlgName, pk: Uint8Array) {
    this.alg = alg;
    const p = PARAMS[alg];
    this.p = p;
    const { k, l } = p;
    // Algorithm 23 pkDecode: ρ = pk[0:32], t1[i] = SimpleBitUnpack(10 bits).
    const rho = pk.subarray(0, 32);
    const t1 = new Int32Array(k * N);
    unpackBits(pk, 32, k * N, 10, t1, 0);
    this.t1Hat = new Float64Array(k * N);
    for (let i = 0; i < k * N; i++) this.t1Hat[i] = (t1[i] as number) * (1 << D); // < 2^10 · 2^13 < q
    for (let i = 0; i < k; i++) ntt(this.t1Hat, i * N);
    // Algorithm 32 ExpandA: Â[r][s] = RejNTTPoly(ρ || IntegerToBytes(s, 1) || IntegerToBytes(r, 1)).
    this.aHat = new Float64Array(k * l * N);
    const seed = new Uint8Array(34);
    seed.set(rho);
    for (let r = 0; r < k; r++) {
      for (let s = 0; s < l; s++) {
        seed[32] = s;
        seed[33] = r;
        rejNttPoly(seed, this.aHat, (r * l + s) * N);
      }
    }
    this.tr = shake256(pk, { dkLen: 64 });
    this.zRaw = new Int32Array(l * N);
    this.zHat = new Float64Array(l * N);
    this.cHat = new Float64Array(N);
    this.w = new Float64Array(N);
    this.h = new Uint8Array(k * N);
    this.w1 = new Uint8Array((k * N * p.w1Bits) / 8);
  }

  verify(message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean {
    // The same argument checks, in the same order, as mlDsaVerify (ml-dsa.ts).
    checkBytes('message', message);
    checkBytes('signature', signature);
    const ctx = checkContext(context);
    if (signature.length !== ML_DSA_SIGNATURE_SIZE[this.alg]) return false;
    const { k, l, tau, ctildeLen, gamma1, gamma2, beta, omega, zBits, w1Bits } = this.p;

    // Algorithm 27 sigDecode: c̃ || z (BitUnpack(γ1 − 1, γ1): z = γ1 − value) || h (HintBitUnpack).
    const ctilde = signature.subarray(0, ctildeLen);
    const zRaw = this.zRaw;
    unpackBits(signature, ctildeLen, l * N, zBits, zRaw, 0);
    // Algorithm 8 line 13: ‖z‖∞ < γ1 − β (z is in [−γ1 + 1, γ1], already centred).
    const bound = gamma1 - beta;
    const zHat = this.zHat;
    for (let i = 0; i < l * N; i++) {
      const z = gamma1 - (zRaw[i] as number);
      if (z >= bound || z <= -bound) return false;
      zHat[i] = z < 0 ? z + Q : z;
    }
    const hintOff = ctildeLen + (l * N * zBits) / 8;
    if (!hintBitUnpack(signature, hintOff, k, omega, this.h)) return false;

    // Lines 6, 7: μ = H(tr || M', 64) with M' = 0 || |ctx| || ctx || M (Algorithm 3 line 5).
    const mu = shake256
      .create({ dkLen: 64 })
      .update(this.tr)
      .update(new Uint8Array([0, ctx === undefined ? 0 : ctx.length]))
      .update(ctx ?? new Uint8Array(0))
      .update(message)
      .digest();

    // Line 8 (c) and line 9: NTT(z), NTT(c).
    for (let s = 0; s < l; s++) ntt(zHat, s * N);
    const cHat = this.cHat;
    sampleInBall(ctilde, tau, cHat);
    ntt(cHat, 0);

    // Lines 9, 10: w'approx = NTT^-1(Â ∘ NTT(z) − NTT(c) ∘ NTT(t1·2^d)); w1' = UseHint(h, w'approx);
    // w1Encode (Algorithm 28) as each row is done.
    const aHat = this.aHat;
    const t1Hat = this.t1Hat;
    const w = this.w;
    const h = this.h;
    const w1 = this.w1;
    const twoG2 = 2 * gamma2;
    const m = (Q - 1) / twoG2;
    let outPos = 0;
    for (let r = 0; r < k; r++) {
      const aRow = r * l * N;
      const tOff = r * N;
      for (let j = 0; j < N; j++) {
        // Each product < 2^46; L of them plus one negative term stays far below 2^52.
        let acc = -(cHat[j] as number) * (t1Hat[tOff + j] as number);
        for (let s = 0; s < l; s++) acc += (aHat[aRow + s * N + j] as number) * (zHat[s * N + j] as number);
        w[j] = reduce(acc);
      }
      invNtt(w, 0);
      const hOff = r * N;
      // Algorithms 40 UseHint and 36 Decompose on each coefficient, then packed w1Bits wide, little-endian.
      let bits = 0;
      let nb = 0;
      for (let j = 0; j < N; j++) {
        const rp = w[j] as number;
        // Decompose: r0 = r+ mod± 2γ2 in (−γ2, γ2] and r1 = (r+ − r0)/2γ2, i.e. r1 = ⌊(r+ + γ2 − 1)/2γ2⌋
        // (a correctly rounded quotient of integers below 2^24 floors exactly).
        let r1 = Math.floor((rp + gamma2 - 1) / twoG2);
        let r0 = rp - r1 * twoG2;
        if (rp - r0 === Q - 1) {
          r1 = 0;
          r0 -= 1;
        }
        if (h[hOff + j] === 1) r1 = r0 > 0 ? (r1 + 1) % m : (r1 - 1 + m) % m;
        bits |= r1 << nb;
        nb += w1Bits;
        while (nb >= 8) {
          w1[outPos++] = bits & 0xff;
          bits >>>= 8;
          nb -= 8;
        }
      }
    }

    // Lines 12, 13: c̃' = H(μ || w1Encode(w1'), λ/4); accept iff ‖z‖∞ < γ1 − β (checked above) and c̃ = c̃'.
    const ctilde2 = shake256.create({ dkLen: ctildeLen }).update(mu).update(w1).digest();
    return bytesEqual(ctilde, ctilde2);
  }
}

/**
 * Prepares an ML-DSA public key for repeated FIPS 204 verification. Throws TypeError for an unknown
 * parameter set or a non-Uint8Array key and RangeError for a key of the wrong length (as mlDsaVerify).
 */
export function prepareMlDsaPublicKey(alg: SigAlgName, publicKey: Uint8Array): PreparedMlDsaKey {
  if (!Object.prototype.hasOwnProperty.call(PARAMS, alg)) throw new TypeError(`unknown ML-DSA parameter set: ${String(alg)}`);
  checkBytes('publicKey', publicKey, KEY_SIZES[alg].publicKey);
  // A copy (never a view: Buffer#slice shares memory), though Prepared keeps only values derived from it.
  return new Prepared(alg, new Uint8Array(publicKey));
}
