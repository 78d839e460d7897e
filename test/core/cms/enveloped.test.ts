// Tests of AuthEnvelopedData / EnvelopedData with KEMRecipientInfo (RFC 5083, RFC 9629, RFC 9936): round trips, wrong keys, tampering.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { describeEnveloped, openEnveloped, sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { CMS_OID } from '../../../src/core/cms/common.js';
import { encodeKemRecipientInfo, deriveKek, kemOtherInfo } from '../../../src/core/cms/kemri.js';
import { decodeKemPrivateKey } from '../../../src/core/cms/kem-key.js';
import { keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { encodePrivateKey } from '../../../src/core/asn1/pkcs8.js';
import { mlKemKeygen } from '../../../src/core/crypto/ml-kem.js';
import { ML_KEM_512, mlKem512Encapsulate, mlKem512Keygen } from '../../../src/core/crypto/ml-kem.js';
import { aesKeyWrap, aes256CbcEncrypt } from '../../../src/core/crypto/aead.js';
import { algorithmIdentifier } from '../../../src/core/asn1/alg-id.js';
import { ctxPrimitive, decodeDer, integer, octetString, oid, seq, setOf, utf8String, children, seqOf } from '../../../src/core/asn1/der.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import { errCode, seededRng } from '../../helpers/index.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const enc = new TextEncoder();
let pki: FixturePki;
let pki768: FixturePki;
beforeAll(() => {
  pki = buildFixturePki('cms-env', NOW); // harbor ML-KEM-1024, orchard X-Wing
  pki768 = buildFixturePki('cms-env', NOW, { orchardKem: 'ml-kem-768' });
});

const cases = () => [
  { name: 'ML-KEM-1024', kem: pki.enclaves.harbor.kem },
  { name: 'X-Wing', kem: pki.enclaves.orchard.kem },
  { name: 'ML-KEM-768', kem: pki768.enclaves.orchard.kem },
];

describe('sealAuthEnveloped / openEnveloped round trips', () => {
  for (const name of ['ML-KEM-1024', 'X-Wing', 'ML-KEM-768']) {
    it(`${name}: seal then open returns the content, type and auth attributes`, () => {
      const { kem } = cases().find((c) => c.name === name)!;
      const content = enc.encode(`secret records for ${name}`);
      const attr = { oid: '2.25.7.1', values: [utf8String('hdr')] };
      const der = sealAuthEnveloped({ content, contentType: CMS_OID.signedData, recipient: kem.cert, rng: seededRng(name), authAttributes: [attr] });
      decodeDer(der); // strict DER
      const r = openEnveloped(der, { alg: kem.key.alg as 'ml-kem-1024', privateKey: kem.key.seed, cert: kem.cert });
      expect(bytesEqual(r.content, content)).toBe(true);
      expect(r.contentType).toBe(CMS_OID.signedData);
      expect(r.authAttributes.find((a) => a.oid === '2.25.7.1')?.values).toEqual([utf8String('hdr')]);
      expect(r.authAttributes.find((a) => a.oid === CMS_OID.contentType)).toBeDefined();
      expect(r.algorithms).toMatchObject({ structure: 'AuthEnvelopedData', kem: name, kdf: 'HKDF-SHA256', wrap: 'AES-256-WRAP', contentEncryption: 'AES-256-GCM', ukm: 'absent' });
      // Without the cert, every KEMRecipientInfo for the algorithm is tried.
      expect(bytesEqual(openEnveloped(der, { alg: kem.key.alg as 'ml-kem-1024', privateKey: kem.key.seed }).content, content)).toBe(true);
      const d = describeEnveloped(der);
      expect(d.structure).toBe('AuthEnvelopedData');
      expect(d.recipients).toHaveLength(1);
      expect(d.recipients[0]).toMatchObject({ type: 'kem', kem: name, kekLength: 32 });
      expect(d.recipients[0]!.rid).toContain(Buffer.from(kem.cert.subjectKeyId!).toString('hex'));
    });
  }

  it('opens with the expanded ML-KEM key as well as the seed', () => {
    const kem = pki.enclaves.harbor.kem;
    const der = sealAuthEnveloped({ content: enc.encode('x'), recipient: kem.cert, rng: seededRng('exp') });
    const { secretKey } = mlKemKeygen('ml-kem-1024', kem.key.seed);
    expect(enc.encode('x')).toEqual(openEnveloped(der, { alg: 'ml-kem-1024', privateKey: secretKey, cert: kem.cert }).content);
  });

  it('property: any content round-trips (ML-KEM-768)', () => {
    const kem = pki768.enclaves.orchard.kem;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string(), (content, seed) => {
        const der = sealAuthEnveloped({ content, recipient: kem.cert, rng: seededRng(seed) });
        expect(bytesEqual(openEnveloped(der, { alg: 'ml-kem-768', privateKey: kem.key.seed, cert: kem.cert }).content, content)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('refusals', () => {
  it('wrong private key -> DECRYPT (same algorithm, no cert)', () => {
    const kem = pki.enclaves.harbor.kem;
    const der = sealAuthEnveloped({ content: enc.encode('x'), recipient: kem.cert, rng: seededRng('w') });
    const other = keyPairFromSeed('ml-kem-1024', new Uint8Array(64).fill(3));
    expect(errCode(() => openEnveloped(der, { alg: 'ml-kem-1024', privateKey: other.seed }))).toBe('DECRYPT');
  });

  it('wrong X-Wing key -> DECRYPT', () => {
    const kem = pki.enclaves.orchard.kem;
    const der = sealAuthEnveloped({ content: enc.encode('x'), recipient: kem.cert, rng: seededRng('wx') });
    expect(errCode(() => openEnveloped(der, { alg: 'x-wing', privateKey: new Uint8Array(32).fill(1) }))).toBe('DECRYPT');
  });

  it('key of another algorithm, or a cert that is not the recipient -> DECRYPT; key not matching the cert -> KEY_MISMATCH', () => {
    const harbor = pki.enclaves.harbor.kem;
    const orchard = pki.enclaves.orchard.kem;
    const der = sealAuthEnveloped({ content: enc.encode('x'), recipient: harbor.cert, rng: seededRng('a') });
    expect(errCode(() => openEnveloped(der, { alg: 'x-wing', privateKey: orchard.key.seed }))).toBe('DECRYPT');
    expect(errCode(() => openEnveloped(der, { alg: 'x-wing', privateKey: orchard.key.seed, cert: orchard.cert }))).toBe('DECRYPT');
    expect(errCode(() => openEnveloped(der, { alg: 'ml-kem-1024', privateKey: harbor.key.seed, cert: orchard.cert }))).toBe('KEY_MISMATCH');
  });

  it('sealing to a signing certificate is refused', () => {
    expect(errCode(() => sealAuthEnveloped({ content: enc.encode('x'), recipient: pki.enclaves.harbor.signing.cert, rng: seededRng('s') }))).toBe('UNSUPPORTED_ALG');
    expect(() => sealAuthEnveloped({ content: enc.encode('x'), recipient: pki.enclaves.harbor.kem.cert, rng: seededRng('s'), authAttributes: [{ oid: CMS_OID.contentType, values: [oid(CMS_OID.data)] }] })).toThrow(RangeError);
  });

  it('a flipped ciphertext byte -> DECRYPT', () => {
    const kem = pki.enclaves.harbor.kem;
    const content = new Uint8Array(100).fill(0x41);
    const der = sealAuthEnveloped({ content, recipient: kem.cert, rng: seededRng('c') });
    // The ciphertext is the [0] IMPLICIT primitive inside EncryptedContentInfo; find 100 bytes ending just before authAttrs.
    const ci = seqOf(decodeDer(der), 'ContentInfo');
    const aed = seqOf(children(ci[1]!)[0], 'AuthEnvelopedData');
    const eci = seqOf(aed[2], 'eci');
    const ct = eci[2]!;
    const off = ct.der.byteOffset - der.byteOffset + ct.der.length - 1;
    const t = Uint8Array.from(der);
    t[off]! ^= 0x01;
    expect(errCode(() => openEnveloped(t, { alg: 'ml-kem-1024', privateKey: kem.key.seed, cert: kem.cert }))).toBe('DECRYPT');
  });

  it('property: a flipped bit anywhere never opens to content (DECRYPT, PARSE or an unsupported algorithm)', () => {
    const kem = pki.enclaves.orchard.kem;
    const content = enc.encode('tamper-evident');
    const der = sealAuthEnveloped({ content, recipient: kem.cert, rng: seededRng('t'), authAttributes: [{ oid: '2.25.9', values: [utf8String('h')] }] });
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 7 }), (pos, bit) => {
        const t = Uint8Array.from(der);
        t[pos]! ^= 1 << bit;
        const code = errCode(() => openEnveloped(t, { alg: 'x-wing', privateKey: kem.key.seed, cert: kem.cert }));
        seen.add(String(code));
        expect(['DECRYPT', 'PARSE', 'UNSUPPORTED_ALG', 'UNSUPPORTED']).toContain(code);
      }),
      { numRuns: 300 },
    );
    expect(seen.has('DECRYPT')).toBe(true);
  });

  it('malformed input -> PARSE', () => {
    expect(errCode(() => openEnveloped(new Uint8Array([0x30, 0x03, 1, 2]), { alg: 'ml-kem-768', privateKey: new Uint8Array(64) }))).toBe('PARSE');
    expect(errCode(() => describeEnveloped(seq(oid(CMS_OID.data))))).toBe('PARSE');
  });
});

describe('reading what other tools write', () => {
  // An EnvelopedData (v3) with AES-128 wrap, HKDF-SHA512, ukm and AES-256-CBC to an ML-KEM-512 key,
  // built by hand from the RFC 9629 structures: the reader must follow every parameter it is given.
  it('ML-KEM-512 + HKDF-SHA512 + AES-128 wrap + ukm + AES-256-CBC EnvelopedData', () => {
    const seed = new Uint8Array(64).fill(5);
    const { publicKey } = mlKem512Keygen(seed);
    const rng = seededRng('512');
    const { cipherText, sharedSecret } = mlKem512Encapsulate(publicKey, rng);
    const ukm = enc.encode('user keying material');
    const wrapDer = algorithmIdentifier('2.16.840.1.101.3.4.1.5'); // id-aes128-wrap
    const kek = deriveKek(sharedSecret, '1.2.840.113549.1.9.16.3.30', 16, wrapDer, ukm);
    expect(kemOtherInfo(wrapDer, 16, ukm)[0]).toBe(0x30);
    const cek = rng(32);
    const ri = encodeKemRecipientInfo({ keyId: new Uint8Array(20).fill(9), kemOid: ML_KEM_512.oid, kemct: cipherText, kdfOid: '1.2.840.113549.1.9.16.3.30', kekLength: 16, ukm, wrapOid: '2.16.840.1.101.3.4.1.5', encryptedKey: aesKeyWrap(kek, cek) });
    const iv = rng(16);
    const content = enc.encode('from another tool');
    const eci = seq(oid(CMS_OID.data), algorithmIdentifier('2.16.840.1.101.3.4.1.42', octetString(iv)), ctxPrimitive(0, aes256CbcEncrypt(cek, iv, content)));
    const der = seq(oid(CMS_OID.envelopedData), Uint8Array.from([0xa0, ...lenBytes(seq(integer(3), setOf(ri), eci))]));
    const r = openEnveloped(der, { alg: 'ml-kem-512', privateKey: seed });
    expect(bytesEqual(r.content, content)).toBe(true);
    expect(r.algorithms).toMatchObject({ structure: 'EnvelopedData', kem: 'ML-KEM-512', kdf: 'HKDF-SHA512', wrap: 'AES-128-WRAP', kekLength: '16', ukm: '20 bytes', contentEncryption: 'AES-256-CBC' });
    // Several recipients: a KEMRecipientInfo for another ML-KEM-512 key and a KeyTransRecipientInfo come first; ours is still found.
    const otherKey = mlKem512Keygen(new Uint8Array(64).fill(6)).publicKey;
    const oct = mlKem512Encapsulate(otherKey, rng);
    const riOther = encodeKemRecipientInfo({ keyId: new Uint8Array(20).fill(1), kemOid: ML_KEM_512.oid, kemct: oct.cipherText, kdfOid: '1.2.840.113549.1.9.16.3.28', kekLength: 32, wrapOid: '2.16.840.1.101.3.4.1.45', encryptedKey: new Uint8Array(40).fill(2) });
    const ktri = seq(integer(0), seq(seq(), integer(1)), algorithmIdentifier('1.2.840.113549.1.1.1'), octetString(new Uint8Array(8)));
    const multi = seq(oid(CMS_OID.envelopedData), Uint8Array.from([0xa0, ...lenBytes(seq(integer(3), setOf(riOther, ktri, ri), eci))]));
    expect(bytesEqual(openEnveloped(multi, { alg: 'ml-kem-512', privateKey: seed }).content, content)).toBe(true);
    expect(describeEnveloped(multi).recipients.map((x) => x.type).sort()).toEqual(['kem', 'kem', 'ktri']);
    // A wrong EnvelopedData version is refused (RFC 5652 §6.1: ori requires 3).
    const v0 = seq(oid(CMS_OID.envelopedData), Uint8Array.from([0xa0, ...lenBytes(seq(integer(0), setOf(ri), eci))]));
    expect(errCode(() => openEnveloped(v0, { alg: 'ml-kem-512', privateKey: seed }))).toBe('PARSE');
  });

  it('decodeKemPrivateKey reads writ PKCS#8 KEM keys and refuses signature keys', () => {
    const kem = pki.enclaves.harbor.kem;
    const k = decodeKemPrivateKey(encodePrivateKey('ml-kem-1024', kem.key.seed));
    expect(k.alg).toBe('ml-kem-1024');
    expect(k.publicKey).toEqual(kem.key.publicKey);
    const s = pki.enclaves.harbor.signing;
    expect(errCode(() => decodeKemPrivateKey(encodePrivateKey('ml-dsa-65', s.key.seed)))).toBe('UNSUPPORTED_ALG');
  });
});

/** DER length octets + contents, for hand-built [0] EXPLICIT wrappers. */
function lenBytes(content: Uint8Array): number[] {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [...len, ...content];
}
