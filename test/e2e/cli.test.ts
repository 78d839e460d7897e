// End-to-end: spawns the built CLI (`node bin/writ.js`) like a user and checks stdout, stderr, exit codes and files.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, WRIT_BIN as BIN, ensureBundle, runWrit, type Run } from '../helpers/index.js';
import { beginRun } from '../helpers/capture.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir = '';
/** Every byte the CLI printed during this file, to search for leaked secrets at the end. */
const allOutput: string[] = [];

function writ(...args: string[]): Run {
  return runWrit(args, { cwd: dir, record: allOutput });
}

function f(name: string): string {
  return path.join(dir, name);
}

beforeAll(() => {
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-e2e-'));
  fs.writeFileSync(f('pass'), 'correct horse battery staple\n');
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('writ basics', () => {
  it('prints its version', () => {
    const r = writ('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('every command has a manual with POSITIONAL ARGUMENTS, EXAMPLES and EXIT CODES', () => {
    for (const cmd of [[], ['key', 'generate'], ['csr', 'create'], ['cert', 'issue'], ['crl', 'issue'], ['verify', 'chain'], ['inspect'], ['demo']]) {
      const r = writ(...cmd, '--help');
      expect(r.code, cmd.join(' ')).toBe(0);
      for (const s of ['POSITIONAL ARGUMENTS', 'EXAMPLES', 'EXIT CODES', '  70  internal error']) expect(r.stdout, cmd.join(' ')).toContain(s);
    }
  });

  it('usage errors exit 2, on stderr, or as one JSON document with --json', () => {
    const r = writ('key', 'generate', '--alg', 'rsa', '--out', 'x.key');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/argument 'rsa' is invalid.*\[USAGE\]/);
    const j = writ('verify', 'chain', '--json');
    expect(j.code).toBe(2);
    expect(j.json()).toEqual({ ok: false, error: { code: 'USAGE', message: expect.stringMatching(/required|missing/) } });
    expect(writ('key').code).toBe(2); // a noun without its verb
    expect(writ('frobnicate').code).toBe(2);
    expect(fs.existsSync(f('x.key'))).toBe(false);
  });

  it('a missing input file is an I/O error (exit 3)', () => {
    const r = writ('inspect', 'nope.pem', '--json');
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'IO' } });
  });
});

describe('keys', () => {
  it('refuses an unencrypted key without --insecure-no-pass (exit 2, nothing written)', () => {
    const r = writ('key', 'generate', '--alg', 'ml-dsa-44', '--out', 'plain.key', '--json');
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'INSECURE' } });
    expect(fs.existsSync(f('plain.key'))).toBe(false);
  });

  it('writes an encrypted PKCS#8 key with mode 0600 and prints the public key fingerprint', () => {
    const r = writ('key', 'generate', '--alg', 'ml-dsa-87', '--out', 'root.key', '--pass-file', 'pass');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^public key SHA-256: ([0-9a-f]{2}:){31}[0-9a-f]{2}\nwords: ([a-z]+ ?){4}( \/ ([a-z]+ ?){1,4}){6}\n$/);
    expect(r.stderr).toContain('encrypted (PBES2, scrypt');
    const pem = fs.readFileSync(f('root.key'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(fs.statSync(f('root.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite without --force (exit 3, EXISTS), and replaces with --force', () => {
    const before = fs.readFileSync(f('root.key'));
    const r = writ('key', 'generate', '--alg', 'ml-dsa-87', '--out', 'root.key', '--pass-file', 'pass', '--json');
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'EXISTS' } });
    expect(fs.readFileSync(f('root.key'))).toEqual(before);
    const g = writ('key', 'generate', '--alg', 'ml-dsa-44', '--out', 'scratch.key', '--pass-file', 'pass', '--kdf', 'pbkdf2');
    expect(g.code).toBe(0);
    const again = writ('key', 'generate', '--alg', 'ml-dsa-44', '--out', 'scratch.key', '--pass-file', 'pass', '--force', '--json');
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, file: 'scratch.key', alg: 'ml-dsa-44', encrypted: true, kdf: 'scrypt' });
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes an unencrypted key only with --insecure-no-pass, and inspect shows no secret', () => {
    const r = writ('key', 'generate', '--alg', 'x-wing', '--out', 'xw.key', '--insecure-no-pass', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ ok: true, alg: 'x-wing', encrypted: false });
    expect(j.publicKeyFingerprint.sha256).toMatch(/^[0-9a-f]{64}$/);
    const i = writ('inspect', 'xw.key', '--json');
    expect(i.code).toBe(0);
    expect(i.json().objects[0]).toMatchObject({ kind: 'private-key', algorithm: 'x-wing', form: 'seed', publicKeyFingerprint: j.publicKeyFingerprint });
  });

  it('a wrong passphrase is refused (exit 1, BAD_PASSPHRASE)', () => {
    fs.writeFileSync(f('wrong'), 'not it\n');
    const r = writ('inspect', 'root.key', '--pass-file', 'wrong', '--json');
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'BAD_PASSPHRASE' } });
  });
});

