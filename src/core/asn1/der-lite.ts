// A small strict DER (X.690 §10) reader and writer for key structures (SPKI, PKCS#8, PBES2), used by spki.ts and pkcs8.ts.
//
// Key files are untrusted input: this reader accepts DER only (definite, minimal lengths; no
// indefinite length; single-byte tags), so one key has exactly one encoding. Malformed input throws
// WritError PARSE.
import { WritError } from '../errors.js';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** Contents octets (a view into the input). */
  contents: Uint8Array;
  /** The whole TLV encoding (a view into the input). */
  der: Uint8Array;
}

function fail(what: string): never {
  throw new WritError('PARSE', `malformed DER: ${what}`);
}

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function readTlv(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset >= buf.length) fail('unexpected end of data');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in key structures');
  let p = offset + 1;
  if (p >= buf.length) fail('missing length');
  const first = buf[p++] as number;
  let len: number;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0) fail('indefinite length (BER, not DER)');
    if (n > 4) fail('length too large');
    if (p + n > buf.length) fail('truncated length');
    if (buf[p] === 0) fail('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p++] as number);
    if (len < 0x80) fail('non-minimal length');
  }
  const end = p + len;
  if (end > buf.length) fail('truncated contents');
  return { tlv: { tag, contents: buf.subarray(p, end), der: buf.subarray(offset, end) }, next: end };
}

/** The buffer must hold exactly one TLV with the expected tag. */
export function readOne(buf: Uint8Array, tag: number, what: string): Tlv {
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) fail(`trailing data after ${what}`);
  if (tlv.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** All TLVs inside `contents` (children of a constructed value). */
export function readChildren(contents: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < contents.length) {
    const { tlv, next } = readTlv(contents, p);
    out.push(tlv);
    p = next;
  }
  return out;
}

/** Checks tag and returns the TLV (fails with PARSE otherwise, including when it is missing). */
export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) fail(`missing ${what}`);
  if (t.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

/** OBJECT IDENTIFIER contents -> dotted string (X.690 §8.19). */
export function decodeOid(contents: Uint8Array): string {
  if (contents.length === 0) fail('empty OID');
  const arcs: bigint[] = [];
  let v = 0n;
  let startOfArc = true;
  for (const b of contents) {
    if (startOfArc && b === 0x80) fail('non-minimal OID arc');
    v = (v << 7n) | BigInt(b & 0x7f);
    startOfArc = (b & 0x80) === 0;
    if (startOfArc) {
      arcs.push(v);
      v = 0n;
    }
  }
  if (!startOfArc) fail('truncated OID');
  const first = arcs[0] as bigint;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Dotted string -> OBJECT IDENTIFIER contents. */
export function encodeOidContents(oid: string): Uint8Array {
  const parts = oid.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new TypeError(`bad OID: ${oid}`);
    return BigInt(s);
  });
  if (parts.length < 2) throw new TypeError(`bad OID: ${oid}`);
  const arcs = [(parts[0] as bigint) * 40n + (parts[1] as bigint), ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const bytes: number[] = [Number(arc & 0x7fn)];
    let a = arc >> 7n;
    while (a > 0n) {
      bytes.unshift(Number(a & 0x7fn) | 0x80);
      a >>= 7n;
    }
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

/** INTEGER contents -> non-negative safe integer (PARSE for negative, non-minimal or too large values). */
export function decodeSmallUint(contents: Uint8Array, what: string): number {
  if (contents.length === 0) fail(`${what}: empty INTEGER`);
  if (contents.length > 1 && contents[0] === 0 && ((contents[1] as number) & 0x80) === 0) fail(`${what}: non-minimal INTEGER`);
  if (((contents[0] as number) & 0x80) !== 0) fail(`${what}: negative INTEGER`);
  if (contents.length > 7) fail(`${what}: INTEGER too large`);
  let v = 0;
  for (const b of contents) v = v * 256 + b;
  if (!Number.isSafeInteger(v)) fail(`${what}: INTEGER too large`);
  return v;
}

// ---- writer ----

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV from a tag and contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of contents) n += c.length;
  const len = encodeLength(n);
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let o = 1 + len.length;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...items);
export const octets = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const oid = (s: string): Uint8Array => tlv(TAG.OID, encodeOidContents(s));
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);
/** BIT STRING with zero unused bits. */
export const bitString = (b: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, Uint8Array.of(0), b);

/** INTEGER from a non-negative safe integer. */
export function uint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`integer out of range: ${n}`);
  const bytes: number[] = [];
  do {
    bytes.unshift(n % 256);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2). */
export function algorithmIdentifier(algOid: string, paramsDer?: Uint8Array): Uint8Array {
  return paramsDer === undefined ? seq(oid(algOid)) : seq(oid(algOid), paramsDer);
}

/** Parses an AlgorithmIdentifier TLV into { oid, params? } (params kept as DER). */
export function parseAlgorithmIdentifier(t: Tlv | undefined, what: string): { oid: string; params?: Uint8Array } {
  const s = expectTag(t, TAG.SEQUENCE, what);
  const kids = readChildren(s.contents);
  if (kids.length < 1 || kids.length > 2) fail(`${what}: AlgorithmIdentifier must have 1 or 2 fields`);
  const o = decodeOid(expectTag(kids[0], TAG.OID, `${what}.algorithm`).contents);
  const p = kids[1];
  return p === undefined ? { oid: o } : { oid: o, params: Uint8Array.from(p.der) };
}
