// Fuzz format: X.509 CRLs (RFC 5280 §5.1) through parseCrl, with the no-false-accept check of signed objects.
import { parseCrl } from '../../../src/core/x509/parse.js';
import type { Crl } from '../../../src/core/x509/types.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzMaterial } from './_fixture.js';
import { checkSignedMutant, type SignedSeed } from './_checks.js';
import { fixtureSigningKeys } from './certificate.js';

let seedCache: SignedSeed[] | undefined;
function signedSeeds(): SignedSeed[] {
  seedCache ??= fuzzMaterial().crls.map((c) => {
    const p = parseCrl(c.der);
    return { der: c.der, tbs: p.tbs, signature: p.signature, signatureAlgorithm: p.signatureAlgorithm };
  });
  return seedCache;
}

const format: FuzzFormat = {
  name: 'crl',
  kind: 'der',
  seeds: () => fuzzMaterial().crls.map((c) => c.der),
  parse: (input) => parseCrl(input),
  check(input, result) {
    const crl = result as Crl;
    checkSignedMutant('crl', input, crl, signedSeeds(), fixtureSigningKeys());
    // Whole octets of hex; a negative serial (RFC 5280 §4.1.2.2 asks users to handle them gracefully) is
    // "-" and its non-zero magnitude, so it never equals a positive one (serialHexOf, fuzzing bug 6).
    for (const r of crl.revoked) if (typeof r.serialHex !== 'string' || !/^(?:-(?!(?:00)+$))?(?:[0-9a-f]{2})+$/.test(r.serialHex)) throw new Error(`bad revoked serial ${String(r.serialHex)}`);
  },
};

export default format;
