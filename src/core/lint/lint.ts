// `writ lint` core: checks certificates, CSRs, CRLs, keys, CMS envelopes and signed agreements against the CNSA 2.0 suite (NSA CNSA 2.0 algorithms, CNSSP 15) or writ's hybrid profile.
//
// CNSA 2.0 names ML-DSA-87 (FIPS 204) for signatures, ML-KEM-1024 (FIPS 203) for key establishment,
// AES-256 (FIPS 197) and SHA-384/SHA-512 (FIPS 180-4). The "hybrid" profile is CNSA 2.0 plus X-Wing
// (draft-connolly-cfrg-xwing-kem) for KEM keys and envelopes, and HKDF-SHA256 (RFC 9936's default) in
// KEMRecipientInfo, so that the envelopes writ seals today pass it. Lint only reads: no key is needed, no
// secret is printed, and an encrypted private key is judged by its PBES2 parameters alone (RFC 8018
// §A.4): its key algorithm is inside the ciphertext. Pure: time enters only as the artifacts' own fields.
import { WritError, isWritError } from '../errors.js';
import { looksLikePem, pemDecodeAll } from '../asn1/pem.js';
import { TAG, decodeDer, decodeSmallUint, expect, seqOf } from '../asn1/der.js';
import { parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { parseSpki } from '../asn1/spki.js';
import { decodePrivateKey, isEncryptedPrivateKey } from '../asn1/pkcs8.js';
import { CLASSICAL_OIDS, KEY_ALG_OIDS, OID_NAMES } from '../crypto/algs.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { sha256 } from '../crypto/kdf.js';
import { parseCertificate, parseCrl, parseCsr } from '../x509/parse.js';
import type { AlgorithmId, Certificate, Crl, Csr } from '../x509/types.js';
import { CMS_OID, decodeContentInfo } from '../cms/common.js';
import { verifyCms } from '../cms/signed-data.js';
import { describeEnveloped } from '../cms/enveloped.js';
import { ALG_NAMES } from '../cms/kemri.js';
import { canonicalBytes } from '../json/canonical.js';
import { decodeSignedDocument, fromBase64 } from '../policy/signed.js';

export type LintProfile = 'cnsa2' | 'hybrid';
export const LINT_PROFILES: readonly LintProfile[] = ['cnsa2', 'hybrid'];

/** Finding codes (lint output, not WritError codes). */
export type LintCode =
  | 'LINT_WEAK_SIG_ALG' // ML-DSA below level 5 (ML-DSA-44/65) signing or held as a signature key
  | 'LINT_CLASSICAL_SIG' // a classical-only signature (RSA, ECDSA, EdDSA)
  | 'LINT_CLASSICAL_KEY' // a classical public key, or a classical key-transport / key-agreement recipient
  | 'LINT_WEAK_KEM_ALG' // ML-KEM below 1024 (512/768)
  | 'LINT_HYBRID_KEM' // X-Wing under the cnsa2 profile (allowed by hybrid)
  | 'LINT_UNKNOWN_ALG' // an algorithm CNSA 2.0 does not name and writ does not know
  | 'LINT_ALG_PARAMS' // parameters present where RFC 9881 / RFC 9935 require them absent
  | 'LINT_WEAK_HASH' // a hash (digest, HKDF, PRF) other than SHA-384 / SHA-512
  | 'LINT_WEAK_CIPHER' // a symmetric cipher or key wrap other than AES-256
  | 'LINT_KDF_NOT_APPROVED' // a password KDF that is not NIST-approved (scrypt)
  | 'LINT_KEY_UNENCRYPTED' // a private key stored without encryption
  | 'LINT_VALIDITY_TOO_LONG' // a validity period beyond the configured limit
  | 'LINT_CRL_NO_NEXT_UPDATE' // a CRL without nextUpdate (RFC 5280 §5.1.2.5)
  | 'LINT_BAD_SIGNATURE' // a signature on a signed document does not verify
  | 'LINT_UNRECOGNISED'; // not an object lint understands, or malformed

export const LINT_CODES: readonly LintCode[] = [
  'LINT_WEAK_SIG_ALG',
  'LINT_CLASSICAL_SIG',
  'LINT_CLASSICAL_KEY',
  'LINT_WEAK_KEM_ALG',
  'LINT_HYBRID_KEM',
  'LINT_UNKNOWN_ALG',
  'LINT_ALG_PARAMS',
  'LINT_WEAK_HASH',
  'LINT_WEAK_CIPHER',
  'LINT_KDF_NOT_APPROVED',
  'LINT_KEY_UNENCRYPTED',
  'LINT_VALIDITY_TOO_LONG',
  'LINT_CRL_NO_NEXT_UPDATE',
  'LINT_BAD_SIGNATURE',
  'LINT_UNRECOGNISED',
];

/** Validity limits in days. Defaults sit just above writ's own profile defaults (src/core/x509/issue.ts DEFAULT_VALIDITY_DAYS). */
export interface LintLimits {
  /** Self-signed CA (root). writ default 20 years. */
  rootDays: number;
  /** Any other CA (regional, enclave CA). writ default 10 years. */
  caDays: number;
  /** End-entity certificates. writ default 1 year (gateway, KEM), 90 days (workload). */
  leafDays: number;
  /** CRL nextUpdate - thisUpdate. */
  crlDays: number;
  /** Signed documents (agreements, crossings): notAfter - notBefore. */
  documentDays: number;
}

export const DEFAULT_LINT_LIMITS: Readonly<LintLimits> = { rootDays: 7305, caDays: 3653, leafDays: 398, crlDays: 186, documentDays: 366 };

export interface LintFinding {
  code: LintCode;
  message: string;
}

export interface LintedObject {
  /** certificate, csr, crl, public-key, private-key, encrypted-private-key, signed-data, enveloped-data, signed-document, unknown. */
  kind: string;
  /** A short name: the subject, the issuer, the body id... */
  name: string;
  /** What was read, by role: e.g. { signature: 'ML-DSA-87', key: 'ML-DSA-87' }. */
  algorithms: Record<string, string>;
  findings: LintFinding[];
  /** Things lint could not check and says so (never a finding). */
  notes: string[];
  /** Carried inside another object of the file (a signer's certificate chain). */
  embedded?: boolean;
}

const DAY = 86_400_000;
const ML_DSA = { 44: KEY_ALG_OIDS['ml-dsa-44'], 65: KEY_ALG_OIDS['ml-dsa-65'], 87: KEY_ALG_OIDS['ml-dsa-87'] };
const ML_KEM_512 = '2.16.840.1.101.3.4.4.1';
const PQ_OIDS = new Set<string>([...Object.values(KEY_ALG_OIDS), ML_KEM_512]);
const CLASSICAL_SIG = new Set<string>([
  CLASSICAL_OIDS.ecdsaWithSha256,
  CLASSICAL_OIDS.ecdsaWithSha384,
  CLASSICAL_OIDS.ecdsaWithSha512,
  CLASSICAL_OIDS.sha1WithRsa,
  CLASSICAL_OIDS.sha256WithRsa,
  CLASSICAL_OIDS.sha384WithRsa,
  CLASSICAL_OIDS.sha512WithRsa,
  CLASSICAL_OIDS.rsassaPss,
  CLASSICAL_OIDS.ed25519,
  '1.3.101.113', // Ed448
  '1.2.840.10040.4.3', // dsa-with-sha1
]);
const CLASSICAL_KEY = new Set<string>([CLASSICAL_OIDS.ecPublicKey, CLASSICAL_OIDS.rsaEncryption, CLASSICAL_OIDS.rsassaPss, CLASSICAL_OIDS.ed25519, '1.3.101.113', '1.3.101.110', '1.3.101.111']);
const HASH_NAMES: Record<string, string> = {
  [CLASSICAL_OIDS.sha1]: 'SHA-1',
  [CLASSICAL_OIDS.sha256]: 'SHA-256',
  [CLASSICAL_OIDS.sha384]: 'SHA-384',
  [CLASSICAL_OIDS.sha512]: 'SHA-512',
};
const STRONG_HASH = new Set<string>([CLASSICAL_OIDS.sha384, CLASSICAL_OIDS.sha512]);
/** RFC 8018 §B.1 PRFs and RFC 8018 §A.4 / RFC 7914 §7 KDFs; RFC 8018 §B.2.5 AES-CBC-Pad. */
const PBES = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  prf: {
    '1.2.840.113549.2.7': 'HMAC-SHA-1',
    '1.2.840.113549.2.9': 'HMAC-SHA-256',
    '1.2.840.113549.2.10': 'HMAC-SHA-384',
    '1.2.840.113549.2.11': 'HMAC-SHA-512',
  } as Record<string, string>,
  strongPrf: new Set(['1.2.840.113549.2.10', '1.2.840.113549.2.11']),
  ciphers: { '2.16.840.1.101.3.4.1.2': 'AES-128-CBC', '2.16.840.1.101.3.4.1.22': 'AES-192-CBC', '2.16.840.1.101.3.4.1.42': 'AES-256-CBC' } as Record<string, string>,
  aes256: '2.16.840.1.101.3.4.1.42',
};

