// The secret-hygiene scanner (issue 8 "Secret hygiene"): known secrets in every encoding, searched in captured CLI output and files.
//
// A secret is bytes (a key seed, a share value, a root secret), a passphrase (text) or a SLIP-0039
// mnemonic (words). Each becomes "needles": the exact byte strings it would leave behind if leaked:
//   bytes       raw, hex (lower and upper, plain and colon-separated), base64 and base64url at each of the
//               three byte alignments (so a seed inside a larger base64 blob is still found), each searched
//               in the file as is and with white space removed (PEM wraps base64 at 64 columns);
//   passphrase  its UTF-8 text, plus hex and base64 as for bytes;
//   mnemonic    every window of MNEMONIC_WINDOW consecutive words, searched in the file lower-cased with
//               runs of white space folded to one space; plus each share value as bytes.
// Findings are (file, secret, encoding, offset). The scan is a plain function so that its own test
// (secret-scan.test.ts) can plant each encoding and prove it is found.
import { fromHex, toHex } from '../../src/core/crypto/bytes.js';

export type SecretKind = 'seed' | 'key' | 'share-value' | 'root-secret' | 'passphrase' | 'mnemonic';

export interface Secret {
  /** Where it came from (never the secret itself): e.g. "fixture writ-demo key:root", "passphrase #3". */
  name: string;
  kind: SecretKind;
  bytes?: Uint8Array;
  text?: string;
  words?: string[];
}

export interface Needle {
  secret: string;
  kind: SecretKind;
  encoding: string;
  bytes: Buffer;
  /** Which view of a file to search: as is, white space removed, or words-normalised. */
  view: 'raw' | 'squeezed' | 'words';
}

export interface Finding {
  file: string;
  secret: string;
  kind: SecretKind;
  encoding: string;
  offset: number;
}

/** Secrets shorter than this are not searched as raw bytes (too many chance matches); they are counted as skipped. */
export const MIN_SECRET_BYTES = 16;
/** Passphrases shorter than this are not searched as text ("pass", "wrong" occur in prose). */
export const MIN_PASSPHRASE_CHARS = 10;
/** Consecutive mnemonic words that count as a leak of the mnemonic. */
export const MNEMONIC_WINDOW = 6;
/** A base64 needle shorter than this many characters is dropped (chance matches in other base64). */
const MIN_B64_CHARS = 16;

function b64Aligned(b: Uint8Array, url: boolean): Buffer[] {
  // A secret inside a larger base64 blob starts at byte offset 0, 1 or 2 of a 3-byte group. With k of
  // its bytes before the next group boundary, the characters fully determined by the secret are those
  // of the whole groups from byte k on: that is the needle for that alignment.
  const out: Buffer[] = [];
  for (let k = 0; k < 3; k++) {
    const part = Buffer.from(b.subarray(k));
    const groups = Math.floor(part.length / 3);
    const s = part.subarray(0, groups * 3).toString(url ? 'base64url' : 'base64');
    if (s.length >= MIN_B64_CHARS) out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

function byteNeedles(name: string, kind: SecretKind, b: Uint8Array): Needle[] {
  const hex = toHex(b);
  const n: Needle[] = [];
  const add = (encoding: string, bytes: Buffer, view: Needle['view'] = 'raw') => n.push({ secret: name, kind, encoding, bytes, view });
  add('bytes', Buffer.from(b));
  // Hex is searched with white space removed too (dumps wrap it).
  add('hex', Buffer.from(hex, 'latin1'), 'squeezed');
  add('HEX', Buffer.from(hex.toUpperCase(), 'latin1'), 'squeezed');
  add('hex:colons', Buffer.from(hex.match(/../g)!.join(':'), 'latin1'), 'squeezed');
  add('HEX:colons', Buffer.from(hex.toUpperCase().match(/../g)!.join(':'), 'latin1'), 'squeezed');
  for (const x of b64Aligned(b, false)) add('base64', x, 'squeezed');
  for (const x of b64Aligned(b, true)) add('base64url', x, 'squeezed');
  return n;
}

/** The needles of one secret (empty when it is too short to search without chance matches). */
export function needlesFor(s: Secret): Needle[] {
  if (s.kind === 'passphrase') {
    const t = s.text ?? '';
    if (t.length < MIN_PASSPHRASE_CHARS) return [];
    const b = Buffer.from(t, 'utf8');
    const out: Needle[] = [{ secret: s.name, kind: s.kind, encoding: 'text', bytes: b, view: 'raw' }];
    for (const x of byteNeedles(s.name, s.kind, b)) if (x.encoding !== 'bytes') out.push(x);
    return out;
  }
  if (s.kind === 'mnemonic') {
    const w = (s.words ?? []).map((x) => x.toLowerCase());
    const out: Needle[] = [];
    for (let i = 0; i + MNEMONIC_WINDOW <= w.length; i++) {
      out.push({ secret: s.name, kind: s.kind, encoding: `words[${i}..${i + MNEMONIC_WINDOW - 1}]`, bytes: Buffer.from(w.slice(i, i + MNEMONIC_WINDOW).join(' '), 'latin1'), view: 'words' });
    }
    return out;
  }
  const b = s.bytes ?? new Uint8Array(0);
  if (b.length < MIN_SECRET_BYTES) return [];
  return byteNeedles(s.name, s.kind, b);
}

/** The three views of a file a needle may be searched in. */
export function views(bytes: Uint8Array): Record<Needle['view'], Buffer> {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin = raw.toString('latin1');
  return {
    raw,
    squeezed: Buffer.from(latin.replace(/[ \t\r\n]+/g, ''), 'latin1'),
    words: Buffer.from(latin.toLowerCase().replace(/[^a-z]+/g, ' '), 'latin1'),
  };
}

/** Passphrase text and mnemonic words count only as whole words: "harbor pass" inside "harbor passed off" is prose, not a leak. */
function bounded(n: Needle): boolean {
  return n.encoding === 'text' || n.view === 'words';
}

const isWordByte = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));


