// An enclave's link identity (issue 5 "The network layer"): the TLS 1.3 workload certificate (RFC 5280 §4.2.1.12 serverAuth+clientAuth) and key it presents on inter-enclave links.
//
// Why not the gateway signing certificate: its extKeyUsage is writ's gateway-signing purpose only (no
// serverAuth / clientAuth) and it asserts nonRepudiation, so no TLS peer (and not writ's verifier asked
// for serverAuth) may accept it as a TLS leaf. And the link key lives at the network edge, while the
// gateway signing key signs agreements, envelopes and audit checkpoints: keeping them apart bounds what a
// compromised TLS endpoint can sign. So each enclave holds one more leaf, issued by its enclave CA with
// the `workload` profile and the SPIFFE id `<enclave id>/link`:
//
//   ENCLAVE_DIR/keys/link.key    ML-DSA-65 PKCS#8 (RFC 9881 seed form; encrypted unless a fixture), 0600
//   ENCLAVE_DIR/certs/link.pem   link certificate, enclave CA, regional CA (the chain TLS presents)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { pemEncode } from '../core/asn1/pem.js';
import { encodePrivateKey } from '../core/asn1/pkcs8.js';
import { createCsr, issueCertificate } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import { generateKeyPair, keyPairFromSeed, signerFromSeed } from '../core/crypto/keys.js';
import type { Rng, Signer } from '../core/crypto/types.js';
import type { Certificate, Crl } from '../core/x509/types.js';
import type { TrustAnchor } from '../core/verify/types.js';
import { enclaveHost, spiffeId } from '../core/policy/names.js';
import { addDays } from '../core/asn1/time.js';
import type { FixturePki } from '../fixtures/pki.js';
import { drbgBytes, seededRng } from '../fixtures/drbg.js';
import { writeFileAtomic } from '../cli/io.js';
import { readCerts } from '../cli/load.js';
import { readPrivateKey } from '../cli/keyfile.js';
import { enclavePaths, readConfig, readCrlDir, type EnclavePaths } from '../enclave/layout.js';
import { loadPartnerAnchors } from '../enclave/trust.js';

/** The link files inside an enclave directory. */
export interface LinkPaths {
  key: string;
  chain: string;
}

export function linkPaths(dir: string): LinkPaths {
  const p = enclavePaths(dir);
  return { key: path.join(p.keysDir, 'link.key'), chain: path.join(p.certsDir, 'link.pem') };
}

/** The SPIFFE id of an enclave's link identity. */
export function linkIdentity(enclaveId: string): string {
  return `${enclaveId}/link`;
}

/** One side of a link, as read from its enclave directory. */
export interface LinkSide {
  /** Where this side came from (an enclave directory, or a label for in-memory sides). */
  dir: string;
  /** The enclave id, spiffe://<host>. */
  enclave: string;
  /** `<enclave id>/link`, the identity the peer must prove for this side. */
  expectedIdentity: string;
  /** certs/link.pem: the chain this side presents, leaf first. */
  chain: Certificate[];
  /** PEM PKCS#8 of the link key, for node:tls only. Wipe with wipe(). */
  keyPem: Buffer;
  /** This side's own trust store: what it verifies the peer against. */
  anchors: TrustAnchor[];
  crls: Crl[];
  wipe(): void;
}

/**
 * Reads one side of a link from an enclave directory: enclave.json, certs/link.pem, keys/link.key (the
 * key must match the link certificate: KEY_MISMATCH), trust/anchors.pem and trust/crls/. The chain is NOT
 * verified here: the peer does that during the check, with writ's verifier.
 */