function algLabel(oid: string): string {
  return OID_NAMES[oid] ?? ALG_NAMES[oid] ?? HASH_NAMES[oid] ?? oid;
}

class Collector {
  readonly findings: LintFinding[] = [];
  readonly notes: string[] = [];
  readonly algorithms: Record<string, string> = {};
  constructor(readonly profile: LintProfile) {}
  add(code: LintCode, message: string): void {
    this.findings.push({ code, message });
  }

  /** A signature made by `role` (certificate, CRL, CMS signer...): ML-DSA-87 only. */
  signature(role: string, a: AlgorithmId): void {
    this.algorithms[role] = algLabel(a.oid);
    if (a.oid === ML_DSA[87]) this.params(role, a);
    else if (a.oid === ML_DSA[44] || a.oid === ML_DSA[65]) this.add('LINT_WEAK_SIG_ALG', `${role}: ${algLabel(a.oid)}; CNSA 2.0 requires ML-DSA-87`);
    else if (CLASSICAL_SIG.has(a.oid)) this.add('LINT_CLASSICAL_SIG', `${role}: classical-only signature ${algLabel(a.oid)}; CNSA 2.0 requires ML-DSA-87`);
    else this.add('LINT_UNKNOWN_ALG', `${role}: signature algorithm ${algLabel(a.oid)} is not in CNSA 2.0`);
  }

