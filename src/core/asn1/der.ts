// Strict DER reader and writer for the ASN.1 subset X.509, SPKI and PKCS#8 need (ITU-T X.690 §8 and §10, DER rules).
//
// Why our own and not asn1js's fromBER: asn1js accepts BER (indefinite lengths, non-minimal lengths,
// constructed strings) and reports errors as values; here every deviation from DER in input we parse
// is a WritError PARSE thrown at the point it is found, so malformed input never escapes as a TypeError.
import { WritError } from '../errors.js';
import { concat, concatAll } from '../crypto/bytes.js';
import { MAX_DER_DEPTH, limitError } from '../limits.js';

/** Tag classes (X.690 §8.1.2.2). */
export const CLASS_UNIVERSAL = 0;
export const CLASS_APPLICATION = 1;
export const CLASS_CONTEXT = 2;
export const CLASS_PRIVATE = 3;

/** Universal tag numbers used here (X.680 §8.4). */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  TELETEX_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** One decoded TLV, pointing into the buffer it came from (no copies). */
export interface Tlv {
  cls: number;
  constructed: boolean;
  /** Tag number within its class. */
  tag: number;
  /** The whole element: identifier, length and contents. */
  der: Uint8Array;
  /** The contents octets. */
  content: Uint8Array;
}

function fail(what: string): never {
  throw new WritError('PARSE', `malformed DER: ${what}`);
}

/** Reads one TLV at `offset`; returns it and the offset just past it. DER only (X.690 §10.1: definite, minimal lengths). */
export function readTlv(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  let p = offset;
  if (p >= buf.length) fail('truncated identifier');
  const id = buf[p++]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // High tag number form (X.690 §8.1.2.4): base-128, no leading 0x80, and only for tags >= 31.
    tag = 0;
    let first = true;
    for (;;) {
      if (p >= buf.length) fail('truncated tag');
      const b = buf[p++]!;
      if (first && b === 0x80) fail('non-minimal tag');
      first = false;
      tag = tag * 128 + (b & 0x7f);
      if (tag > 0x1fffff) fail('tag number too large');
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) fail('high-tag form for a low tag');
  }
  if (p >= buf.length) fail('truncated length');
  const l0 = buf[p++]!;
  let len: number;
  if (l0 < 0x80) {
    len = l0;
  } else if (l0 === 0x80) {
    fail('indefinite length (BER, not DER)');
  } else {
    const n = l0 & 0x7f;
    if (n > 4) fail('length too large');
    if (p + n > buf.length) fail('truncated length');
    if (buf[p] === 0) fail('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
    if (len < 0x80) fail('non-minimal length');
  }
  if (len > buf.length - p) fail('element longer than its container');
  const content = buf.subarray(p, p + len);
  const tlv: Tlv = { cls, constructed, tag, der: buf.subarray(offset, p + len), content };
  return { tlv, next: p + len };
}

/** Decodes exactly one element filling the whole buffer (trailing bytes are an error; nesting deeper than MAX_DER_DEPTH is LIMIT). */
export function decodeDer(buf: Uint8Array, what = 'input'): Tlv {
  if (!(buf instanceof Uint8Array)) throw new WritError('PARSE', `${what}: expected bytes`);
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) throw new WritError('PARSE', `${what}: ${buf.length - next} trailing bytes after the DER element`);
  checkDerDepth(buf, what);
  return tlv;
}

/**
 * Throws LIMIT when constructed elements nest deeper than MAX_DER_DEPTH (src/core/limits.ts). A linear,
 * iterative walk of the headers (primitive contents are not entered, so this is cheap), done once per
 * decoded buffer so that no recursive reader ever sees such input. Malformed content stops the walk
 * silently: reporting it stays with the reader that parses that part (PARSE, as before).
 */
export function checkDerDepth(buf: Uint8Array, what = 'input', max = MAX_DER_DEPTH): void {
  const ends: number[] = [];
  let p = 0;
  try {
    while (p < buf.length) {
      while (ends.length > 0 && p >= ends[ends.length - 1]!) ends.pop();
      const { tlv, next } = readTlv(buf, p);
      if (tlv.constructed) {
        if (ends.length + 1 > max) throw limitError('MAX_DER_DEPTH', max, `${what}: DER nesting`);
        ends.push(next);
        p = next - tlv.content.length;
      } else {
        p = next;
      }
    }
  } catch (e) {
    if (e instanceof WritError && e.code === 'LIMIT') throw e;
  }
}

