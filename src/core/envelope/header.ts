// The envelope header as CMS signed attributes (RFC 5652 §5.3) under writ's ENVELOPE_OIDS arc (docs/envelopes.md).
//
// Carrying the header in signed attributes, not in the payload, puts it under the sender's signature
// and lets open read it before parsing the records. One attribute per field, one value each:
//   envelopeId, sender, recipient, scope, consentRef, agreementId, kind, queryShape, inReplyTo  UTF8String
//   level                                                                                     OBJECT IDENTIFIER
//   issuedAt, expiresAt                                                                       GeneralizedTime
//   manifest                                                                                  RecordsManifest (manifest.ts)
import { WritError } from '../errors.js';
import {
  CLASS_UNIVERSAL,
  TAG,
  decodeDer,
  decodeOid,
  decodeTime,
  expect,
  oid,
  tlv,
  utf8Decode,
  utf8String,
} from '../asn1/der.js';
import { ENVELOPE_OIDS } from '../policy/levels.js';
import type { CmsAttribute } from '../cms/signed-data.js';
import { decodeManifest, encodeManifest, type Manifest } from './manifest.js';

export type EnvelopeKind = 'records' | 'query' | 'answer';
export const ENVELOPE_KINDS: readonly EnvelopeKind[] = ['records', 'query', 'answer'];

export interface EnvelopeHeader {
  /** "env-" + 32 lowercase hex (128 random bits); the replay store remembers it. */
  envelopeId: string;
  kind: EnvelopeKind;
  /** Enclave ids, spiffe://<enclave>.<region>.<domain>. */
  sender: string;
  recipient: string;
  scope: string;
  /** Reference to the consent the records are shared under (opaque to writ, logged). */
  consentRef: string;
  agreementId: string;
  /** Level OID of the envelope's contents. */
  level: string;
  issuedAt: Date;
  expiresAt: Date;
  manifest: Manifest;
  /** query and answer envelopes: the agreement query shape id. */
  queryShape?: string;
  /** answer envelopes: lowercase hex SHA-512 of the query envelope's SignedData (the binding). */
  inReplyTo?: string;
}

const O = ENVELOPE_OIDS;
const STRING_FIELDS = ['envelopeId', 'sender', 'recipient', 'scope', 'consentRef', 'agreementId', 'kind'] as const;
const OPTIONAL_STRING_FIELDS = ['queryShape', 'inReplyTo'] as const;

/** GeneralizedTime, whole seconds, Zulu (RFC 5280 §4.1.2.5.2 form, used for every year here). */
function generalizedTime(d: Date): Uint8Array {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('header time must be a valid Date');
  const s = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const g = `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`;
  return tlv(CLASS_UNIVERSAL, false, TAG.GENERALIZED_TIME, new TextEncoder().encode(g));
}

export function encodeHeader(h: EnvelopeHeader): CmsAttribute[] {
  const attrs: CmsAttribute[] = STRING_FIELDS.map((f) => ({ oid: O[f], values: [utf8String(h[f])] }));
  for (const f of OPTIONAL_STRING_FIELDS) {
    const v = h[f];
    if (v !== undefined) attrs.push({ oid: O[f], values: [utf8String(v)] });
  }
  attrs.push({ oid: O.level, values: [oid(h.level)] });
  attrs.push({ oid: O.issuedAt, values: [generalizedTime(h.issuedAt)] });
  attrs.push({ oid: O.expiresAt, values: [generalizedTime(h.expiresAt)] });
  attrs.push({ oid: O.manifest, values: [encodeManifest(h.manifest)] });
  return attrs;
}

function single(attrs: readonly CmsAttribute[], type: string, name: string, required: boolean): Uint8Array | undefined {
  const found = attrs.filter((a) => a.oid === type);
  if (found.length > 1) throw new WritError('PARSE', `envelope header: ${name} appears twice`);
  const a = found[0];
  if (!a) {
    if (required) throw new WritError('PARSE', `envelope header: ${name} is missing`);
    return undefined;
  }
  if (a.values.length !== 1) throw new WritError('PARSE', `envelope header: ${name} must have one value`);
  return a.values[0]!;
}

function str(der: Uint8Array, name: string): string {
  return utf8Decode(expect(decodeDer(der, name), TAG.UTF8_STRING, name).content, name);
}

/** Reads the header from a SignerInfo's signed attributes (PARSE when a field is missing or malformed). */
export function decodeHeader(attrs: readonly CmsAttribute[]): EnvelopeHeader {
  const s = (f: (typeof STRING_FIELDS)[number]): string => str(single(attrs, O[f], f, true)!, f);
  const kind = s('kind');
  if (!(ENVELOPE_KINDS as readonly string[]).includes(kind)) throw new WritError('PARSE', `envelope header: unknown kind "${kind}"`);
  const t = (name: 'issuedAt' | 'expiresAt'): Date => {
    const d = decodeDer(single(attrs, O[name], name, true)!, name);
    if (d.tag !== TAG.GENERALIZED_TIME) throw new WritError('PARSE', `envelope header: ${name} must be a GeneralizedTime`);
    return decodeTime(d, name);
  };
  const h: EnvelopeHeader = {
    envelopeId: s('envelopeId'),
    kind: kind as EnvelopeKind,
    sender: s('sender'),
    recipient: s('recipient'),
    scope: s('scope'),
    consentRef: s('consentRef'),
    agreementId: s('agreementId'),
    level: decodeOid(decodeDer(single(attrs, O.level, 'level', true)!, 'level'), 'level'),
    issuedAt: t('issuedAt'),
    expiresAt: t('expiresAt'),
    manifest: decodeManifest(single(attrs, O.manifest, 'manifest', true)!),
  };
  for (const f of OPTIONAL_STRING_FIELDS) {
    const v = single(attrs, O[f], f, false);
    if (v !== undefined) h[f] = str(v, f);
  }
  if (!/^env-[0-9a-f]{32}$/.test(h.envelopeId)) throw new WritError('PARSE', 'envelope header: envelopeId must be "env-" + 32 hex digits');
  return h;
}

/** A JSON view of the header for output (times as RFC 3339, manifest summarised unless `full`). */
export function headerJson(h: EnvelopeHeader, full = false): Record<string, unknown> {
  return {
    envelopeId: h.envelopeId,
    kind: h.kind,
    sender: h.sender,
    recipient: h.recipient,
    scope: h.scope,
    consentRef: h.consentRef,
    agreementId: h.agreementId,
    level: h.level,
    issuedAt: h.issuedAt.toISOString().replace('.000Z', 'Z'),
    expiresAt: h.expiresAt.toISOString().replace('.000Z', 'Z'),
    ...(h.queryShape !== undefined ? { queryShape: h.queryShape } : {}),
    ...(h.inReplyTo !== undefined ? { inReplyTo: h.inReplyTo } : {}),
    manifest: full ? h.manifest : { hashAlgorithm: h.manifest.hashAlgorithm, records: h.manifest.recordHashes.length, root: h.manifest.root },
  };
}
