// SLIP-0039 Shamir's Secret-Sharing for Mnemonic Codes (final, with the extendable flag): split, combine, decode, encode.
//
// Implemented from the text of SLIP-0039 (satoshilabs/slips slip-0039.md). Section names below are the
// specification's. Every failure is a WritError with a code a ceremony can act on:
//   SHARE_CHECKSUM  an RS1024 checksum fails, or a word is not in the word list;
//   PARSE           a mnemonic has a bad length or non-zero / over-long padding;
//   SHARE_FOREIGN   a share's identifier, iteration exponent or extendable flag differs from the others
//                   (it belongs to another split, i.e. another ceremony);
//   SHARE_DUPLICATE a share (or its member index within a group) is given twice;
//   SHARE_MISMATCH  group parameters disagree, or the digest check fails (a share is wrong or forged);
//   QUORUM          too few groups, or too few members in a group.
// Shares are numbered from 1 in the order given, so messages can say "share 3 ...". Messages never
// contain share words or values.
//
// Note: GF(256) arithmetic here uses log/exp tables (not constant time). writ runs splits and combines
// offline during ceremonies, where timing side channels are out of scope (DESIGN.md §2).
import { WritError } from '../errors.js';
import { bytesEqual, concat, drawRandom, toHex, wipe } from '../crypto/bytes.js';
import { hmac, pbkdf2 } from '../crypto/kdf.js';
import type { Rng } from '../crypto/types.js';
import { WORDLIST } from './wordlist.js';
import { MAX_GROUP_MEMBERS, MAX_MNEMONIC_CHARS as MAX_MNEMONIC_CHARS_LIMIT, MAX_SHARES_IN_SET as MAX_SHARES_IN_SET_LIMIT, MAX_SLIP39_ITERATION_EXPONENT } from '../limits.js';

/** One decoded share (SLIP-0039 "Format of the share mnemonic"). */
export interface Slip39Share {
  /** Random 15-bit identifier common to all shares of one split. */
  identifier: number;
  /** The extendable backup flag (customization string "shamir_extendable", no identifier in the salt). */
  extendable: boolean;
  /** Iteration exponent e (0..15): PBKDF2 runs 10000 * 2^e iterations in total. */
  iterationExponent: number;
  /** Group index GI: the x value of the group share, 0..15 (as encoded; "group 1" in messages is GI 0). */
  groupIndex: number;
  /** Group threshold GT, 1..16 (the actual value, i.e. the encoded field + 1). */
  groupThreshold: number;
  /** Group count G, 1..16 (the actual value). */
  groupCount: number;
  /** Member index I: the x value of the member share, 0..15 (as encoded; "member 1" is I 0). */
  memberIndex: number;
  /** Member threshold T, 1..16 (the actual value). */
  memberThreshold: number;
  /** The share value (n bytes, n >= 16 and even). */
  value: Uint8Array;
}

export interface SplitOptions {
  /** Number of groups needed, 1..groups.length. */
  groupThreshold: number;
  /** Per group: members needed (threshold) of members issued (count); 1 <= threshold <= count <= 16; threshold 1 needs count 1. */
  groups: { threshold: number; count: number }[];
  /** Printable ASCII (32..126); default "". */
  passphrase?: string;
  /** 0..15; default 1 (20000 PBKDF2 iterations in total). */
  iterationExponent?: number;
  /** Default true (the reference implementation's default): re-splits keep the same EMS under every passphrase. */
  extendable?: boolean;
  rng: Rng;
}

// ---- constants (SLIP-0039 "Format of the share mnemonic", "Checksum", "Encryption") ----

