// Records with their own provenance and guardianship, attested in batches by the origin enclave (CMS SignedData, RFC 5652 / RFC 9882; Merkle paths per RFC 9162 §2.1.3).
//
// A record is { data, provenance }. The provenance names the origin enclave, the record hash
// (SHA-512 of the RFC 8785 canonical data) and the guardianship: who holds guardianship (kaitiaki) and
// under what terms it is shared. The origin does not sign each record separately (an ML-DSA-65
// signature is 3,309 bytes; ten thousand of them would dwarf most data): it signs one attestation per
// batch, a CMS SignedData over {origin, root, size, attestedAt} whose root is the RFC 9162 Merkle tree
// hash over the batch's leaves, and each record carries its index and inclusion path. So:
//  - editing the data, the record hash, the origin or the guardianship changes the leaf, and the path
//    no longer leads to the signed root (PROVENANCE);
//  - the provenance travels with the record through any number of re-shares unchanged: re-sharing
//    carries the original attestation along (it is never re-signed by the forwarder);
//  - a record plus its attestation plus the origin's certificate chain (an "attestation" line of a
//    record bundle) verifies outside any federation against the origin's root alone.
import { WritError } from '../errors.js';
import { sha512 } from '../crypto/kdf.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import type { Signer } from '../crypto/types.js';
import { canonicalBytes, type JsonValue } from '../json/canonical.js';
import { signCms, verifyCms } from '../cms/signed-data.js';
import { parseCertificate } from '../x509/parse.js';
import type { Certificate, Crl } from '../x509/types.js';
import { verify } from '../verify/verify.js';
import type { TrustAnchor } from '../verify/types.js';
import { ENVELOPE_OIDS } from '../policy/levels.js';
import { enclaveIdOf, fromBase64, gatewayIdentityOf, isObj, parseTimeField, timeField, toBase64 } from '../policy/signed.js';
import { allInclusionPaths, leafHash, merkleRoot, verifyInclusion } from './merkle.js';

/** Who holds guardianship of a record (kaitiaki) and the terms under which it is shared. */
export interface Guardianship {
  /** The guardian: a community, body or person, by name or identity. */
  kaitiaki: string;
  /** The terms of sharing, as the kaitiaki set them (free text). */
  terms: string;
  /** Optional reference to the full terms (a URI or document id). */
  termsRef?: string;
}

export interface Provenance {
  /** Origin enclave id, spiffe://<enclave>.<region>.<domain>. */
  origin: string;
  /** Lowercase hex SHA-512 of the RFC 8785 canonical bytes of `data`. */
  recordHash: string;
  guardianship: Guardianship;
  /** The attestation that covers this record: its Merkle root, lowercase hex (also the attestation id). */
  attestation: string;
  /**
   * Position in the attested batch, and the RFC 9162 inclusion path (hex, bottom-up). Inside an
   * envelope that carries a whole batch the paths are left out (compact form: `path` is []) and
   * rebuilt from the batch on open (completeRecords), which saves ~1.8 kB per record at 10,000.
   */
  index: number;
  path: string[];
}

export interface ProvenancedRecord {
  data: JsonValue;
  provenance: Provenance;
}

/** What the origin signs for a batch (canonical JSON inside the attestation SignedData). */
export interface AttestationStatement {
  type: 'writ-provenance';
  origin: string;
  root: string;
  size: number;
  attestedAt: string;
}

/** An attestation as carried in envelopes and record bundles. */
export interface Attestation {
  /** = the statement's root. */
  id: string;
  /** Base64 DER ContentInfo: SignedData, eContentType ENVELOPE_OIDS.attestation, eContent = the canonical statement. */
  cms: string;
  /**
   * Base64 DER certificates: the origin's gateway signing cert, then its enclave CA and regional CA.
   * Omitted inside an envelope whose sender is the origin (its SignedData already carries that chain).
   */
  chain?: string[];
}

/** A record before attestation: its data and the guardianship the origin declares. */
export interface NewRecord {
  data: JsonValue;
  guardianship: Guardianship;
}

