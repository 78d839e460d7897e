// Distinguished names (X.501 Name / RDNSequence, RFC 5280 §4.1.2.4) and GeneralNames (RFC 5280 §4.2.1.6).
//
// We always write ONE attribute per RDN (a multi-valued RDN is a SET whose order DER rearranges, and
// most tools render it confusingly). Text is RFC 4514-style but in encoding order: the first RDN of
// the DER (the most significant) is written first, so decodeName(parseDn(t)).text round-trips.
import { WritError } from '../errors.js';
import type { AttributeTypeAndValue, GeneralName, Name } from '../x509/types.js';
import {
  CLASS_CONTEXT,
  CLASS_UNIVERSAL,
  TAG,
  children,
  ctxExplicit,
  ctxPrimitive,
  decodeDer,
  decodeOid,
  expect,
  ia5Decode,
  ia5String,
  latin1,
  oid,
  oidContent,
  printableString,
  seq,
  setOf,
  utf8Decode,
  utf8String,
  type Tlv,
} from './der.js';
import { bytesEqual, fromHex, toHex } from '../crypto/bytes.js';
import { dnAttrOid, dnShortName } from './oids.js';
import { MAX_GENERAL_NAMES, MAX_NAME_ATTRIBUTES, MAX_NAME_VALUE_BYTES, checkLimit } from '../limits.js';

const OID_C = '2.5.4.6';
const OID_SERIAL = '2.5.4.5';
const OID_DC = '0.9.2342.19200300.100.1.25';
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_DNQ = '2.5.4.46';

/** Decodes a directory string of any of the X.520 string types into text. */
function decodeStringValue(t: Tlv, what: string): string | undefined {
  if (t.cls !== CLASS_UNIVERSAL || t.constructed) return undefined;
  const c = t.content;
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return utf8Decode(c, what);
    case TAG.PRINTABLE_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.IA5_STRING:
      return ia5Decode(c, what);
    case TAG.TELETEX_STRING:
      // T.61 in practice carries Latin-1 (RFC 5280 §4.1.2.4 notes TeletexString is legacy).
      return latin1(c);
    case TAG.BMP_STRING: {
      if (c.length % 2 !== 0) throw new WritError('PARSE', `malformed BMPString (${what})`);
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (c.length % 4 !== 0) throw new WritError('PARSE', `malformed UniversalString (${what})`);
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff) throw new WritError('PARSE', `malformed UniversalString (${what})`);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return undefined;
  }
}

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(v: string): string {
  let s = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if ('"+,;<>\\'.includes(ch)) s += `\\${ch}`;
    else if (ch === '\0') s += '\\00';
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === v.length - 1 && ch === ' ')) s += `\\${ch}`;
    else s += ch;
  }
  return s;
}

function atvText(a: AttributeTypeAndValue): string {
  // Non-string values are already "#hex"; string values are escaped per RFC 4514 §2.4.
  const isHex = a.value.startsWith('#') && !STRING_TAGS.has(a.tag);
  return `${a.shortName}=${isHex ? a.value : escapeValue(a.value)}`;
}

const STRING_TAGS = new Set<number>([
  TAG.UTF8_STRING, TAG.PRINTABLE_STRING, TAG.NUMERIC_STRING, TAG.VISIBLE_STRING, TAG.IA5_STRING,
  TAG.TELETEX_STRING, TAG.BMP_STRING, TAG.UNIVERSAL_STRING,
]);

/** Decodes a DER Name (RDNSequence). Throws PARSE on anything malformed. */
export function decodeName(der: Uint8Array): Name {
  return nameFromTlv(decodeDer(der, 'Name'));
}

