// Fuzz formats: CMS AuthEnvelopedData / EnvelopedData (RFC 5083, RFC 5652 §6) with KEMRecipientInfo (RFC 9629) through openEnveloped.
//
// Seeds: envelopes sealed by writ to the fixture KEM keys (ML-KEM-1024 harbor, X-Wing orchard), and the
// pqc-certificates ML-KEM-768 EnvelopedData / AuthEnvelopedData vectors with their private key.
import { CMS_OID } from '../../../src/core/cms/common.js';
import { openEnveloped, sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { decodeKemPrivateKey } from '../../../src/core/cms/kem-key.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import type { KemAlgName } from '../../../src/core/crypto/types.js';
import { seededRng } from '../../../src/fixtures/drbg.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzPki, vectorFile, vectorFiles } from './_fixture.js';

const te = new TextEncoder();
const PLAIN = [te.encode('fuzz: enveloped content'), new Uint8Array(0), new Uint8Array(4000).fill(7)];

type Opened = ReturnType<typeof openEnveloped>;

function fixtureFormat(name: string, enclave: 'harbor' | 'orchard'): FuzzFormat {
  let seeds: Uint8Array[] | undefined;
  const key = (): { alg: KemAlgName; privateKey: Uint8Array; cert: import('../../../src/core/x509/types.js').Certificate } => {
    const e = fuzzPki().enclaves[enclave];
    return { alg: e.kem.key.alg as KemAlgName, privateKey: e.kem.key.seed, cert: e.kem.cert };
  };
  return {
    name,
    kind: 'der',
    seeds() {
      seeds ??= PLAIN.map((content, i) =>
        sealAuthEnveloped({ content, contentType: i === 2 ? CMS_OID.signedData : CMS_OID.data, recipient: key().cert, rng: seededRng(`fuzz-env-${name}`, String(i)) }),
      );
      return seeds;
    },
    parse: (input) => openEnveloped(input, key()),
    check(_input, result) {
      // AES-GCM / the KEK unwrap authenticate the content (RFC 5083 §2.1): only a seed's plaintext may come out.
      const o = result as Opened;
      if (!PLAIN.some((p) => bytesEqual(p, o.content))) throw new Error('opened to content no seed sealed (false accept)');
    },
  };
}

/** DER of OID 1.2.840.113549.1.9.16.1.23 (id-ct-authEnvelopedData, RFC 5083 §1.1). */
const AUTH_ENVELOPED_OID_HEX = '060b2a864886f70d0109100117';
const VB = 'pqc-certificates/cms_v3/bc/ml-kem-768-2.16.840.1.101.3.4.4.2_';
let vkey: Uint8Array | undefined;
const vectorFormat: FuzzFormat = {
  name: 'cms-enveloped-vectors',
  kind: 'der',
  seeds: () => vectorFiles(['kemri_id-alg-hkdf-with-sha256.der', 'kemri_id-alg-hkdf-with-sha256_ukm.der', 'kemri_auth_id-alg-hkdf-with-sha256.der', 'kemri_auth_id-alg-hkdf-with-sha256_ukm.der'].map((f) => VB + f)),
  parse(input) {
    vkey ??= decodeKemPrivateKey(vectorFile(`${VB}priv.der`)!).privateKey;
    return openEnveloped(input, { alg: 'ml-kem-768', privateKey: vkey });
  },
  check(input, result) {
    // EnvelopedData with AES-CBC is not authenticated (RFC 5652 §6): a flipped ciphertext bit can open
    // to other bytes. AuthEnvelopedData (RFC 5083) cannot: it must open to the expected plaintext.
    const want = vectorFile('pqc-certificates/cms_v3/bc/expected_plaintext.txt');
    const head = Buffer.from(input.subarray(0, 24)).toString('hex');
    if (want !== undefined && head.includes(AUTH_ENVELOPED_OID_HEX) && !bytesEqual(want, (result as Opened).content)) {
      throw new Error('AuthEnvelopedData opened to content other than the vector plaintext (false accept)');
    }
  },
};

const formats: FuzzFormat[] = [fixtureFormat('cms-auth-enveloped-mlkem', 'harbor'), fixtureFormat('cms-auth-enveloped-xwing', 'orchard')];
if (vectorFile(`${VB}priv.der`) !== undefined) formats.push(vectorFormat);

export default formats;
