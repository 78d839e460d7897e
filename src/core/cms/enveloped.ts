// CMS AuthEnvelopedData (RFC 5083) and EnvelopedData (RFC 5652 §6) with KEMRecipientInfo recipients (RFC 9629, RFC 9936).
//
// Writing (sealAuthEnveloped): AuthEnvelopedData v0, one KEMRecipientInfo in [4] ori to the
// recipient's KEM certificate (ML-KEM-768/1024, or X-Wing under writ's private profile,
// docs/formats.md "CMS profiles"), HKDF-SHA256, AES-256 key wrap, content AES-256-GCM with a 12-byte
// nonce and a 16-byte tag (RFC 5084), and a content-type auth attribute always present so that the
// otherwise unauthenticated EncryptedContentInfo.contentType is bound by the GCM tag.
//
// Reading (openEnveloped / describeEnveloped): EnvelopedData and AuthEnvelopedData, BER or DER,
// KEMRecipientInfo with ML-KEM-512/768/1024 or X-Wing, HKDF-SHA256/384/512, AES-128/192/256 key
// wrap, ukm; content AES-CBC (EnvelopedData) and AES-GCM (AuthEnvelopedData). Failures: PARSE for
// malformed structure, UNSUPPORTED / UNSUPPORTED_ALG for what we do not implement, DECRYPT for any
// decapsulation, unwrap or authentication failure.
import { WritError } from '../errors.js';
import {
  CLASS_CONTEXT,
  TAG,
  children,
  ctxPrimitive,
  decodeDer,
  decodeOctetString,
  decodeOid,
  decodeSmallUint,
  expect,
  integer,
  isContext,
  octetString,
  oid,
  seq,
  seqOf,
  setOf,
} from '../asn1/der.js';
import type { Tlv } from '../asn1/der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { pqPublicKey } from '../asn1/spki.js';
import { bytesEqual, concat, concatAll, drawRandom, toHex } from '../crypto/bytes.js';
import { aes256GcmEncrypt, aesCbcDecrypt, aesGcmDecrypt, AES_GCM_TAG_LENGTH } from '../crypto/aead.js';
import type { KemAlgName, Rng } from '../crypto/types.js';
import { subjectKeyId } from '../x509/issue.js';
import type { AlgorithmId, Certificate } from '../x509/types.js';
import {
  CMS_OID,
  decodeContentInfo,
  encodeAttribute,
  encodeContentInfo,
  parseAttributes,
  singleValue,
} from './common.js';
import type { CmsAttribute } from './common.js';
import { KEM_OIDS, algName, kemPrivate, parseKemRecipientInfo, unwrapFromRecipient, wrapForRecipient } from './kemri.js';
import type { KemReadAlg, KemRecipientInfo, RecipientId } from './kemri.js';

export type { CmsAttribute } from './common.js';
export type { KemReadAlg } from './kemri.js';

/** Content-encryption algorithms (RFC 3565 §4.1 AES-CBC, RFC 5084 §3.2 AES-GCM): OID -> mode and key size. */
const CONTENT_ALGS: Record<string, { mode: 'cbc' | 'gcm'; keyLen: number; name: string }> = {
  '2.16.840.1.101.3.4.1.2': { mode: 'cbc', keyLen: 16, name: 'AES-128-CBC' },
  '2.16.840.1.101.3.4.1.22': { mode: 'cbc', keyLen: 24, name: 'AES-192-CBC' },
  '2.16.840.1.101.3.4.1.42': { mode: 'cbc', keyLen: 32, name: 'AES-256-CBC' },
  '2.16.840.1.101.3.4.1.6': { mode: 'gcm', keyLen: 16, name: 'AES-128-GCM' },
  '2.16.840.1.101.3.4.1.26': { mode: 'gcm', keyLen: 24, name: 'AES-192-GCM' },
  '2.16.840.1.101.3.4.1.46': { mode: 'gcm', keyLen: 32, name: 'AES-256-GCM' },
};
const AES256_GCM_OID = '2.16.840.1.101.3.4.1.46';

