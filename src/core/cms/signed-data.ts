// CMS SignedData (RFC 5652 §5) with ML-DSA per RFC 9882; reads classical signers (RFC 5754, RFC 8419) and BER input too.
//
// Writing: SignerInfo v3 with a subjectKeyIdentifier SID (RFC 5652 §5.3), digest SHA-512 with absent
// parameters and signatureAlgorithm id-ml-dsa-* with absent parameters (RFC 9882 §3.2, §3.3), signed
// attributes always present (content-type, message-digest, optional signing-time, plus RFC 6211
// CMSAlgorithmProtection so the algorithm pair cannot be swapped). The key id is the one
// src/core/x509/issue.ts subjectKeyId computes (RFC 7093 method 1), so key-only signers (custodian
// approval keys) are found from their raw public key.
//
// Reading: each SignerInfo is checked on its own; its result is reported in `ok`/`error` instead of
// throwing, because the caller decides how many signers must be good. Only malformed structure throws
// (WritError PARSE). Certificate path validation is NOT done here (src/core/verify does it).
import { WritError } from '../errors.js';
import {
  CLASS_CONTEXT,
  TAG,
  children,
  ctxConstructed,
  ctxExplicit,
  ctxPrimitive,
  decodeDer,
  decodeInteger,
  decodeOctetString,
  decodeOid,
  decodeTime,
  expect,
  integer,
  isContext,
  isUniversal,
  octetString,
  oid,
  seq,
  seqOf,
  setOf,
  time,
} from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { encodeSpki, parseSpki } from '../asn1/spki.js';
import { nameFromTlv } from '../asn1/name.js';
import { bytesEqual, concat } from '../crypto/bytes.js';
import { digest } from '../crypto/kdf.js';
import { signatureAlgorithm, verifySignature, type MlDsaKeys } from '../crypto/signature.js';
import { CLASSICAL_OIDS, algFromOid, OID_NAMES } from '../crypto/algs.js';
import type { Signer } from '../crypto/types.js';
import { parseCertificate, serialHexOf } from '../x509/parse.js';
import { subjectKeyId } from '../x509/issue.js';
import type { AlgorithmId, Certificate, Name, PublicKeyInfo } from '../x509/types.js';
import {
  CMS_OID,
  DIGEST_OIDS,
  SHA512_OID,
  decodeContentInfo,
  encodeAttribute,
  encodeContentInfo,
  parseAttributes,
  singleValue,
} from './common.js';
import type { CmsAttribute } from './common.js';
import { MAX_CMS_SIGNERS, checkLimit } from '../limits.js';

export type { CmsAttribute } from './common.js';

/** One signer: its key, and optionally its certificate (the SID is the certificate's SKI when present). */
export interface CmsSignerInput {
  signer: Signer;
  cert?: Certificate;
}

/** What verifyCms found out about one SignerInfo. */
export interface CmsSignerInfo {
  keyId?: Uint8Array;
  issuerSerial?: { issuer: Name; serialHex: string };
  /** The certificate the SID matched (from the SignedData or extraCerts). */
  cert?: Certificate;
  /** The public key the signature was checked under (the cert's, or one of `publicKeys`). */
  publicKey?: PublicKeyInfo;
  /** Digest algorithm OID. */
  digestAlgorithm: string;
  signatureAlgorithm: AlgorithmId;
  signedAttributes: CmsAttribute[];
  signingTime?: Date;
  ok: boolean;
  error?: string;
}

export interface VerifiedCms {
  contentType: string;
  /** The encapsulated content, or the detached content that was supplied (empty when neither). */
  content: Uint8Array;
  certificates: Certificate[];
  signers: CmsSignerInfo[];
}

const RESERVED_ATTRS = new Set<string>([CMS_OID.contentType, CMS_OID.messageDigest, CMS_OID.signingTime, CMS_OID.cmsAlgorithmProtection]);

// ------------------------------------------------------------------------------------------ signing

/** What signCms needs besides the content. */
export interface CmsSignOptions {
  contentType?: string;
  signers: CmsSignerInput[];
  certificates?: Uint8Array[];
  signedAttributes?: CmsAttribute[];
  signingTime?: Date;
}

/**
 * The SignedData fields that do not depend on the content bytes themselves, only on their SHA-512
 * `md`: digestAlgorithms, the certificates [0] field (empty when there are none) and signerInfos.
 * A streaming writer (cms/stream.ts) writes the content first and these after it (RFC 5652 §5.1
 * puts certificates and signerInfos after encapContentInfo), so it can sign once the content has
 * been hashed.
 */
