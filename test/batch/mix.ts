// Test helper for `writ verify batch`: a mix of good and bad chains and envelopes (RFC 5280 §6 failure cases) written to a directory.
//
// Two fixture PKIs with the same names (trust domain, root, regions, enclaves) but different keys give
// the cases a signature cache must not confuse: a forged intermediate with the same subject and issuer
// names, a genuine intermediate under a same-named issuer of another key, plus a revoked leaf and an
// expired one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFixturePki } from '../../src/fixtures/pki.js';
import type { FixturePki } from '../../src/fixtures/pki.js';
import { issueCertificate, issueCrl } from '../../src/core/x509/issue.js';
import { parseCertificate } from '../../src/core/x509/parse.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { signCms } from '../../src/core/cms/signed-data.js';
import { addDays } from '../../src/core/asn1/time.js';
import { seededRng } from '../../src/fixtures/drbg.js';

export const MIX_NOW = new Date('2026-03-01T00:00:00Z');
export const MIX_AT = '2026-03-02T00:00:00Z';

export interface Mix {
  dir: string;
  /** Trust anchor files (both roots: the B PKI must be a real, anchored alternative). */
  trust: string[];
  crls: string[];
  /** Item file names in `dir` with what each must come out as. */
  items: { name: string; ok: boolean; code?: string }[];
  a: FixturePki;
  b: FixturePki;
}

let cached: { a: FixturePki; b: FixturePki } | undefined;

/** The two fixture PKIs (built once per test file: a few seconds of ML-DSA work). */
export function pkis(): { a: FixturePki; b: FixturePki } {
  cached ??= { a: buildFixturePki('writ-batch-test-a', MIX_NOW), b: buildFixturePki('writ-batch-test-b', MIX_NOW) };
  return cached;
}

const pem = (...ders: Uint8Array[]): string => ders.map((d) => pemEncode('CERTIFICATE', d)).join('');