  /** A public key (certificate, CSR, key file). */
  key(role: string, a: AlgorithmId): void {
    this.algorithms[role] = algLabel(a.oid);
    const o = a.oid;
    if (o === ML_DSA[87] || o === KEY_ALG_OIDS['ml-kem-1024']) this.params(role, a);
    else if (o === KEY_ALG_OIDS['x-wing']) {
      if (this.profile === 'hybrid') this.params(role, a);
      else this.add('LINT_HYBRID_KEM', `${role}: X-Wing (ML-KEM-768 + X25519) is not in CNSA 2.0; use ML-KEM-1024, or lint with --profile hybrid`);
    } else if (o === ML_DSA[44] || o === ML_DSA[65]) this.add('LINT_WEAK_SIG_ALG', `${role}: ${algLabel(o)} key; CNSA 2.0 requires ML-DSA-87`);
    else if (o === KEY_ALG_OIDS['ml-kem-768'] || o === ML_KEM_512) this.add('LINT_WEAK_KEM_ALG', `${role}: ${algLabel(o)}; CNSA 2.0 requires ML-KEM-1024`);
    else if (CLASSICAL_KEY.has(o)) this.add('LINT_CLASSICAL_KEY', `${role}: classical key (${algLabel(o)}); not quantum-resistant`);
    else this.add('LINT_UNKNOWN_ALG', `${role}: key algorithm ${algLabel(o)} is not in CNSA 2.0`);
  }