/** Decodes a Name from an already-read TLV (the DER is kept by reference to the input's bytes). */
export function nameFromTlv(t: Tlv): Name {
  const rdns: AttributeTypeAndValue[][] = [];
  let attributes = 0;
  for (const rdnT of children(expect(t, TAG.SEQUENCE, 'Name'))) {
    const atvs = children(expect(rdnT, TAG.SET, 'RelativeDistinguishedName'));
    attributes += atvs.length;
    checkLimit(attributes, 'MAX_NAME_ATTRIBUTES', MAX_NAME_ATTRIBUTES, 'Name: attribute values');
    // X.501: an RDN is SET SIZE (1..MAX).
    if (atvs.length === 0) throw new WritError('PARSE', 'malformed Name: empty RDN');
    const rdn: AttributeTypeAndValue[] = [];
    for (const atvT of atvs) {
      const parts = children(expect(atvT, TAG.SEQUENCE, 'AttributeTypeAndValue'));
      if (parts.length !== 2) throw new WritError('PARSE', 'malformed AttributeTypeAndValue');
      const type = decodeOid(parts[0], 'attribute type');
      const v = parts[1]!;
      checkLimit(v.content.length, 'MAX_NAME_VALUE_BYTES', MAX_NAME_VALUE_BYTES, 'Name: attribute value bytes');
      const str = decodeStringValue(v, 'attribute value');
      const shortName = dnShortName(type);
      // Every attribute type we name (DN_ATTRS) has a string syntax in X.520 / RFC 4519 (DirectoryString,
      // PrintableString, IA5String): any other value there is malformed (differential fuzzing against
      // OpenSSL, issue 8). Unknown types keep X.501's ANY and render as "#hex" (RFC 4514 §2.4).
      if (str === undefined && shortName !== type) throw new WritError('PARSE', `malformed Name: the ${shortName} value is not a string`);
      rdn.push({
        type,
        shortName,
        // Values we cannot render as a string are shown as "#" + hex of the DER (RFC 4514 §2.4).
        value: str === undefined ? `#${toHex(v.der)}` : str,
        tag: v.cls === CLASS_UNIVERSAL ? v.tag : -1,
      });
    }
    rdns.push(rdn);
  }
  const text = rdns.map((r) => r.map(atvText).join('+')).join(', ');
  return { der: t.der, rdns, text };
}

/** Unescaped value of an attribute as written in a Name's text (for display and for tests). */
export function unescapeValue(v: string): string {
  return parseValue(v, 'value').text ?? v;
}

interface ParsedValue {
  text?: string;
  raw?: Uint8Array;
}

function parseValue(v: string, what: string): ParsedValue {
  if (v.startsWith('#')) {
    try {
      const raw = fromHex(v.slice(1));
      decodeDer(raw, what);
      return { raw };
    } catch (e) {
      throw new WritError('USAGE', `${what}: "#" must be followed by the hex of one DER element`, { cause: e });
    }
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch === '\\') {
      const n1 = v[i + 1];
      if (n1 === undefined) throw new WritError('USAGE', `${what}: dangling backslash`);
      if (/[0-9a-fA-F]/.test(n1) && /[0-9a-fA-F]/.test(v[i + 2] ?? '')) {
        bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(...enc.encode(n1));
        i += 1;
      }
    } else {
      const cp = v.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      bytes.push(...enc.encode(s));
      i += s.length - 1;
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)) };
  } catch (e) {
    throw new WritError('USAGE', `${what}: escaped bytes are not UTF-8`, { cause: e });
  }
}

/** Trims leading spaces and trailing spaces that are not escaped ("\\ " keeps its space: RFC 4514 §2.4). */
function trimUnescaped(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === ' ') {
    let bs = 0;
    for (let j = end - 2; j >= 0 && s[j] === '\\'; j--) bs++;
    if (bs % 2 === 1) break;
    end--;
  }
  return s.slice(0, end).replace(/^ +/, '');
}

