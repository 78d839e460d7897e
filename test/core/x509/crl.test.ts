// Tests for CRL issuance and parsing (RFC 5280 §5) in src/core/x509/issue.ts and parse.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { issueCrl } from '../../../src/core/x509/issue.js';
import { parseCrl } from '../../../src/core/x509/parse.js';
import { children, decodeDer } from '../../../src/core/asn1/der.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { verifySignature } from '../../../src/core/crypto/signature.js';
import type { CrlReason } from '../../../src/core/x509/types.js';
import { errCode } from '../../helpers/errors.js';

const NOW = new Date('2027-03-01T12:00:00Z');
const pki = buildFixturePki('crl-tests', NOW);
const north = pki.regions.north;

describe('issueCrl', () => {
  it('writes a v2 CRL with AKI, cRLNumber, nextUpdate and reason codes', () => {
    const der = issueCrl(
      {
        issuerCert: north.ca.cert,
        issuerSigner: north.ca.signer!,
        revoked: [
          { serial: pki.enclaves.harbor.ca.cert.serialHex, reason: 'keyCompromise', date: new Date('2027-02-01T00:00:00Z') },
          { serial: '0abc', reason: 'superseded' },
          { serial: Uint8Array.of(5), reason: 'unspecified' },
        ],
        nextUpdateDays: 7,
        crlNumber: 42n,
      },
      { now: NOW },
    );
    const crl = parseCrl(der);
    expect(children(children(decodeDer(der))[0]!)[0]!.content).toEqual(Uint8Array.of(1)); // version v2
    expect(crl.signatureAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.3.19' });
    expect(crl.tbsSignatureAlgorithm).toEqual(crl.signatureAlgorithm);
    expect(crl.issuer.der).toEqual(north.ca.cert.subject.der);
    expect(crl.thisUpdate.toISOString()).toBe(NOW.toISOString());
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(7 * 86_400_000);
    expect(crl.crlNumber).toBe(42n);
    expect(toHex(crl.authorityKeyId!.keyId!)).toBe(toHex(north.ca.cert.subjectKeyId!));
    expect(crl.revoked).toEqual([
      { serialHex: pki.enclaves.harbor.ca.cert.serialHex, revocationDate: new Date('2027-02-01T00:00:00Z'), reason: 'keyCompromise' },
      { serialHex: '0abc', revocationDate: NOW, reason: 'superseded' },
      { serialHex: '05', revocationDate: NOW }, // unspecified is omitted (RFC 5280 §5.3.1)
    ]);
    expect(crl.unhandledCritical).toEqual([]);
    expect(crl.extensions.every((e) => !e.critical)).toBe(true);
    expect(verifySignature(crl.signatureAlgorithm, north.ca.cert.spki, crl.tbs, crl.signature)).toBe(true);
  });
  it('omits revokedCertificates when nothing is revoked', () => {
    const crl = pki.rootCrl.crl;
    expect(crl.revoked).toEqual([]);
    expect(children(children(decodeDer(pki.rootCrl.der))[0]!)).toHaveLength(6); // version, sig, issuer, this, next, [0]
  });
  it('the fixture has a north CRL revoking harbor enclave CA', () => {
    expect(pki.northCrlRevokingHarbor.crl.revoked.map((r) => [r.serialHex, r.reason])).toEqual([[pki.enclaves.harbor.ca.cert.serialHex, 'keyCompromise']]);
    expect(pki.northCrlRevokingHarbor.crl.crlNumber).toBe(2n);
    expect(north.crl.crl.revoked).toEqual([]);
    const p2 = buildFixturePki('crl-tests', NOW, { revokeEnclave: 'orchard' });
    expect(p2.regions.south.crl.crl.revoked.map((r) => r.serialHex)).toEqual([p2.enclaves.orchard.ca.cert.serialHex]);
  });
  it('refuses non-CA issuers, a mismatched key and a missing nextUpdate', () => {
    expect(errCode(() => issueCrl({ issuerCert: pki.enclaves.harbor.workload.cert, issuerSigner: pki.enclaves.harbor.workload.signer!, nextUpdateDays: 1 }, { now: NOW }))).toBe('NOT_CA');
    expect(errCode(() => issueCrl({ issuerCert: north.ca.cert, issuerSigner: pki.root.signer!, nextUpdateDays: 1 }, { now: NOW }))).toBe('KEY_MISMATCH');
    expect(errCode(() => issueCrl({ issuerCert: north.ca.cert, issuerSigner: north.ca.signer! }, { now: NOW }))).toBe('USAGE');
  });
  it('round-trips random revocation lists', () => {
    const reasons: CrlReason[] = ['keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ serial: fc.uint8Array({ minLength: 1, maxLength: 19 }).filter((b) => b.some((x) => x !== 0)), reason: fc.option(fc.constantFrom(...reasons), { nil: undefined }) }), { maxLength: 6 }),
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.bigInt({ min: 0n, max: (1n << 159n) - 1n }),
        (entries, thisUpdate, crlNumber) => {
          const der = issueCrl({ issuerCert: north.ca.cert, issuerSigner: north.ca.signer!, revoked: entries, thisUpdate, nextUpdateDays: 30, crlNumber }, { now: NOW });
          const crl = parseCrl(der);
          const whole = Math.floor(thisUpdate.getTime() / 1000) * 1000;
          expect(crl.thisUpdate.getTime()).toBe(whole);
          expect(crl.crlNumber).toBe(crlNumber);
          expect(crl.revoked.map((r) => BigInt(`0x${r.serialHex}`))).toEqual(entries.map((e) => BigInt(`0x${toHex(e.serial)}`)));
          expect(crl.revoked.map((r) => r.reason)).toEqual(entries.map((e) => e.reason));
        },
      ),
      { numRuns: 25 },
    );
  });
});