  private params(role: string, a: AlgorithmId): void {
    // RFC 9881 §2 / RFC 9935 §3: the AlgorithmIdentifier parameters MUST be absent.
    if (PQ_OIDS.has(a.oid) && a.params !== undefined) this.add('LINT_ALG_PARAMS', `${role}: ${algLabel(a.oid)} parameters must be absent`);
  }

  hash(role: string, oid: string): void {
    this.algorithms[role] = algLabel(oid);
    if (!STRONG_HASH.has(oid)) this.add('LINT_WEAK_HASH', `${role}: ${algLabel(oid)}; CNSA 2.0 requires SHA-384 or SHA-512`);
  }

  period(role: string, from: Date, to: Date, limitDays: number, flag: string): void {
    const days = (to.getTime() - from.getTime()) / DAY;
    this.algorithms[role] = `${Math.round(days * 10) / 10} days`;
    if (days > limitDays) this.add('LINT_VALIDITY_TOO_LONG', `${role}: ${Math.round(days)} days exceeds the limit of ${limitDays} (${flag})`);
  }
}

function finish(kind: string, name: string, c: Collector): LintedObject {
  return { kind, name, algorithms: c.algorithms, findings: c.findings, notes: c.notes };
}

function fp(der: Uint8Array): string {
  return toHex(sha256(der)).slice(0, 16);
}

export interface LintOptions {
  profile: LintProfile;
  limits?: Partial<LintLimits>;
}

interface Ctx {
  profile: LintProfile;
  limits: LintLimits;
}

export function lintCertificate(cert: Certificate, ctx: Ctx): LintedObject {
  const c = new Collector(ctx.profile);
  c.signature('signature', cert.signatureAlgorithm);
  c.key('key', cert.spki.algorithm);
  const ca = cert.basicConstraints?.ca === true;
  const selfIssued = bytesEqual(cert.issuer.der, cert.subject.der);
  const [limit, flag] = ca && selfIssued ? [ctx.limits.rootDays, '--max-root-days'] : ca ? [ctx.limits.caDays, '--max-ca-days'] : [ctx.limits.leafDays, '--max-leaf-days'];
  c.period('validity', cert.notBefore, cert.notAfter, limit, flag);
  return finish(ca ? (selfIssued ? 'root certificate' : 'CA certificate') : 'certificate', cert.subject.text || cert.serialHex, c);
}

export function lintCsr(csr: Csr, ctx: Ctx): LintedObject {
  const c = new Collector(ctx.profile);
  c.signature('signature', csr.signatureAlgorithm);
  c.key('key', csr.spki.algorithm);
  return finish('csr', csr.subject.text, c);
}

export function lintCrl(crl: Crl, ctx: Ctx): LintedObject {
  const c = new Collector(ctx.profile);
  c.signature('signature', crl.signatureAlgorithm);
  if (crl.nextUpdate === undefined) c.add('LINT_CRL_NO_NEXT_UPDATE', 'the CRL has no nextUpdate (RFC 5280 §5.1.2.5 requires it)');
  else c.period('update interval', crl.thisUpdate, crl.nextUpdate, ctx.limits.crlDays, '--max-crl-days');
  return finish('crl', crl.issuer.text, c);
}