/** The child elements of a constructed element. */
export function children(t: Tlv): Tlv[] {
  if (!t.constructed) fail('expected a constructed element');
  const out: Tlv[] = [];
  let p = 0;
  while (p < t.content.length) {
    const r = readTlv(t.content, p);
    out.push(r.tlv);
    p = r.next;
  }
  return out;
}

export function isUniversal(t: Tlv | undefined, tag: number): t is Tlv {
  return t !== undefined && t.cls === CLASS_UNIVERSAL && t.tag === tag;
}

export function isContext(t: Tlv | undefined, tag: number): t is Tlv {
  return t !== undefined && t.cls === CLASS_CONTEXT && t.tag === tag;
}

/** Asserts a universal tag (and the right primitive/constructed form) and returns the element. */
export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) throw new WritError('PARSE', `malformed DER: missing ${what}`);
  if (t.cls !== CLASS_UNIVERSAL || t.tag !== tag) throw new WritError('PARSE', `malformed DER: ${what} has the wrong tag`);
  const shouldBeConstructed = tag === TAG.SEQUENCE || tag === TAG.SET;
  if (t.constructed !== shouldBeConstructed) throw new WritError('PARSE', `malformed DER: ${what} has the wrong form`);
  return t;
}

/** Children of a SEQUENCE, after checking the tag. */
export function seqOf(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.SEQUENCE, what));
}

/** INTEGER contents -> bigint, enforcing minimal two's-complement encoding (X.690 §8.3.2). */
export function intContent(c: Uint8Array, what: string): bigint {
  if (c.length === 0) throw new WritError('PARSE', `malformed DER: empty INTEGER (${what})`);
  if (c.length > 1 && ((c[0] === 0 && (c[1]! & 0x80) === 0) || (c[0] === 0xff && (c[1]! & 0x80) !== 0))) {
    throw new WritError('PARSE', `malformed DER: non-minimal INTEGER (${what})`);
  }
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if ((c[0]! & 0x80) !== 0) v -= 1n << BigInt(8 * c.length);
  return v;
}

export function decodeInteger(t: Tlv | undefined, what: string): bigint {
  return intContent(expect(t, TAG.INTEGER, what).content, what);
}

/** A small non-negative INTEGER as a number (pathLen, skipCerts...). */
export function decodeSmallUint(c: Uint8Array, what: string): number {
  const v = intContent(c, what);
  if (v < 0n) throw new WritError('PARSE', `malformed DER: negative ${what}`);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WritError('PARSE', `${what} too large`);
  return Number(v);
}

/** BOOLEAN: DER allows only 0x00 and 0xFF (X.690 §11.1). */
export function decodeBoolean(t: Tlv | undefined, what: string): boolean {
  const c = expect(t, TAG.BOOLEAN, what).content;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new WritError('PARSE', `malformed DER: BOOLEAN ${what}`);
  return c[0] === 0xff;
}

/** OBJECT IDENTIFIER contents -> dotted string (X.690 §8.19), minimal sub-identifiers only. */
export function oidContent(c: Uint8Array, what = 'OID'): string {
  if (c.length === 0) throw new WritError('PARSE', `malformed DER: empty OID (${what})`);
  const arcs: bigint[] = [];
  let v = 0n;
  let start = true;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (start && b === 0x80) throw new WritError('PARSE', `malformed DER: non-minimal OID arc (${what})`);
    start = false;
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
      start = true;
    } else if (i === c.length - 1) {
      throw new WritError('PARSE', `malformed DER: truncated OID (${what})`);
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].map(String).join('.');
}

export function decodeOid(t: Tlv | undefined, what: string): string {
  return oidContent(expect(t, TAG.OID, what).content, what);
}

/** BIT STRING -> { bytes, unused } (X.690 §8.6, DER §11.2: unused bits are zero). */
export function decodeBitString(t: Tlv | undefined, what: string): { bytes: Uint8Array; unused: number } {
  const c = expect(t, TAG.BIT_STRING, what).content;
  if (c.length === 0) throw new WritError('PARSE', `malformed DER: empty BIT STRING (${what})`);
  const unused = c[0]!;
  if (unused > 7 || (c.length === 1 && unused !== 0)) throw new WritError('PARSE', `malformed DER: BIT STRING ${what}`);
  const bytes = c.subarray(1);
  if (unused > 0 && (bytes[bytes.length - 1]! & ((1 << unused) - 1)) !== 0) {
    throw new WritError('PARSE', `malformed DER: BIT STRING ${what} has non-zero unused bits`);
  }
  return { bytes, unused };
}