describe('walkthrough: root, region, enclave, leaves, CRL, verify', () => {
  const P = ['--pass-file', 'pass'];
  const key = (name: string, alg: string): void => {
    expect(writ('key', 'generate', '--alg', alg, '--out', `${name}.key`, ...P).code).toBe(0);
  };
  const csr = (name: string, subject: string, ...extra: string[]): void => {
    const r = writ('csr', 'create', '--key', `${name}.key`, ...P, '--subject', subject, '--out', `${name}.csr`, ...extra);
    expect(r.stderr + r.stdout).not.toContain('error');
    expect(r.code).toBe(0);
  };
  const issue = (...args: string[]): Run => {
    const r = writ('cert', 'issue', ...args, ...P);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  const chain = ['--trust', 'root.pem', '--untrusted', 'north.pem', '--untrusted', 'alpha.pem'];

  it('issues the hierarchy', () => {
    const root = issue('--profile', 'root', '--self-signed', '--key', 'root.key', '--subject', 'O=writ, CN=writ root', '--out', 'root.pem');
    expect(root.stdout).toContain('subject:  O=writ, CN=writ root');
    expect(root.stdout).toContain('identity: spiffe://writ.example');

    key('north', 'ml-dsa-87');
    csr('north', 'O=writ, CN=north');
    issue('--profile', 'regional', '--ca-cert', 'root.pem', '--ca-key', 'root.key', '--csr', 'north.csr', '--region', 'north', '--level', 'internal', '--level', 'restricted', '--out', 'north.pem');

    key('alpha', 'ml-dsa-65');
    csr('alpha', 'O=writ, CN=alpha');
    const ca = issue('--profile', 'enclave-ca', '--ca-cert', 'north.pem', '--ca-key', 'north.key', '--csr', 'alpha.csr', '--enclave', 'alpha', '--level', 'restricted', '--out', 'alpha.pem', '--json');
    expect(ca.json()).toMatchObject({ ok: true, file: 'alpha.pem', certificate: { kind: 'certificate', basicConstraints: { ca: true, pathLen: 0 } } });

    key('gw', 'ml-dsa-65');
    csr('gw', 'O=writ, CN=alpha gateway');
    issue('--profile', 'enclave-signing', '--ca-cert', 'alpha.pem', '--ca-key', 'alpha.key', '--csr', 'gw.csr', '--out', 'gw.pem');

    key('kem', 'ml-kem-1024');
    const kc = writ('csr', 'create', '--key', 'kem.key', '--sign-key', 'gw.key', '--signer-cert', 'gw.pem', ...P, '--subject', 'CN=alpha kem', '--out', 'kem.csr');
    expect(kc.code, kc.stderr).toBe(0);
    // the KEM certificate needs the signing certificate that vouched for the request
    const noSigner = writ('cert', 'issue', '--profile', 'enclave-kem', '--ca-cert', 'alpha.pem', '--ca-key', 'alpha.key', ...P, '--csr', 'kem.csr', '--out', 'kem.pem');
    expect(noSigner.code).toBe(2);
    issue('--profile', 'enclave-kem', '--ca-cert', 'alpha.pem', '--ca-key', 'alpha.key', '--csr', 'kem.csr', '--signer-cert', 'gw.pem', '--out', 'kem.pem');

    key('api', 'ml-dsa-65');
    csr('api', 'CN=api', '--identity', 'spiffe://alpha.north.writ.example/api');
    issue('--profile', 'workload', '--ca-cert', 'alpha.pem', '--ca-key', 'alpha.key', '--csr', 'api.csr', '--out', 'api.pem');
    // The same leaf as one DER file: "every file argument may hold one DER certificate".
    const b64 = fs.readFileSync(f('api.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
    fs.writeFileSync(f('api.der'), Buffer.from(b64, 'base64'));
    fs.writeFileSync(f('bundle.pem'), fs.readFileSync(f('north.pem'), 'utf8') + fs.readFileSync(f('alpha.pem'), 'utf8'));
  });

  it('verify chain: a valid chain exits 0 and says what it proved', () => {
    const r = writ('verify', 'chain', 'api.pem', ...chain);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VALID\n/);
    expect(r.stdout).toContain('identity: spiffe://alpha.north.writ.example/api');
    const j = writ('verify', 'chain', 'api.der', '--trust', 'root.pem', '--untrusted', 'bundle.pem', '--level', 'restricted', '--identity', 'spiffe://alpha.north.writ.example/api', '--json');
    expect(j.code).toBe(0);
    const doc = j.json();
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['ok', 'path', 'identity', 'enclave', 'region', 'level', 'errors']));
    expect(doc).toMatchObject({ ok: true, identity: 'spiffe://alpha.north.writ.example/api', enclave: 'alpha', region: 'north', levelName: 'restricted', errors: [] });
    expect(doc.path).toHaveLength(4);
    expect(doc.path[3].trustAnchor).toBe(true);
    // the KEM certificate verifies too
    expect(writ('verify', 'chain', 'kem.pem', ...chain).code).toBe(0);
  });

  it('crl issue revokes the enclave CA, and verify chain then exits 1 with REVOKED', () => {
    const serial = writ('inspect', 'alpha.pem', '--json').json().objects[0].serial as string;
    const c = writ('crl', 'issue', '--ca-cert', 'north.pem', '--ca-key', 'north.key', ...P, '--revoke', `${serial}:keyCompromise`, '--next-update', '7', '--out', 'north.crl', '--json');
    expect(c.code, c.stderr).toBe(0);
    expect(c.json().crl.revoked).toEqual([expect.objectContaining({ serial, reason: 'keyCompromise' })]);
    const r = writ('verify', 'chain', 'api.pem', ...chain, '--crl', 'north.crl');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^INVALID: REVOKED\n/);
    const j = writ('verify', 'chain', 'api.pem', ...chain, '--crl', 'north.crl', '--json');
    expect(j.code).toBe(1);
    expect(j.json()).toMatchObject({ ok: false, errors: [expect.objectContaining({ code: 'REVOKED', cert: expect.any(String), message: expect.any(String) })] });
    // an empty CRL from the same CA lets it pass again
    expect(writ('crl', 'issue', '--ca-cert', 'north.pem', '--ca-key', 'north.key', ...P, '--next-update', '7', '--out', 'north-empty.crl').code).toBe(0);
    expect(writ('verify', 'chain', 'api.pem', ...chain, '--crl', 'north-empty.crl').code).toBe(0);
  });

  const codesOf = (...args: string[]): { code: number | null; codes: string[] } => {
    const r = writ('verify', 'chain', ...args, '--json');
    const doc = r.json();
    expect(doc.ok).toBe(r.code === 0);
    return { code: r.code, codes: (doc.errors as { code: string }[]).map((e) => e.code) };
  };

  it('verify chain --json names the reason of each negative case', () => {
    const inAYear = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expect(codesOf('api.pem', ...chain, '--at', inAYear)).toMatchObject({ code: 1, codes: expect.arrayContaining(['EXPIRED']) });
    expect(codesOf('api.pem', ...chain, '--at', '2001-01-01T00:00:00Z')).toMatchObject({ code: 1, codes: expect.arrayContaining(['NOT_YET_VALID']) });
    expect(codesOf('api.pem', '--trust', 'root.pem', '--untrusted', 'north.pem')).toMatchObject({ code: 1, codes: ['NO_PATH'] });
    expect(codesOf('api.pem', ...chain, '--identity', 'spiffe://alpha.north.writ.example/other')).toMatchObject({ code: 1, codes: ['IDENTITY'] });
    expect(codesOf('api.pem', ...chain, '--level', 'internal')).toMatchObject({ code: 1, codes: ['POLICY'] });
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString();
    expect(codesOf('api.pem', ...chain, '--crl', 'north-empty.crl', '--at', inTenDays)).toMatchObject({ code: 1, codes: ['CRL_STALE'] });
    // one flipped byte in the signature
    const der = fs.readFileSync(f('api.der'));
    der[der.length - 3]! ^= 0x40;
    fs.writeFileSync(f('api-bad.der'), der);
    expect(codesOf('api-bad.der', ...chain)).toMatchObject({ code: 1, codes: ['SIGNATURE'] });
    // issuing refuses what verification would refuse: a leaf as CA, a CA key that is not the CA's
    const notCa = writ('cert', 'issue', '--profile', 'workload', '--ca-cert', 'api.pem', '--ca-key', 'api.key', '--pass-file', 'pass', '--csr', 'api.csr', '--out', 'x.pem', '--json');
    expect(notCa.code).toBe(1);
    expect(notCa.json()).toMatchObject({ ok: false, error: { code: 'NOT_CA' } });
    const wrongKey = writ('crl', 'issue', '--ca-cert', 'north.pem', '--ca-key', 'alpha.key', '--pass-file', 'pass', '--next-update', '7', '--out', 'x.crl', '--json');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.json()).toMatchObject({ ok: false, error: { code: 'KEY_MISMATCH' } });
    expect(fs.existsSync(f('x.pem')) || fs.existsSync(f('x.crl'))).toBe(false);
    // an algorithm allow-list without ML-DSA-65 refuses the ML-DSA-65 workload key
    expect(codesOf('api.pem', ...chain, '--allow-alg', 'ml-dsa-87')).toMatchObject({ code: 1, codes: expect.arrayContaining(['ALG_NOT_ALLOWED']) });
    expect(codesOf('api.pem', ...chain, '--allow-alg', 'ml-dsa-87', '--allow-alg', 'ml-dsa-65')).toMatchObject({ code: 0, codes: [] });
    // issuance refuses a level the region does not serve, and an identity outside the enclave
    const sens = writ('cert', 'issue', '--profile', 'enclave-ca', '--ca-cert', 'north.pem', '--ca-key', 'north.key', '--pass-file', 'pass', '--csr', 'alpha.csr', '--enclave', 'beta', '--level', 'sensitive', '--out', 'beta.pem', '--json');
    expect(sens.code).toBe(1);
    expect(sens.json()).toMatchObject({ ok: false, error: { code: 'POLICY' } });
    const outside = writ('cert', 'issue', '--profile', 'workload', '--ca-cert', 'alpha.pem', '--ca-key', 'alpha.key', '--pass-file', 'pass', '--csr', 'api.csr', '--identity', 'spiffe://beta.north.writ.example/api', '--out', 'beta-api.pem', '--json');
    expect(outside.code).toBe(1);
    expect(outside.json().error.code).toMatch(/^(NAME_CONSTRAINT|IDENTITY)$/);
    // garbage input is refused, not crashed on
    fs.writeFileSync(f('junk.pem'), 'hello\n');
    const j = writ('verify', 'chain', 'junk.pem', '--trust', 'root.pem', '--json');
    expect(j.code).toBe(1);
    expect(j.json()).toMatchObject({ ok: false, error: { code: 'PARSE' } });
    expect(writ('verify', 'chain', 'api.pem', ...chain, '--at', 'tomorrow').code).toBe(2);
  });

  it('inspect shows certificates, CSRs, CRLs and keys, with fingerprints as hex and words', () => {
    const t = writ('inspect', 'north.pem');
    expect(t.code).toBe(0);
    for (const s of ['Certificate:', 'Issuer: O=writ, CN=writ root', 'nameConstraints (critical): permitted URI:.north.writ.example', 'level restricted', 'Fingerprint SHA-256:', 'words:']) {
      expect(t.stdout).toContain(s);
    }
    expect(writ('inspect', 'api.csr', '--json').json().objects[0]).toMatchObject({ kind: 'csr', subject: 'CN=api', subjectAltNames: [{ type: 'uri', value: 'spiffe://alpha.north.writ.example/api' }] });
    expect(writ('inspect', 'north.crl', '--json').json().objects[0]).toMatchObject({ kind: 'crl', issuer: 'O=writ, CN=north' });
    expect(writ('inspect', 'api.der', '--json').json().objects[0]).toMatchObject({ kind: 'certificate', subject: 'CN=api' });
    expect(writ('inspect', 'bundle.pem', '--json').json().objects).toHaveLength(2);
    const k = writ('inspect', 'kem.key', '--pass-file', 'pass', '--json');
    expect(k.json().objects[0]).toMatchObject({ kind: 'encrypted-private-key', algorithm: 'ml-kem-1024', encryption: 'PBES2, scrypt, AES-256-CBC' });
    expect(writ('inspect', 'kem.key').stdout).toContain('give --pass-file');
  });
});

