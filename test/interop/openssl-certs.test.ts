// Interop test: OpenSSL 3.5 (inside Node 26) accepts every certificate and private key writ writes (RFC 5280, RFC 9881, RFC 5958/8018).
//
// writ's output is written to a temp dir and a small script runs under Node 26: X509Certificate must parse
// every fixture certificate, verify() it under its issuer's public key and checkIssued() it; createPrivateKey
// must load every key writ writes (PKCS#8 seed form, plain and PBES2-encrypted, DER and PEM) and derive the
// same public key, and checkPrivateKey() must pair each fixture key with its certificate. Node has no CRL
// API, so for CRLs OpenSSL verifies the ML-DSA signature over writ's TBSCertList with crypto.verify().
// Loading OpenSSL-generated keys in writ is tested elsewhere (helper A's key tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { encryptPrivateKey, encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { encodeSpki } from '../../src/core/asn1/spki.js';
import { keyPairFromSeed } from '../../src/core/crypto/keys.js';
import type { KeyAlgName } from '../../src/core/crypto/types.js';
import { buildFixturePki } from '../../src/fixtures/pki.js';
import { requireNode26, runNode26Json } from '../helpers/node26.js';
import { seededRng } from '../helpers/rng.js';
import { fixtureMaterial } from '../helpers/fixture-material.js';

/** Algorithms OpenSSL 3.5 implements; X-Wing has no OpenSSL 3.5 implementation (no codepoint there). */
const OPENSSL_ALGS: KeyAlgName[] = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87', 'ml-kem-768', 'ml-kem-1024'];
/** OpenSSL's names (EVP_PKEY type names as Node reports asymmetricKeyType). */
const OPENSSL_NAME: Record<string, string> = {
  'ml-dsa-44': 'ml-dsa-44',
  'ml-dsa-65': 'ml-dsa-65',
  'ml-dsa-87': 'ml-dsa-87',
  'ml-kem-768': 'ml-kem-768',
  'ml-kem-1024': 'ml-kem-1024',
};

interface CertJob {
  name: string;
  file: string;
  /** Name of the issuing certificate in this job (itself for a self-signed root). */
  issuer: string;
}
interface KeyJob {
  name: string;
  file: string;
  format: 'der' | 'pem';
  /** Hex of the passphrase bytes, for encrypted keys. */
  passphrase?: string;
  /** Name of the certificate this key must pair with (checkPrivateKey). */
  cert?: string;
}
interface CrlJob {
  name: string;
  /** Hex of TBSCertList and signature, and the issuer certificate's name. */
  tbs: string;
  signature: string;
  issuer: string;
}
interface CertResult {
  parsed: boolean;
  error?: string;
  subject?: string;
  keyType?: string;
  verify?: boolean;
  verifyError?: string;
  checkIssued?: boolean;
}
interface KeyResult {
  loaded: boolean;
  error?: string;
  type?: string;
  spki?: string;
  checkPrivateKey?: boolean;
  checkError?: string;
}
interface Results {
  node: string;
  openssl: string;
  certs: Record<string, CertResult>;
  keys: Record<string, KeyResult>;
  crls: Record<string, { verify?: boolean; error?: string }>;
}

/** Runs under Node 26: argv[1] is the job file; prints one JSON line of results. */
const NODE26_SCRIPT = `
import { X509Certificate, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
const job = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const res = { node: process.version, openssl: process.versions.openssl, certs: {}, keys: {}, crls: {} };
const loaded = {};
const msg = (e) => (e && e.code ? e.code + ': ' : '') + String(e && e.message ? e.message : e);
for (const c of job.certs) {
  const r = { parsed: false };
  try {
    const x = new X509Certificate(readFileSync(c.file));
    loaded[c.name] = x;
    r.parsed = true; r.subject = x.subject;
  } catch (e) { r.error = msg(e); }
  // Reading the subject key needs OpenSSL to know its algorithm (it has no X-Wing): separate from parsing.
  try { if (loaded[c.name]) r.keyType = loaded[c.name].publicKey.asymmetricKeyType; } catch (e) { r.keyType = 'unsupported: ' + msg(e); }
  res.certs[c.name] = r;
}
for (const c of job.certs) {
  const r = res.certs[c.name]; const x = loaded[c.name]; const i = loaded[c.issuer];
  if (!x || !i) continue;
  try { r.verify = x.verify(i.publicKey); } catch (e) { r.verifyError = msg(e); }
  try { r.checkIssued = x.checkIssued(i); } catch (e) { r.verifyError = (r.verifyError ?? '') + ' checkIssued: ' + msg(e); }
}
for (const k of job.keys) {
  const r = { loaded: false };
  try {
    const opts = { key: readFileSync(k.file), format: k.format };
    if (k.format === 'der') opts.type = 'pkcs8';
    if (k.passphrase !== undefined) opts.passphrase = Buffer.from(k.passphrase, 'hex');
    const key = createPrivateKey(opts);
    r.loaded = true; r.type = key.asymmetricKeyType;
    r.spki = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('hex');
    if (k.cert !== undefined && loaded[k.cert]) {
      try { r.checkPrivateKey = loaded[k.cert].checkPrivateKey(key); } catch (e) { r.checkError = msg(e); }
    }
  } catch (e) { r.error = msg(e); }
  res.keys[k.name] = r;
}
for (const c of job.crls) {
  const i = loaded[c.issuer];
  if (!i) { res.crls[c.name] = { error: 'issuer certificate not loaded' }; continue; }
  try { res.crls[c.name] = { verify: verify(null, Buffer.from(c.tbs, 'hex'), i.publicKey, Buffer.from(c.signature, 'hex')) }; }
  catch (e) { res.crls[c.name] = { error: msg(e) }; }
}
console.log(JSON.stringify(res));
`;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const PASSPHRASE = new TextEncoder().encode('correct horse battery staple');

