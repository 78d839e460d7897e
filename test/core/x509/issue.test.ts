// Unit tests for every issuance profile (src/core/x509/issue.ts): extension values, criticality, names, policies, times, serials.
import { describe, expect, it } from 'vitest';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { issueCertificate, subjectKeyId, createCsr, DEFAULT_VALIDITY_DAYS } from '../../../src/core/x509/issue.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import { children, decodeDer } from '../../../src/core/asn1/der.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { verifySignature } from '../../../src/core/crypto/signature.js';
import { encodeSpki } from '../../../src/core/asn1/spki.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../../../src/core/asn1/oids.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import { errCode } from '../../helpers/errors.js';
import { signerFor, testRng } from './helpers.js';

const NOW = new Date('2027-03-01T12:00:00Z');
const pki = buildFixturePki('issue-tests', NOW);
const { root } = pki;
const north = pki.regions.north;
const harbor = pki.enclaves.harbor;

const ext = (c: Certificate, oid: string) => c.extensions.find((e) => e.oid === oid);
const critical = (c: Certificate, oid: string) => ext(c, oid)?.critical;
const ML_DSA_87_ALGID = '300b0609608648016503040313';

function commonChecks(c: Certificate, issuer: Certificate) {
  expect(c.version).toBe(3);
  // RFC 9881: ML-DSA AlgorithmIdentifier parameters absent, inside and outside the TBS.
  expect(c.signatureAlgorithm.params).toBeUndefined();
  expect(c.tbsSignatureAlgorithm).toEqual(c.signatureAlgorithm);
  expect(toHex(c.der)).toContain(ML_DSA_87_ALGID);
  // serial: positive, <= 20 octets
  expect(c.serialRaw.length).toBeLessThanOrEqual(20);
  expect(c.serialRaw[0]! & 0x80).toBe(0);
  expect(BigInt(`0x${c.serialHex}`)).toBeGreaterThan(0n);
  // one attribute per RDN
  for (const r of c.subject.rdns) expect(r).toHaveLength(1);
  for (const rdn of children(decodeDer(c.subject.der))) expect(children(rdn)).toHaveLength(1);
  // SKI per RFC 7093 §2 method 1; AKI = issuer's SKI
  expect(toHex(c.subjectKeyId!)).toBe(toHex(subjectKeyId(c.spki)));
  expect(toHex(c.authorityKeyId!.keyId!)).toBe(toHex(issuer.subjectKeyId!));
  expect(critical(c, '2.5.29.14')).toBe(false);
  expect(critical(c, '2.5.29.35')).toBe(false);
  expect(toHex(c.issuer.der)).toBe(toHex(issuer.subject.der));
  expect(verifySignature(c.signatureAlgorithm, issuer.spki, c.tbs, c.signature)).toBe(true);
  expect(c.unhandledCritical).toEqual([]);
}