export async function loadLinkSide(dir: string, o: { passFile?: string; note?: (m: string) => void } = {}): Promise<LinkSide> {
  const p = enclavePaths(dir);
  if (!fs.existsSync(p.config)) throw new WritError('IO', `${p.root} is not an enclave directory (no enclave.json)`);
  const config = readConfig(p.config);
  const lp = linkPaths(dir);
  if (!fs.existsSync(lp.chain) || !fs.existsSync(lp.key)) {
    throw new WritError('IO', `${p.root} holds no link identity (${path.relative(p.root, lp.chain)} and ${path.relative(p.root, lp.key)}): see docs/provisioning.md "Link check"`);
  }
  const chain = readCerts(lp.chain);
  const leaf = chain[0];
  if (!leaf) throw new WritError('PARSE', `${lp.chain} holds no certificate`);
  const note = config.fixtureKeys ? (m: string): void => (/is not encrypted$/.test(m) ? undefined : o.note?.(m)) : o.note;
  const k = await readPrivateKey(lp.key, o.passFile, note);
  const seed = k.seed;
  try {
    if (!seed) throw new WritError('UNSUPPORTED', `${lp.key}: writ needs the seed form of the link key`);
    if (!k.alg.startsWith('ml-dsa-')) throw new WritError('UNSUPPORTED_ALG', `${lp.key} is a ${k.alg} key; a link key is ML-DSA`);
    if (!bytesEq(k.publicKey, leaf.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${lp.key} does not match ${lp.chain}`);
    const der = encodePrivateKey(k.alg, seed);
    const keyPem = Buffer.from(pemEncode('PRIVATE KEY', der), 'latin1');
    der.fill(0);
    return {
      dir: p.root,
      enclave: config.identity,
      expectedIdentity: linkIdentity(config.identity),
      chain,
      keyPem,
      anchors: [...readCerts(p.anchors).map((cert) => ({ cert })), ...partners(p, config.identity)],
      crls: readCrlDir(p.crlDir),
      wipe: () => keyPem.fill(0),
    };
  } finally {
    seed?.fill(0);
  }
}

/**
 * Partner anchors (trust/partners.json, `writ trust add`) join the judge's trust store exactly as in
 * loadEnclave: RFC 5937 constrained, and only when the store's signature by the gateway key verifies.
 */
function partners(p: EnclavePaths, identity: string): TrustAnchor[] {
  if (!fs.existsSync(p.partners)) return [];
  const signingCert = readCerts(p.chain)[0];
  if (!signingCert) throw new WritError('PARSE', `${p.chain} holds no certificate`);
  return loadPartnerAnchors(p.partners, { identity, signingCert });
}

/**
 * Issues a link identity under an enclave CA: a fresh ML-DSA-65 key, a CSR naming `<enclave id>/link`
 * (proof of possession checked on issue), and a `workload`-profile certificate (digitalSignature,
 * serverAuth + clientAuth; default validity 90 days, capped by the CA). Returns the PKCS#8 DER of the
 * key (wipe it) and the certificate DER.
 */
export function issueLinkIdentity(o: {
  caCert: Certificate;
  caSigner: Signer;
  enclave: string;
  region: string;
  domain: string;
  now: Date;
  rng: Rng;
  seed?: Uint8Array;
  notBefore?: Date;
}): { keyDer: Uint8Array; certDer: Uint8Array } {
  const host = enclaveHost(o.enclave, o.region, o.domain);
  const kp = o.seed ? keyPairFromSeed('ml-dsa-65', o.seed) : generateKeyPair('ml-dsa-65', o.rng);
  const signer = signerFromSeed('ml-dsa-65', kp.seed);
  try {
    const csr = createCsr({ signer, subject: `O=${o.domain}, OU=${host}, CN=${o.enclave} link`, identity: spiffeId(host, '/link') });
    const certDer = issueCertificate(
      { profile: 'workload', issuerCert: o.caCert, issuerSigner: o.caSigner, csr, ...(o.notBefore ? { notBefore: o.notBefore } : {}) },
      { now: o.now, rng: o.rng },
    );
    return { keyDer: encodePrivateKey('ml-dsa-65', kp.seed), certDer };
  } finally {
    kp.seed.fill(0);
  }
}

/** The deterministic fixture link identity of a fixture enclave: key (PKCS#8 DER, wipe it) and chain DER (leaf, enclave CA, regional CA). */
export function fixtureLinkIdentity(pki: FixturePki, name: 'harbor' | 'orchard'): { keyDer: Uint8Array; chain: Uint8Array[] } {
  const e = pki.enclaves[name];
  const region = pki.regions[e.region as 'north' | 'south'];
  const { keyDer, certDer } = issueLinkIdentity({
    caCert: e.ca.cert,
    caSigner: e.ca.signer as Signer,
    enclave: e.name,
    region: e.region,
    domain: pki.domain,
    now: pki.now,
    rng: seededRng(pki.seed, `link:${name}`),
    seed: drbgBytes(pki.seed, `key:enclave:${name}:link`, 32),
    notBefore: addDays(pki.now, -1),
  });
  return { keyDer, chain: [certDer, e.ca.der, region.ca.der] };
}

/**
 * Writes the fixture link identity into a writeEnclaveDir enclave (tests, the e2e, docs examples): the
 * key UNENCRYPTED like the other fixture keys (0600), and certs/link.pem. Returns the paths.
 */
export function writeLinkFixture(pki: FixturePki, name: 'harbor' | 'orchard', dir: string, opts: { force?: boolean } = {}): LinkPaths {
  const { keyDer, chain } = fixtureLinkIdentity(pki, name);
  const lp = linkPaths(dir);
  const w = (file: string, data: string, mode?: number): void => writeFileAtomic(file, data, { ...(opts.force ? { force: true } : {}), ...(mode ? { mode } : {}) });
  try {
    w(lp.key, pemEncode('PRIVATE KEY', keyDer), 0o600);
  } finally {
    keyDer.fill(0);
  }
  w(lp.chain, chain.map((d) => pemEncode('CERTIFICATE', d)).join(''));
  return lp;
}

/**
 * An in-memory side for a fixture enclave (the demo keeps fixture keys off the disk): the fixture link
 * identity, and the fixture trust store (the root as the only anchor, every fixture CRL).
 */
export function fixtureLinkSide(pki: FixturePki, name: 'harbor' | 'orchard'): LinkSide {
  const { keyDer, chain } = fixtureLinkIdentity(pki, name);
  const keyPem = Buffer.from(pemEncode('PRIVATE KEY', keyDer), 'latin1');
  keyDer.fill(0);
  const e = pki.enclaves[name];
  return {
    dir: `fixture:${name}`,
    enclave: `spiffe://${e.host}`,
    expectedIdentity: linkIdentity(`spiffe://${e.host}`),
    chain: chain.map((d) => parseCertificate(d)),
    keyPem,
    anchors: [{ cert: pki.root.cert }],
    crls: [pki.rootCrl.crl, pki.regions.north.crl.crl, pki.regions.south.crl.crl, pki.enclaves.harbor.crl.crl, pki.enclaves.orchard.crl.crl],
    wipe: () => keyPem.fill(0),
  };
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
