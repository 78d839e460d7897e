// Strict DER parsers for X.509 certificates and CRLs (RFC 5280 §4, §5) and PKCS#10 CSRs (RFC 2986).
//
// Input is untrusted: anything that is not DER, or breaks a structural rule of RFC 5280 that would make
// the object ambiguous (duplicate extensions, extensions in a v1 certificate, empty SAN, ...), throws
// WritError PARSE. Semantic checks (validity, constraints, signatures) belong to src/core/verify.
import { WritError } from '../errors.js';
import { parseSpki } from '../asn1/spki.js';
import {
  CLASS_CONTEXT,
  TAG,
  children,
  decodeBitString,
  decodeBoolean,
  decodeDer,
  decodeOctetAlignedBits,
  decodeOctetString,
  decodeOid,
  decodeSmallUint,
  decodeTime,
  expect,
  intContent,
  isContext,
  isUniversal,
  seqOf,
  type Tlv,
} from '../asn1/der.js';
import { parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { toHex } from '../crypto/bytes.js';
import { decodeGeneralName, decodeGeneralNames, nameFromTlv } from '../asn1/name.js';
import { EXT, PKCS9 } from '../asn1/oids.js';
import { looksLikePem, pemDecodeAll } from '../asn1/pem.js';
import type {
  AlgorithmId,
  Certificate,
  Crl,
  CrlReason,
  Csr,
  Extension,
  GeneralSubtree,
  KeyUsageName,
  NameConstraints,
  PolicyInformation,
  PolicyMapping,
  RevokedEntry,
} from './types.js';
import { CRL_REASONS } from './types.js';
import { MAX_CRL_ENTRIES, MAX_EXTENSIONS, MAX_GENERAL_NAMES, checkLimit } from '../limits.js';

/** Runs a parser; anything that is not already a WritError (a bug-shaped TypeError/RangeError) becomes PARSE. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WritError) {
      if (e.code === 'PARSE' && !e.message.startsWith(what)) throw new WritError('PARSE', `${what}: ${e.message}`, { cause: e });
      throw e;
    }
    throw new WritError('PARSE', `${what}: malformed input`, { cause: e });
  }
}

function bad(msg: string): never {
  throw new WritError('PARSE', msg);
}

/**
 * Hex of a serial INTEGER's value (leading zero octets dropped; "0" stays "00"). A negative value (RFC
 * 5280 §4.1.2.2 forbids them but asks users to handle them gracefully) is "-" and its magnitude, as
 * OpenSSL prints it: before, contents 80 (-128) and 00 80 (128) both read "80" and could match each other
 * on a CRL (found by the OpenSSL differential, issue 8).
 */
export function serialHexOf(raw: Uint8Array): string {
  if (raw.length > 0 && (raw[0]! & 0x80) !== 0) {
    let v = 0n;
    for (const b of raw) v = (v << 8n) | BigInt(b);
    const mag = (1n << BigInt(raw.length * 8)) - v;
    const h = mag.toString(16);
    return `-${h.length % 2 === 0 ? h : `0${h}`}`;
  }
  let i = 0;
  while (i < raw.length - 1 && raw[i] === 0) i++;
  return toHex(raw.subarray(i));
}

function checkInteger(t: Tlv | undefined, what: string): Uint8Array {
  const c = expect(t, TAG.INTEGER, what).content;
  intContent(c, what); // minimal-encoding check
  return c;
}

// ---------------------------------------------------------------------------------------------
// Extensions (RFC 5280 §4.1 Extensions, §4.2)

export function parseExtensions(t: Tlv, what: string): Extension[] {
  const items = seqOf(t, what);
  // RFC 5280 §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension.
  if (items.length === 0) bad(`malformed ${what}: empty`);
  checkLimit(items.length, 'MAX_EXTENSIONS', MAX_EXTENSIONS, `${what}: extensions`);
  const seen = new Set<string>();
  const out: Extension[] = [];
  for (const it of items) {
    const p = seqOf(it, 'Extension');
    if (p.length < 2 || p.length > 3) bad('malformed Extension');
    const oid = decodeOid(p[0], 'extnID');
    let critical = false;
    let valT = p[1];
    if (p.length === 3) {
      // critical BOOLEAN DEFAULT FALSE. DER says an explicit FALSE must be omitted; we tolerate it,
      // as OpenSSL does, since it changes no meaning.
      critical = decodeBoolean(p[1], 'critical');
      valT = p[2];
    }
    const value = decodeOctetString(valT, 'extnValue').slice();
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(oid)) bad(`duplicate extension ${oid}`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

const KU_NAMES: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

function decodeKeyUsage(v: Uint8Array): KeyUsageName[] {
  const { bytes } = decodeBitString(decodeDer(v, 'keyUsage'), 'keyUsage');
  const out: KeyUsageName[] = [];
  for (let i = 0; i < bytes.length * 8; i++) {
    if ((bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0) {
      const n = KU_NAMES[i];
      if (n !== undefined) out.push(n);
    }
  }
  return out;
}

function decodeBasicConstraints(v: Uint8Array): { ca: boolean; pathLen?: number } {
  const p = seqOf(decodeDer(v, 'basicConstraints'), 'basicConstraints');
  let i = 0;
  let ca = false;
  if (isUniversal(p[i], TAG.BOOLEAN)) ca = decodeBoolean(p[i++], 'cA');
  let pathLen: number | undefined;
  if (isUniversal(p[i], TAG.INTEGER)) pathLen = decodeSmallUint(p[i++]!.content, 'pathLenConstraint');
  if (i !== p.length) bad('malformed basicConstraints');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function decodeOidList(v: Uint8Array, what: string): string[] {
  const p = seqOf(decodeDer(v, what), what);
  if (p.length === 0) bad(`malformed ${what}: empty`);
  return p.map((x) => decodeOid(x, what));
}

function decodeAki(v: Uint8Array, what: string): { keyId?: Uint8Array; issuer?: ReturnType<typeof decodeGeneralNames>; serialHex?: string } {
  const p = seqOf(decodeDer(v, what), what);
  const out: { keyId?: Uint8Array; issuer?: ReturnType<typeof decodeGeneralNames>; serialHex?: string } = {};
  let i = 0;
  if (isContext(p[i], 0)) {
    if (p[i]!.constructed) bad(`malformed ${what} keyIdentifier`);
    out.keyId = p[i++]!.content.slice();
  }
  if (isContext(p[i], 1)) {
    const t = p[i++]!;
    if (!t.constructed) bad(`malformed ${what} authorityCertIssuer`);
    const names = children(t).map(decodeGeneralName);
    if (names.length === 0) bad(`malformed ${what} authorityCertIssuer: empty`);
    out.issuer = names;
  }
  if (isContext(p[i], 2)) {
    const t = p[i++]!;
    if (t.constructed) bad(`malformed ${what} authorityCertSerialNumber`);
    intContent(t.content, 'authorityCertSerialNumber');
    out.serialHex = serialHexOf(t.content);
  }
  if (i !== p.length) bad(`malformed ${what}`);
  // RFC 5280 §4.2.1.1: issuer and serial appear together or not at all.
  if ((out.issuer === undefined) !== (out.serialHex === undefined)) bad(`malformed ${what}: issuer and serial must appear together`);
  return out;
}

function decodeSubtrees(t: Tlv): GeneralSubtree[] {
  if (!t.constructed) bad('malformed GeneralSubtrees');
  const items = children(t);
  if (items.length === 0) bad('malformed GeneralSubtrees: empty');
  checkLimit(items.length, 'MAX_GENERAL_NAMES', MAX_GENERAL_NAMES, 'GeneralSubtrees: subtrees');
  return items.map((it) => {
    const p = seqOf(it, 'GeneralSubtree');
    if (p.length === 0) bad('malformed GeneralSubtree');
    const st: GeneralSubtree = { base: decodeGeneralName(p[0]!) };
    let i = 1;
    if (isContext(p[i], 0)) {
      if (p[i]!.constructed) bad('malformed GeneralSubtree minimum');
      st.minimum = decodeSmallUint(p[i++]!.content, 'minimum');
    }
    if (isContext(p[i], 1)) {
      if (p[i]!.constructed) bad('malformed GeneralSubtree maximum');
      st.maximum = decodeSmallUint(p[i++]!.content, 'maximum');
    }
    if (i !== p.length) bad('malformed GeneralSubtree');
    return st;
  });
}

function decodeNameConstraints(v: Uint8Array): NameConstraints {
  const p = seqOf(decodeDer(v, 'nameConstraints'), 'nameConstraints');
  const out: NameConstraints = {};
  let i = 0;
  if (isContext(p[i], 0)) out.permitted = decodeSubtrees(p[i++]!);
  if (isContext(p[i], 1)) out.excluded = decodeSubtrees(p[i++]!);
  if (i !== p.length) bad('malformed nameConstraints');
  // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (out.permitted === undefined && out.excluded === undefined) bad('malformed nameConstraints: empty');
  return out;
}

function decodePolicies(v: Uint8Array): PolicyInformation[] {
  const p = seqOf(decodeDer(v, 'certificatePolicies'), 'certificatePolicies');
  if (p.length === 0) bad('malformed certificatePolicies: empty');
  const seen = new Set<string>();
  return p.map((pi) => {
    const f = seqOf(pi, 'PolicyInformation');
    if (f.length < 1 || f.length > 2) bad('malformed PolicyInformation');
    const oid = decodeOid(f[0], 'policyIdentifier');
    // RFC 5280 §4.2.1.4: "A certificate policy OID MUST NOT appear more than once in a certificate policies extension."
    if (seen.has(oid)) bad(`duplicate policy ${oid}`);
    seen.add(oid);
    const info: PolicyInformation = { oid };
    if (f[1] !== undefined) {
      const qs = seqOf(f[1], 'policyQualifiers');
      if (qs.length === 0) bad('malformed policyQualifiers: empty');
      info.qualifiers = qs.map((q) => {
        const qp = seqOf(q, 'PolicyQualifierInfo');
        if (qp.length < 1) bad('malformed PolicyQualifierInfo');
        decodeOid(qp[0], 'policyQualifierId');
        return q.der.slice();
      });
    }
    return info;
  });
}

function decodePolicyConstraints(v: Uint8Array): { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } {
  const p = seqOf(decodeDer(v, 'policyConstraints'), 'policyConstraints');
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  let i = 0;
  if (isContext(p[i], 0)) {
    if (p[i]!.constructed) bad('malformed requireExplicitPolicy');
    out.requireExplicitPolicy = decodeSmallUint(p[i++]!.content, 'requireExplicitPolicy');
  }
  if (isContext(p[i], 1)) {
    if (p[i]!.constructed) bad('malformed inhibitPolicyMapping');
    out.inhibitPolicyMapping = decodeSmallUint(p[i++]!.content, 'inhibitPolicyMapping');
  }
  if (i !== p.length) bad('malformed policyConstraints');
  // RFC 5280 §4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (i === 0) bad('malformed policyConstraints: empty');
  return out;
}

function decodePolicyMappings(v: Uint8Array): PolicyMapping[] {
  const p = seqOf(decodeDer(v, 'policyMappings'), 'policyMappings');
  if (p.length === 0) bad('malformed policyMappings: empty');
  return p.map((m) => {
    const f = seqOf(m, 'PolicyMapping');
    if (f.length !== 2) bad('malformed PolicyMapping');
    return { issuerDomainPolicy: decodeOid(f[0], 'issuerDomainPolicy'), subjectDomainPolicy: decodeOid(f[1], 'subjectDomainPolicy') };
  });
}

/** Extension OIDs this parser decodes into the model, so a critical one is "handled". */
const CERT_HANDLED = new Set<string>([
  EXT.basicConstraints,
  EXT.keyUsage,
  EXT.extKeyUsage,
  EXT.subjectKeyIdentifier,
  EXT.authorityKeyIdentifier,
  EXT.subjectAltName,
  EXT.nameConstraints,
  EXT.certificatePolicies,
  EXT.policyConstraints,
  EXT.policyMappings,
  EXT.inhibitAnyPolicy,
]);

/** Decodes the known extensions of `exts` onto `target` (a Certificate or a Csr-like holder). */
function applyExtensions(target: Partial<Certificate>, exts: Extension[]): string[] {
  const unhandled: string[] = [];
  for (const e of exts) {
    const what = `extension ${e.oid}`;
    guard(what, () => {
      switch (e.oid) {
        case EXT.basicConstraints:
          target.basicConstraints = decodeBasicConstraints(e.value);
          break;
        case EXT.keyUsage:
          target.keyUsage = decodeKeyUsage(e.value);
          break;
        case EXT.extKeyUsage:
          target.extKeyUsage = decodeOidList(e.value, 'extKeyUsage');
          break;
        case EXT.subjectKeyIdentifier:
          target.subjectKeyId = decodeOctetString(decodeDer(e.value, 'subjectKeyIdentifier'), 'subjectKeyIdentifier').slice();
          break;
        case EXT.authorityKeyIdentifier:
          target.authorityKeyId = decodeAki(e.value, 'authorityKeyIdentifier');
          break;
        case EXT.subjectAltName:
          target.subjectAltNames = decodeGeneralNames(decodeDer(e.value, 'subjectAltName'), 'subjectAltName');
          break;
        case EXT.nameConstraints:
          target.nameConstraints = decodeNameConstraints(e.value);
          break;
        case EXT.certificatePolicies:
          target.policies = decodePolicies(e.value);
          break;
        case EXT.policyConstraints:
          target.policyConstraints = decodePolicyConstraints(e.value);
          break;
        case EXT.policyMappings:
          target.policyMappings = decodePolicyMappings(e.value);
          break;
        case EXT.inhibitAnyPolicy:
          target.inhibitAnyPolicy = decodeSmallUint(expect(decodeDer(e.value, 'inhibitAnyPolicy'), TAG.INTEGER, 'inhibitAnyPolicy').content, 'inhibitAnyPolicy');
          break;
        default:
          if (e.critical) unhandled.push(e.oid);
      }
    });
  }
  return unhandled;
}

// ---------------------------------------------------------------------------------------------
// The SIGNED envelope: SEQUENCE { to-be-signed, signatureAlgorithm, signature BIT STRING }
// (RFC 5280 §4.1.1 and §5.1.1, RFC 2986 §4.2), shared by certificates, CRLs and CSRs.

interface Signed {
  /** A private copy of the whole input. */
  bytes: Uint8Array;
  tbsT: Tlv;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
}

function parseSigned(der: Uint8Array, what: string, outer: string, tbsName: string, sigName: string): Signed {
  if (!(der instanceof Uint8Array)) bad(`${what}: expected bytes`);
  const bytes = der.slice();
  const top = seqOf(decodeDer(bytes, what), outer);
  if (top.length !== 3) bad(`malformed ${outer}: expected 3 fields`);
  const tbsT = expect(top[0], TAG.SEQUENCE, tbsName);
  const signatureAlgorithm = parseAlgorithmIdentifier(top[1], 'signatureAlgorithm');
  const signature = decodeOctetAlignedBits(top[2], sigName).slice();
  return { bytes, tbsT, signatureAlgorithm, signature };
}

// ---------------------------------------------------------------------------------------------
// Certificate (RFC 5280 §4.1)

/** Parses a DER X.509 certificate. Throws WritError PARSE on malformed input. */
export function parseCertificate(der: Uint8Array): Certificate {
  return guard('certificate', () => {
    const { bytes, tbsT, signatureAlgorithm, signature } = parseSigned(der, 'certificate', 'Certificate', 'tbsCertificate', 'signatureValue');

    const f = children(tbsT);
    let i = 0;
    let version = 1;
    if (isContext(f[i], 0)) {
      const vt = f[i++]!;
      if (!vt.constructed) bad('malformed version');
      const inner = children(vt);
      if (inner.length !== 1) bad('malformed version');
      const v = intContent(expect(inner[0], TAG.INTEGER, 'version').content, 'version');
      if (v < 0n || v > 2n) bad(`unknown certificate version ${v + 1n}`);
      // DER: DEFAULT v1 must be omitted (X.690 §11.5).
      if (v === 0n) bad('malformed version: explicit v1');
      version = Number(v) + 1;
    }
    const serialRaw = checkInteger(f[i++], 'serialNumber').slice();
    const tbsSignatureAlgorithm = parseAlgorithmIdentifier(f[i++], 'signature');
    const issuer = nameFromTlv(expect(f[i++], TAG.SEQUENCE, 'issuer'));
    const validity = seqOf(f[i++], 'validity');
    if (validity.length !== 2) bad('malformed validity');
    const notBefore = decodeTime(validity[0], 'notBefore');
    const notAfter = decodeTime(validity[1], 'notAfter');
    const subject = nameFromTlv(expect(f[i++], TAG.SEQUENCE, 'subject'));
    const spkiT = expect(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
    const spki = parseSpki(spkiT.der.slice());
    // issuerUniqueID [1] and subjectUniqueID [2]: v2/v3 only (RFC 5280 §4.1.2.8); kept out of the model.
    for (const n of [1, 2]) {
      if (isContext(f[i], n)) {
        if (version < 2) bad('unique identifiers in a v1 certificate');
        decodeBitString({ ...f[i]!, cls: 0, tag: TAG.BIT_STRING }, 'uniqueIdentifier');
        i++;
      }
    }
    let extensions: Extension[] = [];
    if (isContext(f[i], 3)) {
      const et = f[i++]!;
      if (version !== 3) bad('extensions in a certificate that is not v3');
      if (!et.constructed) bad('malformed extensions');
      const inner = children(et);
      if (inner.length !== 1) bad('malformed extensions');
      extensions = parseExtensions(inner[0]!, 'extensions');
    }
    if (i !== f.length) bad('malformed tbsCertificate: unexpected fields');

    const cert: Certificate = {
      der: bytes,
      tbs: tbsT.der,
      version,
      serialHex: serialHexOf(serialRaw),
      serialRaw,
      signatureAlgorithm,
      tbsSignatureAlgorithm,
      signature,
      issuer,
      subject,
      notBefore,
      notAfter,
      spki,
      extensions,
      unhandledCritical: [],
    };
    cert.unhandledCritical = applyExtensions(cert, extensions);
    return cert;
  });
}

// ---------------------------------------------------------------------------------------------
// CRL (RFC 5280 §5.1)

export const CRL_REASON_CODES: Record<CrlReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

/** reasonCode -> CrlReason, the inverse of CRL_REASON_CODES; 7 is not used (RFC 5280 §5.3.1), so its slot is undefined. */
const REASONS: (CrlReason | undefined)[] = Array.from({ length: Math.max(...Object.values(CRL_REASON_CODES)) + 1 }, (_, code) =>
  CRL_REASONS.find((r) => CRL_REASON_CODES[r] === code),
);

const CRL_HANDLED = new Set<string>([EXT.cRLNumber, EXT.authorityKeyIdentifier]);

/** Parses a DER X.509 CRL (v1 or v2). Throws WritError PARSE on malformed input. */
export function parseCrl(der: Uint8Array): Crl {
  return guard('CRL', () => {
    const { bytes, tbsT, signatureAlgorithm, signature } = parseSigned(der, 'CRL', 'CertificateList', 'tbsCertList', 'signatureValue');
    const f = children(tbsT);
    let i = 0;
    let version = 1;
    if (isUniversal(f[i], TAG.INTEGER)) {
      const v = intContent(f[i++]!.content, 'version');
      // RFC 5280 §5.1.2.1: if present, version MUST be v2 (1).
      if (v !== 1n) bad(`unknown CRL version ${v + 1n}`);
      version = 2;
    }
    const tbsSignatureAlgorithm = parseAlgorithmIdentifier(f[i++], 'signature');
    const issuer = nameFromTlv(expect(f[i++], TAG.SEQUENCE, 'issuer'));
    const thisUpdate = decodeTime(f[i++], 'thisUpdate');
    let nextUpdate: Date | undefined;
    if (isUniversal(f[i], TAG.UTC_TIME) || isUniversal(f[i], TAG.GENERALIZED_TIME)) nextUpdate = decodeTime(f[i++], 'nextUpdate');
    const unhandled: string[] = [];
    const revoked: RevokedEntry[] = [];
    if (isUniversal(f[i], TAG.SEQUENCE)) {
      const entries = children(f[i++]!);
      // RFC 5280 §5.1.2.6: when there are no revoked certificates the list MUST be absent.
      if (entries.length === 0) bad('malformed revokedCertificates: empty');
      checkLimit(entries.length, 'MAX_CRL_ENTRIES', MAX_CRL_ENTRIES, 'CRL: revoked-certificate entries');
      for (const en of entries) {
        const p = seqOf(en, 'revoked certificate');
        if (p.length < 2 || p.length > 3) bad('malformed revoked certificate entry');
        const raw = checkInteger(p[0], 'userCertificate');
        const entry: RevokedEntry = { serialHex: serialHexOf(raw), revocationDate: decodeTime(p[1], 'revocationDate') };
        if (p[2] !== undefined) {
          if (version !== 2) bad('entry extensions in a v1 CRL');
          for (const e of parseExtensions(p[2], 'crlEntryExtensions')) {
            if (e.oid === EXT.reasonCode) {
              const rt = decodeDer(e.value, 'reasonCode');
              if (!isUniversal(rt, TAG.ENUMERATED) || rt.constructed) bad('malformed reasonCode');
              const code = intContent(rt.content, 'reasonCode');
              const r = code >= 0n && code < BigInt(REASONS.length) ? REASONS[Number(code)] : undefined;
              if (r === undefined) bad(`unknown CRL reason code ${code}`);
              entry.reason = r;
            } else if (e.oid === EXT.invalidityDate) {
              decodeTime(decodeDer(e.value, 'invalidityDate'), 'invalidityDate');
            } else if (e.critical && !unhandled.includes(e.oid)) {
              // e.g. certificateIssuer (indirect CRLs), which we do not support.
              unhandled.push(e.oid);
            }
          }
        }
        revoked.push(entry);
      }
    }
    let extensions: Extension[] = [];
    let crlNumber: bigint | undefined;
    let authorityKeyId: { keyId?: Uint8Array } | undefined;
    if (isContext(f[i], 0)) {
      const et = f[i++]!;
      if (version !== 2) bad('extensions in a v1 CRL');
      if (!et.constructed) bad('malformed crlExtensions');
      const inner = children(et);
      if (inner.length !== 1) bad('malformed crlExtensions');
      extensions = parseExtensions(inner[0]!, 'crlExtensions');
      for (const e of extensions) {
        if (e.oid === EXT.cRLNumber) {
          const n = intContent(expect(decodeDer(e.value, 'cRLNumber'), TAG.INTEGER, 'cRLNumber').content, 'cRLNumber');
          // RFC 5280 §5.2.3: a non-negative integer of at most 20 octets.
          if (n < 0n) bad('negative cRLNumber');
          crlNumber = n;
        } else if (e.oid === EXT.authorityKeyIdentifier) {
          const aki = decodeAki(e.value, 'authorityKeyIdentifier');
          authorityKeyId = aki.keyId === undefined ? {} : { keyId: aki.keyId };
        } else if (e.critical && !CRL_HANDLED.has(e.oid) && !unhandled.includes(e.oid)) {
          unhandled.push(e.oid);
        }
      }
    }
    if (i !== f.length) bad('malformed tbsCertList: unexpected fields');
    const crl: Crl = {
      der: bytes,
      tbs: tbsT.der,
      signatureAlgorithm,
      tbsSignatureAlgorithm,
      signature,
      issuer,
      thisUpdate,
      revoked,
      extensions,
      unhandledCritical: unhandled,
    };
    if (nextUpdate !== undefined) crl.nextUpdate = nextUpdate;
    if (crlNumber !== undefined) crl.crlNumber = crlNumber;
    if (authorityKeyId !== undefined) crl.authorityKeyId = authorityKeyId;
    return crl;
  });
}

// ---------------------------------------------------------------------------------------------
// PKCS#10 (RFC 2986 §4)

/** Parses a DER PKCS#10 CertificationRequest. Throws WritError PARSE on malformed input. */
export function parseCsr(der: Uint8Array): Csr {
  return guard('CSR', () => {
    const { bytes, tbsT: infoT, signatureAlgorithm, signature } = parseSigned(der, 'CSR', 'CertificationRequest', 'certificationRequestInfo', 'signature');
    const f = children(infoT);
    if (f.length !== 4) bad('malformed certificationRequestInfo: expected 4 fields');
    const v = intContent(expect(f[0], TAG.INTEGER, 'version').content, 'version');
    if (v !== 0n) bad(`unknown CSR version ${v}`);
    const subject = nameFromTlv(expect(f[1], TAG.SEQUENCE, 'subject'));
    const spki = parseSpki(expect(f[2], TAG.SEQUENCE, 'subjectPKInfo').der.slice());
    const attrsT = f[3]!;
    if (!(attrsT.cls === CLASS_CONTEXT && attrsT.tag === 0 && attrsT.constructed)) bad('malformed attributes');
    const attributes: { oid: string; values: Uint8Array[] }[] = [];
    let requestedExtensions: Extension[] = [];
    const seen = new Set<string>();
    for (const a of children(attrsT)) {
      const p = seqOf(a, 'Attribute');
      if (p.length !== 2) bad('malformed Attribute');
      const oid = decodeOid(p[0], 'attribute type');
      if (seen.has(oid)) bad(`duplicate CSR attribute ${oid}`);
      seen.add(oid);
      const vals = children(expect(p[1], TAG.SET, 'attribute values'));
      if (vals.length === 0) bad('malformed Attribute: no values');
      attributes.push({ oid, values: vals.map((x) => x.der.slice()) });
      if (oid === PKCS9.extensionRequest) {
        // RFC 2985 §5.4.2: extensionRequest is SINGLE VALUE.
        if (vals.length !== 1) bad('malformed extensionRequest: expected one value');
        requestedExtensions = parseExtensions(vals[0]!, 'extensionRequest');
      }
    }
    const csr: Csr = { der: bytes, info: infoT.der, subject, spki, signatureAlgorithm, signature, requestedExtensions, attributes };
    if (requestedExtensions.length > 0) {
      const holder: Partial<Certificate> = {};
      applyExtensions(holder, requestedExtensions);
      if (holder.subjectAltNames !== undefined) csr.subjectAltNames = holder.subjectAltNames;
    }
    return csr;
  });
}

// ---------------------------------------------------------------------------------------------
// Files: one DER object, or any number of PEM blocks (RFC 7468 labels)

/** PEM labels accepted for each kind (RFC 7468 §5, §6, §7; "NEW CERTIFICATE REQUEST" is a legacy alias). */
export const PEM_LABELS = {
  certificate: ['CERTIFICATE', 'X509 CERTIFICATE'],
  crl: ['X509 CRL'],
  csr: ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'],
} as const;

function decodeFile<T>(bytes: Uint8Array, kind: keyof typeof PEM_LABELS, parse: (der: Uint8Array) => T): T[] {
  if (!(bytes instanceof Uint8Array)) bad(`${kind} file: expected bytes`);
  if (!looksLikePem(bytes)) return [parse(bytes)];
  const blocks = pemDecodeAll(new TextDecoder('utf-8').decode(bytes));
  const labels: readonly string[] = PEM_LABELS[kind];
  const mine = blocks.filter((b) => labels.includes(b.label));
  if (mine.length === 0) bad(`no PEM ${labels[0]} block found`);
  return mine.map((b) => parse(b.der));
}

/** Every certificate in a file: one DER certificate, or any number of PEM CERTIFICATE blocks (other blocks ignored). */
export function parseCertificates(bytes: Uint8Array): Certificate[] {
  return decodeFile(bytes, 'certificate', parseCertificate);
}

/** Every CRL in a file (DER, or PEM "X509 CRL" blocks). */
export function parseCrls(bytes: Uint8Array): Crl[] {
  return decodeFile(bytes, 'crl', parseCrl);
}

/** The one CSR in a file (DER, or exactly one PEM "CERTIFICATE REQUEST" block). */
export function parseCsrFile(bytes: Uint8Array): Csr {
  const all = decodeFile(bytes, 'csr', parseCsr);
  if (all.length !== 1) bad(`expected one certificate request, found ${all.length}`);
  return all[0]!;
}
