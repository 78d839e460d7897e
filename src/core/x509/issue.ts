// Issuance of writ's certificate profiles, PKCS#10 requests and CRLs (RFC 5280 §4/§5, RFC 2986, ML-DSA per RFC 9881).
//
// We build the TBS bytes ourselves (src/core/asn1/der.ts) and sign them with the injected Signer:
// pkijs knows no ML-DSA, and its RDN encoder puts every attribute into one multi-valued RDN.
//
// Profiles (DESIGN.md §1):
//   root             self-signed CA, no path length limit, URI SAN spiffe://<domain> naming the trust domain
//   regional         CA, pathLen 1, name-constrained to the URI host subtree ".<region>.<domain>",
//                    certificatePolicies = the levels it may serve, policyConstraints
//                    requireExplicitPolicy=0 and inhibitPolicyMapping=0 (so everything below must
//                    carry a level policy, and nobody below can map one level onto another)
//   enclave-ca       CA, pathLen 0, constrained to exactly "<enclave>.<region>.<domain>", ONE level
//   enclave-signing  ML-DSA end entity signing envelopes/agreements/audit checkpoints; SAN .../gateway
//   enclave-kem      ML-KEM / X-Wing end entity (keyEncipherment only, RFC 9936); SAN .../kem; only
//                    against a CSR signed by the same enclave's signing key (see checkCsr)
//   workload         end entity with a SPIFFE ID, TLS server+client EKUs
import { WritError } from '../errors.js';
import type { CrlReason, Certificate, Csr, GeneralName, KeyUsageName, PublicKeyInfo } from './types.js';
import type { KeyAlgName, Rng, Signer } from '../crypto/types.js';
import { KEM_ALGS, SIG_ALGS } from '../crypto/types.js';
import { KEY_ALG_OIDS, algFromOid } from '../crypto/algs.js';
import { sha256 } from '../crypto/kdf.js';
import { bytesEqual, concat, fromHex } from '../crypto/bytes.js';
import { verifySignature } from '../crypto/signature.js';
import { encodeSpki, parseSpki, pqPublicKey } from '../asn1/spki.js';
import {
  bitString,
  boolean,
  compareBytes,
  ctxConstructed,
  ctxExplicit,
  ctxPrimitive,
  decodeDer,
  decodeOctetString,
  enumerated,
  intBytes,
  integer,
  octetString,
  oid,
  seq,
  setOf,
  time,
  unsignedInteger,
} from '../asn1/der.js';
import { algorithmIdentifier } from '../asn1/alg-id.js';
import { decodeName, encodeGeneralName, encodeGeneralNames, parseDn } from '../asn1/name.js';
import { ANY_POLICY, ATTR_WRIT_KEM_SIGNER, EKU, EKU_WRIT_GATEWAY_SIGNING, EXT, PKCS9 } from '../asn1/oids.js';
import { addDays, wholeSeconds } from '../asn1/time.js';
import { enclaveHost, parseSpiffeId, regionSubtree, spiffeId, checkDomain, checkLabel } from '../policy/names.js';
import { levelOid } from '../policy/levels.js';
import { CRL_REASON_CODES, parseCertificate, parseCsr } from './parse.js';

export type Profile = 'root' | 'regional' | 'enclave-ca' | 'enclave-signing' | 'enclave-kem' | 'workload';
export const PROFILES: readonly Profile[] = ['root', 'regional', 'enclave-ca', 'enclave-signing', 'enclave-kem', 'workload'];

/** Default validity per profile, in days (the issuer's notAfter caps it). */
export const DEFAULT_VALIDITY_DAYS: Record<Profile, number> = {
  root: 20 * 365,
  regional: 10 * 365,
  'enclave-ca': 5 * 365,
  'enclave-signing': 365,
  'enclave-kem': 365,
  workload: 90,
};

