// Signature verification: ML-DSA (FIPS 204, RFC 9881) via noble; ECDSA/RSA PKCS#1 v1.5/RSASSA-PSS/Ed25519 (RFC 5758, 4055, 8410) via node:crypto.
//
// node:crypto is used here only to verify classical signatures from partner PKIs (team brief): nothing
// random, nothing secret. RSASSA-PSS parameters are read with writ's strict DER reader.
import { createPublicKey, verify as nodeVerify, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { WritError } from '../errors.js';
import type { AlgorithmId, PublicKeyInfo } from '../x509/types.js';
import { CLASS_CONTEXT, TAG, decodeDer, decodeOid, decodeSmallUint, isUniversal, seqOf } from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { CLASSICAL_OIDS as C, KEY_ALG_OIDS, KEY_SIZES, algFromOid, isSigAlg } from './algs.js';
import { mlDsaVerify } from './ml-dsa.js';
import type { SigAlgName } from './types.js';
import { useNative } from './backend.js';

/**
 * A caller's cache of prepared ML-DSA public keys (src/core/crypto/ml-dsa-prepared.ts), for callers that
 * check many signatures under few keys (writ verify batch): what FIPS 204 Verify derives from the key
 * alone (pkDecode, tr, ExpandA, NTT(t1·2^d)) is then computed once per key. The result of a prepared
 * verify is exactly mlDsaVerify's (test/core/crypto/ml-dsa-prepared.test.ts).
 */
export type MlDsaKeys = (alg: SigAlgName, publicKey: Uint8Array) => { verify(message: Uint8Array, signature: Uint8Array): boolean };

/** The AlgorithmIdentifier of an ML-DSA signature: the key OID, parameters absent (RFC 9881 §2). */
export function signatureAlgorithm(alg: SigAlgName): AlgorithmId {
  if (!isSigAlg(alg)) throw new TypeError(`not a signature algorithm: ${String(alg)}`);
  return { oid: KEY_ALG_OIDS[alg] };
}

type Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const ECDSA: Record<string, Hash> = {
  [C.ecdsaWithSha256]: 'sha256',
  [C.ecdsaWithSha384]: 'sha384',
  [C.ecdsaWithSha512]: 'sha512',
};
const RSA_PKCS1: Record<string, Hash> = {
  [C.sha1WithRsa]: 'sha1',
  [C.sha256WithRsa]: 'sha256',
  [C.sha384WithRsa]: 'sha384',
  [C.sha512WithRsa]: 'sha512',
};
const HASH_OIDS: Record<string, Hash> = { [C.sha1]: 'sha1', [C.sha256]: 'sha256', [C.sha384]: 'sha384', [C.sha512]: 'sha512' };

const isNullParams = (p: Uint8Array | undefined): boolean => p !== undefined && p.length === 2 && p[0] === 0x05 && p[1] === 0x00;

/**
 * Verifies `signature` over `data` under `spki` with signature algorithm `alg`.
 * Returns false for a signature that does not verify (including one of the wrong length or for a key
 * of another type); throws WritError UNSUPPORTED_ALG for an algorithm we do not implement and PARSE for a
 * malformed key or malformed algorithm parameters.
 */
export function verifySignature(alg: AlgorithmId, spki: PublicKeyInfo, data: Uint8Array, signature: Uint8Array, keys?: MlDsaKeys): boolean {
  const pq = algFromOid(alg.oid);
  if (pq !== undefined) {
    if (!isSigAlg(pq)) throw new WritError('UNSUPPORTED_ALG', `${pq} is not a signature algorithm`);
    // RFC 9881 §2: the parameters field MUST be absent.
    if (alg.params !== undefined) throw new WritError('PARSE', `${pq} signature AlgorithmIdentifier: parameters must be absent`);
    if (spki.algorithm.oid !== alg.oid) return false;
    if (spki.algorithm.params !== undefined) throw new WritError('PARSE', `${pq} public key: parameters must be absent`);
    if (spki.publicKey.length !== KEY_SIZES[pq].publicKey) throw new WritError('PARSE', `${pq} public key has the wrong length`);
    // A pinned or detected native backend means OpenSSL verifies ML-DSA: prepared keys serve the noble one.
    if (keys !== undefined && !useNative('signatures')) return keys(pq, spki.publicKey).verify(data, signature);
    return mlDsaVerify(pq, spki.publicKey, data, signature);
  }

  const ecHash = ECDSA[alg.oid];
  if (ecHash !== undefined) {
    // RFC 5758 §3.2: parameters MUST be absent for ecdsa-with-SHA2.
    if (alg.params !== undefined) throw new WritError('PARSE', 'ECDSA signature AlgorithmIdentifier: parameters must be absent');
    if (spki.algorithm.oid !== C.ecPublicKey) return false;
    // RFC 5480 §2.1.1: namedCurve only; writ verifies on P-256, P-384 and P-521 (no explicit curves).
    const curve = spki.algorithm.params === undefined ? undefined : parseNamedCurve(spki.algorithm.params);
    if (curve !== C.secp256r1 && curve !== C.secp384r1 && curve !== C.secp521r1) {
      throw new WritError('UNSUPPORTED_ALG', `unsupported elliptic curve ${curve ?? '(not a named curve)'}`);
    }
    return nodeCheck(ecHash, spki, data, signature);
  }

  const rsaHash = RSA_PKCS1[alg.oid];
  if (rsaHash !== undefined) {
    // RFC 4055 §5 / RFC 8017 A.2.4: parameters are NULL; absent is tolerated (some encoders omit it).
    if (alg.params !== undefined && !isNullParams(alg.params)) throw new WritError('PARSE', 'RSA signature AlgorithmIdentifier: parameters must be NULL');
    if (spki.algorithm.oid !== C.rsaEncryption) return false;
    return nodeCheck(rsaHash, spki, data, signature, { padding: constants.RSA_PKCS1_PADDING });
  }

  if (alg.oid === C.rsassaPss) {
    const pss = parsePssParams(alg.params);
    if (spki.algorithm.oid !== C.rsaEncryption && spki.algorithm.oid !== C.rsassaPss) return false;
    return nodeCheck(pss.hash, spki, data, signature, { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength });
  }

  if (alg.oid === C.ed25519) {
    // RFC 8410 §3: parameters MUST be absent.
    if (alg.params !== undefined) throw new WritError('PARSE', 'Ed25519 signature AlgorithmIdentifier: parameters must be absent');
    if (spki.algorithm.oid !== C.ed25519) return false;
    return nodeCheck(null, spki, data, signature);
  }

  throw new WritError('UNSUPPORTED_ALG', `unsupported signature algorithm ${alg.oid}`);
}

function nodeKey(spki: PublicKeyInfo): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki.der), format: 'der', type: 'spki' });
  } catch (e) {
    throw new WritError('PARSE', 'cannot parse public key (SubjectPublicKeyInfo rejected by node:crypto)', { cause: e });
  }
}