export function signedDataParts(md: Uint8Array, o: CmsSignOptions): { digestAlgorithms: Uint8Array; certificates: Uint8Array; signerInfos: Uint8Array } {
  if (!(md instanceof Uint8Array) || md.length !== 64) throw new TypeError('md must be a 64-byte SHA-512 digest');
  if (!Array.isArray(o.signers) || o.signers.length === 0) throw new RangeError('signers: at least one signer is required');
  const contentType = o.contentType ?? CMS_OID.data;
  const extra = o.signedAttributes ?? [];
  for (const a of extra) {
    if (RESERVED_ATTRS.has(a.oid)) throw new RangeError(`signedAttributes: ${a.oid} is written by signCms itself`);
  }
  if (new Set(extra.map((a) => a.oid)).size !== extra.length) throw new RangeError('signedAttributes: an attribute type appears twice');

  const digestAlg = algorithmIdentifier(SHA512_OID); // RFC 9882 §3.2: parameters absent
  const signerInfos: Uint8Array[] = [];
  const certs: Uint8Array[] = [];
  for (const s of o.signers) {
    const { signer, cert } = s;
    const spki = parseSpki(encodeSpki(signer.alg, signer.publicKey));
    let keyId: Uint8Array;
    if (cert !== undefined) {
      if (!bytesEqual(cert.spki.publicKey, signer.publicKey) || cert.spki.algorithm.oid !== spki.algorithm.oid) {
        throw new WritError('KEY_MISMATCH', `signer key does not match the certificate "${cert.subject.text}"`);
      }
      keyId = cert.subjectKeyId ?? subjectKeyId(cert.spki);
      certs.push(cert.der);
    } else {
      keyId = subjectKeyId(spki);
    }
    const sigAlg = signatureAlgorithm(signer.alg);
    const attrs: Uint8Array[] = [
      encodeAttribute({ oid: CMS_OID.contentType, values: [oid(contentType)] }),
      encodeAttribute({ oid: CMS_OID.messageDigest, values: [octetString(md)] }),
      // RFC 6211 §2: CMSAlgorithmProtection { digestAlgorithm, signatureAlgorithm [1] IMPLICIT }.
      encodeAttribute({
        oid: CMS_OID.cmsAlgorithmProtection,
        values: [seq(digestAlg, ctxConstructed(1, oid(sigAlg.oid)))],
      }),
    ];
    if (o.signingTime !== undefined) attrs.push(encodeAttribute({ oid: CMS_OID.signingTime, values: [time(o.signingTime)] }));
    for (const a of extra) attrs.push(encodeAttribute(a));
    const signedSet = setOf(...attrs); // RFC 5652 §5.4: the signature covers the DER SET OF
    const signature = signer.sign(signedSet);
    const signedImplicit = concat(Uint8Array.of(0xa0), signedSet.subarray(1)); // [0] IMPLICIT
    signerInfos.push(
      seq(
        integer(3),
        ctxPrimitive(0, keyId), // subjectKeyIdentifier [0] IMPLICIT OCTET STRING
        digestAlg,
        signedImplicit,
        algorithmIdentifier(sigAlg.oid),
        octetString(signature),
      ),
    );
  }
  for (const c of o.certificates ?? []) {
    if (!(c instanceof Uint8Array)) throw new TypeError('certificates must be DER Uint8Arrays');
    parseCertificate(c); // refuse to embed something that is not a certificate
    certs.push(c);
  }
  const uniqueCerts: Uint8Array[] = [];
  for (const c of certs) if (!uniqueCerts.some((u) => bytesEqual(u, c))) uniqueCerts.push(c);
  // certificates [0] IMPLICIT CertificateSet: DER orders the SET OF elements.
  const certificates = uniqueCerts.length > 0 ? concat(Uint8Array.of(0xa0), setOf(...uniqueCerts).subarray(1)) : new Uint8Array(0);
  return { digestAlgorithms: setOf(digestAlg), certificates, signerInfos: setOf(...signerInfos) };
}

/**
 * Signs `content` and returns a DER ContentInfo holding a SignedData. `detached` leaves eContent out
 * (RFC 5652 §5.2); `certificates` (DER) are included next to each signer's own certificate.
 */
