// Sensitivity levels as certificate policy OIDs under writ's own UUID arc (X.667: 2.25.<uuid>).
//
// A level is asserted as a certificatePolicies entry (RFC 5280 §4.2.1.4); RFC 5280 §6.1 policy
// processing, not a field a file merely claims, decides which level a path proves.
import { WritError } from '../errors.js';

/** writ's private arc: 2.25 + the decimal form of UUID 7c91e6fd-e982-4eaf-9b2e-aaee8af0e576. */
export const WRIT_ARC = '2.25.165581839593018613468155158880316351862';
/** Sub-arc for levels: WRIT_ARC.1.<n>. */
export const LEVEL_ARC = `${WRIT_ARC}.1`;
/** Sub-arc for writ's own attributes and extensions: WRIT_ARC.2.<n>. */
export const ATTR_ARC = `${WRIT_ARC}.2`;

export const LEVELS = {
  public: `${LEVEL_ARC}.1`,
  internal: `${LEVEL_ARC}.2`,
  restricted: `${LEVEL_ARC}.3`,
  sensitive: `${LEVEL_ARC}.4`,
} as const;

export type LevelName = keyof typeof LEVELS;
export const LEVEL_NAMES = Object.keys(LEVELS) as LevelName[];

/** Accepts a level name ("restricted") or a dotted OID and returns the OID. */
export function levelOid(nameOrOid: string): string {
  if (Object.prototype.hasOwnProperty.call(LEVELS, nameOrOid)) return LEVELS[nameOrOid as LevelName];
  if (/^[0-2](\.(0|[1-9][0-9]*))+$/.test(nameOrOid)) return nameOrOid;
  throw new WritError('USAGE', `unknown level "${nameOrOid}": use one of ${LEVEL_NAMES.join(', ')} or a policy OID`);
}

/** The level name for an OID, or undefined when the OID is not one of ours. */
export function levelName(oid: string): LevelName | undefined {
  for (const n of LEVEL_NAMES) if (LEVELS[n] === oid) return n;
  return undefined;
}

/**
 * Sub-arc for the sealed-envelope profile (issue 4, docs/envelopes.md): ATTR_ARC.3.<n>.
 * .0 is the eContentType of the signed envelope payload; .1-.13 are signed attributes (RFC 5652 §5.3)
 * that carry the envelope header, so the header is covered by the sender's signature.
 */
export const ENVELOPE_ARC = `${ATTR_ARC}.3`;
export const ENVELOPE_OIDS = {
  /** eContentType of the SignedData payload (canonical JSON: records and provenance attestations). */
  content: `${ENVELOPE_ARC}.0`,
  envelopeId: `${ENVELOPE_ARC}.1`,
  sender: `${ENVELOPE_ARC}.2`,
  recipient: `${ENVELOPE_ARC}.3`,
  scope: `${ENVELOPE_ARC}.4`,
  consentRef: `${ENVELOPE_ARC}.5`,
  agreementId: `${ENVELOPE_ARC}.6`,
  level: `${ENVELOPE_ARC}.7`,
  issuedAt: `${ENVELOPE_ARC}.8`,
  expiresAt: `${ENVELOPE_ARC}.9`,
  manifest: `${ENVELOPE_ARC}.10`,
  kind: `${ENVELOPE_ARC}.11`,
  queryShape: `${ENVELOPE_ARC}.12`,
  inReplyTo: `${ENVELOPE_ARC}.13`,
  /** eContentType of a record-provenance attestation (a batch of records signed by their origin enclave). */
  attestation: `${ENVELOPE_ARC}.20`,
  /** Payload envelopes (issue 6, docs/envelopes.md "Payload envelopes"): eContentType whose eContent is the raw payload bytes. */
  payload: `${ENVELOPE_ARC}.21`,
  /** Signed attribute of a payload envelope: the payload's record and its provenance attestation (canonical JSON in a UTF8String). */
  payloadRecord: `${ENVELOPE_ARC}.14`,
  /** Auth attribute (AAD, not encrypted) of a payload envelope: the inner eContentType, so a reader picks the streaming path before decrypting. */
  sealedContentType: `${ENVELOPE_ARC}.15`,
} as const;