/** PBES2 parameters of an EncryptedPrivateKeyInfo, read without the passphrase (RFC 5958 §3, RFC 8018 §A.4). */
function lintEncryptedKey(der: Uint8Array, ctx: Ctx): LintedObject {
  const c = new Collector(ctx.profile);
  const kids = seqOf(decodeDer(der, 'EncryptedPrivateKeyInfo'), 'EncryptedPrivateKeyInfo');
  const enc = parseAlgorithmIdentifier(kids[0], 'encryptionAlgorithm');
  c.notes.push('the key algorithm is inside the encrypted part: only the encryption parameters were checked');
  if (enc.oid !== PBES.pbes2 || enc.params === undefined) {
    c.algorithms.encryption = algLabel(enc.oid);
    c.add('LINT_WEAK_CIPHER', `key encryption ${algLabel(enc.oid)} is not PBES2 with AES-256`);
    return finish('encrypted-private-key', 'encrypted private key', c);
  }
  const p = seqOf(decodeDer(enc.params, 'PBES2-params'), 'PBES2-params');
  const kdf = parseAlgorithmIdentifier(p[0], 'keyDerivationFunc');
  const cipher = parseAlgorithmIdentifier(p[1], 'encryptionScheme');
  c.algorithms.cipher = PBES.ciphers[cipher.oid] ?? algLabel(cipher.oid);
  if (cipher.oid !== PBES.aes256) c.add('LINT_WEAK_CIPHER', `key encryption cipher ${c.algorithms.cipher}; CNSA 2.0 requires AES-256`);
  if (kdf.oid === PBES.scrypt) {
    c.algorithms.kdf = 'scrypt';
    c.add('LINT_KDF_NOT_APPROVED', 'scrypt is not a NIST-approved password-based KDF (SP 800-132 names PBKDF2); re-encrypt with PBKDF2-HMAC-SHA-512');
  } else if (kdf.oid === PBES.pbkdf2 && kdf.params !== undefined) {
    const kp = seqOf(decodeDer(kdf.params, 'PBKDF2-params'), 'PBKDF2-params');
    const iterations = decodeSmallUint(expect(kp[1], TAG.INTEGER, 'iterationCount').content, 'iterationCount');
    // The prf is the last field when present; absent means the DEFAULT algid-hmacWithSHA1 (RFC 8018 §A.2).
    const last = kp[kp.length - 1];
    const prf = kp.length > 2 && last !== undefined && last.tag === TAG.SEQUENCE ? parseAlgorithmIdentifier(last, 'prf').oid : '1.2.840.113549.2.7';
    c.algorithms.kdf = `PBKDF2 ${PBES.prf[prf] ?? prf}, ${iterations} iterations`;
    if (!PBES.strongPrf.has(prf)) c.add('LINT_WEAK_HASH', `PBKDF2 PRF ${PBES.prf[prf] ?? prf}; CNSA 2.0 requires SHA-384 or SHA-512`);
  } else {
    c.algorithms.kdf = algLabel(kdf.oid);
    c.add('LINT_UNKNOWN_ALG', `key derivation ${algLabel(kdf.oid)} is not PBKDF2`);
  }
  return finish('encrypted-private-key', 'encrypted private key', c);
}

function lintPrivateKey(der: Uint8Array, ctx: Ctx): LintedObject {
  const c = new Collector(ctx.profile);
  const fields = seqOf(decodeDer(der, 'OneAsymmetricKey'), 'OneAsymmetricKey');
  const alg = parseAlgorithmIdentifier(fields[1], 'privateKeyAlgorithm');
  c.key('key', alg);
  if (PQ_OIDS.has(alg.oid) && alg.oid !== ML_KEM_512) {
    // Checks the private key really is one of writ's forms; the secret never leaves this scope.
    const k = decodePrivateKey(der);
    k.seed?.fill(0);
    k.expandedKey?.fill(0);
  }
  c.add('LINT_KEY_UNENCRYPTED', 'the private key is stored unencrypted; encrypt it (writ key generate --pass-file)');
  return finish('private-key', 'private key', c);
}

