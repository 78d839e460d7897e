// Unit tests for SLIP-0039 (src/core/shares/slip39.ts): refusals with their codes and messages, extra shares, commitments, argument checks.
import { describe, expect, it } from 'vitest';
import { WritError } from '../../../src/core/errors.js';
import {
  checkShareCommitment,
  combineMnemonics,
  decodeMnemonic,
  encodeMnemonic,
  shareCommitment,
  splitSecret,
} from '../../../src/core/shares/slip39.js';
import { errCode, seededRng } from '../../helpers/index.js';

function thrown(fn: () => unknown): WritError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WritError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const secret = seededRng('secret')(16);
/** 2 of 3 groups: group 1 is 2-of-3, group 2 is 3-of-5, group 3 is 1-of-1. */
function split3(seed: string, extra: Partial<Parameters<typeof splitSecret>[1]> = {}): string[][] {
  return splitSecret(secret, {
    groupThreshold: 2,
    groups: [
      { threshold: 2, count: 3 },
      { threshold: 3, count: 5 },
      { threshold: 1, count: 1 },
    ],
    iterationExponent: 0,
    rng: seededRng(seed),
    ...extra,
  });
}

describe('splitSecret / combineMnemonics', () => {
  const a = split3('a');

  it('writes the parameters into every share (SLIP-0039 share format)', () => {
    const s = decodeMnemonic(a[1]![4]!);
    expect(s).toMatchObject({ extendable: true, iterationExponent: 0, groupIndex: 1, groupThreshold: 2, groupCount: 3, memberIndex: 4, memberThreshold: 3 });
    expect(s.value).toHaveLength(16);
    expect(a[0]![0]!.split(' ')).toHaveLength(20);
    // All shares share the first two words (identifier and flags), and a group its third word.
    const first2 = new Set(a.flat().map((m) => m.split(' ').slice(0, 2).join(' ')));
    expect(first2.size).toBe(1);
    expect(new Set(a[1]!.map((m) => m.split(' ')[2])).size).toBe(1);
  });

  it('recovers from a quorum, and from more than a quorum (extra shares are checked)', () => {
    expect(combineMnemonics([a[0]![2]!, a[2]![0]!, a[0]![0]!])).toEqual(secret);
    expect(combineMnemonics([...a[0]!, ...a[1]!, ...a[2]!])).toEqual(secret);
  });

  it('with a passphrase, only the same passphrase gives the secret back', () => {
    const p = split3('p', { passphrase: 'open sesame', extendable: false });
    expect(combineMnemonics([p[2]![0]!, p[0]![0]!, p[0]![1]!], 'open sesame')).toEqual(secret);
    expect(combineMnemonics([p[2]![0]!, p[0]![0]!, p[0]![1]!], 'open sesam')).not.toEqual(secret);
    expect(errCode(() => combineMnemonics([p[2]![0]!], 'caf\u00e9'))).toBe('PARSE');
  });

  it('refuses too few shares with QUORUM and says what is missing', () => {
    const e = thrown(() => combineMnemonics([a[0]![0]!, a[1]![0]!, a[1]![1]!]));
    expect(e.code).toBe('QUORUM');
    expect(e.message).toContain('2 of 3 groups must be complete, 0 are');
    expect(e.message).toContain('group 2 has 2 of the 3 shares it needs');
    expect(errCode(() => combineMnemonics([]))).toBe('QUORUM');
  });

  it('refuses a share of another ceremony with SHARE_FOREIGN naming it', () => {
    const b = split3('b');
    const ia = decodeMnemonic(a[0]![0]!).identifier;
    const ib = decodeMnemonic(b[0]![0]!).identifier;
    expect(ia).not.toBe(ib);
    const e = thrown(() => combineMnemonics([a[0]![0]!, a[0]![1]!, b[2]![0]!]));
    expect(e.code).toBe('SHARE_FOREIGN');
    expect(e.message).toBe(`share 3 is from another ceremony (identifier ${ib}, expected ${ia} as in share 1)`);
  });

  it('refuses a share given twice with SHARE_DUPLICATE', () => {
    const e = thrown(() => combineMnemonics([a[0]![0]!, a[2]![0]!, `  ${a[0]![0]!.toUpperCase()} `]));
    expect(e.code).toBe('SHARE_DUPLICATE');
    expect(e.message).toContain('share 3 is the same share as share 1');
  });

  it('refuses an altered share (valid checksum) with SHARE_MISMATCH: digest check, or an extra share off the polynomial', () => {
    const s = decodeMnemonic(a[0]![1]!);
    s.value[3] = s.value[3]! ^ 0x40;
    const forged = encodeMnemonic(s);
    expect(decodeMnemonic(forged).value).toEqual(s.value);
    const e1 = thrown(() => combineMnemonics([a[0]![0]!, forged, a[2]![0]!]));
    expect(e1.code).toBe('SHARE_MISMATCH');
    expect(e1.message).toContain('digest check failed');
    const e2 = thrown(() => combineMnemonics([a[0]![0]!, a[0]![2]!, forged, a[2]![0]!]));
    expect(e2.code).toBe('SHARE_MISMATCH');
    expect(e2.message).toContain('share 3 does not fit with the others');
  });

  it('refuses a mistyped word with SHARE_CHECKSUM, naming the share but not echoing the words', () => {
    const words = a[0]![0]!.split(' ');
    words[7] = words[7] === 'academic' ? 'acid' : 'academic';
    const e = thrown(() => combineMnemonics([a[2]![0]!, words.join(' ')]));
    expect(e.code).toBe('SHARE_CHECKSUM');
    expect(e.message).toMatch(/^share 2: /);
    const w2 = a[0]![0]!.split(' ');
    w2[5] = 'qwerty';
    const e2 = thrown(() => combineMnemonics([w2.join(' ')]));
    expect(e2.code).toBe('SHARE_CHECKSUM');
    expect(e2.message).toContain('word 6');
    expect(e2.message).not.toContain('qwerty');
  });

  it('accepts 4-letter prefixes of the words', () => {
    const short = a[2]![0]!.split(' ').map((w) => w.slice(0, 4)).join(' ');
    expect(decodeMnemonic(short)).toEqual(decodeMnemonic(a[2]![0]!));
  });

  it('refuses bad parameters with RangeError', () => {
    const rng = seededRng('x');
    expect(() => splitSecret(new Uint8Array(15), { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], rng })).toThrow(RangeError);
    expect(() => splitSecret(new Uint8Array(17), { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], rng })).toThrow(RangeError);
    expect(() => splitSecret(secret, { groupThreshold: 2, groups: [{ threshold: 1, count: 1 }], rng })).toThrow(RangeError);
    expect(() => splitSecret(secret, { groupThreshold: 1, groups: [{ threshold: 1, count: 3 }], rng })).toThrow(/threshold of 1/);
    expect(() => splitSecret(secret, { groupThreshold: 1, groups: [{ threshold: 4, count: 3 }], rng })).toThrow(RangeError);
    expect(() => splitSecret(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 17 }], rng })).toThrow(RangeError);
    expect(() => splitSecret(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], iterationExponent: 16, rng })).toThrow(RangeError);
  });

  it('is deterministic for a given RNG, and 256-bit secrets give 33-word shares', () => {
    const big = seededRng('big')(32);
    const s1 = splitSecret(big, { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 0, rng: seededRng('r') });
    const s2 = splitSecret(big, { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 0, rng: seededRng('r') });
    expect(s1).toEqual(s2);
    expect(s1[0]![0]!.split(' ')).toHaveLength(33);
    expect(combineMnemonics([s1[0]![4]!, s1[0]![0]!, s1[0]![2]!])).toEqual(big);
  });
});

describe('share commitments', () => {
  const a = split3('c');
  const salt = seededRng('salt')(16);

  it('are stable under spelling (case, spacing, prefixes) and differ per share', () => {
    const m = a[1]![2]!;
    const c = shareCommitment(m, salt);
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(shareCommitment(` ${m.toUpperCase()}\n`, salt)).toBe(c);
    expect(shareCommitment(m.split(' ').map((w) => w.slice(0, 4)).join(' '), salt)).toBe(c);
    expect(shareCommitment(a[1]![3]!, salt)).not.toBe(c);
    expect(shareCommitment(m, seededRng('other')(16))).not.toBe(c);
  });

  it('checkShareCommitment refuses another share with SHARE_MISMATCH', () => {
    const c = shareCommitment(a[0]![0]!, salt);
    expect(() => checkShareCommitment(a[0]![0]!, salt, c)).not.toThrow();
    expect(errCode(() => checkShareCommitment(a[0]![1]!, salt, c))).toBe('SHARE_MISMATCH');
    expect(() => shareCommitment(a[0]![0]!, new Uint8Array(8))).toThrow(RangeError);
  });
});
