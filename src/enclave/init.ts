// `writ enclave init` (issue 5): a new enclave's keys, its certificate requests and its profile, written at the site; no private key leaves the directory.
//
// Who signs what. The enclave CA key is generated here and never leaves, so only it can sign the
// enclave's gateway signing and KEM certificates (RFC 5280 §4.1.2.4: a certificate's issuer is the CA
// whose key signed it). The regional authority certifies the enclave CA key. So init does, at the site:
//   1. ca.csr        PKCS#10 (RFC 2986) for the enclave CA key, signed by that key (proof of possession)
//   2. signing.csr   PKCS#10 for the gateway signing key, signed by that key (proof of possession)
//   3. signing.pem   the gateway signing certificate, signed by the enclave CA key
//   4. kem.csr       the KEM request, signed by the gateway signing key and naming signing.pem
//                    (docs/formats.md "KEM certificate requests": a KEM key cannot sign)
//   5. kem.pem       the KEM certificate, signed by the enclave CA key after checkCsr(kem.csr, signing.pem)
// and `writ enclave issue` at the region checks all three proofs (ca.csr under its own key, signing.csr
// under its own key, kem.csr under signing.pem), that signing.pem and kem.pem were signed by the key of
// ca.csr, then certifies the enclave CA key and verifies both leaves through the new chain. Until the
// region has issued the enclave CA certificate the leaves chain to nothing and are worthless.
//
// Steps 3 and 5 need an issuer Certificate for issueCertificate (src/core/x509/issue.ts): init builds a
// throwaway one (same subject DN, same key, same name constraint and level as the region will issue)
// under a throwaway root and region whose keys live only in memory. It is never written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { KemAlgName, Rng } from '../core/crypto/types.js';
import { generateKeyPair, signerFromSeed } from '../core/crypto/keys.js';
import { sha256 } from '../core/crypto/kdf.js';
import { toHex } from '../core/crypto/bytes.js';
import { encodePrivateKey, encryptPrivateKey } from '../core/asn1/pkcs8.js';
import { encodeSpki } from '../core/asn1/spki.js';
import { pemEncode } from '../core/asn1/pem.js';
import { createCsr, issueCertificate } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import type { Certificate } from '../core/x509/types.js';
import { levelName, levelOid } from '../core/policy/levels.js';
import { checkDomain, checkLabel, enclaveHost } from '../core/policy/names.js';
import { ensureDir, writeFileAtomic } from '../cli/io.js';
import { ENCLAVE_FORMAT, enclavePaths, type EnclaveConfig } from './layout.js';

/** Files of request/ (public material only), relative to it. */
export const REQUEST_FILES = { profile: 'enclave.json', caCsr: 'ca.csr', signingCsr: 'signing.csr', signingCert: 'signing.pem', kemCsr: 'kem.csr', kemCert: 'kem.pem' } as const;

/** The enclave CA's subject DN, identical at init (throwaway issuer) and at the region (real certificate). */
export function enclaveCaSubject(enclave: string, region: string, domain: string): string {
  return `O=${domain}, OU=${region}, CN=${enclave} enclave CA`;
}

export interface InitInput {
  enclave: string;
  region: string;
  domain: string;
  level: string;
  kemAlg: KemAlgName;
  now: Date;
  rng: Rng;
  /** Passphrase for all three keys; undefined writes them unencrypted (the CLI demands --insecure-no-pass). */
  pass?: Uint8Array;
  /** SHA-256 (hex) of the root certificate the site pins: install refuses a bundle without it. */
  rootSha256?: string;
  force?: boolean;
}

export interface InitResult {
  dir: string;
  identity: string;
  level: string;
  levelName?: string;
  kemAlg: KemAlgName;
  encrypted: boolean;
  files: string[];
  /** SHA-256 of each public key (hex), to read out to the regional authority over a second channel. */
  publicKeys: { ca: string; signing: string; kem: string };
}

/** A throwaway enclave CA certificate for `caSpki`, under an in-memory root and region (see file head). */
function throwawayIssuer(o: { enclave: string; region: string; domain: string; level: string; caSpki: Uint8Array; now: Date; rng: Rng }): Certificate {
  const tmpRoot = generateKeyPair('ml-dsa-44', o.rng);
  const tmpRegion = generateKeyPair('ml-dsa-44', o.rng);
  const rootSigner = signerFromSeed('ml-dsa-44', tmpRoot.seed);
  const regionSigner = signerFromSeed('ml-dsa-44', tmpRegion.seed);
  try {
    const opts = { now: o.now, rng: o.rng };
    const root = parseCertificate(issueCertificate({ profile: 'root', issuerSigner: rootSigner, domain: o.domain }, opts));
    const region = parseCertificate(
      issueCertificate({ profile: 'regional', issuerCert: root, issuerSigner: rootSigner, subjectSpki: encodeSpki('ml-dsa-44', tmpRegion.publicKey), region: o.region, levels: [o.level] }, opts),
    );
    return parseCertificate(
      issueCertificate(
        { profile: 'enclave-ca', issuerCert: region, issuerSigner: regionSigner, subjectSpki: o.caSpki, subject: enclaveCaSubject(o.enclave, o.region, o.domain), enclave: o.enclave, region: o.region, levels: [o.level] },
        opts,
      ),
    );
  } finally {
    rootSigner.wipe();
    regionSigner.wipe();
    tmpRoot.seed.fill(0);
    tmpRegion.seed.fill(0);
  }
}

