// Incremental DER codec for streamed CMS: SignedData with a large eContent inside AuthEnvelopedData (RFC 5652 §5, RFC 5083, X.690 §10 definite lengths).
//
// Why this works without buffering (RFC 5652 §5.1, RFC 5083 §2.1): every length is definite and known
// before the first byte once the content length is known and the SignerInfo has a fixed size (ML-DSA
// signatures do: FIPS 204 Table 2). The content comes before certificates and signerInfos, and the
// ciphertext before authAttrs and the mac, so a writer emits head, content, trailer in one pass and a
// reader hands the content on as it arrives and keeps only the bounded head and trailer.
//
// Pure: bytes in, bytes out; the caller does the I/O (src/stream). Only DER is read here (writ writes
// DER); BER envelopes go through the in-memory reader (enveloped.ts, signed-data.ts).
import { WritError } from '../errors.js';
import { concat, concatAll } from '../crypto/bytes.js';
import { children, integer, lengthOctets, oid, oidContent, readTlv, seq } from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { CMS_OID, encodeContentInfo, parseAttributes } from './common.js';
import type { CmsAttribute } from './common.js';

/** Largest head or trailer a reader buffers (the recipient infos, certificates and signerInfos). */
export const STREAM_FRAME_LIMIT = 1024 * 1024;