const node = requireNode26('OpenSSL 3.5 interop tests (test/interop/openssl-certs)');

describe.skipIf(node === undefined)('OpenSSL 3.5 (Node 26) accepts what writ writes', () => {
  // vitest still runs a skipped describe's body to collect it: build nothing when Node 26 is absent.
  if (node === undefined) {
    it.skip('Node 26 absent', () => {});
    return;
  }
  let dir = '';
  let results: Results;
  const certs: CertJob[] = [];
  const keys: KeyJob[] = [];
  const crls: CrlJob[] = [];
  /** Expected SPKI DER (hex) for each key job, computed by writ. */
  const expectedSpki = new Map<string, string>();
  // Two fixture PKIs so every KEM choice is issued: harbor ML-KEM-1024, orchard X-Wing (default) or ML-KEM-768.
  const now = new Date('2026-01-15T12:00:00Z');
  const a = fixtureMaterial(buildFixturePki('writ-interop-test', now), 'a/');
  const b = fixtureMaterial(buildFixturePki('writ-interop-test-768', now, { orchardKem: 'ml-kem-768' }), 'b/');
  const material = { certs: [...a.certs, ...b.certs], keys: [...a.keys, ...b.keys], crls: [...a.crls, ...b.crls] };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'writ-openssl-'));
    const write = (name: string, data: Uint8Array | string): string => {
      const file = path.join(dir, name.replace(/[/:]/g, '_'));
      writeFileSync(file, data);
      return file;
    };

    // 1. Every certificate of the fixture PKI, half as DER and half as PEM (both are what writ writes).
    material.certs.forEach((c, i) => {
      const file = i % 2 === 0 ? write(`${c.name}.crt.der`, c.der) : write(`${c.name}.crt.pem`, pemEncode('CERTIFICATE', c.der));
      certs.push({ name: c.name, file, issuer: c.issuer });
    });

    // 2. Every fixture private key, as writ writes it (PKCS#8 seed form), paired with its certificate.
    const rng = seededRng('openssl-interop-pbes2');
    for (const k of material.keys) {
      if (!OPENSSL_ALGS.includes(k.alg)) continue;
      const der = encodePrivateKey(k.alg, k.seed);
      const enc = encryptPrivateKey(der, PASSPHRASE, { kdf: 'scrypt', rng });
      keys.push({ name: `fixture:${k.name}`, file: write(`${k.name}.key.pem`, pemEncode('PRIVATE KEY', der)), format: 'pem', cert: k.cert });
      keys.push({
        name: `fixture:${k.name}:scrypt`,
        file: write(`${k.name}.enc.key.pem`, pemEncode('ENCRYPTED PRIVATE KEY', enc)),
        format: 'pem',
        passphrase: hex(PASSPHRASE),
        cert: k.cert,
      });
      const spki = hex(encodeSpki(k.alg, keyPairFromSeed(k.alg, k.seed).publicKey));
      expectedSpki.set(`fixture:${k.name}`, spki);
      expectedSpki.set(`fixture:${k.name}:scrypt`, spki);
    }

    // 3. One key per algorithm in every form writ writes: plain DER/PEM, PBES2 scrypt and PBKDF2, DER/PEM.
    for (const alg of OPENSSL_ALGS) {
      const seed = seededRng(`openssl-interop-seed-${alg}`)(alg.startsWith('ml-kem') ? 64 : 32);
      const der = encodePrivateKey(alg, seed);
      const spki = hex(encodeSpki(alg, keyPairFromSeed(alg, seed).publicKey));
      const forms: [string, Uint8Array, 'der' | 'pem', boolean][] = [['plain', der, 'der', false], ['plain', der, 'pem', false]];
      for (const kdf of ['scrypt', 'pbkdf2'] as const) {
        const enc = encryptPrivateKey(der, PASSPHRASE, { kdf, rng });
        forms.push([kdf, enc, 'der', true], [kdf, enc, 'pem', true]);
      }
      for (const [form, bytes, format, encrypted] of forms) {
        const name = `${alg}:${form}:${format}`;
        const label = encrypted ? 'ENCRYPTED PRIVATE KEY' : 'PRIVATE KEY';
        const file = write(`${alg}-${form}.${format}`, format === 'der' ? bytes : pemEncode(label, bytes));
        keys.push({ name, file, format, ...(encrypted ? { passphrase: hex(PASSPHRASE) } : {}) });
        expectedSpki.set(name, spki);
      }
    }

    // 4. CRL signatures, checked by OpenSSL's ML-DSA over writ's TBSCertList bytes.
    for (const c of material.crls) crls.push({ name: c.name, tbs: hex(c.tbs), signature: hex(c.signature), issuer: c.issuer });

    // Negative control: the workload certificate with its last signature octet flipped must NOT verify,
    // which shows the harness can see a failure at all.
    const victim = material.certs.find((c) => c.profile === 'workload');
    const controls: CertJob[] = [];
    if (victim !== undefined) {
      const bad = Uint8Array.from(victim.der);
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
      controls.push({ name: 'control:tampered', file: write('tampered.crt.der', bad), issuer: victim.issuer });
    }

    const jobFile = write('job.json', JSON.stringify({ certs: [...certs, ...controls], keys, crls }));
    results = runNode26Json<Results>(node, NODE26_SCRIPT, [jobFile]);
    console.log(
      `openssl interop: Node ${results.node} / OpenSSL ${results.openssl}: ${certs.length} certificates, ${keys.length} keys, ${crls.length} CRLs checked`,
    );
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('runs OpenSSL 3.5 and has material from every profile', () => {
    expect(results.openssl).toMatch(/^3\.(5|[6-9]|\d\d)\./);
    expect(certs.length).toBeGreaterThan(0);
    expect(new Set(material.certs.map((c) => c.profile))).toEqual(
      new Set(['root', 'regional', 'enclave-ca', 'enclave-signing', 'enclave-kem', 'workload']),
    );
  });

  it('X509Certificate parses every fixture certificate, verify()s and checkIssued()s it under its issuer', () => {
    const bad: string[] = [];
    for (const c of certs) {
      const r = results.certs[c.name];
      if (!r?.parsed || r.verify !== true || r.checkIssued !== true) bad.push(`${c.name}: ${JSON.stringify(r)}`);
    }
    expect(bad).toEqual([]);
  });

  it('negative control: OpenSSL rejects a fixture certificate with one flipped signature bit', () => {
    const r = results.certs['control:tampered'];
    expect(r?.parsed).toBe(true);
    expect(r?.verify).toBe(false);
  });

  it('OpenSSL reads the subject key of every certificate except X-Wing KEM certificates (no X-Wing in OpenSSL 3.5)', () => {
    for (const c of material.certs) {
      const t = results.certs[c.name]?.keyType ?? '';
      if (t.startsWith('unsupported')) expect(c.profile, `${c.name}: ${t}`).toBe('enclave-kem');
      else expect(t, c.name).toMatch(/^ml-(dsa|kem)-/);
    }
  });

  it('createPrivateKey loads every key writ writes (plain and encrypted) and derives the same public key', () => {
    const bad: string[] = [];
    for (const k of keys) {
      const r = results.keys[k.name];
      const alg = k.name.startsWith('fixture:') ? undefined : k.name.split(':')[0];
      if (!r?.loaded) bad.push(`${k.name}: not loaded: ${r?.error}`);
      else if (r.spki !== expectedSpki.get(k.name)) bad.push(`${k.name}: public key differs`);
      else if (alg !== undefined && r.type !== OPENSSL_NAME[alg]) bad.push(`${k.name}: type ${r.type}`);
    }
    expect(bad).toEqual([]);
    expect(keys.filter((k) => k.passphrase !== undefined).length).toBeGreaterThan(0);
  });

  it('X509Certificate.checkPrivateKey pairs every fixture key with its certificate', () => {
    const paired = keys.filter((k) => k.cert !== undefined);
    expect(paired.length).toBeGreaterThan(0);
    const bad = paired.filter((k) => results.keys[k.name]?.checkPrivateKey !== true).map((k) => `${k.name}: ${JSON.stringify(results.keys[k.name])}`);
    expect(bad).toEqual([]);
  });

  it("OpenSSL's ML-DSA verifies every CRL signature over writ's TBSCertList (no CRL parser in Node)", () => {
    expect(crls.length).toBeGreaterThan(0);
    const bad = crls.filter((c) => results.crls[c.name]?.verify !== true).map((c) => `${c.name}: ${JSON.stringify(results.crls[c.name])}`);
    expect(bad).toEqual([]);
  });

  it('X-Wing keys are not offered to OpenSSL 3.5 (it has no X-Wing); skipped by design', () => {
    expect(OPENSSL_ALGS).not.toContain('x-wing');
  });
});
