// `writ self-check` (issue 7): the running bundle's SHA-256 in hex and words, SHA256SUMS checking, runtime and air-gap report, the licence texts it carries.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airGapLook, findSum, parseSums } from '../../src/cli/commands/self-check/checks.js';
import { fingerprintWords } from '../../src/core/words.js';
import { licenseTexts, runtimePackages } from '../../scripts/licenses.mjs';
import { errCode } from '../helpers/index.js';

const ROOT = path.resolve(__dirname, '../..');
// WRIT_TEST_BUNDLE points the test at another build of the bundle.
const BUNDLE = process.env.WRIT_TEST_BUNDLE ?? path.join(ROOT, 'dist/writ.mjs');
let dir = '';

function writ(bundle: string, ...args: string[]): { code: number | null; stdout: string; stderr: string; json: () => any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-self-check-'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SHA256SUMS parsing', () => {
  const h = 'ab'.repeat(32);
  it('reads sha256sum text and binary lines and BSD tags, skips blanks and comments', () => {
    const e = parseSums(`# release\n${h}  writ.mjs\n${'cd'.repeat(32)} *dist/other.bin\n\nSHA256 (sbom.cdx.json) = ${'EF'.repeat(32)}\r\n`);
    expect(e).toEqual([
      { sha256: h, name: 'writ.mjs' },
      { sha256: 'cd'.repeat(32), name: 'dist/other.bin' },
      { sha256: 'ef'.repeat(32), name: 'sbom.cdx.json' },
    ]);
    expect(findSum(e, 'writ.mjs')?.sha256).toBe(h);
    expect(findSum(e, 'other.bin')?.name).toBe('dist/other.bin');
    expect(findSum(e, 'missing.mjs')).toBeUndefined();
  });
  it('refuses a damaged line (PARSE) instead of matching nothing', () => {
    expect(errCode(() => parseSums(`${h.slice(2)}  writ.mjs\n`))).toBe('PARSE');
    expect(errCode(() => parseSums('hello\n'))).toBe('PARSE');
  });
});

describe('air-gap look', () => {
  const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' } as const;
  it('loopback only: air-gapped', () => {
    expect(airGapLook({ lo: [lo] })).toEqual({ airGapped: true, up: [] });
    expect(airGapLook({})).toEqual({ airGapped: true, up: [] });
  });
  it('any other interface with an address is listed (a warning)', () => {
    const eth = { ...lo, address: '192.0.2.7', internal: false, cidr: '192.0.2.7/24' };
    expect(airGapLook({ wlan0: [eth], lo: [lo], eth0: [eth] })).toEqual({ airGapped: false, up: ['eth0 192.0.2.7', 'wlan0 192.0.2.7'] });
  });
});

