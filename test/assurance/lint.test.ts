// `writ lint` against CNSA 2.0 (src/core/lint): the demo's root and regional artifacts pass; deliberately weak artifacts made here are flagged with their codes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, seededRng } from '../helpers/index.js';
import { buildFixturePki } from '../../src/fixtures/pki.js';
import { DEFAULT_LINT_LIMITS, LINT_CODES, findingCount, lintBytes } from '../../src/core/lint/lint.js';
import type { LintProfile, LintedObject } from '../../src/core/lint/lint.js';
import { issueCertificate, issueCrl } from '../../src/core/x509/issue.js';
import { parseCertificate } from '../../src/core/x509/parse.js';
import { encodeSpki } from '../../src/core/asn1/spki.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { encodePrivateKey, encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { generateKeyPair, signerFromSeed } from '../../src/core/crypto/keys.js';
import { toHex } from '../../src/core/crypto/bytes.js';
import { sealAuthEnveloped } from '../../src/core/cms/enveloped.js';
import { signCms } from '../../src/core/cms/signed-data.js';
import { makeAgreement, signAgreement } from '../../src/core/policy/agreement.js';
import { encodeSignedDocument } from '../../src/core/policy/signed.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const pki = buildFixturePki('lint-test', NOW);
const { harbor, orchard } = pki.enclaves;
const rng = seededRng('lint-test');
const enc = new TextEncoder();

function codes(objs: LintedObject[]): string[] {
  return objs.flatMap((o) => o.findings.map((f) => f.code));
}
function lint(bytes: Uint8Array | string, profile: LintProfile = 'cnsa2', limits = {}): LintedObject[] {
  return lintBytes(typeof bytes === 'string' ? enc.encode(bytes) : bytes, { profile, limits });
}

describe('lint core: what passes CNSA 2.0', () => {
  it('the root, the regional CAs, their CRLs and the enclave CAs pass (PEM and DER)', () => {
    for (const der of [pki.root.der, pki.regions.north.ca.der, pki.regions.south.ca.der, harbor.ca.der, orchard.ca.der, harbor.kem.der]) {
      const r = lint(pemEncode('CERTIFICATE', der));
      expect(codes(r)).toEqual([]);
      expect(codes(lint(der))).toEqual([]);
    }
    for (const crl of [pki.rootCrl, pki.regions.north.crl, harbor.crl]) expect(codes(lint(crl.der))).toEqual([]);
    const r = lint(pemEncode('CERTIFICATE', pki.root.der));
    expect(r[0]).toMatchObject({ kind: 'root certificate', algorithms: { signature: 'ML-DSA-87', key: 'ML-DSA-87' } });
  });

  it('a CMS SignedData by an ML-DSA-87 key with SHA-512 passes', () => {
    const der = signCms({ content: enc.encode('x'), signers: [{ signer: pki.root.signer!, cert: pki.root.cert }] });
    const r = lint(der);
    expect(r[0]!.kind).toBe('signed-data');
    expect(codes(r)).toEqual([]);
  });
});