function lintCms(der: Uint8Array, ctx: Ctx, out: LintedObject[]): void {
  const ci = decodeContentInfo(der, 'CMS');
  const c = new Collector(ctx.profile);
  if (ci.contentType === CMS_OID.signedData) {
    const r = verifyCms(der);
    r.signers.forEach((s, i) => {
      c.hash(`signer ${i + 1} digest`, s.digestAlgorithm);
      c.signature(`signer ${i + 1} signature`, s.signatureAlgorithm);
    });
    if (r.signers.length === 0) c.notes.push('no signers');
    out.push(finish('signed-data', `SignedData (${r.signers.length} signer${r.signers.length === 1 ? '' : 's'})`, c));
    seen(r.certificates, ctx, out);
    return;
  }
  if (ci.contentType === CMS_OID.authEnvelopedData || ci.contentType === CMS_OID.envelopedData) {
    const d = describeEnveloped(der);
    c.algorithms.content = d.contentEncryption;
    if (!/^AES-256-/.test(d.contentEncryption)) c.add('LINT_WEAK_CIPHER', `content encryption ${d.contentEncryption}; CNSA 2.0 requires AES-256`);
    d.recipients.forEach((r, i) => {
      const role = `recipient ${i + 1}`;
      if (r.type !== 'kem') {
        c.algorithms[role] = r.type;
        c.add('LINT_CLASSICAL_KEY', `${role}: ${r.type} recipient (classical key transport or agreement); CNSA 2.0 requires ML-KEM-1024`);
        return;
      }
      const kemOid = Object.entries(ALG_NAMES).find(([, n]) => n === r.kem)?.[0] ?? r.kem ?? '';
      c.key(`${role} KEM`, { oid: kemOid });
      c.algorithms[`${role} KDF`] = r.kdf ?? '?';
      // hybrid is writ's own envelope profile: RFC 9936's default HKDF-SHA256 is accepted there.
      const kdfOk = r.kdf === 'HKDF-SHA384' || r.kdf === 'HKDF-SHA512' || (ctx.profile === 'hybrid' && r.kdf === 'HKDF-SHA256');
      if (!kdfOk) c.add('LINT_WEAK_HASH', `${role}: KDF ${r.kdf ?? '?'}; CNSA 2.0 requires SHA-384 or SHA-512`);
      c.algorithms[`${role} wrap`] = r.wrap ?? '?';
      if (r.wrap !== 'AES-256-WRAP') c.add('LINT_WEAK_CIPHER', `${role}: key wrap ${r.wrap ?? '?'}; CNSA 2.0 requires AES-256`);
    });
    c.notes.push('the signer and the header are inside the encrypted part: only the outer algorithms were checked');
    out.push(finish('enveloped-data', d.structure, c));
    return;
  }
  c.add('LINT_UNRECOGNISED', `CMS content type ${ci.contentType} is not SignedData, EnvelopedData or AuthEnvelopedData`);
  out.push(finish('cms', 'CMS', c));
}

/** Lints certificates carried inside another object once each (a chain repeated in every signature). */
function seen(certs: Certificate[], ctx: Ctx, out: LintedObject[], done = new Set<string>()): void {
  for (const cert of certs) {
    const k = fp(cert.der);
    if (done.has(k)) continue;
    done.add(k);
    out.push({ ...lintCertificate(cert, ctx), embedded: true });
  }
}

function lintSignedDocument(bytes: Uint8Array, ctx: Ctx, out: LintedObject[]): void {
  const doc = decodeSignedDocument(bytes);
  const body = doc.body as Record<string, unknown>;
  const c = new Collector(ctx.profile);
  const content = canonicalBytes(doc.body);
  const certs: Certificate[] = [];
  doc.signatures.forEach((sig, i) => {
    const r = verifyCms(fromBase64(sig.cms, `signature ${i + 1}`), { detachedContent: content });
    for (const s of r.signers) {
      c.hash(`${sig.signer} digest`, s.digestAlgorithm);
      c.signature(`${sig.signer} signature`, s.signatureAlgorithm);
      if (!s.ok) c.add('LINT_BAD_SIGNATURE', `the signature of ${sig.signer} does not verify${s.error ? ` (${s.error})` : ''}`);
    }
    certs.push(...r.certificates);
  });
  if (typeof body.notBefore === 'string' && typeof body.notAfter === 'string') {
    c.period('validity', new Date(body.notBefore), new Date(body.notAfter), ctx.limits.documentDays, '--max-document-days');
  }
  out.push(finish(doc.kind, typeof body.id === 'string' ? body.id : doc.kind, c));
  seen(certs, ctx, out);
}