describe('writ self-check (the built bundle)', () => {
  it('prints the SHA-256 of the file that is running, in hex and as words, and the runtime', () => {
    const digest = sha256(fs.readFileSync(BUNDLE));
    const r = writ(BUNDLE, 'self-check', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.ok).toBe(true);
    expect(j.bundle).toMatchObject({ file: BUNDLE, sha256: digest.toString('hex'), size: fs.statSync(BUNDLE).size });
    expect(j.bundle.words).toEqual(fingerprintWords(digest));
    expect(j.bundle.words.join(' ').split(' ')).toHaveLength(26);
    expect(j.runtime).toMatchObject({ node: process.versions.node, openssl: process.versions.openssl });
    expect(j.crypto.backend).toBe('noble');
    expect(j.crypto.packages).toContain('@noble/post-quantum@0.7.0');
    expect(typeof j.network.airGapped).toBe('boolean');
    expect(j.network.interfacesUp.length === 0).toBe(j.network.airGapped);
    const t = writ(BUNDLE, 'self-check');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(`SHA-256  ${digest.toString('hex')}`);
    expect(t.stdout).toContain(fingerprintWords(digest)[0]!);
    expect(t.stdout).toMatch(/runtime {2}Node\.js \S+, OpenSSL \S+/);
    expect(t.stdout).toMatch(/network {2}(looks air-gapped|WARNING: not air-gapped)/);
  });

  it('hashes wherever the bundle was copied to, and a changed copy hashes differently', () => {
    const copy = path.join(dir, 'media', 'writ.mjs');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(BUNDLE, copy);
    const a = writ(copy, 'self-check', '--json').json();
    expect(a.bundle.file).toBe(copy);
    expect(a.bundle.sha256).toBe(sha256(fs.readFileSync(BUNDLE)).toString('hex'));
    fs.appendFileSync(copy, '\n// tampered\n');
    const b = writ(copy, 'self-check', '--json').json();
    expect(b.bundle.sha256).toBe(sha256(fs.readFileSync(copy)).toString('hex'));
    expect(b.bundle.sha256).not.toBe(a.bundle.sha256);
  });

  it('--sums: a matching entry exits 0; a different hash or a missing entry exits 1; a damaged file is refused', () => {
    const hex = sha256(fs.readFileSync(BUNDLE)).toString('hex');
    fs.writeFileSync(path.join(dir, 'GOOD'), `${'0'.repeat(64)}  sbom.cdx.json\n${hex}  writ.mjs\n`);
    const ok = writ(BUNDLE, 'self-check', '--sums', 'GOOD', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json().sums).toEqual({ file: 'GOOD', listedAs: 'writ.mjs', expected: hex, match: true });
    expect(writ(BUNDLE, 'self-check', '--sums', 'GOOD').stdout).toContain('SHA256SUMS  OK');

    fs.writeFileSync(path.join(dir, 'BAD'), `${'1'.repeat(64)}  writ.mjs\n`);
    const bad = writ(BUNDLE, 'self-check', '--sums', 'BAD', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, sums: { match: false, expected: '1'.repeat(64) } });
    expect(writ(BUNDLE, 'self-check', '--sums', 'BAD').stdout).toContain('MISMATCH');

    fs.writeFileSync(path.join(dir, 'OTHER'), `${hex}  something-else.mjs\n`);
    const none = writ(BUNDLE, 'self-check', '--sums', 'OTHER', '--json');
    expect(none.code).toBe(1);
    expect(none.json().sums).toEqual({ file: 'OTHER', match: false });

    fs.writeFileSync(path.join(dir, 'JUNK'), 'not a sums file\n');
    const junk = writ(BUNDLE, 'self-check', '--sums', 'JUNK', '--json');
    expect(junk.code).toBe(1);
    expect(junk.json().error.code).toBe('PARSE');
    expect(writ(BUNDLE, 'self-check', '--sums', 'nope').code).toBe(3); // unreadable file: IO
  });

  it('carries the licence texts of the runtime tree (--licenses), the same text the release ships', () => {
    const j = writ(BUNDLE, 'self-check', '--licenses', '--json').json();
    const pkgs = runtimePackages(ROOT);
    expect(j.licenses.text).toBe(licenseTexts(pkgs));
    expect(j.licenses.packages).toEqual(pkgs.map((p) => ({ name: p.name, version: p.version, license: p.license })));
    const t = writ(BUNDLE, 'self-check', '--licenses');
    expect(t.stdout).toContain('@noble/post-quantum@0.7.0  (MIT');
    expect(t.stdout).toContain(pkgs.find((p) => p.name === 'commander')!.licenseText!);
  });

  it('has a manual with POSITIONAL ARGUMENTS, EXAMPLES and EXIT CODES', () => {
    const r = writ(BUNDLE, 'self-check', '--help');
    expect(r.code).toBe(0);
    for (const s of ['POSITIONAL ARGUMENTS', 'EXAMPLES', 'EXIT CODES', '--sums']) expect(r.stdout).toContain(s);
  });
});