/**
 * Needles indexed for one pass over each view: a Rabin-Karp rolling hash of every K-byte window, looked up
 * in a map of the needles' first K bytes; a hit is confirmed byte for byte. One pass per view, whatever the
 * number of needles (searching each needle with indexOf was 25,000 passes per file).
 */
const K = 8;
const B = 257;
const BK = (() => {
  let x = 1;
  for (let i = 0; i < K - 1; i++) x = Math.imul(x, B) >>> 0;
  return x;
})();
type Index = Record<Needle['view'], Map<number, Needle[]>>;
const indexes = new WeakMap<readonly Needle[], Index>();

function hashOf(b: Uint8Array, at: number): number {
  let h = 0;
  for (let i = 0; i < K; i++) h = (Math.imul(h, B) + b[at + i]!) >>> 0;
  return h;
}

function indexOf(needles: readonly Needle[]): Index {
  let ix = indexes.get(needles);
  if (ix) return ix;
  ix = { raw: new Map(), squeezed: new Map(), words: new Map() };
  for (const n of needles) {
    if (n.bytes.length < K) throw new RangeError(`needle shorter than ${K} bytes`);
    const h = hashOf(n.bytes, 0);
    const m = ix[n.view];
    const list = m.get(h);
    if (list) list.push(n);
    else m.set(h, [n]);
  }
  indexes.set(needles, ix);
  return ix;
}

/** Every needle found in `bytes`; at most one finding per (secret, encoding). */
export function scanBytes(file: string, bytes: Uint8Array, needles: readonly Needle[]): Finding[] {
  const v = views(bytes);
  const ix = indexOf(needles);
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const view of ['raw', 'squeezed', 'words'] as const) {
    const map = ix[view];
    if (map.size === 0) continue;
    const hay = v[view];
    if (hay.length < K) continue;
    let h = hashOf(hay, 0);
    for (let at = 0; ; at++) {
      const cands = map.get(h);
      if (cands) {
        for (const n of cands) {
          if (at + n.bytes.length > hay.length || hay.compare(n.bytes, 0, n.bytes.length, at, at + n.bytes.length) !== 0) continue;
          if (bounded(n) && (isWordByte(hay[at - 1]) || isWordByte(hay[at + n.bytes.length]))) continue;
          const key = `${n.secret}\0${n.encoding}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ file, secret: n.secret, kind: n.kind, encoding: n.encoding, offset: at });
        }
      }
      if (at + K >= hay.length) break;
      h = (Math.imul((h - Math.imul(hay[at]!, BK)) >>> 0, B) + hay[at + K]!) >>> 0;
    }
  }
  return out;
}

/** Deduplicates secrets by content (the same seed may be found in several places). */
export function dedupeSecrets(list: readonly Secret[]): Secret[] {
  const m = new Map<string, Secret>();
  for (const s of list) {
    const k = `${s.kind === 'passphrase' ? 'p' : s.kind === 'mnemonic' ? 'm' : 'b'}:${s.text ?? ''}:${s.words?.join(' ') ?? ''}:${s.bytes ? toHex(s.bytes) : ''}`;
    if (!m.has(k)) m.set(k, s);
  }
  return [...m.values()];
}

export { fromHex };
