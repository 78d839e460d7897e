// Secret hygiene on error paths (issue 8): a wrong passphrase, a mismatched key and a bad share are refused without key material, passphrases or share words in stdout, stderr or --json errors.
//
// Each run is also captured for the whole-run scan (test/assurance/secrets-global.ts); here the outputs of
// these runs are checked directly, with the same scanner, against the secrets involved.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki } from '../../src/fixtures/pki.js';
import { decryptPrivateKey, decodePrivateKey, encodePrivateKey, encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemDecodeAll, pemEncode } from '../../src/core/asn1/pem.js';
import { decryptShareFile } from '../../src/core/shares/share-file.js';
import { combineMnemonics } from '../../src/core/shares/slip39.js';
import { REHEARSAL_PEOPLE, rehearsalAnswers, rehearsalPass } from '../../src/ceremony/rehearsal.js';
import { writeCsrs } from '../ceremony/csrs.js';
import { ensureBundle, runWrit, seededRng, type Run } from '../helpers/index.js';
import { needlesFor, scanBytes, type Secret } from './secrets.js';

const PASS = 'error-path passphrase, the right one';
const WRONG = 'error-path passphrase, a wrong one';
const CLOCK = '2026-06-01T09:00:00Z';
let dir = '';
const writ = (...args: string[]): Run => runWrit(args, { cwd: dir });
const f = (n: string): string => path.join(dir, n);

/** Every finding of `secrets` in the runs' stdout and stderr (names only, never the secrets). */
function leaks(runs: Run[], secrets: Secret[]): string[] {
  const needles = secrets.flatMap(needlesFor);
  expect(needles.length).toBeGreaterThan(0);
  return runs.flatMap((r, i) => [...scanBytes(`run ${i} stdout`, Buffer.from(r.stdout), needles), ...scanBytes(`run ${i} stderr`, Buffer.from(r.stderr), needles)].map((x) => `${x.file}: ${x.secret} as ${x.encoding}`));
}
const passSecrets = (...p: string[]): Secret[] => p.map((text, i) => ({ name: `passphrase ${i}`, kind: 'passphrase', text }));