// ------------------------------------------------------------------------------------------- sealing

/**
 * Seals `content` to the KEM certificate `recipient` as a DER AuthEnvelopedData ContentInfo.
 * `authAttributes` are authenticated (GCM AAD) but not encrypted.
 */
export function sealAuthEnveloped(o: {
  content: Uint8Array;
  contentType?: string;
  recipient: Certificate;
  rng: Rng;
  authAttributes?: CmsAttribute[];
}): Uint8Array {
  if (!(o.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  const contentType = o.contentType ?? CMS_OID.data;
  const { alg, publicKey } = pqPublicKey(o.recipient.spki);
  if (alg !== 'ml-kem-768' && alg !== 'ml-kem-1024' && alg !== 'x-wing') {
    throw new WritError('UNSUPPORTED_ALG', `recipient certificate holds a ${alg} key, not a KEM key`);
  }
  // RFC 9936 §4: an ML-KEM certificate's keyUsage is keyEncipherment (the X-Wing profile follows it).
  if (o.recipient.keyUsage !== undefined && !o.recipient.keyUsage.includes('keyEncipherment')) {
    throw new WritError('KEY_USAGE', `recipient certificate "${o.recipient.subject.text}" does not allow keyEncipherment`);
  }
  const extra = o.authAttributes ?? [];
  if (extra.some((a) => a.oid === CMS_OID.contentType)) throw new RangeError('authAttributes: content-type is written by sealAuthEnveloped itself');
  if (new Set(extra.map((a) => a.oid)).size !== extra.length) throw new RangeError('authAttributes: an attribute type appears twice');

  const keyId = o.recipient.subjectKeyId ?? subjectKeyId(o.recipient.spki);
  const cek = drawRandom(o.rng, 32);
  const nonce = drawRandom(o.rng, 12);
  try {
    const ri = wrapForRecipient({ alg, publicKey, keyId, cek, rng: o.rng });
    const authSet = setOf(encodeAttribute({ oid: CMS_OID.contentType, values: [oid(contentType)] }), ...extra.map(encodeAttribute));
    // RFC 5083 §2.2: the AAD is the DER of authAttrs with the EXPLICIT SET OF tag.
    const sealed = aes256GcmEncrypt(cek, nonce, o.content, authSet);
    const ciphertext = sealed.subarray(0, sealed.length - AES_GCM_TAG_LENGTH);
    const tag = sealed.subarray(sealed.length - AES_GCM_TAG_LENGTH);
    const eci = seq(
      oid(contentType),
      // GCMParameters { aes-nonce, aes-ICVlen } (RFC 5084 §3.2): 16 is written because the DEFAULT is 12.
      algorithmIdentifier(AES256_GCM_OID, seq(octetString(nonce), integer(AES_GCM_TAG_LENGTH))),
      ctxPrimitive(0, ciphertext), // encryptedContent [0] IMPLICIT OCTET STRING
    );
    const aed = seq(
      integer(0), // RFC 5083 §2.1: version is 0
      setOf(ri),
      eci,
      concat(Uint8Array.of(0xa1), authSet.subarray(1)), // authAttrs [1] IMPLICIT
      octetString(tag), // mac
    );
    return encodeContentInfo(CMS_OID.authEnvelopedData, aed);
  } finally {
    cek.fill(0);
  }
}

// ------------------------------------------------------------------------------------------- parsing

export interface RecipientSummary {
  /** 'kem' for KEMRecipientInfo; otherwise the RecipientInfo kind (ktri, kari, kekri, pwri, ori:<oid>). */
  type: string;
  rid?: string;
  kem?: string;
  kdf?: string;
  kekLength?: number;
  wrap?: string;
  ukmLength?: number;
  /** For a KeyTransRecipientInfo: its keyEncryptionAlgorithm OID. */
  keyEncryptionAlgorithm?: string;
}

interface ParsedEnveloped {
  structure: 'AuthEnvelopedData' | 'EnvelopedData';
  recipients: { summary: RecipientSummary; kemri?: KemRecipientInfo }[];
  contentType: string;
  contentAlg: AlgorithmId;
  encryptedContent?: Uint8Array;
  authAttrsDer?: Uint8Array;
  authAttributes: CmsAttribute[];
  mac?: Uint8Array;
}

function bad(why: string): never {
  throw new WritError('PARSE', `malformed enveloped data: ${why}`);
}

function ridText(rid: RecipientId): string {
  return 'keyId' in rid ? `subjectKeyIdentifier ${toHex(rid.keyId)}` : `issuer "${rid.issuer.text}" serial ${rid.serialHex}`;
}

export function parseRecipient(t: Tlv): { summary: RecipientSummary; kemri?: KemRecipientInfo } {
  if (t.cls === 0 && t.tag === TAG.SEQUENCE) {
    // KeyTransRecipientInfo { version, rid, keyEncryptionAlgorithm, encryptedKey } (RFC 5652 §6.2.1).
    const f = seqOf(t, 'KeyTransRecipientInfo');
    const alg = f[2] === undefined ? undefined : parseAlgorithmIdentifier(f[2], 'KeyTransRecipientInfo.keyEncryptionAlgorithm');
    const s: RecipientSummary = { type: 'ktri' };
    if (alg !== undefined) s.keyEncryptionAlgorithm = alg.oid;
    return { summary: s };
  }
  const ctx = t.cls === CLASS_CONTEXT ? t.tag : -1;
  if (ctx === 1) return { summary: { type: 'kari' } };
  if (ctx === 2) return { summary: { type: 'kekri' } };
  if (ctx === 3) return { summary: { type: 'pwri' } };
  if (ctx === 4) {
    if (!t.constructed) bad('ori must be constructed');
    const f = children(t);
    if (f.length !== 2) bad('OtherRecipientInfo must have oriType and oriValue');
    const oriType = decodeOid(f[0], 'oriType');
    if (oriType !== CMS_OID.oriKem) return { summary: { type: `ori:${oriType}` } };
    const kemri = parseKemRecipientInfo(f[1]);
    const s: RecipientSummary = {
      type: 'kem',
      rid: ridText(kemri.rid),
      kem: algName(kemri.kemOid),
      kdf: algName(kemri.kdfOid),
      kekLength: kemri.kekLength,
      wrap: algName(kemri.wrapOid),
    };
    if (kemri.ukm !== undefined) s.ukmLength = kemri.ukm.length;
    return { summary: s, kemri };
  }
  return bad('unknown RecipientInfo alternative');
}

/** [0] IMPLICIT OCTET STRING, primitive or (BER) constructed from OCTET STRING segments. */
function implicitOctets(t: Tlv): Uint8Array {
  if (!t.constructed) return t.content.slice();
  return concatAll(children(t).map((c) => decodeOctetString(c, 'encryptedContent segment')));
}

function parseEnveloped(input: Uint8Array): ParsedEnveloped {
  const ci = decodeContentInfo(input, 'CMS enveloped data');
  const auth = ci.contentType === CMS_OID.authEnvelopedData;
  if (!auth && ci.contentType !== CMS_OID.envelopedData) {
    throw new WritError('PARSE', `not an EnvelopedData or AuthEnvelopedData (content type ${ci.contentType})`);
  }
  const what = auth ? 'AuthEnvelopedData' : 'EnvelopedData';
  const f = seqOf(ci.content, what);
  let k = 0;
  const version = decodeSmallUint(expect(f[k++], TAG.INTEGER, `${what}.version`).content, 'version');
  let hasOriginator = false;
  if (isContext(f[k], 0)) {
    hasOriginator = true;
    k++;
  }
  const riSet = expect(f[k++], TAG.SET, `${what}.recipientInfos`);
  const recipients = children(riSet).map(parseRecipient);
  if (recipients.length === 0) bad('recipientInfos is empty');
  const eci = seqOf(f[k++], 'EncryptedContentInfo');
  if (eci.length < 2 || eci.length > 3) bad('EncryptedContentInfo must have 2 or 3 fields');
  const contentType = decodeOid(eci[0], 'EncryptedContentInfo.contentType');
  const contentAlg = parseAlgorithmIdentifier(eci[1], 'contentEncryptionAlgorithm');
  let encryptedContent: Uint8Array | undefined;
  if (eci[2] !== undefined) {
    if (!isContext(eci[2], 0)) bad('encryptedContent must be [0] IMPLICIT');
    encryptedContent = implicitOctets(eci[2]);
  }
  let authAttrsDer: Uint8Array | undefined;
  let authAttributes: CmsAttribute[] = [];
  let mac: Uint8Array | undefined;
  let hasUnprotected = false;
  if (auth) {
    if (isContext(f[k], 1)) {
      const a = f[k++]!;
      if (!a.constructed) bad('authAttrs must be constructed');
      authAttributes = parseAttributes(children(a), 'authAttrs');
      if (authAttributes.length === 0) bad('authAttrs is empty');
      authAttrsDer = concat(Uint8Array.of(0x31), a.der.subarray(1));
    }
    mac = decodeOctetString(f[k++], 'mac').slice();
    if (isContext(f[k], 2)) k++; // unauthAttrs: not used
    // RFC 5083 §2.1: version MUST be 0.
    if (version !== 0) bad(`AuthEnvelopedData version must be 0, got ${version}`);
  } else {
    if (isContext(f[k], 1)) {
      hasUnprotected = true;
      k++;
    }
    // RFC 5652 §6.1: ori or pwri -> 3 (4 only with "other" originator certificates/CRLs).
    const special = recipients.some((r) => r.summary.type === 'pwri' || r.summary.type.startsWith('ori') || r.summary.type === 'kem');
    // Without them: 0 when there is no originatorInfo and no unprotectedAttrs (and v0 recipients), else 2.
    const ok = special
      ? version === 3 || (hasOriginator && version === 4)
      : version === 2 || (version === 0 && !hasOriginator && !hasUnprotected) || (hasOriginator && version === 4);
    if (!ok) bad(`EnvelopedData version ${version} is inconsistent with its contents (RFC 5652 §6.1)`);
  }
  if (k !== f.length) bad(`unexpected fields in ${what}`);
  const out: ParsedEnveloped = { structure: what, recipients, contentType, contentAlg, authAttributes };
  if (encryptedContent !== undefined) out.encryptedContent = encryptedContent;
  if (authAttrsDer !== undefined) out.authAttrsDer = authAttrsDer;
  if (mac !== undefined) out.mac = mac;
  return out;
}

/** What can be learnt about an enveloped ContentInfo without decrypting it (for `envelope inspect`). */
export function describeEnveloped(der: Uint8Array): {
  structure: 'AuthEnvelopedData' | 'EnvelopedData';
  contentType: string;
  contentEncryption: string;
  encryptedContentLength: number;
  recipients: RecipientSummary[];
  authAttributes: CmsAttribute[];
} {
  const p = parseEnveloped(der);
  return {
    structure: p.structure,
    contentType: p.contentType,
    contentEncryption: CONTENT_ALGS[p.contentAlg.oid]?.name ?? p.contentAlg.oid,
    encryptedContentLength: p.encryptedContent?.length ?? 0,
    recipients: p.recipients.map((r) => r.summary),
    authAttributes: p.authAttributes,
  };
}

export function ridMatchesCert(rid: RecipientId, cert: Certificate): boolean {
  if ('keyId' in rid) {
    if (cert.subjectKeyId !== undefined && bytesEqual(cert.subjectKeyId, rid.keyId)) return true;
    return bytesEqual(subjectKeyId(cert.spki), rid.keyId);
  }
  return bytesEqual(rid.issuer.der, cert.issuer.der) && rid.serialHex === cert.serialHex;
}

function decryptContent(p: ParsedEnveloped, cek: Uint8Array): Uint8Array {
  const ca = CONTENT_ALGS[p.contentAlg.oid];
  if (ca === undefined) throw new WritError('UNSUPPORTED_ALG', `unsupported content-encryption algorithm ${p.contentAlg.oid}`);
  if (p.encryptedContent === undefined) throw new WritError('UNSUPPORTED', 'detached encrypted content is not supported');
  if (cek.length !== ca.keyLen) throw new WritError('DECRYPT', `the unwrapped key is ${cek.length} bytes; ${ca.name} needs ${ca.keyLen}`);
  if (p.contentAlg.params === undefined) bad(`${ca.name} parameters are missing`);
  const params = decodeDer(p.contentAlg.params, `${ca.name} parameters`);
  if (p.structure === 'AuthEnvelopedData') {
    // RFC 5083 §2.1: the content-authenticated-encryption algorithm must be an AEAD one.
    if (ca.mode !== 'gcm') throw new WritError('UNSUPPORTED_ALG', `${ca.name} is not an authenticated-encryption algorithm`);
    const gp = seqOf(params, 'GCMParameters');
    if (gp.length < 1 || gp.length > 2) bad('GCMParameters must have 1 or 2 fields');
    const nonce = decodeOctetString(gp[0], 'aes-nonce');
    const icvLen = gp[1] === undefined ? 12 : decodeSmallUint(expect(gp[1], TAG.INTEGER, 'aes-ICVlen').content, 'aes-ICVlen');
    if (icvLen < 12 || icvLen > 16) bad(`aes-ICVlen ${icvLen} outside 12..16 (RFC 5084 §3.2)`);
    if (icvLen !== AES_GCM_TAG_LENGTH) throw new WritError('UNSUPPORTED', `AES-GCM with a ${icvLen}-byte tag is not supported (only 16)`);
    if (nonce.length !== 12) throw new WritError('UNSUPPORTED', `AES-GCM with a ${nonce.length}-byte nonce is not supported (only 12)`);
    if (p.mac === undefined || p.mac.length !== icvLen) bad(`mac must be ${icvLen} bytes`);
    try {
      return aesGcmDecrypt(cek, nonce, concat(p.encryptedContent, p.mac), p.authAttrsDer ?? new Uint8Array(0));
    } catch (e) {
      throw new WritError('DECRYPT', `${ca.name} authentication failed: the envelope was altered or the key is wrong`, { cause: e });
    }
  }
  if (ca.mode !== 'cbc') throw new WritError('UNSUPPORTED_ALG', `${ca.name} inside EnvelopedData is not supported (use AuthEnvelopedData)`);
  const iv = decodeOctetString(params, 'AES-CBC IV');
  if (iv.length !== 16) bad('AES-CBC IV must be 16 bytes');
  try {
    return aesCbcDecrypt(cek, iv, p.encryptedContent);
  } catch (e) {
    throw new WritError('DECRYPT', `${ca.name} decryption failed (bad padding: wrong key or altered ciphertext)`, { cause: e });
  }
}

/**
 * Decrypts an EnvelopedData or AuthEnvelopedData (DER or BER) with the private KEM key `privateKey`
 * (seed, or expanded ML-KEM key) of algorithm `alg`. With `cert`, only recipients whose identifier
 * names that certificate are tried, and the key must match it (KEY_MISMATCH); without it, every
 * KEMRecipientInfo for `alg` is tried. `algorithms` reports what was met.
 */
export function openEnveloped(
  der: Uint8Array,
  o: { alg: KemAlgName | 'ml-kem-512'; privateKey: Uint8Array; cert?: Certificate },
): { contentType: string; content: Uint8Array; authAttributes: CmsAttribute[]; algorithms: Record<string, string> } {
  const p = parseEnveloped(der);
  const alg: KemReadAlg = o.alg;
  if (KEM_OIDS[alg] === undefined) throw new TypeError(`unknown KEM: ${String(alg)}`);
  const key = kemPrivate(alg, o.privateKey);
  try {
    if (o.cert !== undefined) {
      const c = o.cert;
      if (c.spki.algorithm.oid !== KEM_OIDS[alg] || !bytesEqual(c.spki.publicKey, key.publicKey)) {
        throw new WritError('KEY_MISMATCH', `the ${alg} private key does not belong to certificate "${c.subject.text}"`);
      }
    }
    const kemris = p.recipients.filter((r) => r.kemri !== undefined);
    if (kemris.length === 0) {
      const ktri = p.recipients.find((r) => r.summary.type === 'ktri' && Object.values(KEM_OIDS).includes(r.summary.keyEncryptionAlgorithm ?? ''));
      if (ktri !== undefined) {
        throw new WritError(
          'UNSUPPORTED',
          `non-conformant envelope: the recipient is a KeyTransRecipientInfo with ${algName(ktri.summary.keyEncryptionAlgorithm!)} as keyEncryptionAlgorithm; RFC 9629 requires a KEMRecipientInfo in [4] ori`,
        );
      }
      throw new WritError('DECRYPT', `no KEMRecipientInfo in this envelope (recipients: ${p.recipients.map((r) => r.summary.type).join(', ')})`);
    }
    let candidates = kemris.filter((r) => r.kemri!.kem === alg);
    if (o.cert !== undefined) candidates = candidates.filter((r) => ridMatchesCert(r.kemri!.rid, o.cert!));
    if (candidates.length === 0) {
      throw new WritError(
        'DECRYPT',
        `no recipient of this envelope is ${o.cert !== undefined ? `certificate "${o.cert.subject.text}"` : `a ${alg} key`} (recipients: ${kemris.map((r) => `${r.summary.kem} ${r.summary.rid}`).join('; ')})`,
      );
    }
    let firstOther: unknown;
    for (const r of candidates) {
      let cek: Uint8Array;
      try {
        cek = unwrapFromRecipient(r.kemri!, key);
      } catch (e) {
        if (!(e instanceof WritError && e.code === 'DECRYPT')) firstOther ??= e;
        continue;
      }
      try {
        const content = decryptContent(p, cek);
        // RFC 5083 leaves EncryptedContentInfo.contentType outside the AAD; the content-type auth
        // attribute (always written by writ) binds it, so a mismatch is an integrity failure.
        const ctAttr = singleValue(p.authAttributes, CMS_OID.contentType, 'authAttrs');
        if (ctAttr !== undefined && decodeOid(decodeDer(ctAttr, 'content-type'), 'content-type') !== p.contentType) {
          throw new WritError('DECRYPT', 'the content-type auth attribute does not match the encrypted content type (altered envelope)');
        }
        const k = r.kemri!;
        const algorithms: Record<string, string> = {
          structure: p.structure,
          kem: algName(k.kemOid),
          kdf: algName(k.kdfOid),
          kekLength: String(k.kekLength),
          wrap: algName(k.wrapOid),
          ukm: k.ukm === undefined ? 'absent' : `${k.ukm.length} bytes`,
          contentEncryption: CONTENT_ALGS[p.contentAlg.oid]!.name,
          authenticated: p.structure === 'AuthEnvelopedData' ? 'yes' : 'no (EnvelopedData has no integrity protection)',
          recipient: r.summary.rid ?? '',
        };
        return { contentType: p.contentType, content, authAttributes: p.authAttributes, algorithms };
      } finally {
        cek.fill(0);
      }
    }
    if (firstOther !== undefined) throw firstOther;
    throw new WritError('DECRYPT', 'the content-encryption key could not be recovered: wrong private key, or the envelope was altered');
  } finally {
    key.wipe();
  }
}