export interface IssueRequest {
  profile: Profile;
  /** The issuing CA's certificate. Absent for 'root' (self-signed). */
  issuerCert?: Certificate;
  /** The issuing CA's key. For 'root' this is the root's own key (the certificate is self-signed). */
  issuerSigner: Signer;
  /**
   * A PKCS#10 request, DER or parsed. Its signature is checked: under its own key, or for 'enclave-kem'
   * under `signingCert`. The subject key comes from it; its subject is the default subject.
   */
  csr?: Uint8Array | Csr;
  /** The subject public key as SPKI DER when there is no CSR (self-signed roots, fixtures). */
  subjectSpki?: Uint8Array;
  /** Subject DN as text ("O=writ.test, CN=north") or DER. Default: the CSR's subject, else a profile default. */
  subject?: string | Uint8Array;
  /** Trust domain (e.g. "writ.test"). Default: read from the issuer (its name constraint or root SAN). */
  domain?: string;
  /** Region label. Required for 'regional'; for lower profiles read from the issuer's name constraint. */
  region?: string;
  /** Enclave label. Required for 'enclave-ca'; for leaves read from the issuer's name constraint. */
  enclave?: string;
  /** Level names or policy OIDs. 'regional': one or more; 'enclave-ca': exactly one; leaves: default the issuer's. */
  levels?: readonly string[];
  /** 'workload' only: the SPIFFE ID (default: the CSR's URI SAN). Must lie inside the enclave. */
  identity?: string;
  /** 'enclave-kem' only: the enclave signing certificate whose key signed the CSR. */
  signingCert?: Certificate;
  notBefore?: Date;
  notAfter?: Date;
  /** Validity in days from notBefore (ignored when notAfter is given). */
  validityDays?: number;
  /** Serial number magnitude (big-endian, positive, at most 20 octets encoded). Default: 16 random octets. */
  serial?: Uint8Array;
}

export interface IssueOptions {
  now: Date;
  rng: Rng;
}

function usage(msg: string): never {
  throw new WritError('USAGE', msg);
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

function ext(o: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(o), boolean(true), octetString(value)) : seq(oid(o), octetString(value));
}

const KU_BITS: Record<KeyUsageName, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

/** KeyUsage as a DER named-bit BIT STRING: trailing zero bits removed (X.690 §11.2.2). */
export function encodeKeyUsage(usages: readonly KeyUsageName[]): Uint8Array {
  if (usages.length === 0) throw new RangeError('usages: at least one key usage');
  const top = Math.max(...usages.map((u) => KU_BITS[u]));
  const nbytes = (top >> 3) + 1;
  const b = new Uint8Array(nbytes);
  for (const u of usages) b[KU_BITS[u] >> 3]! |= 0x80 >> (KU_BITS[u] & 7);
  return bitString(b, nbytes * 8 - (top + 1));
}

function basicConstraints(ca: boolean, pathLen?: number): Uint8Array {
  if (!ca) return seq();
  return pathLen === undefined ? seq(boolean(true)) : seq(boolean(true), integer(pathLen));
}

/**
 * Subject key identifier, RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 over the
 * subjectPublicKey BIT STRING value. RFC 5280 §4.2.1.2's classic method is SHA-1 over the same bytes;
 * we keep its 20-octet size (what tools expect) but avoid SHA-1, which a CNSA 2.0 profile excludes.
 */
export function subjectKeyId(spki: PublicKeyInfo): Uint8Array {
  return sha256(spki.publicKey).slice(0, 20);
}

function policiesExt(oids: readonly string[]): Uint8Array {
  return seq(...oids.map((o) => seq(oid(o))));
}

function randomSerial(rng: Rng): Uint8Array {
  const b = rng(16);
  if (!(b instanceof Uint8Array) || b.length !== 16) throw new RangeError('rng must return exactly 16 bytes');
  const s = Uint8Array.from(b);
  // Positive (top bit clear) and minimal (first octet non-zero): exactly 16 octets, 2^126+ values (RFC 5280 §4.1.2.2).
  s[0] = s[0]! & 0x7f || 0x01;
  return s;
}

function checkSerial(serial: Uint8Array): Uint8Array {
  const enc = unsignedInteger(serial);
  const content = enc.subarray(2);
  if (content.length > 20) throw new RangeError('serial: more than 20 octets (RFC 5280 §4.1.2.2)');
  if (content.every((x) => x === 0)) throw new RangeError('serial: must be positive');
  return enc;
}

function subjectDer(s: string | Uint8Array): Uint8Array {
  if (typeof s === 'string') return parseDn(s);
  decodeName(s); // validates
  return s;
}

