// Fuzz format: X.509 certificates (RFC 5280 §4.1) through parseCertificate, with a no-false-accept and time round-trip check.
import { parseCertificate } from '../../../src/core/x509/parse.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzMaterial, fuzzPki } from './_fixture.js';
import { checkSignedMutant, checkTime, tbsFields, type SignedSeed, type SigningKey } from './_checks.js';

let seedCache: SignedSeed[] | undefined;
function signedSeeds(): SignedSeed[] {
  seedCache ??= fuzzMaterial().certs.map((c) => {
    const p = parseCertificate(c.der);
    return { der: c.der, tbs: p.tbs, signature: p.signature, signatureAlgorithm: p.signatureAlgorithm };
  });
  return seedCache;
}

/** Every key that signs something in the fixture PKI (the CAs), plus each leaf's own key. */
let keyCache: SigningKey[] | undefined;
export function fixtureSigningKeys(): SigningKey[] {
  keyCache ??= fuzzMaterial()
    .certs.map((c) => parseCertificate(c.der))
    .filter((c) => c.spki.algorithm.oid.startsWith('2.16.840.1.101.3.4.3.'))
    .map((c) => ({ spki: c.spki, subject: c.subject.der }));
  return keyCache;
}

const format: FuzzFormat = {
  name: 'certificate',
  kind: 'der',
  seeds: () => fuzzMaterial().certs.map((c) => c.der),
  parse: (input) => parseCertificate(input),
  check(input, result) {
    const cert = result as Certificate;
    fuzzPki();
    checkSignedMutant('certificate', input, cert, signedSeeds(), fixtureSigningKeys());
    if (!(cert.version >= 1 && cert.version <= 3)) throw new Error(`version ${cert.version}`);
    const f = tbsFields(cert.tbs);
    const validity = f[cert.version === 1 && f[0]?.cls !== 2 ? 3 : 4];
    const [nb, na] = validity ? [validityKid(validity, 0), validityKid(validity, 1)] : [undefined, undefined];
    checkTime(nb, cert.notBefore, 'notBefore');
    checkTime(na, cert.notAfter, 'notAfter');
  },
};

function validityKid(t: import('../../../src/core/asn1/der.js').Tlv, i: number): import('../../../src/core/asn1/der.js').Tlv | undefined {
  return tbsFields(t.der)[i];
}

export default format;