describe('root profile', () => {
  const c = root.cert;
  it('is a self-signed CA', () => {
    commonChecks(c, c);
    expect(c.basicConstraints).toEqual({ ca: true });
    expect(critical(c, '2.5.29.19')).toBe(true);
    expect(c.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(critical(c, '2.5.29.15')).toBe(true);
    expect(c.subjectAltNames).toEqual([{ type: 'uri', value: 'spiffe://writ.test' }]);
    expect(c.subject.text).toBe('O=writ.test, CN=writ.test root CA');
    expect(c.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.3.19');
    expect(c.policies).toBeUndefined();
    expect(c.nameConstraints).toBeUndefined();
  });
  it('defaults to 20 years from notBefore', () => {
    expect((c.notAfter.getTime() - c.notBefore.getTime()) / 86_400_000).toBe(DEFAULT_VALIDITY_DAYS.root);
  });
  it('refuses a root whose key is not the signer', () => {
    const s = signerFor('r1', 'ml-dsa-87');
    const other = signerFor('r2', 'ml-dsa-87');
    expect(errCode(() => issueCertificate({ profile: 'root', issuerSigner: s, subjectSpki: encodeSpki('ml-dsa-87', other.publicKey) }, { now: NOW, rng: testRng() }))).toBe('KEY_MISMATCH');
  });
});

describe('regional profile', () => {
  const c = north.ca.cert;
  it('has pathLen 1, critical URI name constraint, levels and policy constraints', () => {
    commonChecks(c, root.cert);
    expect(c.basicConstraints).toEqual({ ca: true, pathLen: 1 });
    expect(critical(c, '2.5.29.19')).toBe(true);
    expect(c.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(critical(c, '2.5.29.15')).toBe(true);
    expect(c.nameConstraints).toEqual({ permitted: [{ base: { type: 'uri', value: '.north.writ.test' } }] });
    expect(critical(c, '2.5.29.30')).toBe(true);
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.public, LEVELS.internal, LEVELS.restricted]);
    expect(c.policyConstraints).toEqual({ requireExplicitPolicy: 0, inhibitPolicyMapping: 0 });
    expect(critical(c, '2.5.29.36')).toBe(true);
    expect(c.subject.text).toBe('O=writ.test, OU=north, CN=north regional CA');
  });
  it('south serves public and internal only', () => {
    expect(pki.regions.south.ca.cert.policies!.map((p) => p.oid)).toEqual([LEVELS.public, LEVELS.internal]);
  });
  it('needs a region and at least one level', () => {
    const s = signerFor('reg', 'ml-dsa-87');
    const base = { profile: 'regional' as const, issuerCert: root.cert, issuerSigner: root.signer!, subjectSpki: encodeSpki('ml-dsa-87', s.publicKey) };
    expect(errCode(() => issueCertificate({ ...base, levels: ['public'] }, { now: NOW, rng: testRng() }))).toBe('USAGE');
    expect(errCode(() => issueCertificate({ ...base, region: 'east' }, { now: NOW, rng: testRng() }))).toBe('USAGE');
    expect(errCode(() => issueCertificate({ ...base, region: 'east', levels: ['bogus'] }, { now: NOW, rng: testRng() }))).toBe('USAGE');
  });
});

describe('enclave-ca profile', () => {
  const c = harbor.ca.cert;
  it('has pathLen 0, exact-host constraint, exactly one level', () => {
    commonChecks(c, north.ca.cert);
    expect(c.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect(critical(c, '2.5.29.19')).toBe(true);
    expect(c.nameConstraints).toEqual({ permitted: [{ base: { type: 'uri', value: 'harbor.north.writ.test' } }] });
    expect(critical(c, '2.5.29.30')).toBe(true);
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.restricted]);
    expect(c.policyConstraints).toBeUndefined();
  });
  const s = signerFor('ec', 'ml-dsa-87');
  const base = { profile: 'enclave-ca' as const, issuerCert: north.ca.cert, issuerSigner: north.ca.signer!, subjectSpki: encodeSpki('ml-dsa-87', s.publicKey), enclave: 'dock' };
  it('refuses a level the region does not serve (POLICY) and two levels (USAGE)', () => {
    expect(errCode(() => issueCertificate({ ...base, levels: ['sensitive'] }, { now: NOW, rng: testRng() }))).toBe('POLICY');
    expect(errCode(() => issueCertificate({ ...base, levels: ['public', 'internal'] }, { now: NOW, rng: testRng() }))).toBe('USAGE');
    expect(errCode(() => issueCertificate({ ...base, issuerCert: pki.regions.south.ca.cert, issuerSigner: pki.regions.south.ca.signer!, levels: ['restricted'] }, { now: NOW, rng: testRng() }))).toBe('POLICY');
  });
  it('refuses an enclave outside the region (NAME_CONSTRAINT)', () => {
    expect(errCode(() => issueCertificate({ ...base, region: 'south', levels: ['public'] }, { now: NOW, rng: testRng() }))).toBe('NAME_CONSTRAINT');
  });
  it('refuses an issuer that is not a CA and a mismatched CA key', () => {
    expect(errCode(() => issueCertificate({ ...base, issuerCert: harbor.workload.cert, levels: ['public'] }, { now: NOW, rng: testRng() }))).toBe('NOT_CA');
    expect(errCode(() => issueCertificate({ ...base, issuerSigner: root.signer!, levels: ['public'] }, { now: NOW, rng: testRng() }))).toBe('KEY_MISMATCH');
  });
});