/** A BIT STRING that must hold whole octets (signatures, keys). */
export function decodeOctetAlignedBits(t: Tlv | undefined, what: string): Uint8Array {
  const { bytes, unused } = decodeBitString(t, what);
  if (unused !== 0) throw new WritError('PARSE', `malformed DER: ${what} is not octet-aligned`);
  return bytes;
}

export function decodeOctetString(t: Tlv | undefined, what: string): Uint8Array {
  return expect(t, TAG.OCTET_STRING, what).content;
}

function digits(s: string, what: string): boolean {
  if (!/^[0-9]+$/.test(s)) throw new WritError('PARSE', `malformed time (${what})`);
  return true;
}

/**
 * UTCTime or GeneralizedTime as RFC 5280 §4.1.2.5 profiles them: UTCTime YYMMDDHHMMSSZ (YY >= 50 is
 * 19YY), GeneralizedTime YYYYMMDDHHMMSSZ, no fractional seconds, always Zulu.
 */
export function decodeTime(t: Tlv | undefined, what: string): Date {
  if (t === undefined || t.cls !== CLASS_UNIVERSAL || t.constructed) throw new WritError('PARSE', `malformed DER: missing ${what}`);
  const s = latin1(t.content);
  let year: number;
  let rest: string;
  if (t.tag === TAG.UTC_TIME) {
    if (s.length !== 13 || !s.endsWith('Z')) throw new WritError('PARSE', `malformed UTCTime (${what})`);
    digits(s.slice(0, 12), what);
    const yy = Number(s.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = s.slice(2, 12);
  } else if (t.tag === TAG.GENERALIZED_TIME) {
    if (s.length !== 15 || !s.endsWith('Z')) throw new WritError('PARSE', `malformed GeneralizedTime (${what})`);
    digits(s.slice(0, 14), what);
    year = Number(s.slice(0, 4));
    rest = s.slice(4, 14);
  } else {
    throw new WritError('PARSE', `malformed DER: ${what} is not a time`);
  }
  const mo = Number(rest.slice(0, 2));
  const d = Number(rest.slice(2, 4));
  const h = Number(rest.slice(4, 6));
  const mi = Number(rest.slice(6, 8));
  const se = Number(rest.slice(8, 10));
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  date.setUTCFullYear(year); // Date.UTC maps years 0..99 to 1900..1999
  if (
    mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59 ||
    date.getUTCFullYear() !== year || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d
  ) {
    throw new WritError('PARSE', `invalid date (${what})`);
  }
  return date;
}

export function latin1(c: Uint8Array): string {
  let s = '';
  for (const b of c) s += String.fromCharCode(b);
  return s;
}

const utf8Dec = new TextDecoder('utf-8', { fatal: true });
const utf8Enc = new TextEncoder();

export function utf8Decode(c: Uint8Array, what: string): string {
  try {
    return utf8Dec.decode(c);
  } catch (e) {
    throw new WritError('PARSE', `invalid UTF-8 (${what})`, { cause: e });
  }
}

/** IA5String contents: ASCII only (X.680 §41.4). */
export function ia5Decode(c: Uint8Array, what: string): string {
  for (const b of c) if (b > 0x7f) throw new WritError('PARSE', `non-ASCII octet in IA5String (${what})`);
  return latin1(c);
}

// ---------------------------------------------------------------------------------------------
// Writer. Builds DER from parts; every function returns a complete TLV.

/** Definite-length octets in the minimal (DER) form for a content of n bytes (X.690 §8.1.3, §10.1). */
export function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with a low tag number (< 31) in the given class. */
export function tlv(cls: number, constructed: boolean, tag: number, content: Uint8Array): Uint8Array {
  if (tag >= 31) throw new RangeError('tag: high tag numbers are not needed here');
  const id = (cls << 6) | (constructed ? 0x20 : 0) | tag;
  return concat(Uint8Array.of(id), lengthOctets(content.length), content);
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(CLASS_UNIVERSAL, true, TAG.SEQUENCE, concatAll(parts));

/** SET OF: DER sorts the encodings (X.690 §11.6). */
export function setOf(...parts: Uint8Array[]): Uint8Array {
  const sorted = [...parts].sort(compareBytes);
  return tlv(CLASS_UNIVERSAL, true, TAG.SET, concatAll(sorted));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Context-specific [n]: explicit (constructed, wrapping a TLV) or implicit (replacing a tag). */
export const ctxExplicit = (n: number, inner: Uint8Array): Uint8Array => tlv(CLASS_CONTEXT, true, n, inner);
export const ctxPrimitive = (n: number, content: Uint8Array): Uint8Array => tlv(CLASS_CONTEXT, false, n, content);
export const ctxConstructed = (n: number, content: Uint8Array): Uint8Array => tlv(CLASS_CONTEXT, true, n, content);

/** Minimal two's-complement contents of a bigint. */
export function intBytes(v: bigint): Uint8Array {
  if (v === 0n) return Uint8Array.of(0);
  const out: number[] = [];
  let x = v;
  for (;;) {
    const b = Number(x & 0xffn);
    out.unshift(b);
    x >>= 8n;
    if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

export const integer = (v: bigint | number): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.INTEGER, intBytes(BigInt(v)));
export const enumerated = (v: number): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.ENUMERATED, intBytes(BigInt(v)));

/** INTEGER from unsigned big-endian magnitude bytes (a 0x00 is prepended when the top bit is set). */
export function unsignedInteger(mag: Uint8Array): Uint8Array {
  let i = 0;
  while (i < mag.length - 1 && mag[i] === 0) i++;
  let c = mag.subarray(i);
  if (c.length === 0) c = Uint8Array.of(0);
  if ((c[0]! & 0x80) !== 0) c = concat(Uint8Array.of(0), c);
  return tlv(CLASS_UNIVERSAL, false, TAG.INTEGER, c);
}

export const boolean = (v: boolean): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0));
export const octetString = (c: Uint8Array): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.OCTET_STRING, c);
export const nullValue = (): Uint8Array => Uint8Array.of(TAG.NULL, 0);

