// AlgorithmIdentifier (RFC 5280 §4.1.1.2) encode/decode, shared by certificates, CRLs, CSRs, SPKI, PKCS#8 and signatures.
import { WritError } from '../errors.js';
import type { AlgorithmId } from '../x509/types.js';
import { decodeOid, oid, seq, seqOf } from './der.js';
import type { Tlv } from './der.js';

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }; `paramsDer` is a whole TLV, absent when undefined. */
export function algorithmIdentifier(algOid: string, paramsDer?: Uint8Array): Uint8Array {
  return paramsDer === undefined ? seq(oid(algOid)) : seq(oid(algOid), paramsDer);
}

/**
 * Parses an AlgorithmIdentifier into { oid, params? }; params are kept as a copy of their DER TLV.
 * Parameters in high-tag-number form are refused: no algorithm uses them, and the key parsers never
 * accepted them.
 */
export function parseAlgorithmIdentifier(t: Tlv | undefined, what: string): AlgorithmId {
  const parts = seqOf(t, what);
  if (parts.length < 1 || parts.length > 2) throw new WritError('PARSE', `malformed DER: ${what}: AlgorithmIdentifier must have 1 or 2 fields`);
  const algOid = decodeOid(parts[0], `${what}.algorithm`);
  const p = parts[1];
  if (p === undefined) return { oid: algOid };
  if (p.tag >= 31) throw new WritError('PARSE', `malformed DER: ${what}.parameters: high tag numbers are not used in AlgorithmIdentifier`);
  return { oid: algOid, params: p.der.slice() };
}
