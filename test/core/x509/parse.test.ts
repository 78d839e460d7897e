// Tests for the strict X.509 / CRL / CSR parsers (RFC 5280 §4, §5; RFC 2986) in src/core/x509/parse.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCertificate, parseCrl, parseCsr } from '../../../src/core/x509/parse.js';
import { pemDecodeAll } from '../../../src/core/asn1/pem.js';
import { concat, toHex } from '../../../src/core/crypto/bytes.js';
import { errCode } from '../../helpers/errors.js';
import { OPENSSL_FULL_PEM, OPENSSL_V1_PEM } from './openssl-certs.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';

const der = (pem: string): Uint8Array => pemDecodeAll(pem)[0]!.der;

describe('parseCertificate on an OpenSSL certificate with every extension', () => {
  const c = parseCertificate(der(OPENSSL_FULL_PEM));
  it('reads the TBS fields', () => {
    expect(c.version).toBe(3);
    expect(c.serialHex).toBe('5aa1499ee61fd482a37d7826431023f395d9ee90');
    expect(c.signatureAlgorithm.oid).toBe('1.2.840.10045.4.3.2');
    expect(c.tbsSignatureAlgorithm).toEqual(c.signatureAlgorithm);
    expect(c.subject.text).toBe('C=US, O=Test\\, Inc., CN=full');
    expect(c.issuer.der).toEqual(c.subject.der);
    expect(c.spki.algorithm.oid).toBe('1.2.840.10045.2.1');
    expect(c.notAfter.getTime()).toBeGreaterThan(c.notBefore.getTime());
  });
  it('decodes basicConstraints, keyUsage, EKU, SKI, AKI', () => {
    expect(c.basicConstraints).toEqual({ ca: true, pathLen: 3 });
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(c.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(c.subjectKeyId).toHaveLength(20);
    expect(toHex(c.authorityKeyId!.keyId!)).toBe(toHex(c.subjectKeyId!));
    expect(c.authorityKeyId!.serialHex).toBe(c.serialHex);
    expect(c.authorityKeyId!.issuer![0]!.type).toBe('dn');
  });
  it('decodes every GeneralName kind in the SAN', () => {
    const s = c.subjectAltNames!;
    expect(s.map((g) => g.type)).toEqual(['dns', 'ip', 'ip', 'uri', 'email', 'dn', 'other', 'other']);
    expect(s[0]).toEqual({ type: 'dns', value: 'a.example' });
    expect(Array.from((s[1] as { value: Uint8Array }).value)).toEqual([10, 0, 0, 1]);
    expect((s[2] as { value: Uint8Array }).value).toHaveLength(16);
    expect(s[3]).toEqual({ type: 'uri', value: 'spiffe://x.y/z' });
    expect(s[4]).toEqual({ type: 'email', value: 'a@b.c' });
    expect((s[6] as { tag: number }).tag).toBe(0); // otherName
    expect((s[7] as { tag: number }).tag).toBe(8); // registeredID
  });
  it('decodes nameConstraints, policies, policyConstraints, policyMappings, inhibitAnyPolicy', () => {
    expect(c.nameConstraints!.permitted!.map((p) => p.base.type)).toEqual(['dns', 'ip']);
    expect((c.nameConstraints!.permitted![1]!.base as { value: Uint8Array }).value).toHaveLength(8);
    expect(c.nameConstraints!.excluded).toEqual([
      { base: { type: 'uri', value: '.bad.example' } },
      { base: { type: 'email', value: 'x.example' } },
    ]);
    expect(c.policies!.map((p) => p.oid)).toEqual(['1.2.3.4', '2.5.29.32.0']);
    expect(c.policyConstraints).toEqual({ requireExplicitPolicy: 1, inhibitPolicyMapping: 2 });
    expect(c.policyMappings).toEqual([{ issuerDomainPolicy: '1.2.3.4', subjectDomainPolicy: '1.2.3.6' }]);
    expect(c.inhibitAnyPolicy).toBe(3);
  });
  it('records the unknown critical extension', () => {
    expect(c.unhandledCritical).toEqual(['1.2.3.99']);
    expect(c.extensions.find((e) => e.oid === '1.2.3.99')!.critical).toBe(true);
  });
});

describe('parseCertificate strictness', () => {
  const good = der(OPENSSL_FULL_PEM);
  it('parses a v1 certificate without extensions', () => {
    const v1 = parseCertificate(der(OPENSSL_V1_PEM));
    expect(v1.version).toBe(1);
    expect(v1.extensions).toEqual([]);
    expect(v1.unhandledCritical).toEqual([]);
  });
  it('rejects trailing bytes', () => {
    expect(errCode(() => parseCertificate(concat(good, Uint8Array.of(0))))).toBe('PARSE');
  });
  it('rejects a BER indefinite-length outer SEQUENCE', () => {
    // Re-encode the outer SEQUENCE with 0x80 length and an end-of-contents marker.
    const hdr = good[1]! & 0x7f;
    const body = good.subarray(2 + hdr);
    expect(errCode(() => parseCertificate(concat(Uint8Array.of(0x30, 0x80), body, Uint8Array.of(0, 0))))).toBe('PARSE');
  });
  it('rejects a duplicated extension', () => {
    const pki = buildFixturePki('dup', new Date('2030-01-01T00:00:00Z'));
    const d = pki.root.der;
    // Find the SKI extension (06 03 55 1d 0e) and rename the KU OID (55 1d 0f) to SKI so two SKIs appear.
    const hex = toHex(d);
    const mutated = hex.replace('0603551d0f', '0603551d0e');
    expect(mutated).not.toBe(hex);
    expect(errCode(() => parseCertificate(Uint8Array.from(Buffer.from(mutated, 'hex'))))).toBe('PARSE');
  });
  it('never throws anything but WritError PARSE on mutated input (fuzz)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const m = good.slice();
        m[i] = v;
        const c = errCode(() => parseCertificate(m));
        expect(c === undefined || c === 'PARSE').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('never throws anything but PARSE on truncations', () => {
    for (let n = 0; n < good.length; n += 7) {
      expect(errCode(() => parseCertificate(good.subarray(0, n)))).toBe('PARSE');
    }
  });
  it('rejects non-bytes with PARSE, not TypeError', () => {
    expect(errCode(() => parseCertificate('x' as unknown as Uint8Array))).toBe('PARSE');
    expect(errCode(() => parseCrl(undefined as unknown as Uint8Array))).toBe('PARSE');
    expect(errCode(() => parseCsr(null as unknown as Uint8Array))).toBe('PARSE');
  });
});

describe('parseCrl / parseCsr fuzz', () => {
  const pki = buildFixturePki('fuzz', new Date('2030-01-01T00:00:00Z'));
  const crl = pki.northCrlRevokingHarbor.der;
  it('CRL mutations give PARSE or a parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: crl.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const m = crl.slice();
        m[i] = v;
        const c = errCode(() => parseCrl(m));
        expect(c === undefined || c === 'PARSE').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
  it('a certificate is not a CRL or a CSR', () => {
    expect(errCode(() => parseCrl(pki.root.der))).toBe('PARSE');
    expect(errCode(() => parseCsr(pki.root.der))).toBe('PARSE');
    expect(errCode(() => parseCertificate(crl))).toBe('PARSE');
  });
});

describe('file helpers: one DER object or many PEM blocks', () => {
  const pki = buildFixturePki('files', new Date('2030-01-01T00:00:00Z'));
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('parseCertificates reads DER and multi-block PEM, ignoring other labels', async () => {
    const { pemEncode } = await import('../../../src/core/asn1/pem.js');
    const { parseCertificates, parseCrls, parseCsrFile } = await import('../../../src/core/x509/parse.js');
    expect(parseCertificates(pki.root.der).map((c) => c.serialHex)).toEqual([pki.root.cert.serialHex]);
    const text = `chain\n${pemEncode('CERTIFICATE', pki.enclaves.harbor.ca.der)}${pemEncode('X509 CRL', pki.rootCrl.der)}${pemEncode('CERTIFICATE', pki.regions.north.ca.der)}`;
    expect(parseCertificates(enc(text)).map((c) => c.subject.text)).toEqual([pki.enclaves.harbor.ca.cert.subject.text, pki.regions.north.ca.cert.subject.text]);
    expect(parseCrls(enc(text))).toHaveLength(1);
    expect(errCode(() => parseCsrFile(enc(text)))).toBe('PARSE');
    expect(errCode(() => parseCertificates(enc('hello')))).toBe('PARSE');
  });
});
