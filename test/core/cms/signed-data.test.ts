// Tests of CMS SignedData (RFC 5652 §5, RFC 9882): round trips, key-only signers, detached content, tampering, classical signers.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { signCms, verifyCms, cmsKeyId } from '../../../src/core/cms/signed-data.js';
import { CMS_OID } from '../../../src/core/cms/common.js';
import { signerFromSeed, keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { encodeSpki, parseSpki } from '../../../src/core/asn1/spki.js';
import { decodeDer, children, seqOf, utf8String, integer, octetString, oid, seq, setOf, ctxExplicit } from '../../../src/core/asn1/der.js';
import { algorithmIdentifier } from '../../../src/core/asn1/alg-id.js';
import { subjectKeyId } from '../../../src/core/x509/issue.js';
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { bytesEqual, concat } from '../../../src/core/crypto/bytes.js';
import { CLASSICAL_OIDS } from '../../../src/core/crypto/algs.js';
import { errCode } from '../../helpers/index.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const enc = new TextEncoder();
let pki: FixturePki;
beforeAll(() => {
  pki = buildFixturePki('cms-signed', NOW);
});

const signing = () => pki.enclaves.harbor.signing;

describe('signCms / verifyCms', () => {
  it('round-trips encapsulated content with the signer certificate and chain', () => {
    const s = signing();
    const content = enc.encode('hello envelope');
    const der = signCms({
      content,
      signers: [{ signer: s.signer!, cert: s.cert }],
      certificates: [pki.enclaves.harbor.ca.der],
      signingTime: NOW,
    });
    const r = verifyCms(der);
    expect(r.contentType).toBe(CMS_OID.data);
    expect(bytesEqual(r.content, content)).toBe(true);
    expect(r.certificates.map((c) => c.subject.text).sort()).toEqual([pki.enclaves.harbor.ca.cert.subject.text, s.cert.subject.text].sort());
    expect(r.signers).toHaveLength(1);
    const si = r.signers[0]!;
    expect(si.ok).toBe(true);
    expect(si.error).toBeUndefined();
    expect(si.cert?.der).toEqual(s.cert.der);
    expect(si.keyId).toEqual(s.cert.subjectKeyId);
    expect(si.digestAlgorithm).toBe('2.16.840.1.101.3.4.2.3'); // SHA-512, RFC 9882
    expect(si.signatureAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.3.18' }); // ML-DSA-65, params absent
    expect(si.signingTime?.toISOString()).toBe(NOW.toISOString());
    const types = si.signedAttributes.map((a) => a.oid);
    expect(types).toContain(CMS_OID.contentType);
    expect(types).toContain(CMS_OID.messageDigest);
    expect(types).toContain(CMS_OID.cmsAlgorithmProtection);
  });

  it('writes DER: the strict reader accepts the whole ContentInfo, version 3, SKI SID', () => {
    const s = signing();
    const der = signCms({ content: enc.encode('x'), signers: [{ signer: s.signer!, cert: s.cert }] });
    const top = seqOf(decodeDer(der), 'ContentInfo');
    const sd = seqOf(children(top[1]!)[0], 'SignedData');
    expect(sd[0]!.content).toEqual(Uint8Array.of(3));
    const si = children(sd[sd.length - 1]!)[0]!;
    const siF = seqOf(si, 'SignerInfo');
    expect(siF[0]!.content).toEqual(Uint8Array.of(3));
    expect(siF[1]!.der[0]).toBe(0x80); // [0] IMPLICIT subjectKeyIdentifier
  });

  it('detached content: verifies only with the content supplied, and only the right content', () => {
    const s = signing();
    const content = enc.encode('{"a":1}');
    const der = signCms({ content, detached: true, signers: [{ signer: s.signer!, cert: s.cert }] });
    const none = verifyCms(der);
    expect(none.signers[0]!.ok).toBe(false);
    expect(none.signers[0]!.error).toMatch(/detached/);
    const good = verifyCms(der, { detachedContent: content });
    expect(good.signers[0]!.ok).toBe(true);
    expect(bytesEqual(good.content, content)).toBe(true);
    const wrong = verifyCms(der, { detachedContent: enc.encode('{"a":2}') });
    expect(wrong.signers[0]!.ok).toBe(false);
    expect(wrong.signers[0]!.error).toMatch(/message-digest/);
  });

  it('key-only signers are found through publicKeys by the subjectKeyId key id', () => {
    const kp = keyPairFromSeed('ml-dsa-44', new Uint8Array(32).fill(7));
    const signer = signerFromSeed('ml-dsa-44', kp.seed);
    const spki = parseSpki(encodeSpki('ml-dsa-44', kp.publicKey));
    const der = signCms({ content: enc.encode('approve'), detached: true, signers: [{ signer }] });
    const without = verifyCms(der, { detachedContent: enc.encode('approve') });
    expect(without.signers[0]!.ok).toBe(false);
    expect(without.signers[0]!.error).toMatch(/no certificate or public key/);
    const r = verifyCms(der, { detachedContent: enc.encode('approve'), publicKeys: [spki] });
    expect(r.signers[0]!.ok).toBe(true);
    expect(r.signers[0]!.keyId).toEqual(subjectKeyId(spki));
    expect(cmsKeyId(spki)).toEqual(sha256(kp.publicKey).slice(0, 20));
    expect(r.signers[0]!.publicKey?.der).toEqual(spki.der);
    expect(r.signers[0]!.cert).toBeUndefined();
  });

  it('several signers each get their own SignerInfo; extraCerts resolves a signer whose cert is not embedded', () => {
    const a = signing();
    const b = pki.enclaves.orchard.signing;
    const kp = keyPairFromSeed('ml-dsa-87', new Uint8Array(32).fill(9));
    const c = signerFromSeed('ml-dsa-87', kp.seed);
    const der = signCms({ content: enc.encode('close'), signers: [{ signer: a.signer!, cert: a.cert }, { signer: c }] });
    const r = verifyCms(der, { publicKeys: [parseSpki(encodeSpki('ml-dsa-87', kp.publicKey))] });
    expect(r.signers.map((s) => s.ok)).toEqual([true, true]);
    // b's signature, verified with its cert supplied out of band.
    const der2 = signCms({ content: enc.encode('x'), signers: [{ signer: b.signer!, cert: b.cert }] });
    // strip: re-sign key-only so the cert is not embedded, then find it through extraCerts by its SKI.
    const der3 = signCms({ content: enc.encode('x'), signers: [{ signer: b.signer! }] });
    expect(verifyCms(der2).signers[0]!.ok).toBe(true);
    const r3 = verifyCms(der3, { extraCerts: [b.cert] });
    expect(r3.certificates).toHaveLength(0);
    expect(r3.signers[0]!.ok).toBe(true);
    expect(r3.signers[0]!.cert?.der).toEqual(b.cert.der);
  });

  it('carries extra signed attributes and a custom content type; refuses reserved and duplicate ones', () => {
    const s = signing();
    const attr = { oid: '2.25.1.3.1', values: [utf8String('envelope-42')] };
    const der = signCms({ content: enc.encode('x'), contentType: '2.25.1.3.99', signers: [{ signer: s.signer!, cert: s.cert }], signedAttributes: [attr] });
    const r = verifyCms(der);
    expect(r.contentType).toBe('2.25.1.3.99');
    expect(r.signers[0]!.ok).toBe(true);
    expect(r.signers[0]!.signedAttributes.find((a) => a.oid === '2.25.1.3.1')?.values).toEqual([utf8String('envelope-42')]);
    expect(() => signCms({ content: enc.encode('x'), signers: [{ signer: s.signer! }], signedAttributes: [{ oid: CMS_OID.messageDigest, values: [octetString(new Uint8Array(64))] }] })).toThrow(RangeError);
    expect(() => signCms({ content: enc.encode('x'), signers: [{ signer: s.signer! }], signedAttributes: [attr, attr] })).toThrow(RangeError);
    expect(() => signCms({ content: enc.encode('x'), signers: [] })).toThrow(RangeError);
  });

  it('refuses a signer whose key does not match the certificate given', () => {
    const s = signing();
    expect(errCode(() => signCms({ content: enc.encode('x'), signers: [{ signer: s.signer!, cert: pki.enclaves.orchard.signing.cert }] }))).toBe('KEY_MISMATCH');
  });

  it('rejects non-SignedData and garbage with PARSE', () => {
    expect(errCode(() => verifyCms(new Uint8Array([1, 2, 3])))).toBe('PARSE');
    expect(errCode(() => verifyCms(seq(oid(CMS_OID.data), ctxExplicit(0, octetString(enc.encode('x'))))))).toBe('PARSE');
  });

  it('detects a supplied detached content that differs from encapsulated content', () => {
    const s = signing();
    const der = signCms({ content: enc.encode('a'), signers: [{ signer: s.signer!, cert: s.cert }] });
    const r = verifyCms(der, { detachedContent: enc.encode('b') });
    expect(r.signers[0]!.ok).toBe(false);
  });
});

describe('tampering', () => {
  it('a flipped bit anywhere never yields a good signature over the original content with the original signer cert', () => {
    const s = signing();
    const content = enc.encode('tamper me');
    const der = signCms({ content, signers: [{ signer: s.signer!, cert: s.cert }], signingTime: NOW });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 7 }), (pos, bit) => {
        const t = Uint8Array.from(der);
        t[pos]! ^= 1 << bit;
        let r;
        try {
          r = verifyCms(t);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('PARSE');
          return;
        }
        const si = r.signers[0];
        const accepted =
          r.signers.length === 1 && si!.ok && bytesEqual(r.content, content) && si!.cert !== undefined && bytesEqual(si!.cert.der, s.cert.der) &&
          r.contentType === CMS_OID.data;
        expect(accepted).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('classical signers written by other tools', () => {
  // A hand-built SignedData, issuerAndSerialNumber SID (v1), ECDSA P-256 over the signed attributes.
  it('verifies ECDSA and Ed25519 SignerInfos with issuerAndSerialNumber SIDs against a supplied cert', () => {
    for (const kind of ['ec', 'ed25519'] as const) {
      const { publicKey, privateKey } = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
      const spki = parseSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
      const cert = pki.enclaves.harbor.workload.cert; // only its issuer and serial are used as the SID
      const content = enc.encode('classical');
      const md = new Uint8Array(createHash('sha256').update(content).digest());
      const attrs = setOf(
        seq(oid(CMS_OID.contentType), setOf(oid(CMS_OID.data))),
        seq(oid(CMS_OID.messageDigest), setOf(octetString(md))),
      );
      const sig = new Uint8Array(nodeSign(kind === 'ec' ? 'sha256' : null, attrs, privateKey));
      const sigAlg = kind === 'ec' ? CLASSICAL_OIDS.ecdsaWithSha256 : CLASSICAL_OIDS.ed25519;
      const serial = decodeDer(concat(Uint8Array.of(2, cert.serialRaw.length), cert.serialRaw));
      const si = seq(
        integer(1),
        seq(cert.issuer.der, serial.der),
        algorithmIdentifier('2.16.840.1.101.3.4.2.1'),
        concat(Uint8Array.of(0xa0), attrs.subarray(1)),
        algorithmIdentifier(sigAlg),
        octetString(sig),
      );
      const sd = seq(integer(1), setOf(algorithmIdentifier('2.16.840.1.101.3.4.2.1')), seq(oid(CMS_OID.data), ctxExplicit(0, octetString(content))), setOf(si));
      const der = seq(oid(CMS_OID.signedData), ctxExplicit(0, sd));
      // The "cert" for lookup: the workload cert's issuer+serial, but with the classical key — simulate by a patched object.
      const fake = { ...cert, spki };
      const r = verifyCms(der, { extraCerts: [fake] });
      expect(r.signers[0]!.issuerSerial?.serialHex).toBe(cert.serialHex);
      expect(r.signers[0]!.ok).toBe(true);
      const bad = Uint8Array.from(der);
      bad[bad.length - 5]! ^= 1; // inside the signature
      expect(verifyCms(bad, { extraCerts: [fake] }).signers[0]!.ok).toBe(false);
    }
  });
});