export function recordHash(data: JsonValue): string {
  return toHex(sha512(canonicalBytes(data)));
}

/** The leaf input for a record: what the origin vouches for, in canonical form. */
function leafOf(p: Pick<Provenance, 'origin' | 'recordHash' | 'guardianship'>): Uint8Array {
  return leafHash(canonicalBytes({ origin: p.origin, recordHash: p.recordHash, guardianship: p.guardianship }));
}

function checkGuardianship(g: unknown, what: string): Guardianship {
  if (!isObj(g) || typeof g.kaitiaki !== 'string' || g.kaitiaki.length === 0 || typeof g.terms !== 'string' || g.terms.length === 0) {
    throw new WritError('PARSE', `${what}: guardianship must be {"kaitiaki": non-empty string, "terms": non-empty string, "termsRef"?: string}`);
  }
  for (const k of Object.keys(g)) if (k !== 'kaitiaki' && k !== 'terms' && k !== 'termsRef') throw new WritError('PARSE', `${what}: unknown guardianship member "${k}"`);
  if (g.termsRef !== undefined && typeof g.termsRef !== 'string') throw new WritError('PARSE', `${what}: guardianship.termsRef must be a string`);
  return { kaitiaki: g.kaitiaki, terms: g.terms, ...(g.termsRef !== undefined ? { termsRef: g.termsRef as string } : {}) };
}

/**
 * The origin enclave attests a batch of its own records: one CMS signature over the Merkle root of
 * the batch. `cert` is the origin's gateway signing certificate; `chain` its enclave CA and regional
 * CA (DER), kept next to the attestation so the records stay verifiable on their own.
 */
export function attestRecords(
  items: readonly NewRecord[],
  o: { origin: string; signer: Signer; cert: Certificate; chain: readonly Uint8Array[]; attestedAt: Date },
): { records: ProvenancedRecord[]; attestation: Attestation } {
  if (items.length === 0) throw new RangeError('attestRecords: at least one record is required');
  const origin = enclaveIdOf(o.origin);
  const partial = items.map((it, i) => ({
    data: it.data,
    origin,
    recordHash: recordHash(it.data),
    guardianship: checkGuardianship(it.guardianship, `record ${i}`),
  }));
  const leaves = partial.map(leafOf);
  const root = toHex(merkleRoot(leaves));
  const paths = allInclusionPaths(leaves);
  const statement: AttestationStatement = { type: 'writ-provenance', origin, root, size: items.length, attestedAt: timeField(o.attestedAt) };
  // No certificates inside the SignedData: the chain sits beside it (Attestation.chain) or in the
  // carrying envelope, so that a 10,000-record envelope holds the origin chain once.
  const der = signCms({
    content: canonicalBytes(statement),
    contentType: ENVELOPE_OIDS.attestation,
    signers: [{ signer: o.signer }],
    signingTime: o.attestedAt,
  });
  const records = partial.map((p, i) => ({
    data: p.data,
    provenance: { origin, recordHash: p.recordHash, guardianship: p.guardianship, attestation: root, index: i, path: paths[i]!.map(toHex) },
  }));
  return { records, attestation: { id: root, cms: toBase64(der), chain: [o.cert.der, ...o.chain].map(toBase64) } };
}

/**
 * The compact form of a whole batch: every path dropped. Only for batches carried complete (the
 * sender's own new records); a re-shared subset keeps its paths.
 */
export function compactRecords(records: readonly ProvenancedRecord[]): ProvenancedRecord[] {
  return records.map((r) => ({ data: r.data, provenance: { ...r.provenance, path: [] } }));
}

/**
 * Rebuilds missing inclusion paths for every attestation whose records are all present (indices
 * 0..k-1, each once). Paths that are present are kept. A group that is not complete is left as it is:
 * verification then fails for its path-less records (PROVENANCE), it is never guessed.
 */
