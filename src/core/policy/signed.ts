// Signed policy documents (agreements, withdrawals, crossings): an RFC 8785 canonical JSON body with one detached CMS SignedData (RFC 5652, RFC 9882) per signer.
//
// Why detached signatures in a JSON wrapper rather than one SignedData with several SignerInfos: a
// bilateral agreement is signed by its two parties at different sites and times (propose, then
// countersign), and a countersignature must not need the proposer's key. Each CMS signs the canonical
// bytes of the body (RFC 8785), so whitespace or member order in the file never changes what is signed.
import { WritError } from '../errors.js';
import { canonicalBytes } from '../json/canonical.js';
import { sha512 } from '../crypto/kdf.js';
import { toHex } from '../crypto/bytes.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate, Crl } from '../x509/types.js';
import type { TrustAnchor } from '../verify/types.js';
import { verify } from '../verify/verify.js';
import { signCms, verifyCms } from '../cms/signed-data.js';
import { parseSpiffeId } from './names.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../asn1/oids.js';
import { checkJsonDepth } from '../limits.js';

/** The kinds of signed policy document writ reads and writes. */
export type SignedKind = 'writ-agreement' | 'writ-withdrawal' | 'writ-crossing' | 'writ-baseline' | 'writ-trust-store';

/** One party's signature: a detached CMS SignedData (DER, base64) over canonicalBytes(body). */
export interface DocSignature {
  /** Who claims to have signed: an enclave id (agreements, withdrawals) or an authority label (crossings). */
  signer: string;
  /** Base64 (RFC 4648 §4) DER ContentInfo, detached, signer cert + chain included. */
  cms: string;
}

/** The file form: `{ type: 'writ-signed', body, signatures }`, written as canonical JSON + "\n". */
export interface SignedDocument<T extends { type: SignedKind }> {
  type: 'writ-signed';
  body: T;
  signatures: DocSignature[];
}

/** Trust material and time for checking a signer's chain (src/core/verify). */
export interface TrustContext {
  anchors: TrustAnchor[];
  crls?: Crl[];
  now: Date;
}

/** The enclave id of any SPIFFE id inside the enclave: spiffe://<enclave>.<region>.<domain> (no path). */
export function enclaveIdOf(uri: string): string {
  return `spiffe://${parseSpiffeId(uri).host}`;
}

/** The identity an enclave's gateway signing cert carries (src/core/x509/issue.ts 'enclave-signing'). */
export function gatewayIdentityOf(enclaveId: string): string {
  return `${enclaveIdOf(enclaveId)}/gateway`;
}