describe('lint core: deliberately weak artifacts are flagged', () => {
  it('enclave gateway keys (ML-DSA-65) and orchard\'s X-Wing KEM are flagged under cnsa2; X-Wing passes under hybrid', () => {
    expect(codes(lint(harbor.signing.der))).toEqual(['LINT_WEAK_SIG_ALG']);
    expect(codes(lint(orchard.kem.der))).toEqual(['LINT_HYBRID_KEM']);
    expect(codes(lint(orchard.kem.der, 'hybrid'))).toEqual([]);
    expect(codes(lint(harbor.signing.der, 'hybrid'))).toEqual(['LINT_WEAK_SIG_ALG']);
  });

  it('a root signed with ML-DSA-44 and valid for 40 years', () => {
    const kp = generateKeyPair('ml-dsa-44', rng);
    const signer = signerFromSeed('ml-dsa-44', kp.seed);
    const der = issueCertificate(
      { profile: 'root', issuerSigner: signer, subjectSpki: encodeSpki('ml-dsa-44', kp.publicKey), subject: 'CN=weak root', domain: 'weak.test', validityDays: 40 * 365 },
      { now: NOW, rng },
    );
    const r = lint(der);
    expect(codes(r).sort()).toEqual(['LINT_VALIDITY_TOO_LONG', 'LINT_WEAK_SIG_ALG', 'LINT_WEAK_SIG_ALG']);
    expect(r[0]!.findings.find((f) => f.code === 'LINT_VALIDITY_TOO_LONG')!.message).toContain('--max-root-days');
    expect(codes(lint(der, 'cnsa2', { rootDays: 15000 })).sort()).toEqual(['LINT_WEAK_SIG_ALG', 'LINT_WEAK_SIG_ALG']);
  });

  it('a CRL with a 400-day update interval, and a workload certificate beyond a tightened limit', () => {
    const crl = issueCrl({ issuerCert: pki.root.cert, issuerSigner: pki.root.signer!, thisUpdate: NOW, nextUpdateDays: 400 }, { now: NOW });
    expect(codes(lint(crl))).toEqual(['LINT_VALIDITY_TOO_LONG']);
    expect(codes(lint(crl, 'cnsa2', { crlDays: 400 }))).toEqual([]);
    const wl = harbor.workload.cert;
    expect(wl.spki.algorithm.oid).toBe('2.16.840.1.101.3.4.3.18'); // the fixture workload key is ML-DSA-65
    expect(codes(lint(harbor.workload.der, 'cnsa2', { leafDays: 30 })).sort()).toEqual(['LINT_VALIDITY_TOO_LONG', 'LINT_WEAK_SIG_ALG']);
  });

  it('private keys: unencrypted is flagged; encrypted keys are judged by PBES2 parameters only, and nothing secret is printed', () => {
    const kp = generateKeyPair('ml-dsa-87', rng);
    const plain = encodePrivateKey('ml-dsa-87', kp.seed);
    const r = lint(pemEncode('PRIVATE KEY', plain));
    expect(codes(r)).toEqual(['LINT_KEY_UNENCRYPTED']);
    expect(r[0]!.algorithms.key).toBe('ML-DSA-87');
    const pass = enc.encode('correct horse');
    const scryptKey = encryptPrivateKey(plain, pass, { kdf: 'scrypt', rng, scrypt: { N: 1024, r: 8, p: 1 } });
    const s = lint(pemEncode('ENCRYPTED PRIVATE KEY', scryptKey));
    expect(codes(s)).toEqual(['LINT_KDF_NOT_APPROVED']);
    expect(s[0]!.algorithms).toEqual({ cipher: 'AES-256-CBC', kdf: 'scrypt' });
    expect(s[0]!.notes.join(' ')).toContain('inside the encrypted part');
    const pbkdf2Key = encryptPrivateKey(plain, pass, { kdf: 'pbkdf2', rng, iterations: 1000 });
    const p = lint(pbkdf2Key);
    expect(codes(p)).toEqual(['LINT_WEAK_HASH']);
    expect(p[0]!.algorithms.kdf).toBe('PBKDF2 HMAC-SHA-256, 1000 iterations');
    const seedHex = toHex(kp.seed);
    for (const o of [r, s, p]) expect(JSON.stringify(o)).not.toContain(seedHex);
  });

  it('envelopes: writ\'s own AuthEnvelopedData to ML-KEM-1024 and to X-Wing', () => {
    const toHarbor = sealAuthEnveloped({ content: enc.encode('r'), recipient: harbor.kem.cert, rng });
    const h = lint(toHarbor);
    expect(h[0]).toMatchObject({ kind: 'enveloped-data', algorithms: { content: 'AES-256-GCM', 'recipient 1 KEM': 'ML-KEM-1024' } });
    // writ seals with HKDF-SHA256 (RFC 9936's default); strict CNSA 2.0 asks for SHA-384/512.
    expect(codes(h)).toEqual(['LINT_WEAK_HASH']);
    const toOrchard = sealAuthEnveloped({ content: enc.encode('r'), recipient: orchard.kem.cert, rng });
    expect(codes(lint(toOrchard)).sort()).toEqual(['LINT_HYBRID_KEM', 'LINT_WEAK_HASH']);
    expect(codes(lint(toOrchard, 'hybrid'))).toEqual([]);
    expect(codes(lint(toHarbor, 'hybrid'))).toEqual([]);
  });

  it('agreements: each party signature and the embedded chain are checked; a tampered body is LINT_BAD_SIGNATURE', () => {
    const a = makeAgreement({
      parties: ['spiffe://harbor.north.writ.test', 'spiffe://orchard.south.writ.test'],
      layers: ['data'],
      scopes: ['research'],
      levels: ['internal'],
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 800 * 86_400_000),
    });
    let signed = signAgreement(a, { party: 'spiffe://harbor.north.writ.test', signer: harbor.signing.signer!, cert: harbor.signing.cert, chain: [harbor.ca.der] });
    signed = signAgreement(signed, { party: 'spiffe://orchard.south.writ.test', signer: orchard.signing.signer!, cert: orchard.signing.cert, chain: [orchard.ca.der] });
    const text = encodeSignedDocument(signed);
    const r = lint(text);
    expect(r[0]!.kind).toBe('writ-agreement');
    expect(codes([r[0]!]).sort()).toEqual(['LINT_VALIDITY_TOO_LONG', 'LINT_WEAK_SIG_ALG', 'LINT_WEAK_SIG_ALG']);
    expect(r.filter((o) => o.embedded === true)).toHaveLength(4); // two gateway certs, two enclave CAs
    const tampered = text.replace('"research"', '"researcH"');
    expect(codes(lint(tampered))).toContain('LINT_BAD_SIGNATURE');
  });

  it('garbage, empty input and unknown PEM labels are LINT_UNRECOGNISED, not a crash', () => {
    expect(codes(lint(new Uint8Array([1, 2, 3])))).toEqual(['LINT_UNRECOGNISED']);
    expect(codes(lint(new Uint8Array(0)))).toEqual(['LINT_UNRECOGNISED']);
    expect(codes(lint('{"not":"signed"}'))).toEqual(['LINT_UNRECOGNISED']);
    expect(codes(lint(pemEncode('OPENSSH PRIVATE KEY', new Uint8Array([1]))))).toEqual(['LINT_UNRECOGNISED']);
  });

  it('finding codes are a closed, documented list; defaults are above writ\'s own profile defaults', () => {
    expect(new Set(LINT_CODES).size).toBe(LINT_CODES.length);
    expect(DEFAULT_LINT_LIMITS.rootDays).toBeGreaterThanOrEqual(20 * 365);
    expect(DEFAULT_LINT_LIMITS.caDays).toBeGreaterThanOrEqual(10 * 365);
    expect(DEFAULT_LINT_LIMITS.leafDays).toBeGreaterThanOrEqual(365);
    expect(findingCount(lint(orchard.kem.der))).toBe(1);
  });
});