beforeAll(() => {
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-secrets-errors-'));
  fs.writeFileSync(f('pass'), `${PASS}\n`);
  fs.writeFileSync(f('wrong'), `${WRONG}\n`);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('error paths print no secret', () => {
  it('a wrong passphrase: BAD_PASSPHRASE, plain and --json, without either passphrase or the key', () => {
    expect(writ('key', 'generate', '--alg', 'ml-dsa-65', '--out', 'k.key', '--pass-file', 'pass').code).toBe(0);
    const runs = [writ('inspect', 'k.key', '--pass-file', 'wrong'), writ('inspect', 'k.key', '--pass-file', 'wrong', '--json'), writ('csr', 'create', '--key', 'k.key', '--pass-file', 'wrong', '--subject', 'CN=x', '--out', 'x.csr', '--json')];
    for (const r of runs) expect(r.code).toBe(1);
    expect(runs[1]!.json().error.code).toBe('BAD_PASSPHRASE');
    const der = pemDecodeAll(fs.readFileSync(f('k.key'), 'utf8'))[0]!.der;
    const seed = decodePrivateKey(decryptPrivateKey(der, new TextEncoder().encode(PASS))).seed!;
    expect(leaks(runs, [...passSecrets(PASS, WRONG), { name: 'key seed', kind: 'key', bytes: seed }])).toEqual([]);
    // and the encrypted key file itself holds neither the seed nor the passphrase
    expect(leaks([{ code: 0, stdout: fs.readFileSync(f('k.key'), 'utf8'), stderr: '', json: () => null }], [...passSecrets(PASS), { name: 'key seed', kind: 'key', bytes: seed }])).toEqual([]);
  });

  it('a mismatched key: KEY_MISMATCH without either key', () => {
    const pki = buildFixturePki('secrets-errors', new Date('2026-06-01T00:00:00Z'));
    fs.writeFileSync(f('north.pem'), pemEncode('CERTIFICATE', pki.regions.north.ca.der));
    const harborSeed = pki.enclaves.harbor.ca.key.seed;
    fs.writeFileSync(f('harbor-ca.key'), pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(encodePrivateKey('ml-dsa-87', harborSeed), new TextEncoder().encode(PASS), { kdf: 'scrypt', rng: seededRng('secrets-errors'), scrypt: { N: 1024, r: 8, p: 1 } })));
    const runs = [
      writ('crl', 'issue', '--ca-cert', 'north.pem', '--ca-key', 'harbor-ca.key', '--pass-file', 'pass', '--next-update', '7', '--out', 'x.crl', '--json'),
      writ('crl', 'issue', '--ca-cert', 'north.pem', '--ca-key', 'harbor-ca.key', '--pass-file', 'pass', '--next-update', '7', '--out', 'x.crl'),
    ];
    expect(runs[0]!.json().error.code).toBe('KEY_MISMATCH');
    expect(runs[1]!.code).toBe(1);
    expect(fs.existsSync(f('x.crl'))).toBe(false);
    expect(leaks(runs, [...passSecrets(PASS), { name: 'harbor CA seed', kind: 'key', bytes: harborSeed }, { name: 'north CA seed', kind: 'key', bytes: pki.regions.north.ca.key.seed }])).toEqual([]);
  });

  it('a bad share (wrong share passphrase, then a foreign share file): refused and aborted, without share words, passphrases or the root secret', () => {
    const root = writ('ceremony', 'run', 'root-key-generation', '--answers', answers('root.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'secrets-errors-root' })), '--out', 'root');
    expect(root.code, root.stderr).toBe(0);
    const csrs = writeCsrs(dir, 'secrets-errors-csrs');
    const presenter = REHEARSAL_PEOPLE.custodians.at(-1)!;
    const wrongPass = writ('ceremony', 'run', 'regional-issuance', '--root-dir', 'root', ...csrs.flatMap((c) => ['--in', c]), '--answers', answers('wrong.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'secrets-errors-reg', answers: { [`*.${presenter}.share-passphrase`]: WRONG } })), '--out', 'reg1', '--json');
    expect(wrongPass.code).toBe(4);
    // a share file from another ceremony in place of the presenter's
    const other = writ('ceremony', 'run', 'root-key-generation', '--answers', answers('other.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'secrets-errors-other' })), '--out', 'other');
    expect(other.code).toBe(0);
    const foreign = writ('ceremony', 'run', 'regional-issuance', '--root-dir', 'root', ...csrs.flatMap((c) => ['--in', c]), '--answers', answers('foreign.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'secrets-errors-reg2', answers: { [`*.${presenter}.share-file`]: path.join(dir, 'other', 'shares', `${presenter}.share.json`) } })), '--out', 'reg2');
    expect(foreign.code).toBe(4);
    expect(foreign.stdout + foreign.stderr).toMatch(/SHARE_FOREIGN|SHARE_MISMATCH|refus/i);
    // the secrets: every share's words and value, the root secret, every passphrase used
    const secrets: Secret[] = [...passSecrets(WRONG, ...[REHEARSAL_PEOPLE.administrator, REHEARSAL_PEOPLE.witness, ...REHEARSAL_PEOPLE.custodians].map(rehearsalPass))];
    for (const d of ['root', 'other']) {
      const mnemonics = fs.readdirSync(f(`${d}/shares`)).map((n) => decryptShareFile(fs.readFileSync(f(`${d}/shares/${n}`)), rehearsalPass(n.replace(/\.share\.json$/, ''))).mnemonic);
      expect(mnemonics.length).toBeGreaterThanOrEqual(3);
      mnemonics.forEach((m, i) => secrets.push({ name: `${d} share ${i}`, kind: 'mnemonic', words: m.split(' ') }));
      secrets.push({ name: `${d} root secret`, kind: 'root-secret', bytes: combineMnemonics(mnemonics) });
    }
    expect(leaks([root, wrongPass, other, foreign], secrets)).toEqual([]);
  });
});

describe('share words never reach stdout in a run without a terminal', () => {
  it('custodians who ask to see their words in a rehearsal (answers file, no TTY) get a placeholder line; the words are only in their encrypted share files', () => {
    const r = writ('ceremony', 'run', 'root-key-generation', '--answers', answers('words.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'secrets-errors-words', answers: { '*.*.show-words': true } })), '--out', 'words');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/shown privately to/);
    const mnemonics = fs.readdirSync(f('words/shares')).map((n) => decryptShareFile(fs.readFileSync(f(`words/shares/${n}`)), rehearsalPass(n.replace(/\.share\.json$/, ''))).mnemonic);
    expect(mnemonics).toHaveLength(5);
    expect(leaks([r], [...mnemonics.map((m, i): Secret => ({ name: `share ${i}`, kind: 'mnemonic', words: m.split(' ') })), { name: 'root secret', kind: 'root-secret', bytes: combineMnemonics(mnemonics) }])).toEqual([]);
  });
});

function answers(name: string, a: object): string {
  fs.writeFileSync(f(name), stringify(a));
  return f(name);
}