/** Identifier octet plus definite length octets (X.690 §8.1.3, §10.1). */
export function tlvHeader(identifier: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length out of range: ${length}`);
  return concat(Uint8Array.of(identifier), lengthOctets(length));
}

/** Total encoded size of a TLV whose contents are `length` bytes (low tag number). */
export function tlvSize(length: number): number {
  return 1 + lengthOctets(length).length + length;
}

// ------------------------------------------------------------------------------------------ writing

/** The bytes of a streamed SignedData ContentInfo before its eContent octets (RFC 5652 §3, §5.1, §5.2). */
export function signedDataStreamHead(o: { eContentType: string; contentLength: number; digestAlgorithms: Uint8Array; trailerLength: number }): { head: Uint8Array; totalLength: number } {
  const octetHeader = tlvHeader(0x04, o.contentLength); // eContent OCTET STRING, primitive
  const octetSize = octetHeader.length + o.contentLength;
  const explicit0 = tlvHeader(0xa0, octetSize); // eContent [0] EXPLICIT
  const eType = oid(o.eContentType);
  const encapLen = eType.length + explicit0.length + octetSize;
  const encapHeader = tlvHeader(0x30, encapLen);
  const version = integer(3); // RFC 5652 §5.1: v3 (subjectKeyIdentifier SIDs, eContentType not id-data)
  const sdLen = version.length + o.digestAlgorithms.length + encapHeader.length + encapLen + o.trailerLength;
  const sdHeader = tlvHeader(0x30, sdLen);
  const sdSize = sdHeader.length + sdLen;
  const ciType = oid(CMS_OID.signedData);
  const ciExplicit = tlvHeader(0xa0, sdSize);
  const ciLen = ciType.length + ciExplicit.length + sdSize;
  const ciHeader = tlvHeader(0x30, ciLen);
  const head = concat(ciHeader, ciType, ciExplicit, sdHeader, version, o.digestAlgorithms, encapHeader, eType, explicit0, octetHeader);
  return { head, totalLength: ciHeader.length + ciLen };
}

/**
 * The bytes of an AuthEnvelopedData ContentInfo before its ciphertext (RFC 5083 §2.1), and the size
 * of the trailer that follows it: authAttrs [1] IMPLICIT and the mac OCTET STRING.
 */
export function authEnvelopedStreamHead(o: {
  recipientInfos: Uint8Array;
  contentType: string;
  contentEncryptionAlgorithm: Uint8Array;
  ciphertextLength: number;
  authAttrsLength: number;
  macLength: number;
}): { head: Uint8Array; totalLength: number } {
  const ctHeader = tlvHeader(0x80, o.ciphertextLength); // encryptedContent [0] IMPLICIT OCTET STRING
  const cType = oid(o.contentType);
  const eciLen = cType.length + o.contentEncryptionAlgorithm.length + ctHeader.length + o.ciphertextLength;
  const eciHeader = tlvHeader(0x30, eciLen);
  const version = integer(0); // RFC 5083 §2.1
  const macSize = tlvSize(o.macLength);
  const aedLen = version.length + o.recipientInfos.length + eciHeader.length + eciLen + o.authAttrsLength + macSize;
  const aedHeader = tlvHeader(0x30, aedLen);
  const aedSize = aedHeader.length + aedLen;
  const ciType = oid(CMS_OID.authEnvelopedData);
  const ciExplicit = tlvHeader(0xa0, aedSize);
  const ciLen = ciType.length + ciExplicit.length + aedSize;
  const ciHeader = tlvHeader(0x30, ciLen);
  const head = concat(ciHeader, ciType, ciExplicit, aedHeader, version, o.recipientInfos, eciHeader, cType, o.contentEncryptionAlgorithm, ctHeader);
  return { head, totalLength: ciHeader.length + ciLen };
}

/** authAttrs [1] IMPLICIT from the DER SET OF (whose bytes are the GCM AAD, RFC 5083 §2.2). */
export function authAttrsImplicit(authSet: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0xa1), authSet.subarray(1));
}

// ------------------------------------------------------------------------------------------ reading

/** Thrown inside the readers when the buffer ends before the element does. */
class NeedMore extends Error {}

function bad(what: string): never {
  throw new WritError('PARSE', `malformed streamed CMS: ${what}`);
}

interface Header {
  identifier: number;
  /** Contents length. */
  length: number;
  /** Offset of the contents. */
  contentStart: number;
}

/** Reads one identifier and definite DER length at `p`; NeedMore when `buf` ends first. */
function readHeader(buf: Uint8Array, p: number): Header {
  if (p >= buf.length) throw new NeedMore();
  const identifier = buf[p]!;
  if ((identifier & 0x1f) === 0x1f) bad('high tag numbers do not occur in these structures');
  if (p + 1 >= buf.length) throw new NeedMore();
  const l0 = buf[p + 1]!;
  if (l0 < 0x80) return { identifier, length: l0, contentStart: p + 2 };
  if (l0 === 0x80) bad('indefinite length (BER): open it with the in-memory reader');
  const n = l0 & 0x7f;
  if (n > 6) bad('length too large');
  if (p + 2 + n > buf.length) throw new NeedMore();
  if (buf[p + 2] === 0) bad('non-minimal length');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[p + 2 + i]!;
  if (len < 0x80) bad('non-minimal length');
  return { identifier, length: len, contentStart: p + 2 + n };
}

function expectHeader(buf: Uint8Array, p: number, identifier: number, what: string): Header {
  const h = readHeader(buf, p);
  if (h.identifier !== identifier) bad(`${what}: unexpected tag 0x${h.identifier.toString(16)}`);
  return h;
}

/** One whole TLV at `p` (DER rules of der.ts); NeedMore when it does not fit in `buf` yet. */
function wholeTlv(buf: Uint8Array, p: number, what: string): { tlv: Tlv; next: number } {
  const h = readHeader(buf, p);
  if (h.contentStart + h.length > buf.length) throw new NeedMore();
  try {
    return readTlv(buf.subarray(0, h.contentStart + h.length), p);
  } catch (e) {
    throw new WritError('PARSE', `malformed streamed CMS: ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function oidAt(buf: Uint8Array, p: number, what: string): { oid: string; next: number } {
  const { tlv, next } = wholeTlv(buf, p, what);
  if (tlv.cls !== 0 || tlv.tag !== 6 || tlv.constructed) bad(`${what} must be an OBJECT IDENTIFIER`);
  return { oid: oidContent(tlv.content, what), next };
}

/** What a streaming reader learns from the head of an AuthEnvelopedData. */
export interface AuthEnvelopedStreamHead {
  /** RecipientInfo elements (each a whole TLV), for enveloped.ts's parseRecipient. */
  recipientInfos: Tlv[];
  contentType: string;
  /** contentEncryptionAlgorithm AlgorithmIdentifier TLV. */
  contentEncryptionAlgorithm: Tlv;
  ciphertextOffset: number;
  ciphertextLength: number;
  /** Offset just past the AuthEnvelopedData (= the ContentInfo): where the input must end. */
  endOffset: number;
}

/**
 * Parses the head of a DER AuthEnvelopedData ContentInfo from its first bytes (`buf` may hold more,
 * or the whole input). PARSE when malformed, or when the head does not fit in `buf`.
 */
export function parseAuthEnvelopedHead(buf: Uint8Array): AuthEnvelopedStreamHead {
  try {
    const ci = expectHeader(buf, 0, 0x30, 'ContentInfo');
    const endOffset = ci.contentStart + ci.length;
    const ct = oidAt(buf, ci.contentStart, 'ContentInfo.contentType');
    if (ct.oid !== CMS_OID.authEnvelopedData) bad(`not an AuthEnvelopedData (content type ${ct.oid})`);
    const wrap = expectHeader(buf, ct.next, 0xa0, 'ContentInfo.content');
    if (wrap.contentStart + wrap.length !== endOffset) bad('ContentInfo.content does not fill the ContentInfo');
    const aed = expectHeader(buf, wrap.contentStart, 0x30, 'AuthEnvelopedData');
    if (aed.contentStart + aed.length !== endOffset) bad('AuthEnvelopedData does not fill the ContentInfo');
    const ver = wholeTlv(buf, aed.contentStart, 'version');
    if (ver.tlv.der.length !== 3 || ver.tlv.der[0] !== 0x02 || ver.tlv.der[2] !== 0) bad('AuthEnvelopedData version must be 0 (RFC 5083 §2.1)');
    let p = ver.next;
    if (buf[p] === 0xa0) bad('originatorInfo is not supported by the streaming reader');
    const ri = wholeTlv(buf, p, 'recipientInfos');
    if (ri.tlv.cls !== 0 || ri.tlv.tag !== 17 || !ri.tlv.constructed) bad('recipientInfos must be a SET');
    const recipientInfos = children(ri.tlv);
    if (recipientInfos.length === 0) bad('recipientInfos is empty');
    p = ri.next;
    const eci = expectHeader(buf, p, 0x30, 'EncryptedContentInfo');
    const eciEnd = eci.contentStart + eci.length;
    const ect = oidAt(buf, eci.contentStart, 'EncryptedContentInfo.contentType');
    const alg = wholeTlv(buf, ect.next, 'contentEncryptionAlgorithm');
    if (alg.tlv.cls !== 0 || alg.tlv.tag !== 16) bad('contentEncryptionAlgorithm must be a SEQUENCE');
    const ctH = readHeader(buf, alg.next);
    if (ctH.identifier === 0xa0) bad('constructed encryptedContent (BER) is not supported by the streaming reader');
    if (ctH.identifier !== 0x80) bad('encryptedContent must be [0] IMPLICIT OCTET STRING (detached content is not supported)');
    if (ctH.contentStart + ctH.length !== eciEnd) bad('encryptedContent does not end its EncryptedContentInfo');
    if (eciEnd > endOffset) bad('EncryptedContentInfo is longer than its container');
    return {
      recipientInfos,
      contentType: ect.oid,
      contentEncryptionAlgorithm: alg.tlv,
      ciphertextOffset: ctH.contentStart,
      ciphertextLength: ctH.length,
      endOffset,
    };
  } catch (e) {
    if (e instanceof NeedMore) bad(`the head of the AuthEnvelopedData is truncated or larger than ${buf.length} bytes`);
    throw e;
  }
}

/**
 * Parses what follows the ciphertext: authAttrs [1] IMPLICIT (optional), mac, unauthAttrs [2]
 * (optional, ignored). `tail` must be exactly the bytes from the end of the ciphertext to the end of
 * the ContentInfo.
 */
export function parseAuthEnvelopedTail(tail: Uint8Array): { authAttrsDer?: Uint8Array; authAttributes: CmsAttribute[]; mac: Uint8Array } {
  try {
    let p = 0;
    let authAttrsDer: Uint8Array | undefined;
    let authAttributes: CmsAttribute[] = [];
    if (tail[p] === 0xa1) {
      const a = wholeTlv(tail, p, 'authAttrs');
      authAttributes = parseAttributes(children(a.tlv), 'authAttrs');
      if (authAttributes.length === 0) bad('authAttrs is empty');
      authAttrsDer = concat(Uint8Array.of(0x31), a.tlv.der.subarray(1)); // RFC 5083 §2.2: AAD uses the SET OF tag
      p = a.next;
    }
    const m = wholeTlv(tail, p, 'mac');
    if (m.tlv.cls !== 0 || m.tlv.tag !== 4 || m.tlv.constructed) bad('mac must be an OCTET STRING');
    p = m.next;
    if (p < tail.length && tail[p] === 0xa2) p = wholeTlv(tail, p, 'unauthAttrs').next;
    if (p !== tail.length) bad('unexpected bytes after the mac');
    return { ...(authAttrsDer ? { authAttrsDer } : {}), authAttributes, mac: m.tlv.content.slice() };
  } catch (e) {
    if (e instanceof NeedMore) bad('the trailer of the AuthEnvelopedData is truncated');
    throw e;
  }
}

/** What the inner reader hands back once the whole SignedData has passed. */
export interface StreamedSignedData {
  eContentType: string;
  contentLength: number;
  /**
   * The same SignedData ContentInfo with its eContent left out (RFC 5652 §5.2 detached form): the
   * signature covers only the signed attributes, so verifyCms(detached, { detachedSha512 }) checks it
   * exactly as it checks the whole.
   */
  detached: Uint8Array;
}

/**
 * Push reader of a DER SignedData ContentInfo with an encapsulated content: `push` takes the
 * plaintext in chunks of any size and passes the eContent octets to `onContent` as they arrive
 * (views into the pushed chunk, valid during the call); the head and trailer are buffered (bounded by
 * STREAM_FRAME_LIMIT). The result does not depend on how the input was split. Throws PARSE.
 */
export class SignedDataStreamReader {
  private state: 'head' | 'content' | 'trailer' | 'done' = 'head';
  private buf: Uint8Array = new Uint8Array(0);
  private contentLeft = 0;
  private trailerLeft = 0;
  private head?: { version: Uint8Array; digestAlgorithms: Uint8Array; eContentType: string; contentLength: number };
  private trailerParts: Uint8Array[] = [];

  constructor(private readonly onContent: (chunk: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    let c = chunk;
    while (c.length > 0) {
      if (this.state === 'head') {
        this.buf = concat(this.buf, c);
        c = new Uint8Array(0);
        if (this.buf.length > STREAM_FRAME_LIMIT + 64) bad('SignedData head too large');
        const r = this.tryHead();
        if (r === undefined) return;
        c = this.buf.subarray(r);
        this.buf = new Uint8Array(0);
      } else if (this.state === 'content') {
        const n = Math.min(this.contentLeft, c.length);
        if (n > 0) this.onContent(c.subarray(0, n));
        this.contentLeft -= n;
        c = c.subarray(n);
        if (this.contentLeft === 0) this.state = this.trailerLeft === 0 ? 'done' : 'trailer';
      } else if (this.state === 'trailer') {
        const n = Math.min(this.trailerLeft, c.length);
        this.trailerParts.push(c.slice(0, n));
        this.trailerLeft -= n;
        c = c.subarray(n);
        if (this.trailerLeft === 0) this.state = 'done';
      } else {
        bad('bytes after the end of the SignedData');
      }
    }
  }

  /** Parses the head from the buffer; returns the offset where eContent starts, or undefined for more. */
  private tryHead(): number | undefined {
    const b = this.buf;
    try {
      const ci = expectHeader(b, 0, 0x30, 'ContentInfo');
      const end = ci.contentStart + ci.length;
      const ct = oidAt(b, ci.contentStart, 'ContentInfo.contentType');
      if (ct.oid !== CMS_OID.signedData) bad(`not a SignedData (content type ${ct.oid})`);
      const wrap = expectHeader(b, ct.next, 0xa0, 'ContentInfo.content');
      if (wrap.contentStart + wrap.length !== end) bad('ContentInfo.content does not fill the ContentInfo');
      const sd = expectHeader(b, wrap.contentStart, 0x30, 'SignedData');
      if (sd.contentStart + sd.length !== end) bad('SignedData does not fill the ContentInfo');
      const ver = wholeTlv(b, sd.contentStart, 'SignedData.version');
      if (ver.tlv.cls !== 0 || ver.tlv.tag !== 2) bad('SignedData.version must be an INTEGER');
      const dig = wholeTlv(b, ver.next, 'SignedData.digestAlgorithms');
      if (dig.tlv.cls !== 0 || dig.tlv.tag !== 17 || !dig.tlv.constructed) bad('digestAlgorithms must be a SET');
      const encap = expectHeader(b, dig.next, 0x30, 'EncapsulatedContentInfo');
      const encapEnd = encap.contentStart + encap.length;
      const et = oidAt(b, encap.contentStart, 'eContentType');
      if (et.next === encapEnd) bad('the content is detached; a streamed SignedData must encapsulate it');
      const e0 = expectHeader(b, et.next, 0xa0, 'eContent [0] EXPLICIT');
      const oct = readHeader(b, e0.contentStart);
      if (oct.identifier === 0x24) bad('constructed eContent (BER) is not supported by the streaming reader');
      if (oct.identifier !== 0x04) bad('eContent must be an OCTET STRING');
      if (oct.contentStart + oct.length !== e0.contentStart + e0.length || e0.contentStart + e0.length !== encapEnd) bad('eContent does not fill EncapsulatedContentInfo');
      if (encapEnd > end) bad('EncapsulatedContentInfo is longer than the SignedData');
      const trailer = end - encapEnd;
      if (trailer > STREAM_FRAME_LIMIT) bad(`certificates and signerInfos exceed ${STREAM_FRAME_LIMIT} bytes`);
      if (trailer === 0) bad('signerInfos are missing');
      this.head = { version: ver.tlv.der.slice(), digestAlgorithms: dig.tlv.der.slice(), eContentType: et.oid, contentLength: oct.length };
      this.contentLeft = oct.length;
      this.trailerLeft = trailer;
      this.state = oct.length === 0 ? 'trailer' : 'content';
      return oct.contentStart;
    } catch (e) {
      if (e instanceof NeedMore) return undefined;
      throw e;
    }
  }

  /** Call after the last chunk; PARSE when the SignedData is incomplete. */
  finish(): StreamedSignedData {
    if (this.state !== 'done' || this.head === undefined) bad('the SignedData is truncated');
    const h = this.head;
    const trailer = concatAll(this.trailerParts);
    // The detached form: the same fields, EncapsulatedContentInfo without eContent.
    const detached = encodeContentInfo(CMS_OID.signedData, seq(h.version, h.digestAlgorithms, seq(oid(h.eContentType)), trailer));
    return { eContentType: h.eContentType, contentLength: h.contentLength, detached };
  }
}
