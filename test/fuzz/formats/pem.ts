// Fuzz format: PEM text (RFC 7468) through parseCertificates / parseCrls, the file readers every command uses.
import { pemEncode } from '../../../src/core/asn1/pem.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import { parseCertificates, parseCrls } from '../../../src/core/x509/parse.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzMaterial } from './_fixture.js';

const te = new TextEncoder();

function seeds(): Uint8Array[] {
  const m = fuzzMaterial();
  const certs = m.certs.slice(0, 4);
  return [
    te.encode(certs.map((c) => pemEncode('CERTIFICATE', c.der)).join('')),
    te.encode(`Subject: root\n${pemEncode('CERTIFICATE', certs[0]!.der)}\nexplanatory text\n${pemEncode('X509 CRL', m.crls[0]!.der)}`),
    te.encode(pemEncode('CERTIFICATE', certs[3]!.der).replace(/\n/g, '\r\n')),
  ];
}

const certDers = (): Uint8Array[] => fuzzMaterial().certs.map((c) => c.der);

const format: FuzzFormat = {
  name: 'pem',
  kind: 'text',
  seeds,
  parse: (input) => {
    const certs = parseCertificates(input);
    // A file that also holds CRL blocks: read them too (other blocks are ignored by each reader).
    const text = new TextDecoder().decode(input);
    return { certs, crls: text.includes('X509 CRL') ? parseCrls(input) : [] };
  },
  check(_input, result) {
    // Every certificate read from PEM is one of the fixture certificates (base64 is canonical-checked
    // by the strict alphabet; a mutated body either fails DER or is another valid certificate).
    for (const c of (result as { certs: Certificate[] }).certs) {
      if (!certDers().some((d) => bytesEqual(d, c.der))) {
        // Not a seed: it must at least be a DER certificate of its own (parseCertificate accepted it).
        if (c.der.length === 0) throw new Error('empty certificate accepted');
      }
    }
  },
};

export default format;
