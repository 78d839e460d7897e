// Tests for src/core/words.ts and the SLIP-0039 wordlist it uses (SLIP-0039 "Wordlist").
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WORDLIST } from '../../src/core/shares/wordlist.js';
import { bytesToWords, fingerprintWords, wordCount, wordIndex, wordsToBytes } from '../../src/core/words.js';

describe('SLIP-0039 wordlist', () => {
  it('is the published list (SHA-256 of the words, one per line)', () => {
    const digest = createHash('sha256').update(`${WORDLIST.join('\n')}\n`).digest('hex');
    expect(digest).toBe('bcc4555340332d169718aed8bf31dd9d5248cb7da6e5d355140ef4f1e601eec3');
  });

  it('has 1024 sorted, unique words of 4 to 8 lowercase letters with unique 4-letter prefixes', () => {
    expect(WORDLIST).toHaveLength(1024);
    expect([...WORDLIST].sort()).toEqual(WORDLIST);
    expect(new Set(WORDLIST).size).toBe(1024);
    for (const w of WORDLIST) expect(w).toMatch(/^[a-z]{4,8}$/);
    expect(new Set(WORDLIST.map((w) => w.slice(0, 4))).size).toBe(1024);
  });

  it('holds the words of the first official test vector mnemonic', () => {
    // SLIP-0039 vectors.json #1: "duckling enlarge academic academic agency result length solution fridge kidney ..."
    for (const w of ['duckling', 'enlarge', 'academic', 'agency', 'result', 'length', 'solution', 'fridge', 'kidney', 'keyboard']) {
      expect(WORDLIST).toContain(w);
    }
    expect(WORDLIST[0]).toBe('academic');
    expect(WORDLIST[1023]).toBe('zero');
  });
});

describe('bytesToWords / wordsToBytes', () => {
  it('encodes 10 bits per word, big-endian, zero-padded', () => {
    expect(bytesToWords(new Uint8Array([0, 0]))).toEqual(['academic', 'academic']);
    // 0xff 0xc0 = 1111111111 000000 -> word 1023, then 000000 padded to 10 bits -> word 0
    expect(bytesToWords(new Uint8Array([0xff, 0xc0]))).toEqual(['zero', 'academic']);
    // 0x00 0x40 = 0000000001 000000 -> word 1 ("acid"), word 0
    expect(bytesToWords(new Uint8Array([0x00, 0x40]))).toEqual(['acid', 'academic']);
    expect(bytesToWords(new Uint8Array())).toEqual([]);
  });

  it('gives 26 words for a SHA-256 digest, grouped in fours', () => {
    const d = createHash('sha256').update('writ').digest();
    expect(wordCount(32)).toBe(26);
    expect(bytesToWords(d)).toHaveLength(26);
    const groups = fingerprintWords(d);
    expect(groups).toHaveLength(7);
    expect(groups.join(' ').split(' ')).toEqual(bytesToWords(d));
  });

  it('round-trips any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        expect(wordsToBytes(bytesToWords(b), b.length)).toEqual(b);
      }),
    );
  });

  it('accepts 4-letter prefixes and any case, refuses unknown words, wrong counts and non-zero padding', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5]);
    const words = bytesToWords(b);
    expect(wordsToBytes(words.map((w) => w.slice(0, 4).toUpperCase()), 5)).toEqual(b);
    expect(wordIndex('zero')).toBe(1023);
    expect(() => wordIndex('zebra')).toThrow(/not a word/);
    expect(() => wordIndex('acadXmic')).toThrow(/not a word/);
    expect(() => wordsToBytes(words.slice(1), 5)).toThrow(/expected 4 words/);
    // 2 bytes = 16 bits in 2 words: the last 4 bits are padding and must be zero
    expect(() => wordsToBytes(['academic', 'acid'], 2)).toThrow(/padding/);
  });

  it('rejects non-bytes with TypeError', () => {
    expect(() => bytesToWords('ab' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