export function completeRecords(records: readonly ProvenancedRecord[]): ProvenancedRecord[] {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (r.provenance.path.length === 0) {
      const g = groups.get(r.provenance.attestation) ?? [];
      g.push(i);
      groups.set(r.provenance.attestation, g);
    }
  });
  const out = records.slice();
  for (const [att, missing] of groups) {
    const members = records.map((r, i) => ({ r, i })).filter((x) => x.r.provenance.attestation === att);
    const byIndex = new Map<number, number>();
    for (const m of members) byIndex.set(m.r.provenance.index, m.i);
    if (members.length < 2 || byIndex.size !== members.length || ![...byIndex.keys()].every((k) => k < members.length)) continue;
    const ordered = Array.from({ length: members.length }, (_, k) => records[byIndex.get(k)!]!);
    const paths = allInclusionPaths(ordered.map((r) => leafOf(r.provenance)));
    for (const i of missing) {
      const r = records[i]!;
      out[i] = { data: r.data, provenance: { ...r.provenance, path: paths[r.provenance.index]!.map(toHex) } };
    }
  }
  return out;
}

/** Parses one record (from an envelope or a bundle line); PARSE on a wrong shape. */
export function parseRecord(v: unknown, what: string): ProvenancedRecord {
  if (!isObj(v) || !('data' in v) || !isObj(v.provenance)) throw new WritError('PARSE', `${what}: expected {"data", "provenance"}`);
  const p = v.provenance;
  const hex = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{128}$/.test(x);
  if (typeof p.origin !== 'string' || !hex(p.recordHash) || !hex(p.attestation) || !Number.isInteger(p.index) || (p.index as number) < 0 || !Array.isArray(p.path) || !p.path.every(hex)) {
    throw new WritError('PARSE', `${what}: malformed provenance`);
  }
  for (const k of Object.keys(v)) if (k !== 'data' && k !== 'provenance') throw new WritError('PARSE', `${what}: unknown member "${k}"`);
  return {
    data: v.data as JsonValue,
    provenance: {
      origin: p.origin,
      recordHash: p.recordHash,
      guardianship: checkGuardianship(p.guardianship, what),
      attestation: p.attestation,
      index: p.index as number,
      path: p.path as string[],
    },
  };
}

export function parseAttestation(v: unknown, what: string): Attestation {
  if (!isObj(v) || typeof v.id !== 'string' || typeof v.cms !== 'string') throw new WritError('PARSE', `${what}: expected {"id", "cms", "chain"?}`);
  if (v.chain !== undefined && (!Array.isArray(v.chain) || !v.chain.every((c) => typeof c === 'string'))) throw new WritError('PARSE', `${what}: chain must be base64 strings`);
  return { id: v.id, cms: v.cms, ...(v.chain !== undefined ? { chain: v.chain as string[] } : {}) };
}

export interface ProvenanceTrust {
  anchors: TrustAnchor[];
  crls?: Crl[];
  /** Time of the check. Each attestation's chain is validated at its attestedAt, which must not be after `now`. */
  now: Date;
  /** Certificates available besides each attestation's own chain (e.g. the carrying envelope's). */
  extraCerts?: Certificate[];
}

export interface VerifiedAttestation {
  id: string;
  origin: string;
  size: number;
  attestedAt: string;
  /** Proved by the origin's certificate path. */
  region?: string;
  level?: string;
  levelName?: string;
}

function provenanceError(message: string, cause?: unknown): WritError {
  return new WritError('PROVENANCE', message, cause === undefined ? undefined : { cause });
}

/**
 * Verifies one attestation: the CMS signature, the signer's chain to a trust anchor (validated at the
 * attestation time, so provenance outlives the signing certificate's validity) and that the proved
 * identity is the origin's gateway. Any failure is PROVENANCE (with the underlying code in the message).
 */
