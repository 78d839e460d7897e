// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) parse/encode; ML-DSA per RFC 9881 §4, ML-KEM per RFC 9935 §4, X-Wing (params absent).
import { WritError } from '../errors.js';
import { KEY_ALG_OIDS, KEY_SIZES, algFromOid } from '../crypto/algs.js';
import type { KeyAlgName } from '../crypto/types.js';
import type { PublicKeyInfo } from '../x509/types.js';
import { TAG, bitString, decodeDer, expect, seq, seqOf } from './der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from './alg-id.js';

/**
 * Parses any SubjectPublicKeyInfo (classical keys too: the algorithm parameters are kept as DER).
 * The BIT STRING must have zero unused bits: every public key format we know is whole octets.
 */
export function parseSpki(der: Uint8Array): PublicKeyInfo {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  const kids = seqOf(decodeDer(der, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
  if (kids.length !== 2) throw new WritError('PARSE', 'malformed SubjectPublicKeyInfo: expected 2 fields');
  const algorithm = parseAlgorithmIdentifier(kids[0], 'SubjectPublicKeyInfo.algorithm');
  const bits = expect(kids[1], TAG.BIT_STRING, 'subjectPublicKey').content;
  if (bits.length < 1 || bits[0] !== 0) throw new WritError('PARSE', 'malformed subjectPublicKey: unused bits must be 0');
  return { der: Uint8Array.from(der), algorithm, publicKey: bits.slice(1) };
}

/** DER SubjectPublicKeyInfo for a post-quantum key, parameters absent (RFC 9881 §4, RFC 9935 §4). */
export function encodeSpki(alg: KeyAlgName, publicKey: Uint8Array): Uint8Array {
  const o = KEY_ALG_OIDS[alg];
  if (o === undefined) throw new TypeError(`unknown key algorithm: ${String(alg)}`);
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
  if (publicKey.length !== KEY_SIZES[alg].publicKey) {
    throw new RangeError(`publicKey must be ${KEY_SIZES[alg].publicKey} bytes for ${alg}, got ${publicKey.length}`);
  }
  return seq(algorithmIdentifier(o), bitString(publicKey));
}

/**
 * The post-quantum algorithm and raw key of an SPKI. UNSUPPORTED_ALG for any other algorithm; PARSE when the
 * parameters are present (RFC 9881 §4 / RFC 9935 §4: they MUST be absent) or the key length is wrong.
 */
export function pqPublicKey(spki: PublicKeyInfo): { alg: KeyAlgName; publicKey: Uint8Array } {
  const alg = algFromOid(spki.algorithm.oid);
  if (alg === undefined) throw new WritError('UNSUPPORTED_ALG', `not a post-quantum key algorithm: ${spki.algorithm.oid}`);
  if (spki.algorithm.params !== undefined) throw new WritError('PARSE', `${alg} public key: AlgorithmIdentifier parameters must be absent`);
  if (spki.publicKey.length !== KEY_SIZES[alg].publicKey) {
    throw new WritError('PARSE', `${alg} public key must be ${KEY_SIZES[alg].publicKey} bytes, got ${spki.publicKey.length}`);
  }
  return { alg, publicKey: spki.publicKey };
}
