// Property: any single flipped byte in the TBS or the signature of any non-anchor certificate on a golden
// path makes verification fail with SIGNATURE (RFC 5280 §6.1.3 (a)(1)). Honest accounting: a TBS flip
// may make the certificate unparsable (PARSE at parse time), or change a name used to chain (then no
// path exists: NO_PATH); both are counted and reported, and neither is accepted for signature flips.
import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { verify } from '../../../src/core/verify/verify.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import { isWritError } from '../../../src/core/errors.js';
import { readTlv } from '../../../src/core/asn1/der.js';
import type { Certificate } from '../../../src/core/x509/types.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let pki: FixturePki;
beforeAll(() => {
  pki = buildFixturePki('verify-bitflip', NOW);
});

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

it('a flipped byte in any TBS or signature on the path fails with SIGNATURE', () => {
  const h = pki.enclaves.harbor;
  const golden = [h.workload.cert, h.ca.cert, pki.regions.north.ca.cert];
  const tally = { sigFlips: 0, sigSignature: 0, tbsFlips: 0, tbsSignature: 0, tbsParse: 0, tbsNoPathNameChanged: 0 };

  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.boolean(),
      // Uniform over the region (fast-check otherwise favours small values, i.e. the DER headers).
      fc.noBias(fc.integer({ min: 0, max: 0x7fffffff })),
      fc.integer({ min: 1, max: 255 }),
      (which, inSignature, where, mask) => {
        const orig = golden[which] as Certificate;
        const der = Uint8Array.from(orig.der);
        const outer = readTlv(der, 0).tlv;
        const headerLen = der.length - outer.content.length;
        const tbsLen = readTlv(der, headerLen).tlv.der.length;
        const [start, len] = inSignature ? [der.length - orig.signature.length, orig.signature.length] : [headerLen, tbsLen];
        const pos = start + (where % len);
        der[pos] = (der[pos] as number) ^ mask;
        if (inSignature) tally.sigFlips++;
        else tally.tbsFlips++;

        let mutated: Certificate;
        try {
          mutated = parseCertificate(der);
        } catch (e) {
          expect(isWritError(e) && e.code === 'PARSE').toBe(true);
          expect(inSignature).toBe(false); // an unparsable certificate is acceptable only for TBS flips
          tally.tbsParse++;
          return;
        }
        const certs = [...golden];
        certs[which] = mutated;
        const [leaf, ca, region] = certs as [Certificate, Certificate, Certificate];
        const r = verify({ leaf, untrusted: [region, ca] }, [{ cert: pki.root.cert }], { now: NOW });
        expect(r.ok).toBe(false);
        const codes = r.errors.map((e) => e.code);
        if (inSignature) {
          expect(codes).toContain('SIGNATURE');
          tally.sigSignature++;
        } else if (codes.includes('SIGNATURE')) {
          tally.tbsSignature++;
        } else {
          // The only other honest outcome: the flip changed a name the path is built on.
          expect(codes).toEqual(['NO_PATH']);
          expect(sameBytes(mutated.issuer.der, orig.issuer.der) && sameBytes(mutated.subject.der, orig.subject.der)).toBe(false);
          tally.tbsNoPathNameChanged++;
        }
      },
    ),
    { numRuns: 300, seed: 20260115 },
  );

  console.log(`[bitflip] ${JSON.stringify(tally)}`);
  expect(tally.sigSignature).toBe(tally.sigFlips);
  expect(tally.tbsSignature + tally.tbsParse + tally.tbsNoPathNameChanged).toBe(tally.tbsFlips);
  expect(tally.tbsSignature).toBeGreaterThan(0);
  expect(tally.sigFlips).toBeGreaterThan(0);
});