/** Writes the mix into `dir` (created). `envelopes` adds CMS SignedData items. */
export function writeMix(dir: string, o: { envelopes?: boolean } = {}): Mix {
  const { a, b } = pkis();
  fs.mkdirSync(dir, { recursive: true });
  const items: Mix['items'] = [];
  const put = (name: string, text: string | Uint8Array, ok: boolean, code?: string): void => {
    fs.writeFileSync(path.join(dir, name), text);
    items.push(code === undefined ? { name, ok } : { name, ok, code });
  };
  const ha = a.enclaves.harbor;
  const oa = a.enclaves.orchard;
  const hb = b.enclaves.harbor;
  const north = a.regions.north.ca.der;
  const south = a.regions.south.ca.der;

  put('01-good-harbor.pem', pem(ha.workload.der, ha.ca.der, north), true);
  put('02-good-orchard.pem', pem(oa.workload.der, oa.ca.der, south), true);
  put('03-good-harbor-signing.pem', pem(ha.signing.der, ha.ca.der, north), true);
  // B's harbor CA has exactly A's harbor CA names, but B's key and B's north signature.
  put('04-forged-intermediate.pem', pem(ha.workload.der, hb.ca.der, north), false, 'SIGNATURE');
  // A genuine B chain below A's north: the intermediate is signed by a different key than north's.
  put('05-intermediate-other-key.pem', pem(hb.workload.der, hb.ca.der, north), false, 'SIGNATURE');
  // A's genuine harbor CA (cached as good under A's north) presented under B's same-named north.
  put('06-good-ca-under-other-north.pem', pem(ha.workload.der, ha.ca.der, b.regions.north.ca.der), false, 'SIGNATURE');
  put('07-good-again.pem', pem(ha.workload.der, ha.ca.der, north), true);

  // A leaf revoked by harbor's CRL.
  const rng = seededRng('writ-batch-test', 'serials');
  const revokedLeaf = issueCertificate(
    { profile: 'workload', issuerCert: ha.ca.cert, issuerSigner: ha.ca.signer!, subjectSpki: ha.workload.key.spki, identity: `spiffe://${ha.host}/revoked`, notBefore: addDays(MIX_NOW, -1) },
    { now: MIX_NOW, rng },
  );
  put('08-revoked-leaf.pem', pem(revokedLeaf, ha.ca.der, north), false, 'REVOKED');
  // A leaf that expired before the validation time.
  const expiredLeaf = issueCertificate(
    {
      profile: 'workload',
      issuerCert: ha.ca.cert,
      issuerSigner: ha.ca.signer!,
      subjectSpki: ha.workload.key.spki,
      identity: `spiffe://${ha.host}/expired`,
      notBefore: addDays(MIX_NOW, -10),
      notAfter: addDays(MIX_NOW, -2),
    },
    { now: MIX_NOW, rng },
  );
  put('09-expired-leaf.pem', pem(expiredLeaf, ha.ca.der, north), false, 'EXPIRED');
  // A leaf whose own signature was tampered with (last byte of the signature).
  const tampered = ha.workload.der.slice();
  tampered[tampered.length - 1]! ^= 1;
  put('10-tampered-leaf.pem', pem(tampered, ha.ca.der, north), false, 'SIGNATURE');

  const revokedSerial = parseCertificate(revokedLeaf).serialHex;
  const harborCrl = issueCrl(
    { issuerCert: ha.ca.cert, issuerSigner: ha.ca.signer!, revoked: [{ serial: revokedSerial, reason: 'keyCompromise', date: MIX_NOW }], thisUpdate: addDays(MIX_NOW, -1), nextUpdateDays: 31, crlNumber: 7n },
    { now: MIX_NOW },
  );
  const crlFile = path.join(dir, 'crls', 'harbor.crl');
  fs.mkdirSync(path.dirname(crlFile), { recursive: true });
  fs.writeFileSync(crlFile, pemEncode('X509 CRL', harborCrl));
  fs.writeFileSync(path.join(dir, 'crls', 'north.crl'), pemEncode('X509 CRL', a.regions.north.crl.der));

  if (o.envelopes) {
    const content = new TextEncoder().encode('{"records":[1,2,3]}\n');
    const sign = (pki: FixturePki, c = content): Uint8Array =>
      signCms({
        content: c,
        signers: [{ signer: pki.enclaves.harbor.workload.signer!, cert: pki.enclaves.harbor.workload.cert }],
        certificates: [pki.enclaves.harbor.ca.der, pki.regions.north.ca.der],
        signingTime: MIX_NOW,
      });
    put('11-good.env', sign(a), true);
    put('12-good-again.p7s', sign(a, new TextEncoder().encode('other content')), true);
    const bad = sign(a).slice();
    // Flip a byte of the encapsulated content: the message digest no longer matches.
    const at = Buffer.from(bad).indexOf(Buffer.from('records'));
    bad[at]! ^= 1;
    put('13-content-tampered.env', bad, false, 'SIGNATURE');
    // Signed by B's harbor workload: same names as A's, chains only to B's root, which is trusted, but the
    // envelope carries A's north: the path must not borrow A's cached results.
    put(
      '14-other-pki.env',
      signCms({
        content,
        signers: [{ signer: hb.workload.signer!, cert: hb.workload.cert }],
        certificates: [hb.ca.der, north],
        signingTime: MIX_NOW,
      }),
      false,
      'SIGNATURE',
    );
  }

  const trustA = path.join(dir, 'trust', 'root-a.pem');
  const trustB = path.join(dir, 'trust', 'root-b.pem');
  fs.mkdirSync(path.dirname(trustA), { recursive: true });
  fs.writeFileSync(trustA, pemEncode('CERTIFICATE', a.root.der));
  fs.writeFileSync(trustB, pemEncode('CERTIFICATE', b.root.der));
  return { dir, trust: [trustA, trustB], crls: [crlFile], items, a, b };
}