/** Splits on unescaped separators. */
function splitUnescaped(s: string, seps: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (seps.includes(ch)) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The DER of one AttributeTypeAndValue with the string type RFC 5280 §4.1.2.4 / X.520 expects. */
export function encodeAtv(type: string, value: string): Uint8Array {
  let v: Uint8Array;
  if (type === OID_C) {
    if (!/^[A-Z]{2}$/.test(value)) throw new WritError('USAGE', 'C (country) must be two capital letters (ISO 3166)');
    v = printableString(value);
  } else if (type === OID_SERIAL || type === OID_DNQ) {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw new WritError('USAGE', 'serialNumber must use PrintableString characters');
    v = printableString(value);
  } else if (type === OID_DC || type === OID_EMAIL) {
    // RFC 4519 §2.4 (dc) and RFC 5280 §4.1.2.6 (emailAddress) are IA5String.
    if (!/^[\x00-\x7f]*$/.test(value)) throw new WritError('USAGE', 'DC and emailAddress must be ASCII');
    v = ia5String(value);
  } else {
    v = utf8String(value);
  }
  return seq(oid(type), v);
}

/** Encodes a Name from (type OID, value) pairs, one RDN each, in the given order. */
export function encodeName(attrs: readonly { type: string; value: string }[]): Uint8Array {
  return seq(...attrs.map((a) => setOf(encodeAtv(a.type, a.value))));
}

/**
 * "CN=a, O=b" -> DER Name, one attribute per RDN, RDNs in the order written. Types are short names
 * (CN, O, OU, C, L, ST, serialNumber, DC, UID, emailAddress, ...) or dotted OIDs; values follow
 * RFC 4514 escaping ("\," or "\2C"), or "#<hex>" for a raw DER value. Multi-valued RDNs ("+") are
 * refused on purpose. Throws WritError USAGE on bad text (this parses what a person typed).
 */
export function parseDn(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('text: expected string');
  if (text.trim() === '') return seq();
  const rdns: Uint8Array[] = [];
  for (const part of splitUnescaped(text, ',;')) {
    const p = trimUnescaped(part);
    if (p === '') throw new WritError('USAGE', `empty RDN in "${text}"`);
    if (splitUnescaped(p, '+').length > 1) {
      throw new WritError('USAGE', `multi-valued RDN "${p}" is not allowed: write one attribute per RDN`);
    }
    const eq = p.indexOf('=');
    if (eq <= 0) throw new WritError('USAGE', `"${p}" is not TYPE=value`);
    const typeText = p.slice(0, eq).trim();
    const valText = trimUnescaped(p.slice(eq + 1));
    const type = /^[0-2](\.(0|[1-9][0-9]*))+$/.test(typeText)
      ? typeText
      : typeText.toUpperCase().startsWith('OID.') ? typeText.slice(4) : dnAttrOid(typeText);
    if (type === undefined) throw new WritError('USAGE', `unknown attribute type "${typeText}" (use a dotted OID)`);
    const pv = parseValue(valText, typeText);
    if (pv.raw) rdns.push(setOf(seq(oid(type), pv.raw)));
    else rdns.push(setOf(encodeAtv(type, pv.text ?? '')));
  }
  return seq(...rdns);
}

/** Exact Name comparison on DER (RFC 5280 §7.1 allows stricter-than-caseIgnore matching; we issue identical bytes). */
export function nameEquals(a: Name, b: Name): boolean {
  return bytesEqual(a.der, b.der);
}

// ---------------------------------------------------------------------------------------------
// GeneralName (RFC 5280 §4.2.1.6)

/** Decodes one GeneralName element (context-tagged CHOICE). */
export function decodeGeneralName(t: Tlv): GeneralName {
  if (t.cls !== CLASS_CONTEXT) throw new WritError('PARSE', 'malformed GeneralName: not context-tagged');
  switch (t.tag) {
    case 1:
    case 2:
    case 6: {
      if (t.constructed) throw new WritError('PARSE', 'malformed GeneralName: constructed string');
      const value = ia5Decode(t.content, 'GeneralName');
      return { type: t.tag === 1 ? 'email' : t.tag === 2 ? 'dns' : 'uri', value };
    }
    case 7: {
      if (t.constructed) throw new WritError('PARSE', 'malformed iPAddress');
      // 4/16 octets in a SAN, 8/32 (address + mask) in name constraints; anything else is malformed.
      if (![4, 8, 16, 32].includes(t.content.length)) throw new WritError('PARSE', 'malformed iPAddress length');
      return { type: 'ip', value: t.content.slice() };
    }
    case 4: {
      // directoryName is EXPLICIT (a CHOICE inside an implicit-tagged module is always explicit: X.680 §31.2.7).
      const inner = children(t);
      if (inner.length !== 1 || !t.constructed) throw new WritError('PARSE', 'malformed directoryName');
      return { type: 'dn', value: nameFromTlv(inner[0]!) };
    }
    case 0: {
      // otherName: [0] { type-id OID, value [0] EXPLICIT ANY }: validate the shape, keep it opaque.
      const inner = children(t);
      if (inner.length !== 2) throw new WritError('PARSE', 'malformed otherName');
      decodeOid(inner[0], 'otherName type-id');
      if (!(inner[1]!.cls === CLASS_CONTEXT && inner[1]!.tag === 0 && inner[1]!.constructed)) {
        throw new WritError('PARSE', 'malformed otherName value');
      }
      return { type: 'other', tag: 0, der: t.der.slice() };
    }
    case 8: {
      // registeredID: IMPLICIT OBJECT IDENTIFIER.
      if (t.constructed) throw new WritError('PARSE', 'malformed registeredID');
      oidContent(t.content, 'registeredID');
      return { type: 'other', tag: 8, der: t.der.slice() };
    }
    case 3:
    case 5:
      return { type: 'other', tag: t.tag, der: t.der.slice() };
    default:
      throw new WritError('PARSE', `malformed GeneralName: unknown tag [${t.tag}]`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export function decodeGeneralNames(t: Tlv | undefined, what: string): GeneralName[] {
  const items = children(expect(t, TAG.SEQUENCE, what));
  if (items.length === 0) throw new WritError('PARSE', `malformed ${what}: empty`);
  checkLimit(items.length, 'MAX_GENERAL_NAMES', MAX_GENERAL_NAMES, `${what}: names`);
  return items.map(decodeGeneralName);
}

/** Encodes a GeneralName (for SANs and name constraints). */
export function encodeGeneralName(g: GeneralName): Uint8Array {
  const asciiBytes = (s: string): Uint8Array => {
    if (!/^[\x00-\x7f]*$/.test(s)) throw new RangeError('GeneralName: IA5String must be ASCII');
    return new TextEncoder().encode(s);
  };
  switch (g.type) {
    case 'email':
      return ctxPrimitive(1, asciiBytes(g.value));
    case 'dns':
      return ctxPrimitive(2, asciiBytes(g.value));
    case 'uri':
      return ctxPrimitive(6, asciiBytes(g.value));
    case 'ip':
      return ctxPrimitive(7, g.value);
    case 'dn':
      return ctxExplicit(4, g.value.der);
    case 'other':
      return g.der;
  }
}

export function encodeGeneralNames(names: readonly GeneralName[]): Uint8Array {
  return seq(...names.map(encodeGeneralName));
}

/** Display text of a GeneralName ("URI:spiffe://...", "DNS:...", "IP:10.0.0.1", "DirName:CN=..."). */
export function generalNameText(g: GeneralName): string {
  switch (g.type) {
    case 'uri':
      return `URI:${g.value}`;
    case 'dns':
      return `DNS:${g.value}`;
    case 'email':
      return `email:${g.value}`;
    case 'dn':
      return `DirName:${g.value.text}`;
    case 'ip':
      return `IP:${ipText(g.value)}`;
    case 'other':
      return `othername[${g.tag}]:${toHex(g.der)}`;
  }
}

/** An iPAddress GeneralName as text: dotted IPv4, hex-group IPv6, address/mask in name constraints. */
export function ipText(b: Uint8Array): string {
  const one = (x: Uint8Array): string =>
    x.length === 4
      ? Array.from(x).join('.')
      : Array.from({ length: 8 }, (_, i) => ((x[2 * i]! << 8) | x[2 * i + 1]!).toString(16)).join(':');
  if (b.length === 8 || b.length === 32) {
    const h = b.length / 2;
    return `${one(b.subarray(0, h))}/${one(b.subarray(h))}`;
  }
  return one(b);
}