export function verifyAttestation(a: Attestation, trust: ProvenanceTrust): VerifiedAttestation {
  let chain: Certificate[];
  let r: ReturnType<typeof verifyCms>;
  try {
    chain = (a.chain ?? []).map((c, i) => parseCertificate(fromBase64(c, `attestation chain ${i}`)));
    r = verifyCms(fromBase64(a.cms, 'attestation'), { extraCerts: [...chain, ...(trust.extraCerts ?? [])] });
  } catch (e) {
    throw provenanceError(`attestation ${a.id.slice(0, 16)}… cannot be read`, e);
  }
  if (r.contentType !== ENVELOPE_OIDS.attestation) throw provenanceError('attestation has the wrong content type');
  if (r.signers.length !== 1) throw provenanceError('an attestation must have exactly one signer');
  const s = r.signers[0]!;
  if (!s.ok) throw provenanceError(`attestation signature does not verify${s.error ? ` (${s.error})` : ''}`);
  if (!s.cert) throw provenanceError('the origin certificate of an attestation is missing');
  let st: AttestationStatement;
  let at: Date;
  try {
    const v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.content)) as unknown;
    if (!isObj(v) || v.type !== 'writ-provenance' || typeof v.origin !== 'string' || typeof v.root !== 'string' || !Number.isInteger(v.size) || typeof v.attestedAt !== 'string') {
      throw new WritError('PARSE', 'attestation statement has the wrong shape');
    }
    st = v as unknown as AttestationStatement;
    at = parseTimeField(st.attestedAt, 'attestedAt');
  } catch (e) {
    throw provenanceError('attestation statement cannot be read', e);
  }
  if (st.root !== a.id) throw provenanceError('attestation id does not match its signed root');
  if (at.getTime() > trust.now.getTime()) throw provenanceError('attestation is dated in the future');
  const v = verify({ leaf: s.cert, untrusted: [...chain, ...r.certificates, ...(trust.extraCerts ?? [])], ...(trust.crls ? { crls: trust.crls } : {}) }, trust.anchors, {
    now: at,
    keyUsage: ['digitalSignature'],
  });
  if (!v.ok) {
    const first = v.errors[0];
    throw provenanceError(`the origin's certificate does not verify (${first?.code ?? 'NO_PATH'}: ${first?.message ?? 'no path'})`);
  }
  if (v.identity !== gatewayIdentityOf(st.origin)) throw provenanceError(`attestation for ${st.origin} signed by ${v.identity ?? 'an unproved identity'}`);
  return {
    id: a.id,
    origin: st.origin,
    size: st.size,
    attestedAt: st.attestedAt,
    ...(v.region ? { region: v.region } : {}),
    ...(v.level ? { level: v.level } : {}),
    ...(v.levelName ? { levelName: v.levelName } : {}),
  };
}

/**
 * Verifies every record's provenance against the attestations at hand. Returns the verified
 * attestations by id; throws PROVENANCE naming the first record that fails.
 */
export function verifyRecords(input: readonly ProvenancedRecord[], attestations: readonly Attestation[], trust: ProvenanceTrust): Map<string, VerifiedAttestation> {
  const records = completeRecords(input);
  const byId = new Map<string, Attestation>();
  for (const a of attestations) byId.set(a.id, a);
  const verified = new Map<string, VerifiedAttestation>();
  records.forEach((rec, i) => {
    const p = rec.provenance;
    let va = verified.get(p.attestation);
    if (!va) {
      const a = byId.get(p.attestation);
      if (!a) throw provenanceError(`record ${i}: its attestation is missing`);
      try {
        va = verifyAttestation(a, trust);
      } catch (e) {
        throw e instanceof WritError && e.code === 'PROVENANCE' ? provenanceError(`record ${i}: ${e.message}`, e.cause) : e;
      }
      verified.set(p.attestation, va);
    }
    if (p.origin !== va.origin) throw provenanceError(`record ${i}: origin ${p.origin} is not the attested origin ${va.origin}`);
    if (recordHash(rec.data) !== p.recordHash) throw provenanceError(`record ${i}: data does not match its record hash`);
    const ok = verifyInclusion(leafOf(p), p.index, va.size, p.path.map((h) => fromHex(h)), fromHex(va.id));
    if (!ok) throw provenanceError(`record ${i}: provenance or guardianship differs from what ${va.origin} attested`);
  });
  return verified;
}