function keyPem(alg: Parameters<typeof encodePrivateKey>[0], seed: Uint8Array, pass: Uint8Array | undefined, rng: Rng): string {
  const der = encodePrivateKey(alg, seed);
  try {
    return pass ? pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(der, pass, { kdf: 'scrypt', rng })) : pemEncode('PRIVATE KEY', der);
  } finally {
    der.fill(0);
  }
}

/** Writes a new enclave directory with keys (keys/, mode 0700/0600), request/ and enclave.json. */
export function initEnclave(dir: string, input: InitInput): InitResult {
  const enclave = checkLabel('enclave', input.enclave);
  const region = checkLabel('region', input.region);
  const domain = checkDomain(input.domain);
  const level = levelOid(input.level);
  const host = enclaveHost(enclave, region, domain);
  const identity = `spiffe://${host}`;
  const p = enclavePaths(dir);
  if (!input.force && fs.existsSync(p.config)) throw new WritError('EXISTS', `${p.config} already exists; use --force to start this enclave over`);
  if (!input.force && fs.existsSync(p.keysDir) && fs.readdirSync(p.keysDir).length > 0) throw new WritError('EXISTS', `${p.keysDir} already holds keys; use --force to replace them`);

  const ca = generateKeyPair('ml-dsa-87', input.rng);
  const sg = generateKeyPair('ml-dsa-65', input.rng);
  const kem = generateKeyPair(input.kemAlg, input.rng);
  const caSigner = signerFromSeed('ml-dsa-87', ca.seed, input.rng);
  const sgSigner = signerFromSeed('ml-dsa-65', sg.seed, input.rng);
  try {
    const opts = { now: input.now, rng: input.rng };
    const caSpki = encodeSpki('ml-dsa-87', ca.publicKey);
    const caCsr = createCsr({ signer: caSigner, subject: enclaveCaSubject(enclave, region, domain), identity });
    const signingCsr = createCsr({ signer: sgSigner, subject: `O=${domain}, OU=${host}, CN=${enclave} gateway signing`, identity: `${identity}/gateway` });
    const issuer = throwawayIssuer({ enclave, region, domain, level, caSpki, now: input.now, rng: input.rng });
    const signingDer = issueCertificate({ profile: 'enclave-signing', issuerCert: issuer, issuerSigner: caSigner, csr: signingCsr }, opts);
    const signingCert = parseCertificate(signingDer);
    const kemCsr = createCsr({ signer: sgSigner, subject: `O=${domain}, OU=${host}, CN=${enclave} gateway KEM`, subjectSpki: encodeSpki(input.kemAlg, kem.publicKey), signingCert, identity: `${identity}/kem` });
    const kemDer = issueCertificate({ profile: 'enclave-kem', issuerCert: issuer, issuerSigner: caSigner, csr: kemCsr, signingCert }, opts);

    const config: EnclaveConfig & { rootSha256?: string } = {
      format: ENCLAVE_FORMAT,
      identity,
      enclave,
      region,
      domain,
      level,
      kemAlg: input.kemAlg,
      fixtureKeys: false,
      checkpointEvery: 16,
      ...(input.rootSha256 ? { rootSha256: input.rootSha256 } : {}),
    };
    const w = (file: string, data: string | Uint8Array, mode?: number): void => writeFileAtomic(file, data, { ...(input.force ? { force: true } : {}), ...(mode ? { mode } : {}) });
    ensureDir(p.root);
    ensureDir(p.keysDir);
    fs.chmodSync(p.keysDir, 0o700);
    ensureDir(p.requestDir);
    // Keys first: a crash after this leaves keys without a profile, which a re-run with --force replaces.
    w(p.caKey, keyPem('ml-dsa-87', ca.seed, input.pass, input.rng), 0o600);
    w(p.signingKey, keyPem('ml-dsa-65', sg.seed, input.pass, input.rng), 0o600);
    w(p.kemKey, keyPem(input.kemAlg, kem.seed, input.pass, input.rng), 0o600);
    const req = (f: string): string => path.join(p.requestDir, f);
    const profileText = `${JSON.stringify(config, null, 2)}\n`;
    w(req(REQUEST_FILES.profile), profileText);
    w(req(REQUEST_FILES.caCsr), pemEncode('CERTIFICATE REQUEST', caCsr));
    w(req(REQUEST_FILES.signingCsr), pemEncode('CERTIFICATE REQUEST', signingCsr));
    w(req(REQUEST_FILES.signingCert), pemEncode('CERTIFICATE', signingDer));
    w(req(REQUEST_FILES.kemCsr), pemEncode('CERTIFICATE REQUEST', kemCsr));
    w(req(REQUEST_FILES.kemCert), pemEncode('CERTIFICATE', kemDer));
    w(p.config, profileText); // last: its presence means init completed
    return {
      dir: p.root,
      identity,
      level,
      ...(levelName(level) ? { levelName: levelName(level) as string } : {}),
      kemAlg: input.kemAlg,
      encrypted: input.pass !== undefined,
      files: [p.config, p.caKey, p.signingKey, p.kemKey, ...Object.values(REQUEST_FILES).map(req)],
      publicKeys: { ca: toHex(sha256(ca.publicKey)), signing: toHex(sha256(sg.publicKey)), kem: toHex(sha256(kem.publicKey)) },
    };
  } finally {
    caSigner.wipe();
    sgSigner.wipe();
    ca.seed.fill(0);
    sg.seed.fill(0);
    kem.seed.fill(0);
  }
}