describe('demo', () => {
  it('runs unattended, writes its files, ends with a short summary, and refuses to overwrite without --force', () => {
    const r = writ('demo', '--out', 'demo');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10\/10 as expected/);
    expect(r.stdout.split('\n').length).toBeLessThan(34); // +1: the link check line, +2: provisioning (issue 5), +1: assurance (issue 7)
    expect(fs.existsSync(f('demo/root.pem'))).toBe(true);
    expect(fs.existsSync(f('demo/north-revokes-harbor.crl'))).toBe(true);
    const again = writ('demo', '--out', 'demo', '--json');
    expect(again.code).toBe(3);
    expect(again.json()).toMatchObject({ ok: false, error: { code: 'EXISTS' } });
    const j = writ('demo', '--out', 'demo', '--force', '--json');
    expect(j.code).toBe(0);
    const doc = j.json();
    expect(doc.ok).toBe(true);
    expect(doc.allAsExpected).toBe(true);
    expect(doc.scenarios.map((s: { got: string }) => s.got)).toEqual(
      expect.arrayContaining(['VALID', 'REVOKED', 'POLICY', 'IDENTITY', 'SIGNATURE', 'NO_PATH', 'CRL_STALE', 'EXPIRED']),
    );
    // the printed command reproduces the result by hand
    const revoked = doc.scenarios.find((s: { expected: string }) => s.expected === 'REVOKED');
    const args = (revoked.command as string).replace(/^writ /, '').split(' ');
    const cap = beginRun('spawnSync', f('demo'), args);
    const spawned = spawnSync(process.execPath, [BIN, ...args], { cwd: f('demo'), encoding: 'utf8' });
    cap.end(spawned.stdout, spawned.stderr, spawned.status);
    allOutput.push(spawned.stdout, spawned.stderr);
    expect(spawned.status).toBe(1);
    expect(spawned.stdout).toMatch(/^INVALID: REVOKED/);
  });
});

describe('secrets', () => {
  it('no private key bytes or passphrases appear in anything the CLI printed', () => {
    const printed = allOutput.join('\n');
    expect(printed.length).toBeGreaterThan(1000);
    expect(printed).not.toContain('correct horse battery staple');
    // xw.key is unencrypted PKCS#8 whose privateKey ends with the 32-byte X-Wing seed (tag, 0x20, seed).
    const pem = fs.readFileSync(f('xw.key'), 'utf8');
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const seed = der.subarray(der.length - 32);
    expect(der[der.length - 33]).toBe(0x20);
    for (const form of [seed.toString('hex'), seed.toString('base64'), der.toString('base64').slice(0, 40), seed.toString('hex').match(/../g)!.join(':')]) {
      expect(printed).not.toContain(form);
    }
    expect(printed).not.toContain('PRIVATE KEY-----');
  });
});