function unrecognised(message: string): LintedObject {
  return { kind: 'unknown', name: '?', algorithms: {}, findings: [{ code: 'LINT_UNRECOGNISED', message }], notes: [] };
}

function lintDer(label: string | undefined, der: Uint8Array, ctx: Ctx, out: LintedObject[]): void {
  switch (label) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
      out.push(lintCertificate(parseCertificate(der), ctx));
      return;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      out.push(lintCsr(parseCsr(der), ctx));
      return;
    case 'X509 CRL':
      out.push(lintCrl(parseCrl(der), ctx));
      return;
    case 'PUBLIC KEY': {
      const c = new Collector(ctx.profile);
      c.key('key', parseSpki(der).algorithm);
      out.push(finish('public-key', 'public key', c));
      return;
    }
    case 'PRIVATE KEY':
      out.push(lintPrivateKey(der, ctx));
      return;
    case 'ENCRYPTED PRIVATE KEY':
      out.push(lintEncryptedKey(der, ctx));
      return;
    case 'CMS':
    case 'PKCS7':
      lintCms(der, ctx, out);
      return;
    case undefined:
      break;
    default:
      out.push(unrecognised(`PEM blocks labelled "${label}" are not something lint checks`));
      return;
  }
  // Raw DER: the first reader that accepts it decides what it is.
  const tries: [string, () => void][] = [
    ['certificate', () => out.push(lintCertificate(parseCertificate(der), ctx))],
    ['crl', () => out.push(lintCrl(parseCrl(der), ctx))],
    ['csr', () => out.push(lintCsr(parseCsr(der), ctx))],
    ['cms', () => lintCms(der, ctx, out)],
    ['encrypted key', () => (isEncryptedPrivateKey(der) ? out.push(lintEncryptedKey(der, ctx)) : fail())],
    ['private key', () => out.push(lintPrivateKey(der, ctx))],
    ['public key', () => lintDer('PUBLIC KEY', der, ctx, out)],
  ];
  for (const [, f] of tries) {
    const before = out.length;
    try {
      f();
      return;
    } catch {
      out.length = before;
    }
  }
  out.push(unrecognised('not a certificate, CSR, CRL, CMS object, private key or public key'));
}

function fail(): never {
  throw new WritError('PARSE', 'no match');
}

/**
 * Lints one file's bytes: PEM (any number of blocks), DER, or a writ signed document (JSON). Malformed
 * input becomes a LINT_UNRECOGNISED finding rather than an exception, so that one bad file among many
 * still lets the others be reported.
 */
export function lintBytes(bytes: Uint8Array, o: LintOptions): LintedObject[] {
  const ctx: Ctx = { profile: o.profile, limits: { ...DEFAULT_LINT_LIMITS, ...(o.limits ?? {}) } };
  const out: LintedObject[] = [];
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  try {
    if (first === 0x7b /* { */) lintSignedDocument(bytes, ctx, out);
    else if (looksLikePem(bytes)) {
      const blocks = pemDecodeAll(new TextDecoder('latin1').decode(bytes));
      if (blocks.length === 0) out.push(unrecognised('no PEM block found'));
      for (const b of blocks) {
        try {
          lintDer(b.label, b.der, ctx, out);
        } catch (e) {
          out.push(unrecognised(`${b.label}: ${isWritError(e) ? e.message : String(e)}`));
        } finally {
          if (b.label.includes('PRIVATE KEY')) b.der.fill(0);
        }
      }
    } else if (bytes.length === 0) out.push(unrecognised('empty file'));
    else lintDer(undefined, bytes, ctx, out);
  } catch (e) {
    out.push(unrecognised(isWritError(e) ? e.message : String(e)));
  }
  return out;
}

export function findingCount(objs: readonly LintedObject[]): number {
  return objs.reduce((n, x) => n + x.findings.length, 0);
}