describe('enclave-signing profile', () => {
  const c = harbor.signing.cert;
  it('digitalSignature+nonRepudiation critical, gateway EKU, SAN .../gateway, level policy', () => {
    commonChecks(c, harbor.ca.cert);
    expect(c.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.3.18'); // ML-DSA-65
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(critical(c, '2.5.29.15')).toBe(true);
    expect(c.extKeyUsage).toEqual([EKU_WRIT_GATEWAY_SIGNING]);
    expect(c.subjectAltNames).toEqual([{ type: 'uri', value: 'spiffe://harbor.north.writ.test/gateway' }]);
    expect(c.basicConstraints).toEqual({ ca: false });
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.restricted]);
    expect(c.nameConstraints).toBeUndefined();
  });
  it('refuses a KEM key', () => {
    expect(errCode(() => issueCertificate({ profile: 'enclave-signing', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, subjectSpki: harbor.kem.key.spki }, { now: NOW, rng: testRng() }))).toBe('USAGE');
  });
  it('refuses issuance from a regional CA', () => {
    const s = signerFor('y');
    expect(errCode(() => issueCertificate({ profile: 'enclave-signing', issuerCert: north.ca.cert, issuerSigner: north.ca.signer!, subjectSpki: encodeSpki('ml-dsa-65', s.publicKey) }, { now: NOW, rng: testRng() }))).toBe('NAME_CONSTRAINT');
  });
});

describe('enclave-kem profile', () => {
  it('keyEncipherment only (critical), SAN .../kem, ML-KEM-1024 key', () => {
    const c = harbor.kem.cert;
    commonChecks(c, harbor.ca.cert);
    expect(c.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.4.3');
    expect(c.spki.algorithm.params).toBeUndefined();
    expect(c.keyUsage).toEqual(['keyEncipherment']);
    expect(critical(c, '2.5.29.15')).toBe(true);
    expect(c.extKeyUsage).toBeUndefined();
    expect(c.subjectAltNames).toEqual([{ type: 'uri', value: 'spiffe://harbor.north.writ.test/kem' }]);
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.restricted]);
  });
  it('orchard uses X-Wing by default at level internal', () => {
    const c = pki.enclaves.orchard.kem.cert;
    expect(c.spki.algorithm.oid).toBe('1.3.6.1.4.1.62253.25722');
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.internal]);
  });
  it('is refused without a CSR', () => {
    expect(errCode(() => issueCertificate({ profile: 'enclave-kem', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, subjectSpki: harbor.kem.key.spki, signingCert: harbor.signing.cert }, { now: NOW, rng: testRng() }))).toBe('USAGE');
  });
});

describe('workload profile', () => {
  const c = harbor.workload.cert;
  it('SPIFFE SAN, digitalSignature critical, serverAuth+clientAuth', () => {
    commonChecks(c, harbor.ca.cert);
    expect(c.subjectAltNames).toEqual([{ type: 'uri', value: harbor.identity }]);
    expect(harbor.identity).toBe('spiffe://harbor.north.writ.test/workload/api');
    expect(c.keyUsage).toEqual(['digitalSignature']);
    expect(critical(c, '2.5.29.15')).toBe(true);
    expect(c.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(critical(c, '2.5.29.37')).toBe(false);
    expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.restricted]);
    expect(c.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.3.18');
  });
  it('refuses an identity outside the enclave (NAME_CONSTRAINT)', () => {
    const s = signerFor('w2');
    const csr = createCsr({ signer: s, subject: 'CN=w2', identity: 'spiffe://orchard.south.writ.test/x' });
    expect(errCode(() => issueCertificate({ profile: 'workload', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr }, { now: NOW, rng: testRng() }))).toBe('NAME_CONSTRAINT');
  });
  it('refuses an identity that differs from the one the CSR asks for', () => {
    const s = signerFor('w3');
    const csr = createCsr({ signer: s, subject: 'CN=w3', identity: 'spiffe://harbor.north.writ.test/a' });
    expect(errCode(() => issueCertificate({ profile: 'workload', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, identity: 'spiffe://harbor.north.writ.test/b' }, { now: NOW, rng: testRng() }))).toBe('IDENTITY');
  });
  it('takes the identity from the request argument when the CSR has none', () => {
    const s = signerFor('w4');
    const csr = createCsr({ signer: s, subject: 'CN=w4' });
    const der = issueCertificate({ profile: 'workload', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr, identity: 'spiffe://harbor.north.writ.test/b' }, { now: NOW, rng: testRng() });
    const w = parseCertificate(der);
    expect(w.subjectAltNames).toEqual([{ type: 'uri', value: 'spiffe://harbor.north.writ.test/b' }]);
    expect(w.subject.text).toBe('CN=w4');
  });
});

