// Property tests: parse(issue(x)) round-trips subjects, serials, dates, regions, levels and identities (RFC 5280 encodings).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { createCsr, issueCertificate } from '../../../src/core/x509/issue.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import { decodeName, parseDn } from '../../../src/core/asn1/name.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { encodeSpki } from '../../../src/core/asn1/spki.js';
import { LEVELS, LEVEL_NAMES } from '../../../src/core/policy/levels.js';
import { signerFor, testRng } from './helpers.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const pki = buildFixturePki('property', new Date('2029-12-31T00:00:00Z'));
const subjKey = encodeSpki('ml-dsa-87', signerFor('prop-subject', 'ml-dsa-87').publicKey);
const rootSigner = signerFor('prop-root', 'ml-dsa-44');

const attrValue = fc.string({ minLength: 1, maxLength: 24 }).filter((s) => !s.includes('\0'));
const subjectArb = fc.array(fc.tuple(fc.constantFrom('CN', 'O', 'OU', 'L', 'ST'), attrValue), { minLength: 1, maxLength: 4 });
const escape = (v: string): string =>
  Array.from(v, (c, i) => ('\\,+"<>;'.includes(c) || (i === 0 && (c === ' ' || c === '#')) || (i === v.length - 1 && c === ' ') ? `\\${c}` : c)).join('');
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);

describe('parse(issue(x)) round trips', () => {
  it('self-signed roots: random subject, serial and validity (UTCTime and GeneralizedTime)', () => {
    fc.assert(
      fc.property(
        subjectArb,
        fc.uint8Array({ minLength: 1, maxLength: 19 }).filter((b) => b.some((x) => x !== 0)),
        fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2080-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 40_000 }),
        (attrs, serial, notBefore, days) => {
          const text = attrs.map(([t, v]) => `${t}=${escape(v)}`).join(', ');
          const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
          fc.pre(notAfter.getUTCFullYear() <= 9999);
          const der = issueCertificate({ profile: 'root', issuerSigner: rootSigner, subject: text, serial, notBefore, notAfter }, { now: NOW, rng: testRng() });
          const c = parseCertificate(der);
          expect(c.subject.rdns.map((r) => r[0]!.value)).toEqual(attrs.map(([, v]) => v));
          expect(toHex(c.subject.der)).toBe(toHex(parseDn(text)));
          expect(toHex(c.issuer.der)).toBe(toHex(c.subject.der));
          expect(BigInt(`0x${c.serialHex}`)).toBe(BigInt(`0x${toHex(serial)}`));
          expect(c.notBefore.getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
          expect(c.notAfter.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
          expect(decodeName(c.subject.der).text).toBe(c.subject.text);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('regional CAs: random region and level subsets', () => {
    fc.assert(
      fc.property(label, fc.subarray([...LEVEL_NAMES], { minLength: 1 }), (region, levels) => {
        const c = parseCertificate(
          issueCertificate({ profile: 'regional', issuerCert: pki.root.cert, issuerSigner: pki.root.signer!, subjectSpki: subjKey, region, levels }, { now: NOW, rng: testRng(region) }),
        );
        expect(c.nameConstraints!.permitted![0]!.base).toEqual({ type: 'uri', value: `.${region}.writ.test` });
        expect(c.policies!.map((p) => p.oid)).toEqual(levels.map((l) => LEVELS[l]));
        expect(c.subject.text).toBe(`O=writ.test, OU=${region}, CN=${region} regional CA`);
      }),
      { numRuns: 15 },
    );
  });

  it('workloads: random SPIFFE paths inside the enclave', () => {
    const harbor = pki.enclaves.harbor;
    const ws = signerFor('prop-wl');
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/), { minLength: 1, maxLength: 4 }), (segs) => {
        const identity = `spiffe://${harbor.host}/${segs.join('/')}`;
        const csr = createCsr({ signer: ws, subject: 'CN=w', identity });
        const c = parseCertificate(issueCertificate({ profile: 'workload', issuerCert: harbor.ca.cert, issuerSigner: harbor.ca.signer!, csr }, { now: NOW, rng: testRng(identity) }));
        expect(c.subjectAltNames).toEqual([{ type: 'uri', value: identity }]);
        expect(c.policies!.map((p) => p.oid)).toEqual([LEVELS.restricted]);
      }),
      { numRuns: 15 },
    );
  });
});
