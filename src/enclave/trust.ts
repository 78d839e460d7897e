// Partner trust without merging (issue 5): trust/partners.json, a store of RFC 5937 constrained trust anchors signed by the enclave's own gateway key.
//
// A partner PKI (an allied root, a classical smart-card PKI on ECDSA P-384 or RSA) never becomes a plain
// anchor: each entry carries the URI subtrees (RFC 5280 §4.2.1.10 form), the levels (initial policy
// set, RFC 5280 §6.1.1 (c)) and the path length it may vouch for, which verify() enforces as RFC 5937
// constraints (TrustAnchor.constraints). The store is a signed document (src/core/policy/signed.ts) over
// its canonical body, so an edited file is refused with SIGNATURE on every load, never silently trusted.
import * as fs from 'node:fs';
import { WritError } from '../core/errors.js';
import { sha256 } from '../core/crypto/kdf.js';
import { bytesEqual, toHex } from '../core/crypto/bytes.js';
import type { Signer } from '../core/crypto/types.js';
import type { Certificate } from '../core/x509/types.js';
import { parseCertificate } from '../core/x509/parse.js';
import type { TrustAnchor } from '../core/verify/types.js';
import { levelName, levelOid } from '../core/policy/levels.js';
import {
  checkSignature,
  decodeSignedDocument,
  encodeSignedDocument,
  fromBase64,
  isObj,
  signBody,
  timeField,
  toBase64,
  type SignedDocument,
} from '../core/policy/signed.js';
import { readFileLimited, writeFileAtomic } from '../cli/io.js';
import { MAX_TRUST_STORE_BYTES } from '../core/limits.js';

/** One constrained partner anchor as stored. */
export interface PartnerAnchor {
  /** First 16 hex digits of the SHA-256 of the certificate DER. */
  id: string;
  label: string;
  /** Base64 DER of the anchor certificate. */
  cert: string;
  /** SHA-256 of the DER, hex. */
  sha256: string;
  /** URI host subtrees: "host" exactly, ".domain" any host below. At least one. */
  permittedUris: string[];
  /** Level OIDs the anchor may vouch for. At least one. */
  levels: string[];
  /** Maximum number of intermediate CAs below the anchor. */
  maxPathLen?: number;
  added: string;
}

export interface TrustStoreBody {
  type: 'writ-trust-store';
  /** The enclave id whose store this is: a store copied from another enclave is refused (IDENTITY). */
  enclave: string;
  /** Grows by one on every change. */
  version: number;
  anchors: PartnerAnchor[];
}

const HOST = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Checks a permitted-URI subtree: a lower-case DNS host, optionally with a leading dot. */
export function checkSubtree(s: string): string {
  const v = s.toLowerCase();
  if (!HOST.test(v) || v.length > 253) throw new WritError('USAGE', `--permit-uri "${s}" is not a host ("partner.example") or subtree (".partner.example")`);
  return v;
}

function parseAnchor(v: unknown, i: number): PartnerAnchor {
  const bad = (m: string): never => {
    throw new WritError('PARSE', `trust store: anchor ${i}: ${m}`);
  };
  if (!isObj(v)) return bad('not an object');
  for (const k of ['id', 'label', 'cert', 'sha256', 'added'] as const) if (typeof v[k] !== 'string') bad(`${k} must be a string`);
  const strs = (k: string): string[] => {
    const a = v[k];
    if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === 'string')) return bad(`${k} must be a non-empty list of strings`);
    return a as string[];
  };
  const m = v.maxPathLen;
  if (m !== undefined && (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m > 8)) bad('maxPathLen must be 0..8');
  return {
    id: v.id as string,
    label: v.label as string,
    cert: v.cert as string,
    sha256: v.sha256 as string,
    permittedUris: strs('permittedUris'),
    levels: strs('levels'),
    ...(m !== undefined ? { maxPathLen: m as number } : {}),
    added: v.added as string,
  };
}

export function parseTrustStoreBody(v: unknown): TrustStoreBody {
  if (!isObj(v) || v.type !== 'writ-trust-store') throw new WritError('PARSE', 'trust store: body type must be writ-trust-store');
  if (typeof v.enclave !== 'string') throw new WritError('PARSE', 'trust store: enclave must be a string');
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version < 1) throw new WritError('PARSE', 'trust store: version must be a positive integer');
  if (!Array.isArray(v.anchors)) throw new WritError('PARSE', 'trust store: anchors must be a list');
  return { type: 'writ-trust-store', enclave: v.enclave, version: v.version, anchors: v.anchors.map(parseAnchor) };
}

/**
 * Reads and checks trust/partners.json: one signature, by the key of `signingCert` (this enclave's
 * gateway), over the canonical body (SIGNATURE when edited or signed by anyone else), for this enclave
 * (IDENTITY otherwise), and each anchor's certificate must hash to its recorded SHA-256.
 */
