// Fuzz format: PKCS#10 certificate requests (RFC 2986 §4) through parseCsr + checkCsr (proof of possession; writ KEM requests).
import { checkCsr, createCsr } from '../../../src/core/x509/issue.js';
import { parseCsr } from '../../../src/core/x509/parse.js';
import type { Csr } from '../../../src/core/x509/types.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzPki } from './_fixture.js';
import { checkSignedMutant, type SignedSeed } from './_checks.js';

let seedCache: Uint8Array[] | undefined;
function csrSeeds(): Uint8Array[] {
  if (seedCache) return seedCache;
  const pki = fuzzPki();
  const h = pki.enclaves.harbor;
  seedCache = [
    createCsr({ signer: h.workload.signer!, subject: `O=${pki.domain}, OU=${h.host}, CN=api`, identity: h.identity }),
    createCsr({ signer: h.signing.signer!, subject: `O=${pki.domain}, OU=${h.host}, CN=harbor gateway signing` }),
    // A KEM request: the KEM SPKI, signed by the gateway signing key, naming its certificate (docs/formats.md).
    createCsr({ signer: h.signing.signer!, subject: `O=${pki.domain}, OU=${h.host}, CN=harbor gateway KEM`, subjectSpki: h.kem.key.spki, signingCert: h.signing.cert }),
  ];
  return seedCache;
}

let signed: SignedSeed[] | undefined;
function signedSeeds(): SignedSeed[] {
  signed ??= csrSeeds().map((der) => {
    const p = parseCsr(der);
    return { der, tbs: p.info, signature: p.signature, signatureAlgorithm: p.signatureAlgorithm };
  });
  return signed;
}

const format: FuzzFormat = {
  name: 'csr',
  kind: 'der',
  seeds: csrSeeds,
  parse: (input) => checkCsr(input, { signingCert: fuzzPki().enclaves.harbor.signing.cert }),
  check(input, result) {
    const csr = result as Csr;
    // A CSR is signed by its own key (or, for KEM requests, the gateway signing key): try those.
    checkSignedMutant('csr', input, { ...csr, tbs: csr.info }, signedSeeds(), [{ spki: csr.spki }, { spki: fuzzPki().enclaves.harbor.signing.cert.spki }]);
  },
};

export default format;