/** SHA-512 (hex) of the canonical body: the digest that names a document in audit entries and withdrawals. */
export function bodyDigest(body: unknown): string {
  return toHex(sha512(canonicalBytes(body)));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

export function fromBase64(s: string, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new WritError('PARSE', `${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Signs `body` (detached CMS over its canonical bytes) with an enclave's or authority's key. */
export function signBody(body: unknown, o: { signer: Signer; cert: Certificate; chain?: Uint8Array[]; signingTime?: Date }): string {
  const der = signCms({
    content: canonicalBytes(body),
    detached: true,
    signers: [{ signer: o.signer, cert: o.cert }],
    certificates: [o.cert.der, ...(o.chain ?? [])],
    ...(o.signingTime ? { signingTime: o.signingTime } : {}),
  });
  return toBase64(der);
}

/** What checking one signature proved. */
export interface CheckedSignature {
  signer: string;
  /** The certificate that made the signature. */
  cert: Certificate;
  /** The identity verify() proved for cert (enclave signers), when a chain was checked. */
  identity?: string;
  levelOid?: string;
}

/**
 * Checks one detached CMS signature over the body: the CMS signature itself (SIGNATURE when it fails)
 * and, when `trust` is given, the signer certificate's chain (verify() codes, e.g. NO_PATH, REVOKED).
 */
export function checkSignature(body: unknown, sig: DocSignature, trust: TrustContext | undefined, what: string): CheckedSignature {
  const der = fromBase64(sig.cms, `${what}: signature of ${sig.signer}`);
  let r: ReturnType<typeof verifyCms>;
  try {
    r = verifyCms(der, { detachedContent: canonicalBytes(body) });
  } catch (e) {
    throw new WritError('SIGNATURE', `${what}: the signature of ${sig.signer} cannot be read`, { cause: e });
  }
  if (r.signers.length !== 1) throw new WritError('SIGNATURE', `${what}: the signature of ${sig.signer} must have exactly one signer`);
  const s = r.signers[0]!;
  if (!s.ok) throw new WritError('SIGNATURE', `${what}: the signature of ${sig.signer} does not verify${s.error ? ` (${s.error})` : ''}`);
  if (!s.cert) throw new WritError('SIGNATURE', `${what}: the signature of ${sig.signer} does not include its certificate`);
  if (!trust) return { signer: sig.signer, cert: s.cert };
  const v = verify({ leaf: s.cert, untrusted: r.certificates, ...(trust.crls ? { crls: trust.crls } : {}) }, trust.anchors, {
    now: trust.now,
    keyUsage: ['digitalSignature'],
    // Only an enclave gateway signing cert speaks for an enclave (src/core/x509/issue.ts 'enclave-signing').
    purpose: EKU_WRIT_GATEWAY_SIGNING,
  });
  if (!v.ok) {
    const first = v.errors[0];
    throw new WritError(first?.code ?? 'NO_PATH', `${what}: the certificate of ${sig.signer} does not verify: ${first?.message ?? 'no path'}`);
  }
  return { signer: sig.signer, cert: s.cert, ...(v.identity ? { identity: v.identity } : {}), ...(v.level ? { levelOid: v.level } : {}) };
}

/**
 * Checks that `checked` was made by enclave `party`'s gateway signing cert: the proved identity must be
 * spiffe://<party host>/gateway (IDENTITY otherwise), so a workload or a KEM key cannot sign for an enclave.
 */
export function requireParty(checked: CheckedSignature, party: string, what: string): void {
  const want = gatewayIdentityOf(party);
  if (checked.identity !== want) {
    throw new WritError('IDENTITY', `${what}: signed by ${checked.identity ?? 'an unproved identity'}, not by ${want}`);
  }
}

/** Serialises a signed document for a file: canonical JSON plus a final newline. */
export function encodeSignedDocument(doc: SignedDocument<{ type: SignedKind }>): string {
  return `${new TextDecoder().decode(canonicalBytes(doc))}\n`;
}

/** Parses the file form without checking signatures; the caller checks the body with its own parser. */
export function decodeSignedDocument(bytes: Uint8Array | string): { kind: SignedKind; body: unknown; signatures: DocSignature[] } {
  let v: unknown;
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new WritError('PARSE', 'signed document: not JSON', { cause: e });
  }
  checkJsonDepth(text, 'signed document'); // MAX_JSON_DEPTH, before any walker sees it
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WritError('PARSE', 'signed document: not JSON', { cause: e });
  }
  if (!isObj(v) || v.type !== 'writ-signed' || !isObj(v.body) || !Array.isArray(v.signatures)) {
    throw new WritError('PARSE', 'signed document: expected {"type":"writ-signed","body":{...},"signatures":[...]}');
  }
  const kind = v.body.type;
  if (kind !== 'writ-agreement' && kind !== 'writ-withdrawal' && kind !== 'writ-crossing' && kind !== 'writ-baseline' && kind !== 'writ-trust-store') {
    throw new WritError('PARSE', `signed document: unknown body type ${JSON.stringify(kind)}`);
  }
  const signatures = v.signatures.map((s, i) => {
    if (!isObj(s) || typeof s.signer !== 'string' || typeof s.cms !== 'string' || Object.keys(s).length !== 2) {
      throw new WritError('PARSE', `signed document: signature ${i} must be {"signer","cms"}`);
    }
    return { signer: s.signer, cms: s.cms };
  });
  if (Object.keys(v).length !== 3) throw new WritError('PARSE', 'signed document: unexpected members');
  return { kind, body: v.body, signatures };
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses an RFC 3339 UTC time string that must round-trip through Date (PARSE otherwise). */
export function parseTimeField(v: unknown, what: string): Date {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(v)) throw new WritError('PARSE', `${what} must be an RFC 3339 UTC time`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new WritError('PARSE', `${what} is not a valid time`);
  return d;
}

/** The canonical time form used in every body: ISO 8601 / RFC 3339 UTC with whole seconds. */
export function timeField(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
