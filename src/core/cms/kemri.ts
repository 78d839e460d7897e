// KEMRecipientInfo (RFC 9629) in OtherRecipientInfo [4] ori, with ML-KEM (RFC 9936) and writ's X-Wing private profile.
//
// KEK = KDF(IKM = KEM shared secret, L = kekLength, info = DER(CMSORIforKEMOtherInfo)) with the salt
// absent (RFC 9629 §5, RFC 8619 HKDF); the CEK is AES-key-wrapped under the KEK (RFC 3394).
import { WritError } from '../errors.js';
import {
  CLASS_CONTEXT,
  TAG,
  children,
  ctxExplicit,
  ctxPrimitive,
  decodeOctetString,
  decodeSmallUint,
  expect,
  integer,
  isContext,
  isUniversal,
  octetString,
  oid,
  seq,
  seqOf,
  tlv,
} from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { nameFromTlv } from '../asn1/name.js';
import { KEY_ALG_OIDS, KEY_SIZES } from '../crypto/algs.js';
import { concat } from '../crypto/bytes.js';
import { hkdf } from '../crypto/kdf.js';
import type { HashName } from '../crypto/kdf.js';
import { aesKeyUnwrap, aesKeyWrap } from '../crypto/aead.js';
import {
  ML_KEM_512,
  ML_KEM_CIPHERTEXT_SIZE,
  mlKem512Decapsulate,
  mlKem512Keygen,
  mlKem512PublicKeyFromSecret,
  mlKemDecapsulate,
  mlKemEncapsulate,
  mlKemKeygen,
  mlKemPublicKeyFromSecret,
} from '../crypto/ml-kem.js';
import { XWING_SIZES, xwingDecapsulate, xwingEncapsulate, xwingKeygen } from '../crypto/x-wing.js';
import { serialHexOf } from '../x509/parse.js';
import type { KemAlgName, Rng } from '../crypto/types.js';
import type { Name } from '../x509/types.js';
import { CMS_OID } from './common.js';

/** KEM algorithms the reader understands: writ's three plus ML-KEM-512 (read only). */
export type KemReadAlg = KemAlgName | 'ml-kem-512';

export const KEM_OIDS: Record<KemReadAlg, string> = {
  'ml-kem-512': ML_KEM_512.oid,
  'ml-kem-768': KEY_ALG_OIDS['ml-kem-768'],
  'ml-kem-1024': KEY_ALG_OIDS['ml-kem-1024'],
  'x-wing': KEY_ALG_OIDS['x-wing'],
};
const KEM_BY_OID = new Map(Object.entries(KEM_OIDS).map(([a, o]) => [o, a as KemReadAlg]));

/** RFC 8619 §2: id-alg-hkdf-with-sha256/384/512 (parameters absent). */
export const KDF_OIDS: Record<string, HashName> = {
  '1.2.840.113549.1.9.16.3.28': 'sha256',
  '1.2.840.113549.1.9.16.3.29': 'sha384',
  '1.2.840.113549.1.9.16.3.30': 'sha512',
};
export const HKDF_SHA256_OID = '1.2.840.113549.1.9.16.3.28';

/** RFC 3565 §2.3.2: id-aes128/192/256-wrap (parameters absent) and their KEK sizes. */
export const WRAP_OIDS: Record<string, number> = {
  '2.16.840.1.101.3.4.1.5': 16,
  '2.16.840.1.101.3.4.1.25': 24,
  '2.16.840.1.101.3.4.1.45': 32,
};
export const AES256_WRAP_OID = '2.16.840.1.101.3.4.1.45';

export const ALG_NAMES: Record<string, string> = {
  [ML_KEM_512.oid]: 'ML-KEM-512',
  [KEY_ALG_OIDS['ml-kem-768']]: 'ML-KEM-768',
  [KEY_ALG_OIDS['ml-kem-1024']]: 'ML-KEM-1024',
  [KEY_ALG_OIDS['x-wing']]: 'X-Wing',
  '1.2.840.113549.1.9.16.3.28': 'HKDF-SHA256',
  '1.2.840.113549.1.9.16.3.29': 'HKDF-SHA384',
  '1.2.840.113549.1.9.16.3.30': 'HKDF-SHA512',
  '2.16.840.1.101.3.4.1.5': 'AES-128-WRAP',
  '2.16.840.1.101.3.4.1.25': 'AES-192-WRAP',
  '2.16.840.1.101.3.4.1.45': 'AES-256-WRAP',
};