describe('times and serials', () => {
  it('encodes dates from 2050 as GeneralizedTime and before as UTCTime', () => {
    const s = signerFor('t2050', 'ml-dsa-87');
    const der = issueCertificate(
      { profile: 'root', issuerSigner: s, domain: 'far.test', notBefore: new Date('2049-06-01T00:00:00Z'), notAfter: new Date('2051-01-02T03:04:05Z') },
      { now: NOW, rng: testRng('t') },
    );
    const tbs = children(children(decodeDer(der))[0]!);
    const validity = children(tbs[4]!);
    expect(validity[0]!.tag).toBe(23); // UTCTime
    expect(new TextDecoder().decode(validity[0]!.content)).toBe('490601000000Z');
    expect(validity[1]!.tag).toBe(24); // GeneralizedTime
    expect(new TextDecoder().decode(validity[1]!.content)).toBe('20510102030405Z');
    const c = parseCertificate(der);
    expect(c.notAfter.toISOString()).toBe('2051-01-02T03:04:05.000Z');
  });
  it('caps a child at the issuer notAfter', () => {
    const s = signerFor('cap', 'ml-dsa-87');
    const der = issueCertificate(
      { profile: 'regional', issuerCert: root.cert, issuerSigner: root.signer!, subjectSpki: encodeSpki('ml-dsa-87', s.publicKey), region: 'east', levels: ['public'], validityDays: 365 * 100 },
      { now: NOW, rng: testRng() },
    );
    expect(parseCertificate(der).notAfter.getTime()).toBe(root.cert.notAfter.getTime());
  });
  it('random serials are 16 positive octets; explicit serials are kept; >20 octets refused', () => {
    for (let i = 0; i < 20; i++) {
      const c = parseCertificate(issueCertificate({ profile: 'root', issuerSigner: root.signer!, domain: 'writ.test' }, { now: NOW, rng: testRng(`s${i}`) }));
      expect(c.serialRaw.length).toBe(16);
      expect(c.serialRaw[0]! & 0x80).toBe(0);
      expect(c.serialRaw[0]).not.toBe(0);
    }
    const c = parseCertificate(issueCertificate({ profile: 'root', issuerSigner: root.signer!, serial: new Uint8Array(20).fill(0x7f) }, { now: NOW, rng: testRng() }));
    expect(c.serialRaw.length).toBe(20);
    expect(c.serialHex).toBe('7f'.repeat(20));
    // 20 octets with the top bit set need a 0x00 sign octet: 21 encoded octets, over the RFC 5280 §4.1.2.2 limit.
    expect(() => issueCertificate({ profile: 'root', issuerSigner: root.signer!, serial: new Uint8Array(20).fill(0xff) }, { now: NOW, rng: testRng() })).toThrow(RangeError);
    expect(() => issueCertificate({ profile: 'root', issuerSigner: root.signer!, serial: new Uint8Array(21).fill(1) }, { now: NOW, rng: testRng() })).toThrow(RangeError);
    expect(() => issueCertificate({ profile: 'root', issuerSigner: root.signer!, serial: new Uint8Array(3) }, { now: NOW, rng: testRng() })).toThrow(RangeError);
  });
});
