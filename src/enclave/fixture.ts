// Fixture enclave directories (docs/enclave-dir.md) from the deterministic fixture PKI (src/fixtures/pki.ts), for tests, the e2e and the demo.
//
// The keys are written UNENCRYPTED (PKCS#8 seed form, RFC 9881 / RFC 5958, mode 0600) and enclave.json
// says so ("fixtureKeys": true): a fixture enclave is never a real one. `writ enclave init/issue/install`
// (issue 5) writes the same layout with encrypted keys.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { pemEncode } from '../core/asn1/pem.js';
import { encodePrivateKey } from '../core/asn1/pkcs8.js';
import { issueCertificate } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import { signerFromSeed, keyPairFromSeed } from '../core/crypto/keys.js';
import { encodeSpki } from '../core/asn1/spki.js';
import type { Signer } from '../core/crypto/types.js';
import type { Certificate } from '../core/x509/types.js';
import type { FixturePki } from '../fixtures/pki.js';
import { drbgBytes, seededRng } from '../fixtures/drbg.js';
import { addDays } from '../core/asn1/time.js';
import { LEVELS } from '../core/policy/levels.js';
import { ensureDir, writeFileAtomic } from '../cli/io.js';
import { ENCLAVE_FORMAT, enclaveDirs, enclavePaths, type EnclaveConfig, type EnclavePaths } from './layout.js';

/** A crossing authority for fixtures: a self-signed ML-DSA-87 certificate and its (deterministic) signer. */
export interface FixtureAuthority {
  der: Uint8Array;
  cert: Certificate;
  signer: Signer;
}

/**
 * The fixture crossing authority, derived from the PKI's seed (label "crossing-authority"), valid from
 * one day before pki.now for 10 years. Both fixture enclaves name it in trust/crossing-authorities.pem.
 */
export function fixtureCrossingAuthority(pki: FixturePki): FixtureAuthority {
  const kp = keyPairFromSeed('ml-dsa-87', drbgBytes(pki.seed, 'key:crossing-authority', 32));
  const signer = signerFromSeed('ml-dsa-87', kp.seed);
  const der = issueCertificate(
    {
      profile: 'root',
      issuerSigner: signer,
      subjectSpki: encodeSpki('ml-dsa-87', kp.publicKey),
      subject: `O=${pki.domain}, CN=${pki.domain} crossing authority`,
      notBefore: addDays(pki.now, -1),
      validityDays: 3650,
    },
    { now: pki.now, rng: seededRng(pki.seed, 'crossing-authority-serial') },
  );
  kp.seed.fill(0);
  return { der, cert: parseCertificate(der), signer };
}

export interface WriteEnclaveOptions {
  /** Replace files of an existing directory. Without it an existing enclave.json is an EXISTS error. */
  force?: boolean;
  /** Checkpoint interval written to enclave.json (default 16). */
  checkpointEvery?: number;
  /** Also install this CRL set instead of the default (root CRL + both regional CRLs + both enclave CRLs). */
  crls?: Uint8Array[];
}

/**
 * Writes a complete enclave directory for fixture enclave `name` ("harbor" or "orchard"): enclave.json,
 * unencrypted keys (0600), the signing chain and KEM cert, the fixture root as the only trust anchor,
 * every fixture CRL, the fixture crossing authority, and empty federation/audit/state folders.
 * Returns the paths.
 */
export function writeEnclaveDir(pki: FixturePki, name: 'harbor' | 'orchard', dir: string, opts: WriteEnclaveOptions = {}): EnclavePaths {
  const e = pki.enclaves[name];
  if (!e) throw new WritError('USAGE', `unknown fixture enclave "${String(name)}"`);
  const p = enclavePaths(dir);
  if (!opts.force && fs.existsSync(p.config)) throw new WritError('EXISTS', `${p.config} already exists; use --force to replace it`);
  for (const d of enclaveDirs(p)) ensureDir(d);
  fs.chmodSync(p.keysDir, 0o700);
  const w = (file: string, data: string | Uint8Array, mode?: number): void =>
    writeFileAtomic(file, data, { ...(opts.force ? { force: true } : {}), ...(mode ? { mode } : {}) });

  const config: EnclaveConfig = {
    format: ENCLAVE_FORMAT,
    identity: `spiffe://${e.host}`,
    enclave: e.name,
    region: e.region,
    domain: pki.domain,
    level: LEVELS[e.level],
    kemAlg: e.kem.key.alg as EnclaveConfig['kemAlg'],
    fixtureKeys: true,
    checkpointEvery: opts.checkpointEvery ?? 16,
  };
  w(p.config, `${JSON.stringify({ ...config, note: 'FIXTURE ENCLAVE: keys are stored unencrypted; never use for real data' }, null, 2)}\n`);

  const sk = encodePrivateKey(e.signing.key.alg, e.signing.key.seed);
  const kk = encodePrivateKey(e.kem.key.alg, e.kem.key.seed);
  try {
    w(p.signingKey, pemEncode('PRIVATE KEY', sk), 0o600);
    w(p.kemKey, pemEncode('PRIVATE KEY', kk), 0o600);
  } finally {
    sk.fill(0);
    kk.fill(0);
  }
  const region = pki.regions[e.region as 'north' | 'south'];
  w(p.chain, [e.signing.der, e.ca.der, region.ca.der].map((d) => pemEncode('CERTIFICATE', d)).join(''));
  w(p.kemCert, pemEncode('CERTIFICATE', e.kem.der));
  w(p.anchors, pemEncode('CERTIFICATE', pki.root.der));
  const crls = opts.crls ?? [pki.rootCrl.der, pki.regions.north.crl.der, pki.regions.south.crl.der, pki.enclaves.harbor.crl.der, pki.enclaves.orchard.crl.der];
  crls.forEach((der, i) => w(path.join(p.crlDir, `${String(i).padStart(2, '0')}.crl`), pemEncode('X509 CRL', der)));
  w(p.crossingAuthorities, pemEncode('CERTIFICATE', fixtureCrossingAuthority(pki).der));
  return p;
}