function isKemAlg(a: KeyAlgName | undefined): boolean {
  return a !== undefined && (KEM_ALGS as readonly string[]).includes(a);
}

function isSig(a: KeyAlgName | undefined): boolean {
  return a !== undefined && (SIG_ALGS as readonly string[]).includes(a);
}

// ---------------------------------------------------------------------------------------------
// Reading an issuer's place in the hierarchy

/** Where a CA certificate sits: read from its name constraints (regional/enclave) or SAN (root). */
export interface CaScope {
  domain?: string;
  region?: string;
  enclave?: string;
  /** The exact URI hosts / subtrees permitted by its name constraint. */
  uriSubtrees: string[];
  levels: string[];
}

export function caScope(cert: Certificate): CaScope {
  const uriSubtrees = (cert.nameConstraints?.permitted ?? [])
    .map((s) => s.base)
    .filter((b): b is Extract<GeneralName, { type: 'uri' }> => b.type === 'uri')
    .map((b) => b.value);
  const levels = (cert.policies ?? []).map((p) => p.oid);
  const scope: CaScope = { uriSubtrees, levels };
  const first = uriSubtrees[0];
  if (first !== undefined) {
    if (first.startsWith('.')) {
      const labels = first.slice(1).split('.');
      scope.region = labels[0];
      scope.domain = labels.slice(1).join('.');
    } else {
      const labels = first.split('.');
      scope.enclave = labels[0];
      scope.region = labels[1];
      scope.domain = labels.slice(2).join('.');
    }
  } else {
    const uri = cert.subjectAltNames?.find((g) => g.type === 'uri')?.value;
    const m = uri === undefined ? null : /^spiffe:\/\/([a-z0-9.-]+)\/?$/.exec(uri);
    if (m) scope.domain = m[1];
  }
  return scope;
}

/** RFC 5280 §4.2.1.10 URI host matching against a subtree: ".x" = any host below x; "x" = exactly x. */
export function hostInSubtree(host: string, subtree: string): boolean {
  const h = host.toLowerCase();
  const s = subtree.toLowerCase();
  return s.startsWith('.') ? h.endsWith(s) && h.length > s.length : h === s;
}

// ---------------------------------------------------------------------------------------------
// CSRs (RFC 2986)

export interface CsrRequest {
  /** The key that signs the request: the subject's own key, or for a KEM request the enclave signing key. */
  signer: Signer;
  /** Subject DN, text or DER. */
  subject: string | Uint8Array;
  /** SPKI DER of the key to certify. Default: the signer's own public key. */
  subjectSpki?: Uint8Array;
  /** A requested identity (URI SAN), carried in an extensionRequest (RFC 2985 §5.4.2). */
  identity?: string;
  /** KEM requests: the enclave signing certificate of `signer` (its SHA-256 goes into ATTR_WRIT_KEM_SIGNER). */
  signingCert?: Certificate;
}

/**
 * Creates a PKCS#10 request signed with ML-DSA.
 *
 * KEM certificate requests (docs/formats.md "KEM certificate requests"): a KEM key cannot sign, so
 * proof of possession by the subject key is impossible (RFC 9936 relies on other means). writ binds
 * the KEM key to its enclave instead: the request's SPKI is the KEM public key, the request is signed
 * with the enclave's gateway *signing* key, and an attribute ATTR_WRIT_KEM_SIGNER holds
 * OCTET STRING(SHA-256(DER of that signing certificate)). The CA then checks that the named signing
 * certificate was issued by itself and verifies the request's signature under it.
 */