const RADIX_BITS = 10;
const ID_BITS = 15;
const EXP_BITS = 4; // final format: 15-bit id, 1-bit extendable flag, 4-bit iteration exponent
const CHECKSUM_WORDS = 3;
const METADATA_WORDS = 4; // id || ext || e || GI || Gt || g || I || t = 40 bits
const MIN_SECRET_BYTES = 16;
const MIN_MNEMONIC_WORDS = METADATA_WORDS + Math.ceil((MIN_SECRET_BYTES * 8) / RADIX_BITS) + CHECKSUM_WORDS; // 20
const MAX_SHARES = MAX_GROUP_MEMBERS; // = MAX_SHARE_GROUPS (src/core/limits.ts): the 4-bit fields
// Limits (LIMIT; issue 8: one input < 1 s). SLIP-0039 allows iteration exponents up to 15, i.e.
// 10000 * 2^15 PBKDF2 iterations (minutes); a share names its own exponent, so combining refuses
// more than 2^5 (320,000 iterations, well under a second; writ writes 1, the reference default).
// A mnemonic is at most a few hundred characters (59 words for a 512-bit secret); a set holds at
// most 16 groups of 16 members.
const MAX_ITERATION_EXPONENT = MAX_SLIP39_ITERATION_EXPONENT;
const MAX_MNEMONIC_CHARS = MAX_MNEMONIC_CHARS_LIMIT;
const MAX_SHARES_IN_SET = MAX_SHARES_IN_SET_LIMIT;
const BASE_ITERATIONS = 10000;
const ROUNDS = 4;
const DIGEST_INDEX = 254;
const SECRET_INDEX = 255;
const DIGEST_BYTES = 4;
const CS_PLAIN = 'shamir';
const CS_EXTENDABLE = 'shamir_extendable';

// RS1024 generator constants (SLIP-0039 "Checksum"): a Reed-Solomon code over GF(1024).
const RS1024_GEN = [0xe0e040, 0x1c1c080, 0x3838100, 0x7070200, 0xe0e0009, 0x1c0c2412, 0x38086c24, 0x3090fc48, 0x21b1f890, 0x3f3f120];

const utf8 = new TextEncoder();

// ---- word list ----

const WORD_INDEX = new Map<string, number>();
WORDLIST.forEach((w, i) => WORD_INDEX.set(w.slice(0, 4), i));

/** Word -> index; accepts full words and any prefix of at least 4 letters (SLIP-0039 "Wordlist": unique 4-letter prefixes). */
function lookupWord(w: string): number | undefined {
  if (w.length < 4) return undefined;
  const i = WORD_INDEX.get(w.slice(0, 4));
  if (i === undefined) return undefined;
  return (WORDLIST[i] as string).startsWith(w) ? i : undefined;
}

// ---- RS1024 (SLIP-0039 "Checksum") ----

function rs1024Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 20;
    chk = (((chk & 0xfffff) << 10) ^ v) >>> 0;
    for (let i = 0; i < 10; i++) if ((b >>> i) & 1) chk ^= RS1024_GEN[i] as number;
  }
  return chk;
}

function customization(extendable: boolean): number[] {
  return [...(extendable ? CS_EXTENDABLE : CS_PLAIN)].map((c) => c.charCodeAt(0));
}

function rs1024Checksum(extendable: boolean, data: readonly number[]): number[] {
  const pm = rs1024Polymod([...customization(extendable), ...data, 0, 0, 0]) ^ 1;
  return [0, 1, 2].map((i) => (pm >>> (RADIX_BITS * (2 - i))) & 1023);
}

function rs1024Verify(extendable: boolean, words: readonly number[]): boolean {
  return rs1024Polymod([...customization(extendable), ...words]) === 1;
}

// ---- GF(256) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4) ----

const EXP = new Uint8Array(255);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    // multiply by the generator 0x03: x * 2 xor x, reducing by 0x11b
    let x2 = x << 1;
    if (x2 & 0x100) x2 ^= 0x11b;
    x = x2 ^ x;
  }
}

interface Point {
  x: number;
  y: Uint8Array;
}

/** Lagrange interpolation at x (SLIP-0039 "Polynomial interpolation"); subtraction in GF(256) is xor. */
function interpolate(points: readonly Point[], x: number): Uint8Array {
  const n = (points[0] as Point).y.length;
  const hit = points.find((p) => p.x === x);
  if (hit) return hit.y.slice();
  // log of the product over all j of (x - x_j); each basis polynomial divides one factor back out.
  let logProd = 0;
  for (const p of points) logProd += LOG[x ^ p.x] as number;
  const out = new Uint8Array(n);
  for (const pi of points) {
    let logBasis = logProd - (LOG[x ^ pi.x] as number);
    for (const pj of points) if (pj !== pi) logBasis -= LOG[pi.x ^ pj.x] as number;
    logBasis = ((logBasis % 255) + 255) % 255;
    for (let k = 0; k < n; k++) {
      const yk = pi.y[k] as number;
      if (yk !== 0) out[k] = (out[k] as number) ^ (EXP[((LOG[yk] as number) + logBasis) % 255] as number);
    }
  }
  return out;
}