export type RecipientId = { keyId: Uint8Array } | { issuer: Name; serialHex: string };

export interface KemRecipientInfo {
  rid: RecipientId;
  kemOid: string;
  kem?: KemReadAlg;
  kemct: Uint8Array;
  kdfOid: string;
  kekLength: number;
  ukm?: Uint8Array;
  /** DER of the wrap AlgorithmIdentifier, as it enters CMSORIforKEMOtherInfo. */
  wrapDer: Uint8Array;
  wrapOid: string;
  encryptedKey: Uint8Array;
}

function bad(why: string): never {
  throw new WritError('PARSE', `malformed KEMRecipientInfo: ${why}`);
}

/** RFC 9629 §5: CMSORIforKEMOtherInfo ::= SEQUENCE { wrap, kekLength, ukm [0] EXPLICIT OPTIONAL }. */
export function kemOtherInfo(wrapDer: Uint8Array, kekLength: number, ukm?: Uint8Array): Uint8Array {
  return ukm === undefined ? seq(wrapDer, integer(kekLength)) : seq(wrapDer, integer(kekLength), ctxExplicit(0, octetString(ukm)));
}

export function deriveKek(sharedSecret: Uint8Array, kdfOid: string, kekLength: number, wrapDer: Uint8Array, ukm?: Uint8Array): Uint8Array {
  const hash = KDF_OIDS[kdfOid];
  if (hash === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported KEMRecipientInfo KDF ${kdfOid}`);
  // RFC 9629 §5 / RFC 8619 §3: HKDF with the salt absent (zero-length), info = CMSORIforKEMOtherInfo.
  return hkdf(hash, sharedSecret, undefined, kemOtherInfo(wrapDer, kekLength, ukm), kekLength);
}

/** Encapsulates to a writ KEM public key. */
export function kemEncapsulate(alg: KemAlgName, publicKey: Uint8Array, rng: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  if (alg === 'x-wing') return xwingEncapsulate(publicKey, rng);
  return mlKemEncapsulate(alg, publicKey, rng);
}

/** A decapsulation key prepared from a seed or an expanded key, with the public key it belongs to. */
export interface KemPrivate {
  alg: KemReadAlg;
  publicKey: Uint8Array;
  decapsulate(ct: Uint8Array): Uint8Array;
  wipe(): void;
}

/**
 * Prepares `privateKey` (seed, or FIPS 203 expanded decapsulation key) for `alg`. RangeError for a
 * wrong length, KEY_MISMATCH for an expanded key that fails its FIPS 203 §7.3 hash check.
 */
export function kemPrivate(alg: KemReadAlg, privateKey: Uint8Array): KemPrivate {
  if (!(privateKey instanceof Uint8Array)) throw new TypeError('privateKey must be a Uint8Array');
  let secretKey: Uint8Array;
  let publicKey: Uint8Array;
  if (alg === 'x-wing') {
    if (privateKey.length !== XWING_SIZES.seed) throw new RangeError(`privateKey must be the ${XWING_SIZES.seed}-byte X-Wing seed`);
    const kp = xwingKeygen(privateKey);
    secretKey = kp.secretKey;
    publicKey = kp.publicKey;
    return { alg, publicKey, decapsulate: (ct) => xwingDecapsulate(secretKey, ct), wipe: () => secretKey.fill(0) };
  }
  const sizes = alg === 'ml-kem-512' ? ML_KEM_512 : KEY_SIZES[alg];
  if (alg !== 'ml-kem-512' && alg !== 'ml-kem-768' && alg !== 'ml-kem-1024') throw new TypeError(`unknown KEM: ${String(alg)}`);
  if (privateKey.length === sizes.seed) {
    const kp = alg === 'ml-kem-512' ? mlKem512Keygen(privateKey) : mlKemKeygen(alg, privateKey);
    secretKey = kp.secretKey;
    publicKey = kp.publicKey;
  } else if (privateKey.length === sizes.expandedKey) {
    secretKey = Uint8Array.from(privateKey);
    try {
      publicKey = alg === 'ml-kem-512' ? mlKem512PublicKeyFromSecret(secretKey) : mlKemPublicKeyFromSecret(alg, secretKey);
    } catch (e) {
      throw new WritError('KEY_MISMATCH', `${alg} expanded private key is internally inconsistent`, { cause: e });
    }
  } else {
    throw new RangeError(`privateKey must be a ${sizes.seed}-byte seed or a ${sizes.expandedKey}-byte expanded ${alg} key, got ${privateKey.length}`);
  }
  const ctLen = alg === 'ml-kem-512' ? ML_KEM_512.cipherText : ML_KEM_CIPHERTEXT_SIZE[alg];
  return {
    alg,
    publicKey,
    decapsulate: (ct) => {
      // A ciphertext of the wrong length cannot be decapsulated: that is a decryption failure, not misuse.
      if (ct.length !== ctLen) throw new WritError('DECRYPT', `${alg} ciphertext must be ${ctLen} bytes, got ${ct.length}`);
      return alg === 'ml-kem-512' ? mlKem512Decapsulate(secretKey, ct) : mlKemDecapsulate(alg, secretKey, ct);
    },
    wipe: () => secretKey.fill(0),
  };
}

/** [4] IMPLICIT OtherRecipientInfo { id-ori-kem, KEMRecipientInfo } for one recipient (RFC 9629 §3). */
export function encodeKemRecipientInfo(r: {
  keyId: Uint8Array;
  kemOid: string;
  kemct: Uint8Array;
  kdfOid: string;
  kekLength: number;
  ukm?: Uint8Array;
  wrapOid: string;
  encryptedKey: Uint8Array;
}): Uint8Array {
  const fields = [
    integer(0), // RFC 9629 §3: version is always 0
    ctxPrimitive(0, r.keyId), // rid: subjectKeyIdentifier [0] IMPLICIT
    algorithmIdentifier(r.kemOid), // parameters absent (RFC 9936 §3, X-Wing profile)
    octetString(r.kemct),
    algorithmIdentifier(r.kdfOid),
    integer(r.kekLength),
  ];
  if (r.ukm !== undefined) fields.push(ctxExplicit(0, octetString(r.ukm)));
  fields.push(algorithmIdentifier(r.wrapOid), octetString(r.encryptedKey));
  const kemri = seq(...fields);
  // RecipientInfo ori [4] IMPLICIT OtherRecipientInfo: the SEQUENCE tag is replaced by [4].
  return tlv(CLASS_CONTEXT, true, 4, concat(oid(CMS_OID.oriKem), kemri));
}

/** Parses KEMRecipientInfo (the oriValue of an id-ori-kem OtherRecipientInfo). */
export function parseKemRecipientInfo(t: Tlv | undefined): KemRecipientInfo {
  const f = seqOf(t, 'KEMRecipientInfo');
  let k = 0;
  const version = decodeSmallUint(expect(f[k++], TAG.INTEGER, 'KEMRecipientInfo.version').content, 'version');
  if (version !== 0) bad(`version must be 0, got ${version}`);
  const ridT = f[k++];
  let rid: RecipientId;
  if (isContext(ridT, 0) && !ridT.constructed) {
    rid = { keyId: ridT.content.slice() };
  } else if (isUniversal(ridT, TAG.SEQUENCE)) {
    const ias = seqOf(ridT, 'rid');
    if (ias.length !== 2) bad('IssuerAndSerialNumber must have 2 fields');
    rid = { issuer: nameFromTlv(ias[0]!), serialHex: serialHexOf(expect(ias[1], TAG.INTEGER, 'rid.serialNumber').content) };
  } else {
    return bad('unknown RecipientIdentifier');
  }
  const kemAlg = parseAlgorithmIdentifier(f[k++], 'KEMRecipientInfo.kem');
  const kem = KEM_BY_OID.get(kemAlg.oid);
  // RFC 9936 §3 (and the X-Wing profile): parameters MUST be absent.
  if (kem !== undefined && kemAlg.params !== undefined) bad(`${kem} parameters must be absent`);
  const kemct = decodeOctetString(f[k++], 'kemct').slice();
  const kdf = parseAlgorithmIdentifier(f[k++], 'KEMRecipientInfo.kdf');
  if (KDF_OIDS[kdf.oid] !== undefined && kdf.params !== undefined) bad('HKDF parameters must be absent (RFC 8619 §3)');
  const kekLength = decodeSmallUint(expect(f[k++], TAG.INTEGER, 'kekLength').content, 'kekLength');
  if (kekLength < 1 || kekLength > 65535) bad('kekLength out of range');
  let ukm: Uint8Array | undefined;
  if (isContext(f[k], 0)) {
    const u = f[k++]!;
    if (!u.constructed) bad('ukm must be [0] EXPLICIT');
    const inner = children(u);
    if (inner.length !== 1) bad('ukm [0] must hold one OCTET STRING');
    ukm = decodeOctetString(inner[0], 'ukm').slice();
  }
  const wrapT = f[k++];
  const wrap = parseAlgorithmIdentifier(wrapT, 'KEMRecipientInfo.wrap');
  if (WRAP_OIDS[wrap.oid] !== undefined && wrap.params !== undefined) bad('AES key wrap parameters must be absent (RFC 3565 §2.3.2)');
  const encryptedKey = decodeOctetString(f[k++], 'encryptedKey').slice();
  if (k !== f.length) bad('unexpected trailing fields');
  const out: KemRecipientInfo = { rid, kemOid: kemAlg.oid, kemct, kdfOid: kdf.oid, kekLength, wrapDer: wrapT!.der.slice(), wrapOid: wrap.oid, encryptedKey };
  if (kem !== undefined) out.kem = kem;
  if (ukm !== undefined) out.ukm = ukm;
  return out;
}

/** Wraps `cek` for one recipient public key; returns the [4] ori RecipientInfo. */
export function wrapForRecipient(o: { alg: KemAlgName; publicKey: Uint8Array; keyId: Uint8Array; cek: Uint8Array; rng: Rng }): Uint8Array {
  const { cipherText, sharedSecret } = kemEncapsulate(o.alg, o.publicKey, o.rng);
  const wrapDer = algorithmIdentifier(AES256_WRAP_OID);
  const kek = deriveKek(sharedSecret, HKDF_SHA256_OID, 32, wrapDer);
  try {
    const encryptedKey = aesKeyWrap(kek, o.cek);
    return encodeKemRecipientInfo({
      keyId: o.keyId,
      kemOid: KEM_OIDS[o.alg],
      kemct: cipherText,
      kdfOid: HKDF_SHA256_OID,
      kekLength: 32,
      wrapOid: AES256_WRAP_OID,
      encryptedKey,
    });
  } finally {
    kek.fill(0);
    sharedSecret.fill(0);
  }
}

/** Recovers the CEK from one KEMRecipientInfo; WritError DECRYPT when decapsulation or unwrap fails. */
export function unwrapFromRecipient(r: KemRecipientInfo, key: KemPrivate): Uint8Array {
  const kekSize = WRAP_OIDS[r.wrapOid];
  if (kekSize === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported key wrap algorithm ${r.wrapOid}`);
  if (KDF_OIDS[r.kdfOid] === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported KEMRecipientInfo KDF ${r.kdfOid}`);
  // RFC 9629 §3: kekLength is the key size of the wrap algorithm.
  if (r.kekLength !== kekSize) throw new WritError('PARSE', `kekLength ${r.kekLength} does not match the ${kekSize * 8}-bit key wrap algorithm`);
  let ss: Uint8Array;
  try {
    ss = key.decapsulate(r.kemct);
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('DECRYPT', 'KEM decapsulation failed', { cause: e });
  }
  const kek = deriveKek(ss, r.kdfOid, r.kekLength, r.wrapDer, r.ukm);
  try {
    return aesKeyUnwrap(kek, r.encryptedKey);
  } catch (e) {
    throw new WritError('DECRYPT', 'content-encryption key unwrap failed (wrong key, or the envelope was altered)', { cause: e });
  } finally {
    kek.fill(0);
    ss.fill(0);
  }
}

/** Human name of a KEM / KDF / wrap OID, or the OID itself. */
export function algName(o: string): string {
  return ALG_NAMES[o] ?? o;
}