export function bitString(bytes: Uint8Array, unused = 0): Uint8Array {
  return tlv(CLASS_UNIVERSAL, false, TAG.BIT_STRING, concat(Uint8Array.of(unused), bytes));
}

/** OID contents from dotted text. */
export function oidBytes(oid: string): Uint8Array {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid)) throw new RangeError(`oid: "${oid}" is not a dotted OID`);
  const arcs = oid.split('.').map((a) => BigInt(a));
  const [a0, a1] = [arcs[0]!, arcs[1]!];
  if (a0 < 2n && a1 > 39n) throw new RangeError(`oid: "${oid}" second arc too large`);
  const subs = [a0 * 40n + a1, ...arcs.slice(2)];
  const out: number[] = [];
  for (const s of subs) {
    const grp: number[] = [Number(s & 0x7fn)];
    let x = s >> 7n;
    while (x > 0n) {
      grp.unshift(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(...grp);
  }
  return Uint8Array.from(out);
}

export const oid = (dotted: string): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.OID, oidBytes(dotted));

export const utf8String = (s: string): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.UTF8_STRING, utf8Enc.encode(s));

function ascii(s: string, what: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`${what}: non-ASCII character`);
    out[i] = c;
  }
  return out;
}

export const ia5String = (s: string): Uint8Array => tlv(CLASS_UNIVERSAL, false, TAG.IA5_STRING, ascii(s, 'IA5String'));

/** PrintableString alphabet (X.680 §41.4). */
export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function printableString(s: string): Uint8Array {
  if (!PRINTABLE.test(s)) throw new RangeError('PrintableString: character outside the printable alphabet');
  return tlv(CLASS_UNIVERSAL, false, TAG.PRINTABLE_STRING, ascii(s, 'PrintableString'));
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/**
 * RFC 5280 §4.1.2.5: dates through 2049 as UTCTime, from 2050 as GeneralizedTime; seconds always
 * present, Zulu, no fractions (milliseconds are dropped).
 */
export function time(d: Date): Uint8Array {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('time: expected a valid Date');
  const y = d.getUTCFullYear();
  if (y < 1950 || y > 9999) throw new RangeError('time: year outside 1950..9999');
  const tail = `${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
  if (y < 2050) return tlv(CLASS_UNIVERSAL, false, TAG.UTC_TIME, ascii(`${pad(y % 100, 2)}${tail}`, 'time'));
  return tlv(CLASS_UNIVERSAL, false, TAG.GENERALIZED_TIME, ascii(`${pad(y, 4)}${tail}`, 'time'));
}
