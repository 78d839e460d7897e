// Fingerprints as words for reading aloud: bytes -> SLIP-0039 words, 10 bits per word (SLIP-0039 "Wordlist").
//
// People at a ceremony compare fingerprints by voice (DESIGN.md §2). Hex is easy to misread; each word
// here carries 10 bits and every word has a unique 4-letter prefix, so a listener can stop at four
// letters. The bit order is big-endian: the first word holds the top 10 bits of the first bytes. When
// the bit length is not a multiple of 10, the last word is padded with zero bits on the right.
import { WritError } from './errors.js';
import { WORDLIST } from './shares/wordlist.js';

export const BITS_PER_WORD = 10;

/** Number of words needed to carry `byteLength` bytes. */
export function wordCount(byteLength: number): number {
  return Math.ceil((byteLength * 8) / BITS_PER_WORD);
}

/** Encodes bytes as words (big-endian bit stream, zero-padded to a multiple of 10 bits). */
export function bytesToWords(bytes: Uint8Array): string[] {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const out: string[] = [];
  let acc = 0; // holds fewer than 10 + 8 bits at any time
  let nbits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    nbits += 8;
    while (nbits >= BITS_PER_WORD) {
      nbits -= BITS_PER_WORD;
      out.push(WORDLIST[(acc >>> nbits) & 0x3ff]!);
    }
    acc &= (1 << nbits) - 1;
  }
  if (nbits > 0) out.push(WORDLIST[(acc << (BITS_PER_WORD - nbits)) & 0x3ff]!);
  return out;
}

let index: Map<string, number> | undefined;

/** Looks a word up by its full spelling or by its unique 4-letter prefix (case-insensitive). */
export function wordIndex(word: string): number {
  if (!index) {
    index = new Map();
    WORDLIST.forEach((w, i) => {
      index!.set(w, i);
      index!.set(w.slice(0, 4), i);
    });
  }
  const w = word.trim().toLowerCase();
  const i = index.get(w) ?? (w.length > 4 ? index.get(w.slice(0, 4)) : undefined);
  // A longer word must still spell the listed word exactly; only the bare 4-letter prefix is an abbreviation.
  if (i === undefined || (w.length > 4 && WORDLIST[i] !== w)) {
    throw new WritError('PARSE', `"${word}" is not a word of the SLIP-0039 list`);
  }
  return i;
}

/** Decodes words back to `byteLength` bytes; the padding bits must be zero. */
export function wordsToBytes(words: readonly string[], byteLength: number): Uint8Array {
  if (!Number.isInteger(byteLength) || byteLength < 0) throw new RangeError('byteLength must be a non-negative integer');
  if (words.length !== wordCount(byteLength)) {
    throw new WritError('PARSE', `expected ${wordCount(byteLength)} words for ${byteLength} bytes, got ${words.length}`);
  }
  const out = new Uint8Array(byteLength);
  let acc = 0;
  let nbits = 0;
  let pos = 0;
  for (const w of words) {
    acc = (acc << BITS_PER_WORD) | wordIndex(w);
    nbits += BITS_PER_WORD;
    while (nbits >= 8 && pos < byteLength) {
      nbits -= 8;
      out[pos++] = (acc >>> nbits) & 0xff;
    }
    acc &= (1 << nbits) - 1;
  }
  if (acc !== 0) throw new WritError('PARSE', 'the last word carries non-zero padding bits: a word was misheard or mistyped');
  return out;
}

/**
 * Words for a fingerprint, grouped for reading aloud (groups of `groupSize` words joined by spaces).
 * A SHA-256 digest gives 26 words.
 */
export function fingerprintWords(digest: Uint8Array, groupSize = 4): string[] {
  const words = bytesToWords(digest);
  const groups: string[] = [];
  for (let i = 0; i < words.length; i += groupSize) groups.push(words.slice(i, i + groupSize).join(' '));
  return groups;
}
