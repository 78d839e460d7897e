// BER -> DER-shaped normalisation for reading CMS (RFC 5652 §1.1 lets ContentInfo be BER; X.690 §8.1.3.6, §8.7.3, §8.21).
//
// Why: CMS producers (Bouncy Castle among them) stream indefinite-length and constructed-string BER.
// Rather than teach the strict DER reader (src/core/asn1/der.ts) to accept BER everywhere, CMS input
// is first rewritten here: indefinite lengths become definite minimal lengths, non-minimal lengths
// are shortened, and constructed universal strings (OCTET STRING and the character strings) are
// flattened into one primitive string. Nothing is re-sorted and no value is changed, so bytes that
// were already DER (signed attributes, certificates) come out identical. Context-tagged IMPLICIT
// strings ([0] encryptedContent) stay constructed: their meaning is known only to the CMS parser,
// which concatenates their segments itself.
import { WritError } from '../errors.js';
import { concat, concatAll } from '../crypto/bytes.js';
import { lengthOctets } from '../asn1/der.js';
import { MAX_BER_DEPTH, limitError } from '../limits.js';

const MAX_DEPTH = MAX_BER_DEPTH;

/** Universal string types that BER may send constructed (X.690 §8.7.3, §8.23.5). BIT STRING is refused. */
const FLATTEN = new Set([4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30]);

function fail(what: string): never {
  throw new WritError('PARSE', `malformed BER: ${what}`);
}

interface Node {
  /** Identifier octets as received (constructed bit cleared for flattened strings). */
  id: Uint8Array;
  content: Uint8Array;
}

const encode = (n: Node): Uint8Array => concat(n.id, lengthOctets(n.content.length), n.content);

function parse(buf: Uint8Array, p: number, end: number, depth: number): { node: Node; next: number } {
  if (depth > MAX_DEPTH) throw limitError('MAX_BER_DEPTH', MAX_DEPTH, 'BER nesting');
  const start = p;
  if (p >= end) fail('truncated identifier');
  const b0 = buf[p++]!;
  const cls = b0 >> 6;
  const constructed = (b0 & 0x20) !== 0;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      if (p >= end) fail('truncated tag');
      const b = buf[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if (tag > 0x1fffff) fail('tag number too large');
      if ((b & 0x80) === 0) break;
    }
  }
  const id = buf.slice(start, p);
  if (p >= end) fail('truncated length');
  const l0 = buf[p++]!;
  let len: number | undefined;
  if (l0 === 0x80) {
    if (!constructed) fail('indefinite length on a primitive element');
    len = undefined;
  } else if (l0 < 0x80) {
    len = l0;
  } else {
    const n = l0 & 0x7f;
    if (n > 6) fail('length too large');
    if (p + n > end) fail('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (len !== undefined && len > end - p) fail('element longer than its container');

  if (!constructed) {
    const content = buf.subarray(p, p + len!);
    return { node: { id, content }, next: p + len! };
  }

  const kids: Node[] = [];
  let q = p;
  const stop = len === undefined ? end : p + len;
  for (;;) {
    if (len === undefined) {
      if (q + 2 <= stop && buf[q] === 0 && buf[q + 1] === 0) {
        q += 2;
        break;
      }
      if (q >= stop) fail('missing end-of-contents');
    } else if (q >= stop) {
      break;
    }
    const r = parse(buf, q, stop, depth + 1);
    kids.push(r.node);
    q = r.next;
  }

  if (cls === 0 && tag === 3) fail('constructed BIT STRING is not supported');
  if (cls === 0 && FLATTEN.has(tag)) {
    // X.690 §8.7.3.2: each segment is itself an element of the same string type.
    for (const k of kids) if (k.id.length !== 1 || (k.id[0]! & 0xdf) !== tag) fail('constructed string segment of another type');
    return { node: { id: Uint8Array.of(tag), content: concatAll(kids.map((k) => k.content)) }, next: q };
  }
  return { node: { id, content: concatAll(kids.map(encode)) }, next: q };
}

/**
 * True when `buf` is one element already in the shape berToDer writes: every length definite and in
 * its shortest form (X.690 §10.1), no constructed universal string (§10.2) and no constructed BIT STRING,
 * within MAX_BER_DEPTH, nothing after the element. Then the rewrite is the identity and is skipped (it
 * allocated and copied every level: most of the CPU of checking a writ envelope). Anything else,
 * malformed input included, answers false and takes the full rewrite, which reports the error.
 */
export function isDerShaped(buf: Uint8Array): boolean {
  // Iterative walk: `ends` holds the end offset of every open constructed element; an element read
  // while `ends` has d + 1 entries sits at depth d (the rewrite's own depth count).
  const ends: number[] = [buf.length];
  let p = 0;
  let elements = 0;
  for (;;) {
    while (ends.length > 1 && p === ends[ends.length - 1]) ends.pop();
    if (ends.length === 1 && elements === 1) return p === buf.length;
    const end = ends[ends.length - 1]!;
    if (p >= end || ends.length - 1 > MAX_DEPTH) return false;
    const b0 = buf[p++]!;
    const constructed = (b0 & 0x20) !== 0;
    let tag = b0 & 0x1f;
    if (tag === 0x1f) {
      // High tag numbers are kept as received by the rewrite; it refuses numbers over 0x1fffff.
      tag = 0;
      for (;;) {
        if (p >= end) return false;
        const b = buf[p++]!;
        tag = tag * 128 + (b & 0x7f);
        if (tag > 0x1fffff) return false;
        if ((b & 0x80) === 0) break;
      }
    }
    if (constructed && b0 >> 6 === 0 && (tag === 3 || FLATTEN.has(tag))) return false;
    if (p >= end) return false;
    const l0 = buf[p++]!;
    let len: number;
    if (l0 < 0x80) len = l0;
    else {
      // Definite long form only, with no leading zero octet and a value that needs it (X.690 §10.1).
      const n = l0 & 0x7f;
      if (n === 0 || n > 4 || p + n > end || buf[p] === 0) return false;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
      if (len < 0x80) return false;
    }
    if (len > end - p) return false;
    if (ends.length === 1) elements++;
    if (constructed) ends.push(p + len);
    else p += len;
  }
}

/** Rewrites one BER element filling `buf` into the DER-shaped form described above; PARSE on malformed input or trailing bytes. */
export function berToDer(buf: Uint8Array, what = 'CMS'): Uint8Array {
  if (!(buf instanceof Uint8Array)) throw new WritError('PARSE', `${what}: expected bytes`);
  if (isDerShaped(buf)) return Uint8Array.from(buf);
  return rewriteBer(buf, what);
}

/** The full rewrite of berToDer (exported for the test that checks isDerShaped against it). */
export function rewriteBer(buf: Uint8Array, what = 'CMS'): Uint8Array {
  const { node, next } = parse(buf, 0, buf.length, 0);
  if (next !== buf.length) throw new WritError('PARSE', `${what}: ${buf.length - next} trailing bytes after the element`);
  return encode(node);
}
