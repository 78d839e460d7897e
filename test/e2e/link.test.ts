// End-to-end: `writ link check` and `writ link config` through the built bundle — under Node 26 (OpenSSL 3.5) the post-quantum link must pass and refusals carry the verifier's code; under this machine's Node (20) the check says plainly that it cannot, with exit 5.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle, requireNode26, runWrit, seededRng, type Run } from '../helpers/index.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { encodePrivateKey, encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { enclavePaths } from '../../src/enclave/layout.js';
import { linkPaths, writeLinkFixture } from '../../src/link/identity.js';
import { linkSupport, unsupportedMessage } from '../../src/link/platform.js';

const AT = '2026-06-01T12:00:00Z';
const NOW = new Date(AT);
const NODE26 = requireNode26('the Node 26 link-check tests (writ link check under OpenSSL 3.5)');

let dir = '';
const d = (name: string): string => path.join(dir, name);

function writ(node: string, ...args: string[]): Run {
  return runWrit(args, { cwd: dir, node, timeout: 60_000 });
}

function enclave(pki: FixturePki, name: 'harbor' | 'orchard', as: string): string {
  writeEnclaveDir(pki, name, d(as));
  writeLinkFixture(pki, name, d(as));
  return as;
}

beforeAll(() => {
  // Rebuilds a bundle older than `writ link` too.
  ensureBundle('commands/link/check');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-e2e-link-'));
  const pki = buildFixturePki('link-e2e', NOW);
  enclave(pki, 'harbor', 'harbor');
  enclave(pki, 'orchard', 'orchard');
  // orchard revoked by south (its enclave CA on the south CRL every enclave holds): a peer whose chain does not verify.
  const revOrchard = buildFixturePki('link-e2e', NOW, { revokeEnclave: 'orchard' });
  enclave(revOrchard, 'harbor', 'harbor-r');
  enclave(revOrchard, 'orchard', 'orchard-revoked');
  // harbor revoked by north: orchard, the TLS server, must refuse the CLIENT.
  const revHarbor = buildFixturePki('link-e2e', NOW, { revokeEnclave: 'harbor' });
  enclave(revHarbor, 'harbor', 'harbor-revoked');
  enclave(revHarbor, 'orchard', 'orchard-r');
  // An enclave under a foreign root (another seed): harbor's trust store has no path to it.
  enclave(buildFixturePki('some-other-root', NOW), 'orchard', 'orchard-foreign');
  // orchard presenting its gateway SIGNING cert as the TLS leaf: no serverAuth EKU.
  enclave(pki, 'orchard', 'orchard-gateway');
  const g = enclavePaths(d('orchard-gateway'));
  fs.copyFileSync(g.chain, linkPaths(g.root).chain);
  fs.copyFileSync(g.signingKey, linkPaths(g.root).key);
  // A directory that says it is orchard but holds harbor's link identity.
  enclave(pki, 'orchard', 'orchard-impostor');
  fs.copyFileSync(linkPaths(d('harbor')).chain, linkPaths(d('orchard-impostor')).chain);
  fs.copyFileSync(linkPaths(d('harbor')).key, linkPaths(d('orchard-impostor')).key);
  // Two enclaves holding their enclave CA keys (as `writ enclave init` leaves them), at the real clock,
  // for `writ link issue`: harbor's keys encrypted under a passphrase, orchard's a fixture's.
  const live = buildFixturePki('link-issue', new Date());
  for (const n of ['harbor', 'orchard'] as const) {
    const p = enclavePaths(d(`${n}-ca`));
    writeEnclaveDir(live, n, p.root);
    fs.writeFileSync(p.caKey, pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', live.enclaves[n].ca.key.seed)), { mode: 0o600 });
  }
  const h = enclavePaths(d('harbor-ca'));
  const pass = new TextEncoder().encode('harbor pass');
  for (const [file, alg, seed] of [
    [h.caKey, 'ml-dsa-87', live.enclaves.harbor.ca.key.seed],
    [h.signingKey, 'ml-dsa-65', live.enclaves.harbor.signing.key.seed],
  ] as const) {
    fs.writeFileSync(file, pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(encodePrivateKey(alg, seed), pass, { kdf: 'pbkdf2', rng: seededRng(file) })));
  }
  const cfg = JSON.parse(fs.readFileSync(h.config, 'utf8'));
  fs.writeFileSync(h.config, JSON.stringify({ ...cfg, fixtureKeys: false }));
  fs.writeFileSync(d('harbor.pass'), 'harbor pass\n');
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(NODE26 !== undefined)('writ link check under Node 26 (OpenSSL 3.5)', () => {
  const node = NODE26 as string;

  it('proves a mutual TLS 1.3 link between two enclaves with X25519MLKEM768 (text)', () => {
    const r = writ(node, 'link', 'check', '--as', 'harbor', '--peer', 'orchard', '--at', AT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^link check: OK {2}\(loopback 127\.0\.0\.1:\d+, verified at 2026-06-01T12:00:00\.000Z\)$/m);
    expect(r.stdout).toMatch(/^ {2}protocol {2}TLSv1\.3$/m);
    expect(r.stdout).toMatch(/^ {2}group {5}X25519MLKEM768$/m);
    expect(r.stdout).toMatch(/^ {2}cipher {4}TLS_AES_(256_GCM_SHA384|128_GCM_SHA256|CHACHA20_POLY1305_SHA256)$/m);
    expect(r.stdout).toContain('client    spiffe://harbor.north.writ.test/link  (enclave harbor, region north, level restricted)');
    expect(r.stdout).toContain('server    spiffe://orchard.south.writ.test/link  (enclave orchard, region south, level internal)');
  });

  it('gives the same proof as one JSON document', () => {
    const r = writ(node, 'link', 'check', '--as', 'orchard', '--peer', 'harbor', '--at', AT, '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.ok).toBe(true);
    expect(j.report).toMatchObject({ ok: true, protocol: 'TLSv1.3', group: 'X25519MLKEM768', requiredGroup: 'X25519MLKEM768' });
    expect(j.report.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(j.report.self.proved).toMatchObject({ ok: true, identity: 'spiffe://orchard.south.writ.test/link', enclave: 'orchard', region: 'south', levelName: 'internal' });
    expect(j.report.peer.proved).toMatchObject({ ok: true, identity: 'spiffe://harbor.north.writ.test/link', enclave: 'harbor', region: 'north', levelName: 'restricted' });
    expect(j.report.self.chain.map((c: { keyAlg: string }) => c.keyAlg)).toEqual(['ML-DSA-65', 'ML-DSA-87', 'ML-DSA-87']);
    expect(j.report.refusal).toBeUndefined();
  });

  const refusals: [string, string, string, 'client' | 'server', string][] = [
    ['a peer whose enclave CA is revoked', 'harbor-r', 'orchard-revoked', 'client', 'REVOKED'],
    ['a client whose enclave CA is revoked (the server refuses)', 'harbor-revoked', 'orchard-r', 'server', 'REVOKED'],
    ['a peer under a foreign root bearing the same names (its signatures do not chain)', 'harbor', 'orchard-foreign', 'client', 'SIGNATURE'],
    ['a peer presenting its gateway signing cert (no serverAuth)', 'harbor', 'orchard-gateway', 'client', 'EKU'],
    ["a peer presenting another enclave's link identity", 'harbor', 'orchard-impostor', 'client', 'IDENTITY'],
  ];
  for (const [name, as, peer, by, code] of refusals) {
    it(`refuses ${name}: ${code}, by the ${by}, exit 1`, () => {
      const r = writ(node, 'link', 'check', '--as', as, '--peer', peer, '--at', AT, '--json');
      expect(r.code).toBe(1);
      const j = r.json();
      expect(j.ok).toBe(false);
      expect(j.report.ok).toBe(false);
      expect(j.report.refusal).toMatchObject({ by, code });
      expect(j.error.code).toBe(code);
      const t = writ(node, 'link', 'check', '--as', as, '--peer', peer, '--at', AT);
      expect(t.code).toBe(1);
      expect(t.stdout).toMatch(/^link check: REFUSED/m);
      expect(t.stdout).toContain(`refused by the ${by}:`);
      expect(t.stdout).toContain(`[${code}]`);
    });
  }

  it('the demo proves the harbor <-> orchard link and prints the negotiated group (one line)', () => {
    const r = writ(node, 'demo', '--out', 'demo26');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('Link check:'));
    expect(lines).toEqual([
      expect.stringMatching(/^Link check: ok {2}spiffe:\/\/harbor\.north\.writ\.test\/link <-> spiffe:\/\/orchard\.south\.writ\.test\/link: TLSv1\.3, group X25519MLKEM768, TLS_AES_\w+, both chains proved by writ$/),
    ]);
    const j = writ(node, 'demo', '--out', 'demo26', '--force', '--json').json();
    expect(j.link).toMatchObject({ outcome: 'ok', report: { ok: true, group: 'X25519MLKEM768', protocol: 'TLSv1.3' } });
  }, 120_000);

  it('refuses when the certificates have expired at --at (writ\'s clock, not OpenSSL\'s)', () => {
    const r = writ(node, 'link', 'check', '--as', 'harbor', '--peer', 'orchard', '--at', '2027-01-01T00:00:00Z', '--json');
    expect(r.code).toBe(1);
    expect(r.json().report.refusal.code).toMatch(/^(EXPIRED|CRL_STALE)$/);
  });
});

describe('writ link check on a Node.js whose OpenSSL cannot (this machine\'s node)', () => {
  const support = linkSupport();
  it.runIf(!support.ok)(`says so plainly and exits 5 (UNSUPPORTED_PLATFORM) on ${process.version}`, () => {
    const r = writ(process.execPath, 'link', 'check', '--as', 'harbor', '--peer', 'orchard');
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `writ: error: this Node.js (${process.version}, OpenSSL ${process.versions.openssl}) lacks ${support.missing.join(' and ')}, so it cannot run a post-quantum TLS link; run writ under Node.js 26 or later (OpenSSL 3.5+) [UNSUPPORTED_PLATFORM]`,
    );
    const j = writ(process.execPath, 'link', 'check', '--as', 'harbor', '--peer', 'orchard', '--json');
    expect(j.code).toBe(5);
    expect(j.json()).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_PLATFORM' } });
    expect(j.json().error.message).toContain('X25519MLKEM768');
  });
  it.runIf(!support.ok)('the demo prints the same message in one line and still succeeds', () => {
    // The whole demo: 13 s on an idle box, over 60 s on a loaded CI box, so it gets the test's own budget.
    const r = runWrit(['demo', '--out', 'demo20'], { cwd: dir, node: process.execPath, timeout: 115_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('Link check:'))).toEqual([`Link check: skipped: ${unsupportedMessage(support)}`]);
  }, 120_000);
  it.runIf(support.ok)(`(this node ${process.version} can run the link: the Node 20 message is not exercised here)`, () => {
    expect(support.missing).toEqual([]);
  });
});

describe('writ link issue', () => {
  it('issues <enclave id>/link with the enclave CA key, encrypts the key under --pass-file, audits it, and refuses to overwrite', () => {
    const r = writ(process.execPath, 'link', 'issue', '--as', 'harbor-ca', '--pass-file', 'harbor.pass', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.link).toMatchObject({ identity: 'spiffe://harbor.north.writ.test/link', keyEncrypted: true });
    expect(fs.readFileSync(linkPaths(d('harbor-ca')).key, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(fs.statSync(linkPaths(d('harbor-ca')).key).mode & 0o777).toBe(0o600);
    const log = fs.readFileSync(enclavePaths(d('harbor-ca')).auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({ event: 'issue', decision: 'record', subject: j.link.serial, digests: { certificate: j.link.sha256 } });
    const again = writ(process.execPath, 'link', 'issue', '--as', 'harbor-ca', '--pass-file', 'harbor.pass', '--json');
    expect(again.code).toBe(3);
    expect(again.json().error.code).toBe('EXISTS');
    expect(writ(process.execPath, 'link', 'issue', '--as', 'orchard-ca').code).toBe(0);
  });

  it('refuses an enclave CA key that is not the enclave CA certificate\'s (KEY_MISMATCH) and an enclave without one (IO)', () => {
    fs.cpSync(d('orchard-ca'), d('orchard-mixed'), { recursive: true });
    const m = enclavePaths(d('orchard-mixed'));
    fs.copyFileSync(enclavePaths(d('harbor-ca')).caKey, m.caKey);
    const r = writ(process.execPath, 'link', 'issue', '--as', 'orchard-mixed', '--pass-file', 'harbor.pass', '--force', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('KEY_MISMATCH');
    fs.rmSync(m.caKey);
    expect(writ(process.execPath, 'link', 'issue', '--as', 'orchard-mixed', '--force', '--json').json().error.code).toBe('IO');
  });

  it.runIf(NODE26 !== undefined)('the issued identities (one key encrypted) prove a link under Node 26', () => {
    const r = writ(NODE26 as string, 'link', 'check', '--as', 'harbor-ca', '--peer', 'orchard-ca', '--pass-file', 'harbor.pass', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().report).toMatchObject({ ok: true, group: 'X25519MLKEM768', self: { proved: { identity: 'spiffe://harbor.north.writ.test/link' } } });
  });
});

describe('writ link config', () => {
  it('prints an OpenSSL configuration with absolute paths, TLS 1.3 only and the group', () => {
    const r = writ(process.execPath, 'link', 'config', '--as', 'harbor', '--format', 'openssl');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('FIXTURE enclave');
    expect(r.stdout).toContain(`Certificate = ${linkPaths(d('harbor')).chain}`);
    expect(r.stdout).toContain(`PrivateKey = ${linkPaths(d('harbor')).key}`);
    expect(r.stdout).toContain(`VerifyCAFile = ${enclavePaths(d('harbor')).anchors}`);
    expect(r.stdout).toContain('Groups = X25519MLKEM768');
    expect(r.stdout).toContain('MinProtocol = TLSv1.3');
    expect(r.stdout).not.toContain('PRIVATE KEY');
  });

  it('prints an nginx configuration, and --json carries it', () => {
    const r = writ(process.execPath, 'link', 'config', '--as', 'orchard', '--format', 'nginx', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ ok: true, format: 'nginx', identity: 'spiffe://orchard.south.writ.test/link', protocol: 'TLSv1.3', group: 'X25519MLKEM768' });
    expect(j.config).toContain('ssl_protocols           TLSv1.3;');
    expect(j.config).toContain(`ssl_certificate         ${linkPaths(d('orchard')).chain};`);
    expect(j.crls.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format (2) and an enclave without a link identity (3)', () => {
    expect(writ(process.execPath, 'link', 'config', '--as', 'harbor', '--format', 'apache').code).toBe(2);
    fs.rmSync(linkPaths(d('orchard-foreign')).chain);
    const r = writ(process.execPath, 'link', 'config', '--as', 'orchard-foreign', '--format', 'openssl', '--json');
    expect(r.code).toBe(3);
    expect(r.json().error.code).toBe('IO');
  });

  it('has a manual listing exit code 5', () => {
    const r = writ(process.execPath, 'link', 'check', '--help');
    expect(r.code).toBe(0);
    for (const s of ['POSITIONAL ARGUMENTS', 'EXAMPLES', 'EXIT CODES', '  5   ']) expect(r.stdout).toContain(s);
  });
});