function digestOf(random: Uint8Array, secret: Uint8Array): Uint8Array {
  return hmac('sha256', random, secret).subarray(0, DIGEST_BYTES);
}

/** SplitSecret(T, N, S) (SLIP-0039 "Sharing a secret"): shares for x = 0..N-1. */
function splitOne(threshold: number, count: number, secret: Uint8Array, rng: Rng): Uint8Array[] {
  if (threshold === 1) return Array.from({ length: count }, () => secret.slice());
  const n = secret.length;
  const r = drawRandom(rng, n - DIGEST_BYTES).slice();
  const d = concat(digestOf(r, secret), r);
  const base: Point[] = [];
  for (let i = 0; i < threshold - 2; i++) base.push({ x: i, y: drawRandom(rng, n).slice() });
  const shares: Uint8Array[] = base.map((p) => p.y.slice());
  const pts = [...base, { x: DIGEST_INDEX, y: d }, { x: SECRET_INDEX, y: secret }];
  for (let i = threshold - 2; i < count; i++) shares.push(interpolate(pts, i));
  wipe(r, d, ...base.map((p) => p.y));
  return shares;
}

/** RecoverSecret(T, points) (SLIP-0039 "Sharing a secret"); undefined when the digest check fails. */
function recoverOne(threshold: number, points: readonly Point[]): Uint8Array | undefined {
  if (threshold === 1) return (points[0] as Point).y.slice();
  const secret = interpolate(points, SECRET_INDEX);
  const d = interpolate(points, DIGEST_INDEX);
  const ok = bytesEqual(digestOf(d.subarray(DIGEST_BYTES), secret), d.subarray(0, DIGEST_BYTES));
  wipe(d);
  if (ok) return secret;
  wipe(secret);
  return undefined;
}

// ---- passphrase encryption (SLIP-0039 "Encryption of the master secret") ----

function checkPassphrase(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  for (let i = 0; i < passphrase.length; i++) {
    const c = passphrase.charCodeAt(i);
    if (c < 32 || c > 126) {
      throw new WritError('PARSE', 'the SLIP-39 passphrase must contain only printable ASCII characters (SLIP-0039 "Passphrase")');
    }
  }
  return utf8.encode(passphrase);
}

function feistel(input: Uint8Array, passphrase: Uint8Array, e: number, identifier: number, extendable: boolean, rounds: number[]): Uint8Array {
  const half = input.length / 2;
  let l = input.slice(0, half);
  let r = input.slice(half);
  // Salt: "shamir" || id (2 bytes, big-endian), or empty when the extendable flag is set.
  const salt = extendable ? new Uint8Array(0) : concat(utf8.encode(CS_PLAIN), new Uint8Array([identifier >> 8, identifier & 0xff]));
  const iterations = (BASE_ITERATIONS / ROUNDS) << e;
  for (const i of rounds) {
    const password = concat(new Uint8Array([i]), passphrase);
    const f = pbkdf2('sha256', password, concat(salt, r), iterations, half);
    const next = new Uint8Array(half);
    for (let k = 0; k < half; k++) next[k] = (l[k] as number) ^ (f[k] as number);
    wipe(l, f, password);
    l = r;
    r = next;
  }
  const out = concat(r, l);
  wipe(l, r);
  return out;
}

// ---- mnemonic encoding ----

class BitWriter {
  readonly bits: number[] = [];
  put(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
  words(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.bits.length; i += RADIX_BITS) {
      let w = 0;
      for (let j = 0; j < RADIX_BITS; j++) w = (w << 1) | (this.bits[i + j] as number);
      out.push(w);
    }
    return out;
  }
}

function wordsToBits(words: readonly number[]): number[] {
  const bits: number[] = [];
  for (const w of words) for (let i = RADIX_BITS - 1; i >= 0; i--) bits.push((w >>> i) & 1);
  return bits;
}

