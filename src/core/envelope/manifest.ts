// The records manifest of an envelope: a SHA-512 hash per record and an RFC 9162 §2.1 Merkle root over them (docs/envelopes.md).
//
// The manifest travels in a signed attribute (ENVELOPE_OIDS.manifest) so the sender's signature covers
// it; open recomputes it from the records it decrypted and refuses (PROVENANCE) on any difference.
//
//   RecordsManifest ::= SEQUENCE {
//     hashAlgorithm  AlgorithmIdentifier,      -- id-sha512, parameters absent
//     root           OCTET STRING,             -- MTH over the record hashes, in order (RFC 9162 §2.1.1)
//     recordHashes   SEQUENCE OF OCTET STRING  -- SHA-512(RFC 8785 canonical bytes of each record) }
//
// A record's hash covers the record as carried (data and provenance), so neither can be swapped
// between records or envelopes without changing the signed manifest. The Merkle root (rather than a
// flat hash over the list) lets one record be shown to belong to a signed envelope with a log-size
// proof, without the other records.
import { WritError } from '../errors.js';
import { sha512 } from '../crypto/kdf.js';
import { bytesEqual, concatAll, fromHex, toHex } from '../crypto/bytes.js';
import { canonicalBytes } from '../json/canonical.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { CLASS_UNIVERSAL, TAG, decodeDer, decodeOctetString, octetString, seq, seqOf, tlv } from '../asn1/der.js';
import { leafHash, merkleRoot } from './merkle.js';
import { MAX_ENVELOPE_RECORDS, checkLimit } from '../limits.js';

/** id-sha512 (NIST CSOR, RFC 5754 §2.4). */
export const ID_SHA512 = '2.16.840.1.101.3.4.2.3';

export interface Manifest {
  hashAlgorithm: 'sha-512';
  /** Lowercase hex SHA-512 of each record's canonical bytes, in envelope order. */
  recordHashes: string[];
  /** Lowercase hex Merkle tree hash over the record hashes. */
  root: string;
}

/** SHA-512 over RFC 8785 canonical JSON: the hash of one record as it is carried. */
export function hashRecord(record: unknown): Uint8Array {
  return sha512(canonicalBytes(record));
}

/** The manifest root for raw record hashes: MTH with d_i = the i-th record hash. */
export function manifestRoot(recordHashes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(recordHashes.map((h) => leafHash(h)));
}

export function buildManifest(records: readonly unknown[]): Manifest {
  const hashes = records.map((r) => hashRecord(r));
  return { hashAlgorithm: 'sha-512', recordHashes: hashes.map(toHex), root: toHex(manifestRoot(hashes)) };
}

/** True when `records` hash, in order, to exactly `manifest` (count, each hash, and the root). */
export function manifestMatches(manifest: Manifest, records: readonly unknown[]): boolean {
  if (manifest.recordHashes.length !== records.length) return false;
  const got = buildManifest(records);
  return got.root === manifest.root && got.recordHashes.every((h, i) => h === manifest.recordHashes[i]);
}

function hexBytes(h: string, what: string): Uint8Array {
  if (!/^[0-9a-f]{128}$/.test(h)) throw new WritError('PARSE', `${what} is not a SHA-512 hex digest`);
  return fromHex(h);
}

export function encodeManifest(m: Manifest): Uint8Array {
  return seq(
    algorithmIdentifier(ID_SHA512),
    octetString(hexBytes(m.root, 'manifest root')),
    // Built without spreading the hashes into arguments: 100,000 records (MAX_ENVELOPE_RECORDS) overflowed the call stack.
    tlv(CLASS_UNIVERSAL, true, TAG.SEQUENCE, concatAll(m.recordHashes.map((h, i) => octetString(hexBytes(h, `record hash ${i}`))))),
  );
}


/** Parses a RecordsManifest and checks that its root is the Merkle root of its hashes (PARSE otherwise). */
export function decodeManifest(der: Uint8Array): Manifest {
  const parts = seqOf(decodeDer(der, 'records manifest'), 'records manifest');
  if (parts.length !== 3) throw new WritError('PARSE', 'records manifest must have 3 fields');
  const alg = parseAlgorithmIdentifier(parts[0], 'manifest hashAlgorithm');
  if (alg.oid !== ID_SHA512 || alg.params !== undefined) throw new WritError('UNSUPPORTED_ALG', `records manifest hash ${alg.oid} is not SHA-512`);
  const root = decodeOctetString(parts[1], 'manifest root');
  const hashT = seqOf(parts[2], 'manifest recordHashes');
  checkLimit(hashT.length, 'MAX_ENVELOPE_RECORDS', MAX_ENVELOPE_RECORDS, 'records manifest hashes');
  const hashes = hashT.map((t, i) => decodeOctetString(t, `record hash ${i}`));
  if (root.length !== 64 || hashes.some((h) => h.length !== 64)) throw new WritError('PARSE', 'records manifest hashes must be 64 bytes');
  if (!bytesEqual(manifestRoot(hashes), root)) throw new WritError('PARSE', 'records manifest root does not match its record hashes');
  return { hashAlgorithm: 'sha-512', recordHashes: hashes.map(toHex), root: toHex(root) };
}