export function readTrustStore(file: string, o: { identity: string; signingCert: Certificate }): TrustStoreBody {
  const d = decodeSignedDocument(readFileLimited(file, MAX_TRUST_STORE_BYTES, 'MAX_TRUST_STORE_BYTES'));
  if (d.kind !== 'writ-trust-store') throw new WritError('PARSE', `${file} is a ${d.kind}, not a trust store`);
  if (d.signatures.length !== 1) throw new WritError('SIGNATURE', `${file}: a trust store carries exactly one signature, by its enclave`);
  const checked = checkSignature(d.body, d.signatures[0]!, undefined, file);
  if (!bytesEqual(checked.cert.spki.publicKey, o.signingCert.spki.publicKey)) {
    throw new WritError('SIGNATURE', `${file} is not signed by this enclave's gateway signing key`);
  }
  const body = parseTrustStoreBody(d.body);
  if (body.enclave !== o.identity) throw new WritError('IDENTITY', `${file} is the trust store of ${body.enclave}, not of ${o.identity}`);
  for (const a of body.anchors) {
    if (toHex(sha256(fromBase64(a.cert, `${file}: anchor ${a.id}`))) !== a.sha256) throw new WritError('ARTIFACT_MISMATCH', `${file}: anchor ${a.id} does not match its SHA-256`);
  }
  return body;
}

/** The constrained anchors of a verified store, ready for verify(). */
export function partnerAnchors(body: TrustStoreBody): TrustAnchor[] {
  return body.anchors.map((a) => ({
    cert: parseCertificate(fromBase64(a.cert, `anchor ${a.id}`)),
    label: a.label,
    constraints: { permittedUris: a.permittedUris, levels: a.levels, ...(a.maxPathLen !== undefined ? { maxPathLen: a.maxPathLen } : {}) },
  }));
}

/** loadEnclave's hook: the verified, constrained partner anchors of trust/partners.json. */
export function loadPartnerAnchors(file: string, o: { identity: string; signingCert: Certificate }): TrustAnchor[] {
  return partnerAnchors(readTrustStore(file, o));
}

/** Signs and writes a store body (canonical JSON + "\n"). */
export function writeTrustStore(file: string, body: TrustStoreBody, o: { signer: Signer; cert: Certificate; chain: Uint8Array[]; now: Date }): void {
  const doc: SignedDocument<never> = {
    type: 'writ-signed',
    body: body as never,
    signatures: [{ signer: `${body.enclave}/gateway`, cms: signBody(body, { signer: o.signer, cert: o.cert, chain: o.chain, signingTime: o.now }) }],
  };
  writeFileAtomic(file, encodeSignedDocument(doc as never), { force: true });
}

export interface AddAnchorInput {
  cert: Certificate;
  permittedUris: string[];
  levels: string[];
  maxPathLen?: number;
  label?: string;
  now: Date;
}

/** Adds (or replaces, same certificate) one constrained anchor; refuses an unconstrained one (INSECURE). */
export function addAnchor(body: TrustStoreBody, input: AddAnchorInput, ownAnchors: Certificate[]): { body: TrustStoreBody; anchor: PartnerAnchor } {
  const { cert } = input;
  if (cert.basicConstraints?.ca !== true) throw new WritError('NOT_CA', `${cert.subject.text} is not a CA certificate`);
  if (input.permittedUris.length === 0) throw new WritError('INSECURE', 'a partner anchor must be constrained: give at least one --permit-uri');
  if (input.levels.length === 0) throw new WritError('INSECURE', 'a partner anchor must be constrained: give at least one --levels');
  if (ownAnchors.some((c) => bytesEqual(c.der, cert.der))) throw new WritError('USAGE', `${cert.subject.text} is already one of this enclave's own (unconstrained) anchors`);
  const hash = toHex(sha256(cert.der));
  const anchor: PartnerAnchor = {
    id: hash.slice(0, 16),
    label: input.label ?? cert.subject.text,
    cert: toBase64(cert.der),
    sha256: hash,
    permittedUris: [...new Set(input.permittedUris.map(checkSubtree))],
    levels: [...new Set(input.levels.map((l) => levelOid(l)))],
    ...(input.maxPathLen !== undefined ? { maxPathLen: input.maxPathLen } : {}),
    added: timeField(input.now),
  };
  return { body: { ...body, version: body.version + 1, anchors: [...body.anchors.filter((a) => a.sha256 !== hash), anchor] }, anchor };
}

export function removeAnchor(body: TrustStoreBody, id: string): { body: TrustStoreBody; removed: PartnerAnchor } {
  const hit = body.anchors.filter((a) => a.id === id || a.sha256 === id);
  if (hit.length !== 1) throw new WritError('USAGE', `no partner anchor with id ${id} (see writ trust list)`);
  return { body: { ...body, version: body.version + 1, anchors: body.anchors.filter((a) => a !== hit[0]) }, removed: hit[0]! };
}

export function emptyStore(identity: string): TrustStoreBody {
  return { type: 'writ-trust-store', enclave: identity, version: 0, anchors: [] };
}

/** The store of `file`, or an empty one when the file does not exist. */
export function readTrustStoreOrEmpty(file: string, o: { identity: string; signingCert: Certificate }): TrustStoreBody {
  return fs.existsSync(file) ? readTrustStore(file, o) : emptyStore(o.identity);
}

/** Rows for `writ trust list`. */
export function anchorSummary(a: PartnerAnchor): Record<string, unknown> {
  return {
    id: a.id,
    label: a.label,
    sha256: a.sha256,
    permittedUris: a.permittedUris,
    levels: a.levels.map((l) => levelName(l) ?? l),
    ...(a.maxPathLen !== undefined ? { maxPathLen: a.maxPathLen } : {}),
    added: a.added,
  };
}
