// Fuzz format: CMS SignedData (RFC 5652 §5; ML-DSA in CMS RFC 9882) through verifyCms, with a no-false-accept check on signers.
import { signCms, verifyCms, type VerifiedCms } from '../../../src/core/cms/signed-data.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzPki, FUZZ_NOW, vectorFiles } from './_fixture.js';

const te = new TextEncoder();
export const CMS_CONTENTS = [te.encode('fuzz content: a writ SignedData'), new Uint8Array(0), te.encode('{"type":"x","n":1}')];

let cache: Uint8Array[] | undefined;
export function cmsSignedSeeds(): Uint8Array[] {
  if (cache) return cache;
  const pki = fuzzPki();
  const h = pki.enclaves.harbor;
  cache = [
    signCms({ content: CMS_CONTENTS[0]!, signers: [{ signer: h.signing.signer!, cert: h.signing.cert }], certificates: [h.ca.der], signingTime: FUZZ_NOW }),
    signCms({ content: CMS_CONTENTS[1]!, signers: [{ signer: pki.root.signer!, cert: pki.root.cert }] }),
    signCms({
      content: CMS_CONTENTS[2]!,
      signers: [
        { signer: h.workload.signer!, cert: h.workload.cert },
        { signer: h.signing.signer!, cert: h.signing.cert },
      ],
      signingTime: FUZZ_NOW,
    }),
    ...vectorFiles(['ml-dsa-44', 'ml-dsa-65'].map((a) => `pqc-certificates/cms_v3/bc/${a}-2.16.840.1.101.3.4.3.${a === 'ml-dsa-44' ? 17 : 18}_signed_attrs.der`)),
  ];
  return cache;
}

let seedContents: Uint8Array[] | undefined;

const format: FuzzFormat = {
  name: 'cms-signed',
  kind: 'der',
  seeds: cmsSignedSeeds,
  parse: (input) => verifyCms(input, { extraCerts: [fuzzPki().enclaves.harbor.signing.cert] }),
  check(_input, result) {
    const v = result as VerifiedCms;
    // A signer that verifies vouches for the content (messageDigest, RFC 5652 §11.2): it must be a seed's.
    seedContents ??= cmsSignedSeeds().map((s) => verifyCms(s).content);
    if (v.signers.some((s) => s.ok) && !seedContents.some((c) => bytesEqual(c, v.content))) {
      throw new Error('a signer verified over content no seed signed (false accept)');
    }
    for (const s of v.signers) if (!s.ok && (typeof s.error !== 'string' || s.error.length === 0)) throw new Error('failed signer without a reason');
  },
};

export default format;
