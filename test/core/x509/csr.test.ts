// Tests for PKCS#10 requests (RFC 2986) and the KEM request rule (docs/formats.md) in src/core/x509/issue.ts.
import { describe, expect, it } from 'vitest';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { checkCsr, createCsr, issueCertificate, kemSignerHash } from '../../../src/core/x509/issue.js';
import { parseCsr } from '../../../src/core/x509/parse.js';
import { children, decodeDer } from '../../../src/core/asn1/der.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { ATTR_WRIT_KEM_SIGNER } from '../../../src/core/asn1/oids.js';
import { encodeSpki } from '../../../src/core/asn1/spki.js';
import { errCode } from '../../helpers/errors.js';
import { kemSpki, signerFor, testRng } from './helpers.js';

const NOW = new Date('2027-03-01T12:00:00Z');
const pki = buildFixturePki('csr-tests', NOW);
const harbor = pki.enclaves.harbor;
const orchard = pki.enclaves.orchard;

describe('createCsr / checkCsr', () => {
  it('creates an ML-DSA-signed request with an identity and checks it', () => {
    const s = signerFor('csr1', 'ml-dsa-44');
    const der = createCsr({ signer: s, subject: 'O=writ.test, CN=svc', identity: 'spiffe://harbor.north.writ.test/svc' });
    const csr = checkCsr(der);
    expect(csr.subject.text).toBe('O=writ.test, CN=svc');
    expect(csr.subjectAltNames).toEqual([{ type: 'uri', value: 'spiffe://harbor.north.writ.test/svc' }]);
    expect(csr.signatureAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.3.17' });
    expect(toHex(csr.spki.der)).toBe(toHex(encodeSpki('ml-dsa-44', s.publicKey)));
    expect(csr.attributes.map((a) => a.oid)).toEqual(['1.2.840.113549.1.9.14']);
    // version 0, attributes [0]
    const info = children(decodeDer(csr.info));
    expect(toHex(info[0]!.der)).toBe('020100');
    expect(info[3]!.cls).toBe(2);
  });
  it('a request without attributes has an empty [0] SET', () => {
    const csr = parseCsr(createCsr({ signer: signerFor('csr2'), subject: 'CN=x' }));
    expect(csr.attributes).toEqual([]);
    expect(csr.subjectAltNames).toBeUndefined();
  });
  it('refuses a request with a bad signature (SIGNATURE), on check and on issue', () => {
    const signer = signerFor('csr3');
    const der = createCsr({ signer, subject: 'CN=x', identity: 'spiffe://harbor.north.writ.test/x' });
    const bad = der.slice();
    bad[bad.length - 10]! ^= 0x01;
    expect(errCode(() => checkCsr(bad))).toBe('SIGNATURE');
    expect(errCode(() => issueCertificate({ profile: 'workload', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr: bad }, { now: NOW, rng: testRng() }))).toBe('SIGNATURE');
    // flipping a byte of the public key inside the signed info also breaks it
    const bad2 = der.slice();
    const idx = toHex(der).indexOf(toHex(signer.publicKey.subarray(0, 16))) / 2;
    expect(idx).toBeGreaterThan(0);
    bad2[idx + 3]! ^= 0x01;
    expect(errCode(() => checkCsr(bad2))).toBe('SIGNATURE');
  });
  it('refuses to sign a request for a key other than the signer (no proof of possession)', () => {
    const a = signerFor('a');
    const b = signerFor('b');
    expect(errCode(() => createCsr({ signer: a, subject: 'CN=x', subjectSpki: encodeSpki('ml-dsa-65', b.publicKey) }))).toBe('KEY_MISMATCH');
  });
});

describe('KEM certificate requests', () => {
  const kemKey = kemSpki('kem-h');
  const subject = 'O=writ.test, CN=harbor kem 2';
  const harborKemCsr = createCsr({ signer: harbor.signing.signer!, subject, subjectSpki: kemKey, signingCert: harbor.signing.cert });

  it('carry the KEM key and the SHA-256 of the signing certificate', () => {
    const csr = parseCsr(harborKemCsr);
    expect(csr.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.4.3');
    expect(csr.attributes.map((a) => a.oid)).toEqual([ATTR_WRIT_KEM_SIGNER]);
    expect(toHex(kemSignerHash(csr)!)).toBe(toHex(sha256(harbor.signing.cert.der)));
    expect(checkCsr(csr, { signingCert: harbor.signing.cert }).subject.text).toBe(subject);
  });
  it('need the signing certificate to be checked', () => {
    expect(errCode(() => checkCsr(harborKemCsr))).toBe('USAGE');
  });
  it('cannot be created without naming the signing certificate', () => {
    expect(errCode(() => createCsr({ signer: harbor.signing.signer!, subject, subjectSpki: kemKey }))).toBe('USAGE');
    expect(errCode(() => createCsr({ signer: orchard.signing.signer!, subject, subjectSpki: kemKey, signingCert: harbor.signing.cert }))).toBe('KEY_MISMATCH');
  });
  it('are issued by the same enclave CA', () => {
    const der = issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr: harborKemCsr, signingCert: harbor.signing.cert }, { now: NOW, rng: testRng() });
    expect(der.length).toBeGreaterThan(1000);
  });
  it('signed by the wrong enclave key are refused (POLICY)', () => {
    // orchard's gateway signs a KEM request and presents its own (valid) signing certificate to harbor's CA.
    const csr = createCsr({ signer: orchard.signing.signer!, subject, subjectSpki: kemKey, signingCert: orchard.signing.cert });
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, signingCert: orchard.signing.cert }, { now: NOW, rng: testRng() }))).toBe('POLICY');
  });
  it('signed by the wrong key but presented with the right certificate are refused (KEY_MISMATCH / SIGNATURE)', () => {
    const csr = createCsr({ signer: orchard.signing.signer!, subject, subjectSpki: kemKey, signingCert: orchard.signing.cert });
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, signingCert: harbor.signing.cert }, { now: NOW, rng: testRng() }))).toBe('KEY_MISMATCH');
    // Forge: claim harbor's signing cert in the attribute but sign with orchard's key. Build by hand via createCsr with a fake cert object.
    const forged = createCsr({ signer: orchard.signing.signer!, subject, subjectSpki: kemKey, signingCert: { ...harbor.signing.cert, spki: orchard.signing.cert.spki } });
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr: forged, signingCert: harbor.signing.cert }, { now: NOW, rng: testRng() }))).toBe('SIGNATURE');
  });
  it('presented with a non-gateway certificate of the same enclave are refused (EKU)', () => {
    const csr = createCsr({ signer: harbor.workload.signer!, subject, subjectSpki: kemKey, signingCert: harbor.workload.cert });
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, signingCert: harbor.workload.cert }, { now: NOW, rng: testRng() }))).toBe('EKU');
  });
  it('are refused once the signing certificate has expired', () => {
    const later = new Date(harbor.signing.cert.notAfter.getTime() + 1000);
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr: harborKemCsr, signingCert: harbor.signing.cert }, { now: later, rng: testRng() }))).toBe('EXPIRED');
  });
  it('an ordinary signing-key CSR cannot become a KEM certificate', () => {
    const s = signerFor('notkem');
    const csr = createCsr({ signer: s, subject: 'CN=x' });
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, signingCert: harbor.signing.cert }, { now: NOW, rng: testRng() }))).toBe('USAGE');
  });
  it('X-Wing keys work the same way', () => {
    const xk = kemSpki('xw', 'x-wing');
    const csr = createCsr({ signer: orchard.signing.signer!, subject: 'CN=xw', subjectSpki: xk, signingCert: orchard.signing.cert });
    const der = issueCertificate({ profile: 'enclave-kem', issuerCert: orchard.ca.cert, issuerSigner: orchard.ca.signer!, csr, signingCert: orchard.signing.cert }, { now: NOW, rng: testRng() });
    expect(toHex(der)).toContain(toHex(xk.subarray(0, 40)));
  });
});