function nodeCheck(
  hash: Hash | null,
  spki: PublicKeyInfo,
  data: Uint8Array,
  signature: Uint8Array,
  opts: { padding?: number; saltLength?: number } = {},
): boolean {
  const key = nodeKey(spki);
  try {
    return nodeVerify(hash, data, { key, ...opts }, signature);
  } catch {
    // node throws for some malformed signatures (e.g. bad ECDSA DER, wrong RSA length): not a valid signature.
    return false;
  }
}

/** The OID of ECParameters when it is a namedCurve (RFC 5480 §2.1.1), else undefined. */
function parseNamedCurve(params: Uint8Array): string | undefined {
  try {
    return decodeOid(decodeDer(params, 'namedCurve'), 'namedCurve');
  } catch {
    return undefined;
  }
}

// ---- RSASSA-PSS-params (RFC 4055 §3.1) ----

interface PssParams {
  hash: Hash;
  saltLength: number;
}

function parsePssParams(params: Uint8Array | undefined): PssParams {
  const bad = (why: string): never => {
    throw new WritError('PARSE', `malformed RSASSA-PSS-params: ${why}`);
  };
  if (params === undefined) return bad('parameters absent');
  const fields = seqOf(decodeDer(params, 'RSASSA-PSS-params'), 'RSASSA-PSS-params');
  // Defaults (RFC 4055 §3.1): SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
  let hash: Hash = 'sha1';
  let mgfHash: Hash = 'sha1';
  let saltLength = 20;
  let next = 0;
  for (const f of fields) {
    // Every field is an EXPLICIT context tag [0]..[3], in order, each at most once.
    if (f.cls !== CLASS_CONTEXT || !f.constructed || f.tag > 3) bad('unknown field');
    if (f.tag < next) bad('fields out of order');
    next = f.tag + 1;
    const inner = decodeDer(f.content, 'RSASSA-PSS-params field');
    if (f.tag === 0) hash = hashOf(inner) ?? bad('unsupported hashAlgorithm');
    else if (f.tag === 1) {
      // MaskGenAlgorithm ::= AlgorithmIdentifier { id-mgf1, HashAlgorithm }
      const mgf = parseAlgorithmIdentifier(inner, 'maskGenAlgorithm');
      if (mgf.oid !== C.mgf1) throw new WritError('UNSUPPORTED_ALG', 'RSASSA-PSS: only MGF1 is supported');
      if (mgf.params === undefined) bad('MGF1 hash missing');
      mgfHash = hashOf(decodeDer(mgf.params as Uint8Array, 'MGF1 hash')) ?? bad('unsupported MGF1 hash');
    } else if (f.tag === 2) {
      if (!isUniversal(inner, TAG.INTEGER) || inner.constructed) bad('saltLength not an INTEGER');
      saltLength = decodeSmallUint(inner.content, 'saltLength');
    } else {
      if (!isUniversal(inner, TAG.INTEGER) || inner.constructed || decodeSmallUint(inner.content, 'trailerField') !== 1) bad('trailerField must be 1');
    }
  }
  // node:crypto uses the signature hash for MGF1 as well; a different MGF1 hash cannot be verified here.
  if (mgfHash !== hash) throw new WritError('UNSUPPORTED_ALG', 'RSASSA-PSS with an MGF1 hash different from the message hash');
  return { hash, saltLength };
}

/** HashAlgorithm with absent or NULL parameters (RFC 4055 §2.1 allows both). */
function hashOf(t: Tlv): Hash | undefined {
  const a = parseAlgorithmIdentifier(t, 'HashAlgorithm');
  if (a.params !== undefined && !isNullParams(a.params)) return undefined;
  return HASH_OIDS[a.oid];
}