export function signCms(o: CmsSignOptions & { content: Uint8Array; detached?: boolean }): Uint8Array {
  if (!(o.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(o.signers) || o.signers.length === 0) throw new RangeError('signers: at least one signer is required');
  const contentType = o.contentType ?? CMS_OID.data;
  const parts = signedDataParts(digest('sha512', o.content), o);
  const encap = o.detached === true ? seq(oid(contentType)) : seq(oid(contentType), ctxExplicit(0, octetString(o.content)));
  // RFC 5652 §5.1: version 3 because the SignerInfos are v3 (subjectKeyIdentifier).
  const fields: Uint8Array[] = [integer(3), parts.digestAlgorithms, encap];
  if (parts.certificates.length > 0) fields.push(parts.certificates);
  fields.push(parts.signerInfos);
  return encodeContentInfo(CMS_OID.signedData, seq(...fields));
}

// ---------------------------------------------------------------------------------------- verifying

interface ParsedSignerInfo {
  keyId?: Uint8Array;
  issuerSerial?: { issuer: Name; serialHex: string };
  digestAlgorithm: AlgorithmId;
  signedAttrsDer?: Uint8Array;
  signedAttributes: CmsAttribute[];
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
}

function bad(why: string): never {
  throw new WritError('PARSE', `malformed SignedData: ${why}`);
}

function parseSignerInfo(t: Tlv, i: number): ParsedSignerInfo {
  const what = `SignerInfo ${i}`;
  const f = seqOf(t, what);
  let k = 0;
  const version = decodeInteger(f[k++], `${what}.version`);
  const sidT = f[k++];
  let keyId: Uint8Array | undefined;
  let issuerSerial: { issuer: Name; serialHex: string } | undefined;
  if (isContext(sidT, 0) && !sidT.constructed) {
    keyId = sidT.content.slice();
    if (version !== 3n) bad(`${what}: a subjectKeyIdentifier SID requires version 3`);
  } else if (isUniversal(sidT, TAG.SEQUENCE)) {
    const ias = seqOf(sidT, `${what}.sid`);
    if (ias.length !== 2) bad(`${what}: IssuerAndSerialNumber must have 2 fields`);
    const serial = expect(ias[1], TAG.INTEGER, `${what}.serialNumber`).content;
    issuerSerial = { issuer: nameFromTlv(ias[0]!), serialHex: serialHexOf(serial) };
    if (version !== 1n) bad(`${what}: an issuerAndSerialNumber SID requires version 1`);
  } else {
    bad(`${what}: unknown SignerIdentifier`);
  }
  const digestAlgorithm = parseAlgorithmIdentifier(f[k++], `${what}.digestAlgorithm`);
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttributes: CmsAttribute[] = [];
  if (isContext(f[k], 0)) {
    const sa = f[k++]!;
    if (!sa.constructed) bad(`${what}: signedAttrs must be constructed`);
    const items = children(sa);
    if (items.length === 0) bad(`${what}: signedAttrs is empty`);
    signedAttributes = parseAttributes(items, `${what}.signedAttrs`);
    // RFC 5652 §5.4: the signature is over the SET OF with the EXPLICIT SET tag, not the [0] IMPLICIT one.
    signedAttrsDer = concat(Uint8Array.of(0x31), sa.der.subarray(1));
  }
  const signatureAlgorithm = parseAlgorithmIdentifier(f[k++], `${what}.signatureAlgorithm`);
  const signature = decodeOctetString(f[k++], `${what}.signature`).slice();
  if (isContext(f[k], 1)) {
    if (!f[k]!.constructed) bad(`${what}: unsignedAttrs must be constructed`);
    k++;
  }
  if (k !== f.length) bad(`${what}: unexpected fields`);
  return { keyId, issuerSerial, digestAlgorithm, signedAttrsDer, signedAttributes, signatureAlgorithm, signature };
}

function keyIdMatches(keyId: Uint8Array, spki: PublicKeyInfo, cert?: Certificate): boolean {
  if (cert?.subjectKeyId !== undefined && bytesEqual(cert.subjectKeyId, keyId)) return true;
  return bytesEqual(subjectKeyId(spki), keyId);
}

function findSigner(
  p: ParsedSignerInfo,
  certs: Certificate[],
  publicKeys: PublicKeyInfo[],
): { cert?: Certificate; publicKey?: PublicKeyInfo } {
  if (p.keyId !== undefined) {
    const keyId = p.keyId;
    const cert = certs.find((c) => keyIdMatches(keyId, c.spki, c));
    if (cert !== undefined) return { cert, publicKey: cert.spki };
    const pk = publicKeys.find((k) => keyIdMatches(keyId, k));
    if (pk !== undefined) return { publicKey: pk };
    return {};
  }
  const is = p.issuerSerial!;
  const cert = certs.find((c) => bytesEqual(c.issuer.der, is.issuer.der) && c.serialHex === is.serialHex);
  return cert === undefined ? {} : { cert, publicKey: cert.spki };
}

const RSA_WITH: Record<'sha256' | 'sha384' | 'sha512', string> = {
  sha256: CLASSICAL_OIDS.sha256WithRsa,
  sha384: CLASSICAL_OIDS.sha384WithRsa,
  sha512: CLASSICAL_OIDS.sha512WithRsa,
};

function isNullParams(p: Uint8Array | undefined): boolean {
  return p !== undefined && p.length === 2 && p[0] === 0x05 && p[1] === 0x00;
}

/** Checks one signer; returns an error text, or undefined when the signature is good. */
function checkSigner(
  p: ParsedSignerInfo,
  key: PublicKeyInfo | undefined,
  eContentType: string,
  content: Uint8Array | undefined,
  knownSha512?: Uint8Array,
  keys?: MlDsaKeys,
): string | undefined {
  if (key === undefined) return 'no certificate or public key matches the signer identifier';
  if (content === undefined && knownSha512 === undefined) return 'the content is detached and was not supplied';
  const hash = DIGEST_OIDS[p.digestAlgorithm.oid];
  if (hash === undefined) return `unsupported digest algorithm ${p.digestAlgorithm.oid}`;
  if (content === undefined && hash !== 'sha512') return 'the streamed content was hashed with SHA-512 only';
  // RFC 5754 §2: parameters absent (NULL is tolerated on reading, as RFC 5754 asks of implementations).
  if (p.digestAlgorithm.params !== undefined && !isNullParams(p.digestAlgorithm.params)) return 'digest algorithm parameters must be absent';
  const pq = algFromOid(p.signatureAlgorithm.oid);
  const md = content === undefined ? knownSha512! : digest(hash, content);
  let signedBytes: Uint8Array;
  if (p.signedAttrsDer !== undefined) {
    // RFC 5652 §5.3: content-type and message-digest MUST be present when signed attributes are.
    let ct: Uint8Array | undefined;
    let mdv: Uint8Array | undefined;
    let cap: Uint8Array | undefined;
    try {
      ct = singleValue(p.signedAttributes, CMS_OID.contentType, 'signedAttrs');
      mdv = singleValue(p.signedAttributes, CMS_OID.messageDigest, 'signedAttrs');
      cap = singleValue(p.signedAttributes, CMS_OID.cmsAlgorithmProtection, 'signedAttrs');
    } catch (e) {
      return (e as Error).message;
    }
    if (ct === undefined) return 'content-type signed attribute is missing';
    if (mdv === undefined) return 'message-digest signed attribute is missing';
    let ctOid: string;
    let mdBytes: Uint8Array;
    try {
      ctOid = decodeOid(decodeDer(ct, 'content-type'), 'content-type');
      mdBytes = decodeOctetString(decodeDer(mdv, 'message-digest'), 'message-digest');
    } catch {
      return 'content-type or message-digest attribute is malformed';
    }
    if (ctOid !== eContentType) return `content-type attribute ${ctOid} does not match eContentType ${eContentType}`;
    if (!bytesEqual(mdBytes, md)) return 'message-digest attribute does not match the content';
    if (cap !== undefined) {
      const why = checkAlgorithmProtection(cap, p);
      if (why !== undefined) return why;
    }
    signedBytes = p.signedAttrsDer;
  } else {
    // RFC 5652 §5.4: without signed attributes the signature covers the content itself. RFC 9882 §3.3
    // allows this for pure ML-DSA; writ never writes it.
    if (content === undefined) return 'a streamed content needs signed attributes';
    signedBytes = content;
  }
  if (pq !== undefined && p.signatureAlgorithm.params !== undefined) return `${pq} signatureAlgorithm parameters must be absent (RFC 9882 §3.3)`;
  let sigAlg = p.signatureAlgorithm;
  if (sigAlg.oid === CLASSICAL_OIDS.rsaEncryption) {
    // RFC 3370 §3.2: CMS lets an RSA PKCS#1 v1.5 signer name rsaEncryption (OpenSSL does); the hash is
    // then the SignerInfo's digestAlgorithm.
    if (sigAlg.params !== undefined && !isNullParams(sigAlg.params)) return 'rsaEncryption parameters must be NULL';
    sigAlg = { oid: RSA_WITH[hash], params: Uint8Array.of(0x05, 0x00) };
  }
  try {
    if (!verifySignature(sigAlg, key, signedBytes, p.signature, keys)) return 'signature does not verify';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

/** RFC 6211 §2: CMSAlgorithmProtection must name the same digest and signature algorithms as the SignerInfo. */
function checkAlgorithmProtection(value: Uint8Array, p: ParsedSignerInfo): string | undefined {
  try {
    const f = seqOf(decodeDer(value, 'CMSAlgorithmProtection'), 'CMSAlgorithmProtection');
    const dig = parseAlgorithmIdentifier(f[0], 'CMSAlgorithmProtection.digestAlgorithm');
    const sigT = f[1];
    if (f.length !== 2 || sigT === undefined || sigT.cls !== CLASS_CONTEXT || sigT.tag !== 1 || !sigT.constructed) {
      return 'CMSAlgorithmProtection must carry signatureAlgorithm [1]';
    }
    // [1] IMPLICIT AlgorithmIdentifier: re-tag as SEQUENCE to parse.
    const sig = parseAlgorithmIdentifier(decodeDer(concat(Uint8Array.of(0x30), sigT.der.subarray(1)), 'sig'), 'CMSAlgorithmProtection.signatureAlgorithm');
    if (dig.oid !== p.digestAlgorithm.oid || sig.oid !== p.signatureAlgorithm.oid) return 'CMSAlgorithmProtection does not match the SignerInfo algorithms';
    return undefined;
  } catch {
    return 'CMSAlgorithmProtection attribute is malformed';
  }
}

/**
 * Parses a SignedData ContentInfo (DER or BER) and checks every SignerInfo cryptographically against
 * the encapsulated content or `detachedContent`. Signers are looked up among the embedded
 * certificates, `extraCerts` and `publicKeys`. Throws WritError PARSE on malformed structure; each
 * signer's outcome is in `signers[i].ok` / `.error`.
 */
export function verifyCms(
  der: Uint8Array,
  o: {
    detachedContent?: Uint8Array;
    /**
     * The SHA-512 of detached content that was hashed while it streamed past (cms/stream.ts), in place
     * of the content itself. Only for a SignedData without eContent; signers with another digest fail.
     */
    detachedSha512?: Uint8Array;
    extraCerts?: Certificate[];
    publicKeys?: PublicKeyInfo[];
    /** Prepared ML-DSA signer keys, for callers checking many SignedData under few keys (MlDsaKeys). */
    mlDsaKeys?: MlDsaKeys;
  } = {},
): VerifiedCms {
  const ci = decodeContentInfo(der, 'CMS SignedData');
  if (ci.contentType !== CMS_OID.signedData) {
    throw new WritError('PARSE', `not a SignedData: content type ${OID_NAMES[ci.contentType] ?? ci.contentType}`);
  }
  const f = seqOf(ci.content, 'SignedData');
  let k = 0;
  const version = decodeInteger(f[k++], 'SignedData.version');
  const digestSet = expect(f[k++], TAG.SET, 'SignedData.digestAlgorithms');
  const digestOids = new Set(children(digestSet).map((d) => parseAlgorithmIdentifier(d, 'SignedData.digestAlgorithms').oid));
  const encap = seqOf(f[k++], 'EncapsulatedContentInfo');
  if (encap.length < 1 || encap.length > 2) bad('EncapsulatedContentInfo must have 1 or 2 fields');
  const eContentType = decodeOid(encap[0], 'eContentType');
  let eContent: Uint8Array | undefined;
  if (encap[1] !== undefined) {
    const w = encap[1];
    if (!isContext(w, 0) || !w.constructed) bad('eContent must be [0] EXPLICIT');
    const inner = children(w);
    if (inner.length !== 1) bad('eContent [0] must hold one OCTET STRING');
    eContent = decodeOctetString(inner[0], 'eContent').slice();
  }

  const certificates: Certificate[] = [];
  let otherCerts = false;
  let v2AttrCerts = false;
  let v1AttrCerts = false;
  let otherCrls = false;
  if (isContext(f[k], 0)) {
    const cs = f[k++]!;
    if (!cs.constructed) bad('certificates must be constructed');
    for (const c of children(cs)) {
      // CertificateChoices (RFC 5652 §10.2.2): only the plain Certificate choice is used; the tagged
      // alternatives (extended, v1/v2 attribute certificates, other) carry nothing a signer lookup needs.
      if (isUniversal(c, TAG.SEQUENCE)) certificates.push(parseCertificate(c.der.slice()));
      else if (isContext(c, 1)) v1AttrCerts = true;
      else if (isContext(c, 2)) v2AttrCerts = true;
      else if (isContext(c, 3)) otherCerts = true;
      else if (!isContext(c, 0)) bad('unknown CertificateChoices alternative');
    }
  }
  if (isContext(f[k], 1)) {
    const cr = f[k++]!;
    if (!cr.constructed) bad('crls must be constructed');
    // RevocationInfoChoices: revocation is the path validator's business (it takes CRLs from the trust store).
    for (const c of children(cr)) if (isContext(c, 1)) otherCrls = true;
  }
  const siSet = expect(f[k++], TAG.SET, 'SignedData.signerInfos');
  if (k !== f.length) bad('unexpected fields after signerInfos');
  const siItems = children(siSet);
  checkLimit(siItems.length, 'MAX_CMS_SIGNERS', MAX_CMS_SIGNERS, 'SignedData: signerInfos');
  const parsed = siItems.map(parseSignerInfo);

  // RFC 5652 §5.1: the version is fully determined by the contents. Checking it exactly leaves no
  // unsigned field that can be changed without the change being noticed.
  const expected =
    otherCerts || otherCrls ? 5n
    : v2AttrCerts ? 4n
    : v1AttrCerts || parsed.some((p) => p.keyId !== undefined) || eContentType !== CMS_OID.data ? 3n
    : 1n;
  if (version !== expected) bad(`version is ${version}, RFC 5652 §5.1 requires ${expected} for this content`);

  let content: Uint8Array | undefined = eContent;
  let contentConflict = false;
  if (o.detachedContent !== undefined) {
    if (!(o.detachedContent instanceof Uint8Array)) throw new TypeError('detachedContent must be a Uint8Array');
    if (eContent !== undefined && !bytesEqual(eContent, o.detachedContent)) contentConflict = true;
    content = eContent ?? o.detachedContent;
  }
  let knownDigest: Uint8Array | undefined;
  if (o.detachedSha512 !== undefined) {
    if (!(o.detachedSha512 instanceof Uint8Array) || o.detachedSha512.length !== 64) throw new TypeError('detachedSha512 must be 64 bytes');
    if (eContent !== undefined || o.detachedContent !== undefined) throw new TypeError('detachedSha512 is for detached content only');
    knownDigest = o.detachedSha512;
  }

  const lookupCerts = [...certificates, ...(o.extraCerts ?? [])];
  const publicKeys = o.publicKeys ?? [];
  const signers: CmsSignerInfo[] = parsed.map((p) => {
    const { cert, publicKey } = findSigner(p, lookupCerts, publicKeys);
    let signingTime: Date | undefined;
    let error: string | undefined;
    try {
      const st = singleValue(p.signedAttributes, CMS_OID.signingTime, 'signedAttrs');
      if (st !== undefined) signingTime = decodeTime(decodeDer(st, 'signing-time'), 'signing-time');
    } catch (e) {
      error = `signing-time attribute: ${(e as Error).message}`;
    }
    if (error === undefined && !digestOids.has(p.digestAlgorithm.oid)) error = 'digest algorithm is not listed in SignedData.digestAlgorithms';
    if (error === undefined) {
      error = contentConflict ? 'the supplied detached content differs from the encapsulated content' : checkSigner(p, publicKey, eContentType, content, knownDigest, o.mlDsaKeys);
    }
    const info: CmsSignerInfo = {
      digestAlgorithm: p.digestAlgorithm.oid,
      signatureAlgorithm: p.signatureAlgorithm,
      signedAttributes: p.signedAttributes,
      ok: error === undefined,
    };
    if (p.keyId !== undefined) info.keyId = p.keyId;
    if (p.issuerSerial !== undefined) info.issuerSerial = p.issuerSerial;
    if (cert !== undefined) info.cert = cert;
    if (publicKey !== undefined) info.publicKey = publicKey;
    if (signingTime !== undefined) info.signingTime = signingTime;
    if (error !== undefined) info.error = error;
    return info;
  });
  return { contentType: eContentType, content: content ?? new Uint8Array(0), certificates, signers };
}

/** The SignerInfo key identifier writ writes for a raw public key of `signer` (RFC 7093 method 1, as subjectKeyId). */
export function cmsKeyId(spki: PublicKeyInfo): Uint8Array {
  return subjectKeyId(spki);
}
