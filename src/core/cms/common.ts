// Shared CMS pieces: OIDs (RFC 5652 §14, RFC 5083, RFC 9629, RFC 5911), ContentInfo (RFC 5652 §3) and Attribute (RFC 5652 §5.3) codecs.
import { WritError } from '../errors.js';
import {
  CLASS_CONTEXT,
  TAG,
  children,
  ctxExplicit,
  decodeDer,
  decodeOid,
  expect,
  oid,
  seq,
  seqOf,
  setOf,
} from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { berToDer } from './ber.js';

/** Content types and attribute types (RFC 5652 §14, §11; RFC 5083 §1.1; RFC 6211 §2). */
export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  cmsAlgorithmProtection: '1.2.840.113549.1.9.52',
  /** RFC 9629 §3: id-ori-kem. */
  oriKem: '1.2.840.113549.1.9.16.13.3',
} as const;

/** Digest algorithm OIDs (RFC 5754 §2) and writ's names for them. */
export const DIGEST_OIDS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export const SHA512_OID = '2.16.840.1.101.3.4.2.3';

/** A CMS attribute: type OID and its values as whole DER TLVs. */
export interface CmsAttribute {
  oid: string;
  values: Uint8Array[];
}

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY } (RFC 5652 §3). */
export function encodeContentInfo(contentType: string, content: Uint8Array): Uint8Array {
  return seq(oid(contentType), ctxExplicit(0, content));
}

/**
 * Reads a ContentInfo (BER accepted, normalised first) and returns its type and the content TLV.
 * PARSE when it is not a ContentInfo.
 */
export function decodeContentInfo(input: Uint8Array, what = 'CMS ContentInfo'): { contentType: string; content: Tlv; der: Uint8Array } {
  const der = berToDer(input, what);
  const parts = seqOf(decodeDer(der, what), what);
  if (parts.length !== 2) throw new WritError('PARSE', `${what}: expected contentType and content`);
  const contentType = decodeOid(parts[0], `${what}.contentType`);
  const wrap = parts[1]!;
  if (wrap.cls !== CLASS_CONTEXT || wrap.tag !== 0 || !wrap.constructed) throw new WritError('PARSE', `${what}: content must be [0] EXPLICIT`);
  const inner = children(wrap);
  if (inner.length !== 1) throw new WritError('PARSE', `${what}: [0] must hold exactly one element`);
  return { contentType, content: inner[0]!, der };
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue } (RFC 5652 §5.3). */
export function encodeAttribute(a: CmsAttribute): Uint8Array {
  if (a.values.length === 0) throw new RangeError(`attribute ${a.oid}: at least one value is required`);
  for (const v of a.values) decodeDer(v, `attribute ${a.oid} value`);
  return seq(oid(a.oid), setOf(...a.values));
}

/** Parses the children of a SET OF Attribute (already unwrapped from its [n] IMPLICIT tag). */
export function parseAttributes(items: Tlv[], what: string): CmsAttribute[] {
  const out: CmsAttribute[] = [];
  const seen = new Set<string>();
  for (const it of items) {
    const parts = seqOf(it, `${what} Attribute`);
    if (parts.length !== 2) throw new WritError('PARSE', `${what}: Attribute must have a type and values`);
    const type = decodeOid(parts[0], `${what} attrType`);
    const vals = children(expect(parts[1], TAG.SET, `${what} attrValues`));
    if (vals.length === 0) throw new WritError('PARSE', `${what}: attribute ${type} has no values`);
    // RFC 5652 §5.3: signed attributes hold each type at most once; the same rule keeps auth attributes unambiguous.
    if (seen.has(type)) throw new WritError('PARSE', `${what}: attribute ${type} appears twice`);
    seen.add(type);
    out.push({ oid: type, values: vals.map((v) => v.der.slice()) });
  }
  return out;
}

/** The one value of a single-valued attribute, or undefined when absent; PARSE when it has several values. */
export function singleValue(attrs: CmsAttribute[], type: string, what: string): Uint8Array | undefined {
  const a = attrs.find((x) => x.oid === type);
  if (a === undefined) return undefined;
  if (a.values.length !== 1) throw new WritError('PARSE', `${what}: attribute ${type} must have exactly one value`);
  return a.values[0];
}
