// Private KEM keys for opening envelopes: RFC 9935 §6 OneAsymmetricKey for ML-KEM-512/768/1024 and writ's X-Wing seed form.
//
// src/core/asn1/pkcs8.ts reads writ's own algorithms; ML-KEM-512 is not one of them (writ never
// generates it), but envelopes from other tools may be addressed to ML-KEM-512 keys, so this reader
// handles that one algorithm itself, with the same seed / expandedKey / both CHOICE and checks.
import { WritError } from '../errors.js';
import { TAG, decodeDer, decodeSmallUint, expect, isContext, isUniversal, seqOf } from '../asn1/der.js';
import { parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { decodePrivateKey } from '../asn1/pkcs8.js';
import { bytesEqual } from '../crypto/bytes.js';
import { ML_KEM_512, mlKem512Keygen, mlKem512PublicKeyFromSecret } from '../crypto/ml-kem.js';
import type { KemReadAlg } from './kemri.js';

export interface KemPrivateKey {
  alg: KemReadAlg;
  /** The seed when the file holds one, else the expanded decapsulation key (what openEnveloped takes). */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

function fail(why: string): never {
  throw new WritError('PARSE', `malformed PKCS#8 private key: ${why}`);
}

/** Decodes a DER PKCS#8 KEM private key; UNSUPPORTED_ALG for a signature key or another algorithm. */
export function decodeKemPrivateKey(der: Uint8Array): KemPrivateKey {
  const fields = seqOf(decodeDer(der, 'OneAsymmetricKey'), 'OneAsymmetricKey');
  const alg = parseAlgorithmIdentifier(fields[1], 'privateKeyAlgorithm');
  if (alg.oid !== ML_KEM_512.oid) {
    const k = decodePrivateKey(der);
    if (k.alg !== 'ml-kem-768' && k.alg !== 'ml-kem-1024' && k.alg !== 'x-wing') {
      throw new WritError('UNSUPPORTED_ALG', `${k.alg} is not a KEM algorithm`);
    }
    const privateKey = k.seed ?? k.expandedKey;
    if (privateKey === undefined) fail('no key material');
    if (k.seed !== undefined) k.expandedKey?.fill(0);
    return { alg: k.alg, privateKey, publicKey: k.publicKey };
  }
  // ML-KEM-512 (RFC 9935 §6): parameters absent; privateKey OCTET STRING holds the CHOICE.
  const version = decodeSmallUint(expect(fields[0], TAG.INTEGER, 'version').content, 'version');
  if (version !== 0 && version !== 1) fail(`unknown version ${version}`);
  if (alg.params !== undefined) fail('ml-kem-512: AlgorithmIdentifier parameters must be absent');
  const inner = expect(fields[2], TAG.OCTET_STRING, 'privateKey').content;
  const t = decodeDer(inner, 'ML-KEM-512 private key CHOICE');
  if (isContext(t, 0) && !t.constructed) {
    if (t.content.length !== ML_KEM_512.seed) fail('ml-kem-512 seed must be 64 bytes');
    const seed = Uint8Array.from(t.content);
    const kp = mlKem512Keygen(seed);
    kp.secretKey.fill(0);
    return { alg: 'ml-kem-512', privateKey: seed, publicKey: kp.publicKey };
  }
  if (isUniversal(t, TAG.OCTET_STRING) && !t.constructed) {
    if (t.content.length !== ML_KEM_512.expandedKey) fail('ml-kem-512 expandedKey must be 1632 bytes');
    const ek = Uint8Array.from(t.content);
    try {
      return { alg: 'ml-kem-512', privateKey: ek, publicKey: mlKem512PublicKeyFromSecret(ek) };
    } catch (e) {
      throw new WritError('KEY_MISMATCH', 'ml-kem-512 expandedKey is internally inconsistent', { cause: e });
    }
  }
  if (isUniversal(t, TAG.SEQUENCE)) {
    const kids = seqOf(t, 'ml-kem-512 both');
    if (kids.length !== 2) fail('ml-kem-512 both: expected SEQUENCE { seed, expandedKey }');
    const seed = Uint8Array.from(expect(kids[0], TAG.OCTET_STRING, 'both.seed').content);
    const ek = expect(kids[1], TAG.OCTET_STRING, 'both.expandedKey').content;
    if (seed.length !== ML_KEM_512.seed || ek.length !== ML_KEM_512.expandedKey) fail('ml-kem-512 both: wrong lengths');
    const kp = mlKem512Keygen(seed);
    const same = bytesEqual(kp.secretKey, ek);
    kp.secretKey.fill(0);
    if (!same) throw new WritError('KEY_MISMATCH', 'ml-kem-512 private key: expandedKey does not match the key derived from the seed');
    return { alg: 'ml-kem-512', privateKey: seed, publicKey: kp.publicKey };
  }
  return fail('ml-kem-512 privateKey is not an ML-KEM-512-PrivateKey CHOICE');
}
