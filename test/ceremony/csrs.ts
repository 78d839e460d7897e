// Test helper: regional CSRs (north, south) from seeded ML-DSA-87 keys, written as PEM files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCsr } from '../../src/core/x509/issue.js';
import { signerFromSeed } from '../../src/core/crypto/keys.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { seededRng } from '../helpers/index.js';

export function writeCsrs(dir: string, seedLabel = 'regions'): string[] {
  const rng = seededRng(seedLabel);
  return ['north', 'south'].map((r) => {
    const signer = signerFromSeed('ml-dsa-87', rng(32));
    const der = createCsr({ signer, subject: `O=writ.example, CN=${r} regional CA` });
    const f = path.join(dir, `${r}.csr`);
    fs.writeFileSync(f, pemEncode('CERTIFICATE REQUEST', der));
    return f;
  });
}