describe('a classical-only certificate (OpenSSL ECDSA P-256)', () => {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
  if (!openssl) console.warn('!!! SKIPPING classical lint test: openssl not found on PATH !!!');
  it.skipIf(!openssl)('is LINT_CLASSICAL_SIG for the signature and LINT_CLASSICAL_KEY for the key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-lint-ec-'));
    try {
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-subj', '/CN=classical', '-days', '30'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = lint(fs.readFileSync(path.join(dir, 'c.pem')));
      expect(codes(out)).toEqual(['LINT_CLASSICAL_SIG', 'LINT_CLASSICAL_KEY']);
      expect(out[0]!.algorithms.signature).toBe('ecdsa-with-SHA256');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writ lint (built CLI) on the demo', () => {
  const BIN = path.join(REPO_ROOT, 'bin/writ.js');
  let dir = '';
  const writ = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  beforeAll(() => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/writ.mjs'))) {
      const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-lint-'));
    const d = spawnSync(process.execPath, [BIN, 'demo', '--out', path.join(dir, 'demo')], { encoding: 'utf8' });
    if (d.status !== 0) throw new Error(`demo failed: ${d.stderr}`);
  }, 120_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const ROOT_AND_REGIONAL = [
    'demo/ceremonies/root/root.pem',
    'demo/ceremonies/root/ceremonies/regional-issuance/regionals/north.pem',
    'demo/ceremonies/root/ceremonies/regional-issuance/regionals/south.pem',
    'demo/ceremonies/root/ceremonies/crl-issuance/root.crl',
    'demo/ceremonies/requests/north.csr',
    'demo/ceremonies/requests/south.csr',
    'demo/root.pem',
    'demo/north.pem',
    'demo/south.pem',
    'demo/root.crl',
    'demo/north.crl',
    'demo/south.crl',
  ];

  it('--profile cnsa2 passes on the demo root and regional artifacts (certificates, CRLs, CSRs)', () => {
    const r = writ('lint', '--profile', 'cnsa2', ...ROOT_AND_REGIONAL);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${ROOT_AND_REGIONAL.length} objects in ${ROOT_AND_REGIONAL.length} files, no findings`);
    const j = writ('lint', '--profile', 'cnsa2', '--json', ...ROOT_AND_REGIONAL);
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, profile: 'cnsa2', findings: 0 });
  });

  it('flags the enclave leaves by design and a weak artifact written here; exit 1, codes in --json', () => {
    const kp = generateKeyPair('ml-dsa-65', rng);
    const weak = issueCertificate(
      { profile: 'root', issuerSigner: signerFromSeed('ml-dsa-65', kp.seed), subjectSpki: encodeSpki('ml-dsa-65', kp.publicKey), subject: 'CN=weak', domain: 'weak.test', validityDays: 30 * 365 },
      { now: NOW, rng },
    );
    fs.writeFileSync(path.join(dir, 'weak.pem'), pemEncode('CERTIFICATE', weak));
    const r = writ('lint', '--profile', 'cnsa2', '--json', 'weak.pem', 'demo/harbor-signing.pem', 'demo/orchard-kem.pem', 'demo/root.pem');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    const byFile = Object.fromEntries(j.files.map((f: { file: string; objects: LintedObject[] }) => [f.file, codes(f.objects).sort()]));
    expect(byFile).toEqual({
      'weak.pem': ['LINT_VALIDITY_TOO_LONG', 'LINT_WEAK_SIG_ALG', 'LINT_WEAK_SIG_ALG'],
      'demo/harbor-signing.pem': ['LINT_WEAK_SIG_ALG'],
      'demo/orchard-kem.pem': ['LINT_HYBRID_KEM'],
      'demo/root.pem': [],
    });
    expect(writ('lint', '--profile', 'hybrid', 'demo/orchard-kem.pem', 'demo/federation/records.env').status).toBe(0);
    const text = writ('lint', '--profile', 'cnsa2', 'weak.pem');
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^FAIL {2}weak\.pem {2}root certificate "CN=weak"/m);
    expect(text.stdout).toContain('LINT_WEAK_SIG_ALG');
    expect(parseCertificate(weak).signatureAlgorithm.oid).toBe('2.16.840.1.101.3.4.3.18');
  });

  it('--help lists every finding code', () => {
    const h = writ('lint', '--help');
    expect(h.status).toBe(0);
    const text = h.stdout.replace(/\s+/g, ' ');
    for (const c of LINT_CODES) expect(text).toContain(c);
  });

  it('a missing file is an I/O error (exit 3); a missing --profile is a usage error (exit 2)', () => {
    expect(writ('lint', '--profile', 'cnsa2', 'nope.pem').status).toBe(3);
    expect(writ('lint', 'demo/root.pem').status).toBe(2);
  });
});