function readBits(bits: readonly number[], offset: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = (v << 1) | (bits[offset + i] as number);
  return v;
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(v)}`);
}

/** Encodes a share as its mnemonic (words separated by one space). */
export function encodeMnemonic(share: Slip39Share): string {
  checkRange('identifier', share.identifier, 0, 2 ** ID_BITS - 1);
  checkRange('iterationExponent', share.iterationExponent, 0, 2 ** EXP_BITS - 1);
  checkRange('groupIndex', share.groupIndex, 0, 15);
  checkRange('groupThreshold', share.groupThreshold, 1, 16);
  checkRange('groupCount', share.groupCount, 1, 16);
  checkRange('memberIndex', share.memberIndex, 0, 15);
  checkRange('memberThreshold', share.memberThreshold, 1, 16);
  if (share.groupThreshold > share.groupCount) throw new RangeError('groupThreshold must not exceed groupCount');
  const n = share.value.length;
  if (n < MIN_SECRET_BYTES || n % 2 !== 0) throw new RangeError(`value must be an even number of bytes, at least ${MIN_SECRET_BYTES}, got ${n}`);
  const w = new BitWriter();
  w.put(share.identifier, ID_BITS);
  w.put(share.extendable ? 1 : 0, 1);
  w.put(share.iterationExponent, EXP_BITS);
  w.put(share.groupIndex, 4);
  w.put(share.groupThreshold - 1, 4);
  w.put(share.groupCount - 1, 4);
  w.put(share.memberIndex, 4);
  w.put(share.memberThreshold - 1, 4);
  // The share value is left-padded with zero bits to the nearest multiple of 10 bits.
  const valueBits = n * 8;
  w.put(0, (RADIX_BITS - (valueBits % RADIX_BITS)) % RADIX_BITS);
  for (const b of share.value) w.put(b, 8);
  const data = w.words();
  const words = [...data, ...rs1024Checksum(share.extendable, data)];
  return words.map((i) => WORDLIST[i] as string).join(' ');
}

/** Decodes and checks one mnemonic (word list, length, checksum, padding, parameters). */
export function decodeMnemonic(m: string): Slip39Share {
  if (typeof m !== 'string') throw new TypeError('mnemonic must be a string');
  if (m.length > MAX_MNEMONIC_CHARS) throw new WritError('LIMIT', `a SLIP-39 share is at most ${MAX_MNEMONIC_CHARS} characters, this one has ${m.length}`);
  const tokens = m.trim().toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  const idx: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const v = lookupWord(tokens[i] as string);
    // The word itself is not echoed: it is part of a secret share.
    if (v === undefined) throw new WritError('SHARE_CHECKSUM', `word ${i + 1} is not in the SLIP-39 word list (check its spelling)`);
    idx.push(v);
  }
  if (idx.length < MIN_MNEMONIC_WORDS) {
    throw new WritError('PARSE', `a SLIP-39 share has at least ${MIN_MNEMONIC_WORDS} words, this one has ${idx.length} (a word may be missing)`);
  }
  const valueWords = idx.length - METADATA_WORDS - CHECKSUM_WORDS;
  const paddingBits = (valueWords * RADIX_BITS) % 16;
  if (paddingBits > 8) throw new WritError('PARSE', `a SLIP-39 share cannot have ${idx.length} words (invalid length: a word may be missing or extra)`);
  const bits = wordsToBits(idx);
  const extendable = readBits(bits, ID_BITS, 1) === 1;
  if (!rs1024Verify(extendable, idx)) {
    throw new WritError('SHARE_CHECKSUM', 'the share\'s checksum is wrong: a word is mistyped or misread (RS1024, SLIP-0039 "Checksum")');
  }
  const valueStart = METADATA_WORDS * RADIX_BITS;
  if (readBits(bits, valueStart, paddingBits) !== 0) throw new WritError('PARSE', 'the share has non-zero padding bits (invalid padding)');
  let o = 0;
  const field = (width: number): number => {
    const v = readBits(bits, o, width);
    o += width;
    return v;
  };
  const identifier = field(ID_BITS);
  field(1); // the extendable flag, read above
  const iterationExponent = field(EXP_BITS);
  const groupIndex = field(4);
  const groupThreshold = field(4) + 1;
  const groupCount = field(4) + 1;
  const memberIndex = field(4);
  const memberThreshold = field(4) + 1;
  const n = (valueWords * RADIX_BITS - paddingBits) / 8;
  const value = new Uint8Array(n);
  for (let k = 0; k < n; k++) value[k] = readBits(bits, valueStart + paddingBits + 8 * k, 8);
  bits.fill(0);
  if (n < MIN_SECRET_BYTES || n % 2 !== 0) {
    wipe(value);
    throw new WritError('PARSE', `the share holds ${n * 8} bits; SLIP-39 needs an even number of bytes and at least 128 bits (invalid master secret length)`);
  }
  if (groupThreshold > groupCount) {
    wipe(value);
    throw new WritError('SHARE_MISMATCH', `the share says ${groupThreshold} groups are needed out of only ${groupCount} (group threshold greater than group count)`);
  }
  return { identifier, extendable, iterationExponent, groupIndex, groupThreshold, groupCount, memberIndex, memberThreshold, value };
}

// ---- GenerateShares (SLIP-0039 "Generating the shares") ----

/** Splits `secret` into mnemonics, one array per group (member shares in member-index order). */
export function splitSecret(secret: Uint8Array, o: SplitOptions): string[][] {
  if (!(secret instanceof Uint8Array)) throw new TypeError('secret must be a Uint8Array');
  if (secret.length < MIN_SECRET_BYTES || secret.length % 2 !== 0) {
    throw new RangeError(`secret must be an even number of bytes, at least ${MIN_SECRET_BYTES} (128 bits), got ${secret.length}`);
  }
  const groups = o.groups;
  if (!Array.isArray(groups) || groups.length < 1 || groups.length > MAX_SHARES) throw new RangeError(`groups must list 1..${MAX_SHARES} groups`);
  checkRange('groupThreshold', o.groupThreshold, 1, groups.length);
  groups.forEach((g, i) => {
    checkRange(`groups[${i}].count`, g.count, 1, MAX_SHARES);
    checkRange(`groups[${i}].threshold`, g.threshold, 1, g.count);
    // SLIP-0039 "Generating the shares" step 1: a 1-of-N group with N > 1 is refused.
    if (g.threshold === 1 && g.count > 1) throw new RangeError(`groups[${i}]: a member threshold of 1 requires a count of 1 (SLIP-0039)`);
  });
  const e = o.iterationExponent ?? 1;
  checkRange('iterationExponent', e, 0, 2 ** EXP_BITS - 1);
  if (e > MAX_ITERATION_EXPONENT) throw new WritError('LIMIT', `iteration exponent ${e} is over writ's limit of ${MAX_ITERATION_EXPONENT}: such shares could not be combined`);
  const extendable = o.extendable ?? true;
  const passphrase = checkPassphrase(o.passphrase ?? '');
  const idBytes = drawRandom(o.rng, 2);
  const identifier = (((idBytes[0] as number) << 8) | (idBytes[1] as number)) & (2 ** ID_BITS - 1);
  const ems = feistel(secret, passphrase, e, identifier, extendable, [0, 1, 2, 3]);
  wipe(passphrase);
  const groupShares = splitOne(o.groupThreshold, groups.length, ems, o.rng);
  wipe(ems);
  const out = groups.map((g, gi) => {
    const members = splitOne(g.threshold, g.count, groupShares[gi] as Uint8Array, o.rng);
    const mnemonics = members.map((value, mi) =>
      encodeMnemonic({
        identifier,
        extendable,
        iterationExponent: e,
        groupIndex: gi,
        groupThreshold: o.groupThreshold,
        groupCount: groups.length,
        memberIndex: mi,
        memberThreshold: g.threshold,
        value,
      }),
    );
    wipe(...members);
    return mnemonics;
  });
  wipe(...groupShares);
  return out;
}

