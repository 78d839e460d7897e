// Fuzz format: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; ML-DSA RFC 9881, ML-KEM RFC 9935, X-Wing) through parseSpki + pqPublicKey.
import { encodeSpki, parseSpki, pqPublicKey } from '../../../src/core/asn1/spki.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzMaterial } from './_fixture.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';

const format: FuzzFormat = {
  name: 'spki',
  kind: 'der',
  seeds: () => {
    const seen = new Map<string, Uint8Array>();
    for (const c of fuzzMaterial().certs) {
      const s = parseCertificate(c.der).spki;
      seen.set(s.algorithm.oid, s.der);
    }
    return [...seen.values()];
  },
  parse: (input) => pqPublicKey(parseSpki(input)),
  check(input, result) {
    // An accepted SPKI re-encodes to the same bytes (DER is canonical: X.690 §10).
    const { alg, publicKey } = result as ReturnType<typeof pqPublicKey>;
    if (!bytesEqual(encodeSpki(alg, publicKey), input)) throw new Error(`accepted ${alg} SPKI does not re-encode to the input`);
  },
};

export default format;