export function createCsr(req: CsrRequest): Uint8Array {
  const signer = req.signer;
  const spkiDer = req.subjectSpki ?? encodeSpki(signer.alg, signer.publicKey);
  const spki = parseSpki(spkiDer);
  const keyAlg = algFromOid(spki.algorithm.oid);
  const attrs: Uint8Array[] = [];
  if (req.identity !== undefined) {
    parseSpiffeId(req.identity);
    const exts = seq(ext(EXT.subjectAltName, false, encodeGeneralNames([{ type: 'uri', value: req.identity }])));
    attrs.push(seq(oid(PKCS9.extensionRequest), setOf(exts)));
  }
  if (isKemAlg(keyAlg) || req.signingCert !== undefined) {
    if (req.signingCert === undefined) usage('a KEM certificate request must be signed with the enclave signing key: give its certificate (signingCert)');
    if (!bytesEqual(req.signingCert.spki.publicKey, signer.publicKey)) {
      throw new WritError('KEY_MISMATCH', 'the signing key does not match the given enclave signing certificate');
    }
    attrs.push(seq(oid(ATTR_WRIT_KEM_SIGNER), setOf(octetString(sha256(req.signingCert.der)))));
  } else if (!bytesEqual(spki.publicKey, signer.publicKey)) {
    throw new WritError('KEY_MISMATCH', 'the request key is not the signing key (proof of possession needs the subject key to sign)');
  }
  const info = seq(
    integer(0),
    subjectDer(req.subject),
    spkiDer,
    // attributes [0] IMPLICIT SET OF Attribute: DER orders the SET OF (X.690 §11.6).
    ctxConstructed(0, concat(...[...attrs].sort(compareBytes))),
  );
  const sig = signer.sign(info);
  return seq(info, algorithmIdentifier(KEY_ALG_OIDS[signer.alg]), bitString(sig));
}

/** The signing-certificate hash of a KEM request, or undefined when the request is not one. */
export function kemSignerHash(csr: Csr): Uint8Array | undefined {
  const a = csr.attributes.find((x) => x.oid === ATTR_WRIT_KEM_SIGNER);
  if (a === undefined) return undefined;
  if (a.values.length !== 1) throw new WritError('PARSE', 'KEM signer attribute must have one value');
  try {
    return decodeOctetString(decodeDer(a.values[0]!, 'KEM signer attribute'), 'KEM signer attribute');
  } catch (e) {
    throw new WritError('PARSE', 'malformed KEM signer attribute', { cause: e });
  }
}

/**
 * Parses (if needed) and checks a CSR's signature. Ordinary requests are verified under their own
 * key (proof of possession). KEM requests (ATTR_WRIT_KEM_SIGNER present, or a KEM SPKI) need
 * `signingCert`: its SHA-256 must equal the attribute (else KEY_MISMATCH) and the signature must
 * verify under its key (else SIGNATURE). Returns the parsed CSR.
 */
export function checkCsr(input: Uint8Array | Csr, opts: { signingCert?: Certificate } = {}): Csr {
  const csr = input instanceof Uint8Array ? parseCsr(input) : input;
  const keyAlg = algFromOid(csr.spki.algorithm.oid);
  const hash = kemSignerHash(csr);
  if (hash !== undefined || isKemAlg(keyAlg)) {
    if (hash === undefined) throw new WritError('SIGNATURE', 'a KEM certificate request must name the enclave signing certificate that signed it');
    const sc = opts.signingCert;
    if (sc === undefined) usage('this is a KEM certificate request: give the enclave signing certificate that signed it');
    if (!bytesEqual(hash, sha256(sc.der))) {
      throw new WritError('KEY_MISMATCH', 'the KEM request was signed for a different enclave signing certificate');
    }
    if (!verifySignature(csr.signatureAlgorithm, sc.spki, csr.info, csr.signature)) {
      throw new WritError('SIGNATURE', 'the KEM request signature does not verify under the enclave signing certificate');
    }
    return csr;
  }
  if (!verifySignature(csr.signatureAlgorithm, csr.spki, csr.info, csr.signature)) {
    throw new WritError('SIGNATURE', 'the certificate request signature does not verify under its own key');
  }
  return csr;
}

// ---------------------------------------------------------------------------------------------
// Certificates

function levelsOf(req: IssueRequest): string[] {
  return (req.levels ?? []).map((l) => levelOid(l));
}

function requireCaIssuer(issuer: Certificate | undefined, profile: Profile): Certificate {
  if (issuer === undefined) usage(`profile ${profile} needs the issuing CA certificate`);
  if (issuer.basicConstraints?.ca !== true) throw new WritError('NOT_CA', 'the issuer certificate is not a CA');
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.includes('keyCertSign')) {
    throw new WritError('KEY_USAGE', 'the issuer certificate may not sign certificates (keyUsage lacks keyCertSign)');
  }
  return issuer;
}