// ---- Combining the shares (SLIP-0039 "Combining the shares") ----

interface Numbered {
  n: number; // 1-based position in the input
  s: Slip39Share;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function label(n: number): string {
  return `share ${n}`;
}

/**
 * Recovers a secret from a group's (or the groups') points: the first `threshold` points determine the
 * polynomial; every further point must lie on it, else the named share does not belong.
 */
function recoverChecked(threshold: number, pts: { n: number; p: Point }[], what: string): Uint8Array {
  const basis = pts.slice(0, threshold).map((q) => q.p);
  const secret = recoverOne(threshold, basis);
  if (secret === undefined) {
    throw new WritError(
      'SHARE_MISMATCH',
      `${what}: the shares do not fit together (digest check failed): one of ${pts
        .slice(0, threshold)
        .map((q) => q.n)
        .join(', ')} is wrong, altered or forged`,
    );
  }
  for (const extra of pts.slice(threshold)) {
    const expect = interpolate(basis, extra.p.x);
    const ok = bytesEqual(expect, extra.p.y);
    wipe(expect);
    if (!ok) {
      wipe(secret);
      throw new WritError('SHARE_MISMATCH', `${what}: ${label(extra.n)} does not fit with the others (it is wrong, altered or forged)`);
    }
  }
  return secret;
}

/** Combines mnemonics (any order; extra shares beyond the thresholds are checked, not ignored) into the master secret. */
export function combineMnemonics(mnemonics: string[], passphrase = ''): Uint8Array {
  if (!Array.isArray(mnemonics)) throw new TypeError('mnemonics must be an array of strings');
  if (mnemonics.length === 0) throw new WritError('QUORUM', 'no shares were given');
  if (mnemonics.length > MAX_SHARES_IN_SET) throw new WritError('LIMIT', `at most ${MAX_SHARES_IN_SET} shares can be combined (16 groups of 16), ${mnemonics.length} were given`);
  const pass = checkPassphrase(passphrase);
  const shares: Numbered[] = [];
  try {
    mnemonics.forEach((m, i) => {
      try {
        shares.push({ n: i + 1, s: decodeMnemonic(m) });
      } catch (e) {
        if (e instanceof WritError) throw new WritError(e.code, `${label(i + 1)}: ${e.message}`, { cause: e });
        throw e;
      }
    });
    return combineDecoded(shares, pass);
  } finally {
    wipe(pass);
    for (const x of shares) wipe(x.s.value);
  }
}

function combineDecoded(shares: Numbered[], pass: Uint8Array): Uint8Array {
  const first = shares[0] as Numbered;
  const f = first.s;
  if (f.iterationExponent > MAX_ITERATION_EXPONENT) {
    throw new WritError('LIMIT', `${label(first.n)} asks for iteration exponent ${f.iterationExponent} (10000 * 2^${f.iterationExponent} PBKDF2 iterations); writ combines shares up to exponent ${MAX_ITERATION_EXPONENT}`);
  }
  for (const { n, s } of shares.slice(1)) {
    if (s.identifier !== f.identifier) {
      throw new WritError('SHARE_FOREIGN', `${label(n)} is from another ceremony (identifier ${s.identifier}, expected ${f.identifier} as in ${label(first.n)})`);
    }
    if (s.iterationExponent !== f.iterationExponent) {
      throw new WritError(
        'SHARE_FOREIGN',
        `${label(n)} is from another ceremony (iteration exponent ${s.iterationExponent}, expected ${f.iterationExponent} as in ${label(first.n)})`,
      );
    }
    if (s.extendable !== f.extendable) {
      throw new WritError('SHARE_FOREIGN', `${label(n)} is from another ceremony (extendable flag ${s.extendable ? 'set' : 'clear'}, unlike ${label(first.n)})`);
    }
    if (s.groupThreshold !== f.groupThreshold) {
      throw new WritError('SHARE_MISMATCH', `${label(n)} says ${plural(s.groupThreshold, 'group is', 'groups are')} needed, ${label(first.n)} says ${f.groupThreshold} (mismatching group thresholds)`);
    }
    if (s.groupCount !== f.groupCount) {
      throw new WritError('SHARE_MISMATCH', `${label(n)} says there ${s.groupCount === 1 ? 'is 1 group' : `are ${s.groupCount} groups`}, ${label(first.n)} says ${f.groupCount} (mismatching group counts)`);
    }
    if (s.value.length !== f.value.length) {
      throw new WritError('SHARE_MISMATCH', `${label(n)} has a ${s.value.length * 8}-bit value, ${label(first.n)} has ${f.value.length * 8}-bit (mismatching lengths)`);
    }
  }
  // Duplicates: the same (group, member) position twice, whether or not the values agree.
  const seen = new Map<string, Numbered>();
  for (const x of shares) {
    const key = `${x.s.groupIndex}/${x.s.memberIndex}`;
    const prev = seen.get(key);
    if (prev) {
      const same = bytesEqual(prev.s.value, x.s.value) && prev.s.memberThreshold === x.s.memberThreshold;
      throw new WritError(
        'SHARE_DUPLICATE',
        same
          ? `${label(x.n)} is the same share as ${label(prev.n)} (group ${x.s.groupIndex + 1}, member ${x.s.memberIndex + 1}): each share counts once`
          : `${label(x.n)} and ${label(prev.n)} both claim member ${x.s.memberIndex + 1} of group ${x.s.groupIndex + 1} (duplicate member index)`,
      );
    }
    seen.set(key, x);
  }
  // Group by group index; member thresholds must agree within a group.
  const byGroup = new Map<number, Numbered[]>();
  for (const x of shares) {
    const g = byGroup.get(x.s.groupIndex);
    if (g) {
      const g0 = g[0] as Numbered;
      if (g0.s.memberThreshold !== x.s.memberThreshold) {
        throw new WritError(
          'SHARE_MISMATCH',
          `${label(x.n)} says group ${x.s.groupIndex + 1} needs ${plural(x.s.memberThreshold, 'member', 'members')}, ${label(g0.n)} says ${g0.s.memberThreshold} (mismatching member thresholds)`,
        );
      }
      g.push(x);
    } else byGroup.set(x.s.groupIndex, [x]);
  }
  const groupIds = [...byGroup.keys()].sort((a, b) => a - b);
  const complete = groupIds.filter((gi) => (byGroup.get(gi) as Numbered[]).length >= (byGroup.get(gi) as Numbered[])[0]!.s.memberThreshold);
  if (complete.length < f.groupThreshold) {
    const detail = groupIds
      .map((gi) => {
        const g = byGroup.get(gi) as Numbered[];
        return `group ${gi + 1} has ${g.length} of the ${plural(g[0]!.s.memberThreshold, 'share', 'shares')} it needs`;
      })
      .join('; ');
    throw new WritError(
      'QUORUM',
      `not enough shares: ${f.groupThreshold} of ${plural(f.groupCount, 'group', 'groups')} must be complete, ${complete.length} ${complete.length === 1 ? 'is' : 'are'} (${detail})`,
    );
  }
  // Recover each complete group share, then the encrypted master secret from the groups.
  const groupPoints: { n: number; p: Point }[] = [];
  try {
    for (const gi of complete) {
      const g = byGroup.get(gi) as Numbered[];
      const t = g[0]!.s.memberThreshold;
      const y = recoverChecked(
        t,
        g.map((x) => ({ n: x.n, p: { x: x.s.memberIndex, y: x.s.value } })),
        `group ${gi + 1}`,
      );
      groupPoints.push({ n: g[0]!.n, p: { x: gi, y } });
    }
    const ems = recoverChecked(f.groupThreshold, groupPoints, 'the groups');
    const ms = feistel(ems, pass, f.iterationExponent, f.identifier, f.extendable, [3, 2, 1, 0]);
    wipe(ems);
    return ms;
  } finally {
    wipe(...groupPoints.map((q) => q.p.y));
  }
}

// ---- commitments (writ, for share drills) ----

const COMMITMENT_LABEL = utf8.encode('writ share commitment v1\u0000');

/**
 * A hex commitment to one share: HMAC-SHA256(key = salt, msg = label || canonical mnemonic). Recorded at
 * generation (with a fresh salt of at least 16 bytes), checked in drills without rebuilding the key. The
 * share value carries >= 128 bits of entropy, so the commitment does not reveal it.
 */
export function shareCommitment(mnemonic: string, salt: Uint8Array): string {
  if (!(salt instanceof Uint8Array) || salt.length < 16) throw new RangeError('salt must be at least 16 bytes');
  const share = decodeMnemonic(mnemonic);
  const canonical = utf8.encode(encodeMnemonic(share));
  const tag = hmac('sha256', salt, concat(COMMITMENT_LABEL, canonical));
  wipe(canonical, share.value);
  return toHex(tag);
}

/** Throws SHARE_MISMATCH unless `mnemonic` matches the commitment recorded at generation. */
export function checkShareCommitment(mnemonic: string, salt: Uint8Array, commitment: string): void {
  const got = shareCommitment(mnemonic, salt);
  if (!bytesEqual(utf8.encode(got), utf8.encode(commitment.toLowerCase()))) {
    throw new WritError('SHARE_MISMATCH', 'this share does not match the commitment recorded when it was generated');
  }
}