/** Issues one certificate of the given profile and returns its DER. */
export function issueCertificate(req: IssueRequest, opts: IssueOptions): Uint8Array {
  const { profile } = req;
  if (!PROFILES.includes(profile)) usage(`unknown profile "${String(profile)}": use one of ${PROFILES.join(', ')}`);
  const now = wholeSeconds(opts.now);
  const signer = req.issuerSigner;

  // --- subject key, via the CSR (checked) or given directly
  let csr: Csr | undefined;
  if (req.csr !== undefined) {
    csr = checkCsr(req.csr, profile === 'enclave-kem' && req.signingCert !== undefined ? { signingCert: req.signingCert } : {});
  }
  let spkiDer: Uint8Array;
  if (csr !== undefined) spkiDer = csr.spki.der;
  else if (req.subjectSpki !== undefined) spkiDer = req.subjectSpki;
  else if (profile === 'root') spkiDer = encodeSpki(signer.alg, signer.publicKey);
  else usage(`profile ${profile} needs a CSR (or a subject public key)`);
  const spki = parseSpki(spkiDer);
  const { alg: keyAlg } = pqPublicKey(spki);

  // --- issuer
  const issuerCert = profile === 'root' ? undefined : requireCaIssuer(req.issuerCert, profile);
  if (profile === 'root') {
    if (req.issuerCert !== undefined) usage('a root is self-signed: do not give an issuer certificate');
    if (!bytesEqual(spki.publicKey, signer.publicKey)) throw new WritError('KEY_MISMATCH', 'a self-signed root must be signed by its own key');
  } else if (!bytesEqual(issuerCert!.spki.publicKey, signer.publicKey)) {
    throw new WritError('KEY_MISMATCH', 'the CA key does not match the CA certificate');
  }
  const scope: CaScope = issuerCert ? caScope(issuerCert) : { uriSubtrees: [], levels: [] };

  // --- key algorithm per profile
  if (profile === 'enclave-kem') {
    if (!isKemAlg(keyAlg)) usage(`an enclave-kem certificate needs an ML-KEM or X-Wing key, not ${keyAlg}`);
  } else if (!isSig(keyAlg)) {
    usage(`profile ${profile} needs an ML-DSA key, not ${keyAlg}`);
  }

  // --- names, levels, extensions
  const domain = req.domain !== undefined ? checkDomain(req.domain) : scope.domain;
  const exts: Uint8Array[] = [];
  const ski = subjectKeyId(spki);
  let defaultSubject: string;
  let levels: string[] = [];

  const needDomain = (): string => domain ?? usage('the trust domain is unknown: pass domain (e.g. "writ.test")');
  const caKu = (): void => {
    exts.push(ext(EXT.keyUsage, true, encodeKeyUsage(['keyCertSign', 'cRLSign'])));
  };
  const inheritLevels = (): string[] => {
    const asked = levelsOf(req);
    const have = scope.levels;
    if (asked.length === 0) {
      if (have.length === 0) usage('the issuer asserts no level: pass levels');
      return have.filter((l) => l !== ANY_POLICY);
    }
    for (const l of asked) {
      if (have.length > 0 && !have.includes(l) && !have.includes(ANY_POLICY)) {
        throw new WritError('POLICY', `level ${l} is not among the levels the issuer may serve`);
      }
    }
    return asked;
  };

  switch (profile) {
    case 'root': {
      const d = domain;
      defaultSubject = d ? `O=${d}, CN=${d} root CA` : 'O=writ, CN=writ root CA';
      exts.push(ext(EXT.basicConstraints, true, basicConstraints(true)));
      caKu();
      // The trust domain, so regional CAs below can be issued without repeating it.
      if (d) exts.push(ext(EXT.subjectAltName, false, encodeGeneralNames([{ type: 'uri', value: `spiffe://${d}` }])));
      break;
    }
    case 'regional': {
      const d = needDomain();
      const region = checkLabel('region', req.region ?? usage('profile regional needs a region'));
      if (scope.uriSubtrees.length > 0) throw new WritError('NAME_CONSTRAINT', 'a regional CA is issued by the root, not by a constrained CA');
      levels = levelsOf(req);
      if (levels.length === 0) usage('a regional CA needs at least one level');
      if (new Set(levels).size !== levels.length) usage('levels repeat');
      if (scope.levels.length > 0) levels = inheritLevels();
      defaultSubject = `O=${d}, OU=${region}, CN=${region} regional CA`;
      exts.push(ext(EXT.basicConstraints, true, basicConstraints(true, 1)));
      caKu();
      exts.push(ext(EXT.nameConstraints, true, seq(ctxConstructed(0, seq(encodeGeneralName({ type: 'uri', value: regionSubtree(region, d) }))))));
      exts.push(ext(EXT.certificatePolicies, false, policiesExt(levels)));
      // RFC 5280 §4.2.1.11: conforming CAs MUST mark policyConstraints critical.
      exts.push(ext(EXT.policyConstraints, true, seq(ctxPrimitive(0, intBytes(0n)), ctxPrimitive(1, intBytes(0n)))));
      break;
    }
    case 'enclave-ca': {
      const d = needDomain();
      const region = checkLabel('region', req.region ?? scope.region ?? usage('profile enclave-ca needs a region'));
      const enclave = checkLabel('enclave', req.enclave ?? usage('profile enclave-ca needs an enclave'));
      const host = enclaveHost(enclave, region, d);
      if (scope.uriSubtrees.length === 0 || !scope.uriSubtrees.some((s) => hostInSubtree(host, s))) {
        throw new WritError('NAME_CONSTRAINT', `enclave ${host} lies outside the issuer's name constraints`);
      }
      levels = inheritLevels();
      if (levels.length !== 1) usage('an enclave CA serves exactly one level');
      defaultSubject = `O=${d}, OU=${region}, CN=${enclave} enclave CA`;
      exts.push(ext(EXT.basicConstraints, true, basicConstraints(true, 0)));
      caKu();
      exts.push(ext(EXT.nameConstraints, true, seq(ctxConstructed(0, seq(encodeGeneralName({ type: 'uri', value: host }))))));
      exts.push(ext(EXT.certificatePolicies, false, policiesExt(levels)));
      break;
    }
    case 'enclave-signing':
    case 'enclave-kem':
    case 'workload': {
      const d = needDomain();
      if (scope.enclave === undefined || scope.region === undefined) {
        throw new WritError('NAME_CONSTRAINT', `profile ${profile} must be issued by an enclave CA (constrained to one enclave host)`);
      }
      const host = enclaveHost(scope.enclave, scope.region, d);
      if (req.enclave !== undefined && req.enclave !== scope.enclave) throw new WritError('NAME_CONSTRAINT', `the issuer is the CA of enclave ${scope.enclave}, not ${req.enclave}`);
      if (req.region !== undefined && req.region !== scope.region) throw new WritError('NAME_CONSTRAINT', `the issuer is in region ${scope.region}, not ${req.region}`);
      levels = inheritLevels();
      let identity: string;
      if (profile === 'workload') {
        const fromCsr = csr?.subjectAltNames?.find((g) => g.type === 'uri')?.value;
        identity = req.identity ?? fromCsr ?? usage('a workload certificate needs an identity (SPIFFE ID)');
        if (req.identity !== undefined && fromCsr !== undefined && fromCsr !== req.identity) {
          throw new WritError('IDENTITY', `the CSR asks for ${fromCsr}, not ${req.identity}`);
        }
        const id = parseSpiffeId(identity);
        if (id.host !== host) throw new WritError('NAME_CONSTRAINT', `identity ${identity} lies outside enclave ${host}`);
        exts.push(ext(EXT.keyUsage, true, encodeKeyUsage(['digitalSignature'])));
        exts.push(ext(EXT.extKeyUsage, false, seq(oid(EKU.serverAuth), oid(EKU.clientAuth))));
        const leafName = (id.path.replace(/^\//, '') || 'workload').slice(0, 64);
        defaultSubject = `O=${d}, OU=${host}, CN=${leafName.replace(/([,+"\\<>;])/g, '\\$1')}`;
      } else if (profile === 'enclave-signing') {
        identity = spiffeId(host, '/gateway');
        exts.push(ext(EXT.keyUsage, true, encodeKeyUsage(['digitalSignature', 'nonRepudiation'])));
        exts.push(ext(EXT.extKeyUsage, false, seq(oid(EKU_WRIT_GATEWAY_SIGNING))));
        defaultSubject = `O=${d}, OU=${host}, CN=${scope.enclave} gateway signing`;
      } else {
        identity = spiffeId(host, '/kem');
        checkKemSigningCert(req, issuerCert!, host, csr, now);
        // RFC 9936 §4 (ML-KEM in X.509): keyEncipherment is the only key usage.
        exts.push(ext(EXT.keyUsage, true, encodeKeyUsage(['keyEncipherment'])));
        defaultSubject = `O=${d}, OU=${host}, CN=${scope.enclave} gateway KEM`;
      }
      exts.push(ext(EXT.basicConstraints, true, basicConstraints(false)));
      exts.push(ext(EXT.subjectAltName, false, encodeGeneralNames([{ type: 'uri', value: identity }])));
      exts.push(ext(EXT.certificatePolicies, false, policiesExt(levels)));
      break;
    }
  }

  exts.push(ext(EXT.subjectKeyIdentifier, false, octetString(ski)));
  const akid = issuerCert ? (issuerCert.subjectKeyId ?? subjectKeyId(issuerCert.spki)) : ski;
  exts.push(ext(EXT.authorityKeyIdentifier, false, seq(ctxPrimitive(0, akid))));

  // --- names and validity
  const subject = req.subject !== undefined ? subjectDer(req.subject) : csr !== undefined && csr.subject.rdns.length > 0 ? csr.subject.der : parseDn(defaultSubject!);
  const issuerName = issuerCert ? issuerCert.subject.der : subject;
  const notBefore = wholeSeconds(req.notBefore ?? now);
  let notAfter = wholeSeconds(req.notAfter ?? addDays(notBefore, req.validityDays ?? DEFAULT_VALIDITY_DAYS[profile]));
  if (issuerCert && notAfter > issuerCert.notAfter) notAfter = issuerCert.notAfter; // never outlive the issuer
  if (notAfter <= notBefore) usage('notAfter must be after notBefore (and before the issuer expires)');

  const serial = checkSerial(req.serial ?? randomSerial(opts.rng));
  const sigAlg = algorithmIdentifier(KEY_ALG_OIDS[signer.alg]);
  const tbs = seq(
    ctxExplicit(0, integer(2)), // v3
    serial,
    sigAlg,
    issuerName,
    seq(time(notBefore), time(notAfter)),
    subject,
    spki.der,
    ctxExplicit(3, seq(...exts)),
  );
  const signature = signer.sign(tbs);
  return seq(tbs, sigAlg, bitString(signature));
}

/**
 * enclave-kem issuance rule: the CSR must have been signed by the SAME enclave's signing key, proved by
 * a signing certificate that this enclave CA issued, valid now, for this enclave's gateway.
 */
function checkKemSigningCert(req: IssueRequest, ca: Certificate, host: string, csr: Csr | undefined, now: Date): void {
  if (csr === undefined) usage('an enclave-kem certificate is issued only against a CSR signed by the enclave signing key');
  const sc = req.signingCert ?? usage('an enclave-kem certificate needs the enclave signing certificate that signed the CSR');
  if (!bytesEqual(sc.issuer.der, ca.subject.der) || !verifySignature(sc.signatureAlgorithm, ca.spki, sc.tbs, sc.signature)) {
    throw new WritError('POLICY', 'the KEM request was signed by a key this enclave CA did not certify');
  }
  if (!(sc.extKeyUsage ?? []).includes(EKU_WRIT_GATEWAY_SIGNING)) {
    throw new WritError('EKU', 'the certificate that signed the KEM request is not an enclave gateway signing certificate');
  }
  const sanHost = sc.subjectAltNames?.find((g) => g.type === 'uri')?.value;
  if (sanHost === undefined || parseSpiffeId(sanHost).host !== host) {
    throw new WritError('NAME_CONSTRAINT', `the signing certificate does not belong to enclave ${host}`);
  }
  if (now < sc.notBefore) throw new WritError('NOT_YET_VALID', 'the enclave signing certificate is not yet valid');
  if (now > sc.notAfter) throw new WritError('EXPIRED', 'the enclave signing certificate has expired');
}

/** Issues and parses in one go (convenience for fixtures and tests). */
export function issueAndParse(req: IssueRequest, opts: IssueOptions): Certificate {
  return parseCertificate(issueCertificate(req, opts));
}

// ---------------------------------------------------------------------------------------------
// CRLs (RFC 5280 §5)

export interface CrlEntryRequest {
  /** Serial as unsigned hex (as in Certificate.serialHex) or magnitude bytes. */
  serial: string | Uint8Array;
  /** Default: thisUpdate. */
  date?: Date;
  /** Omitted from the entry when undefined or 'unspecified' (RFC 5280 §5.3.1 says to avoid unspecified). */
  reason?: CrlReason;
}

export interface CrlRequest {
  issuerCert: Certificate;
  issuerSigner: Signer;
  revoked?: readonly CrlEntryRequest[];
  /** Default: now. */
  thisUpdate?: Date;
  /** Required by RFC 5280 §5.1.2.5 for conforming CRL issuers: nextUpdate or nextUpdateDays. */
  nextUpdate?: Date;
  nextUpdateDays?: number;
  /** Monotonic cRLNumber (RFC 5280 §5.2.3). Default: thisUpdate in whole seconds since 1970, which grows with time. */
  crlNumber?: bigint;
}

/** Issues a v2 CRL (DER) signed by the CA: AKI and cRLNumber extensions, reasonCode per entry. */
export function issueCrl(req: CrlRequest, opts: { now: Date }): Uint8Array {
  const ca = req.issuerCert;
  if (ca.basicConstraints?.ca !== true) throw new WritError('NOT_CA', 'only a CA issues CRLs');
  if (ca.keyUsage !== undefined && !ca.keyUsage.includes('cRLSign')) throw new WritError('KEY_USAGE', 'the CA certificate lacks cRLSign');
  if (!bytesEqual(ca.spki.publicKey, req.issuerSigner.publicKey)) throw new WritError('KEY_MISMATCH', 'the CA key does not match the CA certificate');
  const thisUpdate = wholeSeconds(req.thisUpdate ?? opts.now);
  const nextUpdate = wholeSeconds(req.nextUpdate ?? addDays(thisUpdate, req.nextUpdateDays ?? usage('a CRL needs nextUpdate (or nextUpdateDays)')));
  if (nextUpdate <= thisUpdate) usage('nextUpdate must be after thisUpdate');
  const crlNumber = req.crlNumber ?? BigInt(Math.floor(thisUpdate.getTime() / 1000));
  if (crlNumber < 0n || intBytes(crlNumber).length > 20) throw new RangeError('crlNumber: non-negative, at most 20 octets (RFC 5280 §5.2.3)');

  const entries = (req.revoked ?? []).map((r) => {
    const mag = typeof r.serial === 'string' ? fromHex(r.serial.length % 2 ? `0${r.serial}` : r.serial) : r.serial;
    const parts = [checkSerial(mag), time(wholeSeconds(r.date ?? thisUpdate))];
    if (r.reason !== undefined && r.reason !== 'unspecified') {
      parts.push(seq(ext(EXT.reasonCode, false, enumerated(CRL_REASON_CODES[r.reason]))));
    }
    return seq(...parts);
  });
  const akid = ca.subjectKeyId ?? subjectKeyId(ca.spki);
  const sigAlg = algorithmIdentifier(KEY_ALG_OIDS[req.issuerSigner.alg]);
  const tbs = seq(
    integer(1), // v2
    sigAlg,
    ca.subject.der,
    time(thisUpdate),
    time(nextUpdate),
    ...(entries.length > 0 ? [seq(...entries)] : []), // RFC 5280 §5.1.2.6: absent when empty
    ctxExplicit(0, seq(ext(EXT.authorityKeyIdentifier, false, seq(ctxPrimitive(0, akid))), ext(EXT.cRLNumber, false, integer(crlNumber)))),
  );
  return seq(tbs, sigAlg, bitString(req.issuerSigner.sign(tbs)));
}
