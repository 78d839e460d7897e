// Tests for the secret-hygiene scanner (test/assurance/secrets.ts, secrets-capture.ts): a planted secret is found in every encoding, so the scan provably can fail.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MNEMONIC_WINDOW, needlesFor, scanBytes, type Secret } from './secrets.js';
import { scanCapture, summaryLine } from './secrets-capture.js';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import { splitSecret } from '../../src/core/shares/slip39.js';
import { encryptShareFile } from '../../src/core/shares/share-file.js';
import { encodePrivateKey, encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { seededRng } from '../helpers/index.js';

const seed = drbgBytes('secret-scan-test', 'seed', 32);
const SEED: Secret = { name: 'test seed', kind: 'seed', bytes: seed };
const PASS: Secret = { name: 'test pass', kind: 'passphrase', text: 'a passphrase nobody guesses' };
const mnemonic = splitSecret(drbgBytes('secret-scan-test', 'master', 16), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], rng: seededRng('secret-scan-test') })[0]![0]!;
const WORDS: Secret = { name: 'test share', kind: 'mnemonic', words: mnemonic.split(' ') };
const needles = [SEED, PASS, WORDS].flatMap(needlesFor);
const noise = (n: number, label: string): Buffer => Buffer.from(drbgBytes('secret-scan-test', label, n));
const found = (bytes: Uint8Array): string[] => scanBytes('f', bytes, needles).map((f) => `${f.secret}/${f.encoding}`);

describe('scanBytes finds a planted secret in each encoding', () => {
  const s = Buffer.from(seed);
  const hex = s.toString('hex');
  const cases: [string, Buffer, string][] = [
    ['raw bytes inside binary', Buffer.concat([noise(100, 'a'), s, noise(50, 'b')]), 'test seed/bytes'],
    ['lower-case hex in JSON', Buffer.from(`{"k":"${hex}"}`), 'test seed/hex'],
    ['upper-case hex', Buffer.from(`KEY=${hex.toUpperCase()}\n`), 'test seed/HEX'],
    ['colon hex wrapped over lines', Buffer.from(`  ${hex.match(/../g)!.slice(0, 15).join(':')}:\n    ${hex.match(/../g)!.slice(15).join(':')}\n`), 'test seed/hex:colons'],
    ['base64 at offset 0', Buffer.from(s.toString('base64')), 'test seed/base64'],
    ['base64 at offset 1, PEM-wrapped', Buffer.from(Buffer.concat([noise(1, 'c'), s, noise(70, 'd')]).toString('base64').replace(/(.{64})/g, '$1\n')), 'test seed/base64'],
    ['base64 at offset 2', Buffer.from(Buffer.concat([noise(2, 'e'), s, noise(3, 'f')]).toString('base64')), 'test seed/base64'],
    ['base64url', Buffer.from(Buffer.concat([noise(4, 'g'), s]).toString('base64url')), 'test seed/base64url'],
    ['passphrase as text', Buffer.from('error: a passphrase nobody guesses is wrong'), 'test pass/text'],
    ['passphrase as hex', Buffer.from(Buffer.from('a passphrase nobody guesses').toString('hex')), 'test pass/hex'],
    ['passphrase as base64', Buffer.from(Buffer.from('xa passphrase nobody guesses').toString('base64')), 'test pass/base64'],
    ['mnemonic words, re-wrapped and upper-cased', Buffer.from(`Share:\n${mnemonic.toUpperCase().split(' ').join('\n   ')}\n`), `test share/words[0..${MNEMONIC_WINDOW - 1}]`],
    ['a partial mnemonic (one window from the middle)', Buffer.from(`words: ${mnemonic.split(' ').slice(5, 5 + MNEMONIC_WINDOW).join('  ')}`), `test share/words[5..${4 + MNEMONIC_WINDOW}]`],
  ];
  for (const [what, bytes, expected] of cases) {
    it(what, () => expect(found(bytes)).toContain(expected));
  }

  it('a passphrase or words inside longer words are prose, not a leak; standing alone they are', () => {
    expect(found(Buffer.from('xa passphrase nobody guessesx'))).toEqual([]);
    expect(found(Buffer.from('"a passphrase nobody guesses"'))).toContain('test pass/text');
  });

  it('finds nothing in unrelated bytes and text', () => {
    expect(found(Buffer.concat([noise(4096, 'h'), Buffer.from(noise(2048, 'i').toString('base64')), Buffer.from('the passphrase is wrong; academic acid acne')]))).toEqual([]);
  });

  it('a secret too short to search without chance matches has no needles (and is not silently "clean")', () => {
    expect(needlesFor({ name: 'x', kind: 'seed', bytes: new Uint8Array(8) })).toEqual([]);
    expect(needlesFor({ name: 'p', kind: 'passphrase', text: 'pass' })).toEqual([]);
  });
});

describe('scanCapture over a planted capture directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-scan-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'blobs'));
  const files: object[] = [];
  const put = (name: string, bytes: Uint8Array | string, role: 'output' | 'input', run = 'r1'): void => {
    const b = Buffer.from(bytes);
    const sha = `${name.replace(/\W/g, '')}`.padEnd(8, 'x');
    fs.writeFileSync(path.join(dir, 'blobs', sha), b);
    files.push({ run, path: `/tmp/x/${name}`, role, sha256: sha, size: b.length });
  };
  const pass = 'planted passphrase for the scan test';
  const keySeed = drbgBytes('secret-scan-test', 'key', 32);
  const der = encodePrivateKey('ml-dsa-44', keySeed);
  const enc = encryptPrivateKey(der, new TextEncoder().encode(pass), { kdf: 'scrypt', rng: seededRng('scan-enc'), scrypt: { N: 1024, r: 8, p: 1 } });
  const shares = splitSecret(drbgBytes('secret-scan-test', 'root', 32), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], rng: seededRng('scan-split') })[0]!;
  shares.forEach((m, i) => put(`s${i}.share.json`, encryptShareFile({ mnemonic: m, ceremony: 'c', custodian: `c${i}`, rootFingerprint: 'f' }, pass, { rng: seededRng(`sf${i}`), costs: { N: 1024, r: 8, p: 1 } }), 'output'));
  put('key.pem', pemEncode('ENCRYPTED PRIVATE KEY', enc), 'output');
  put('pass.txt', `${pass}\n`, 'input');
  // the leaks: the key's seed in a log, a share's words on stdout, the recovered root secret in hex in a report
  put('audit.log', `{"seed":"${Buffer.from(keySeed).toString('base64')}"}\n`, 'output');
  put('report.txt', `root ${Buffer.from(drbgBytes('secret-scan-test', 'root', 32)).toString('hex')}\n`, 'output');
  fs.writeFileSync(path.join(dir, 'files-1.jsonl'), files.map((f) => `${JSON.stringify(f)}\n`).join(''));
  fs.writeFileSync(
    path.join(dir, 'runs-1.jsonl'),
    `${JSON.stringify({ run: 'r1', kind: 'runWrit', test: 't', cwd: '/tmp/x', args: ['key', 'generate', '--pass-file', 'pass.txt'], code: 1, stdout: `share: ${shares[1]}\n`, stderr: `error: bad passphrase "${pass}"\n`, passphrases: [`${pass}\n`] })}\n`,
  );

  it('opens the encrypted key and share files with the recorded passphrase and finds every planted leak', () => {
    const r = scanCapture(dir);
    expect(r.discovered.encryptedKeysOpened).toBe(1);
    expect(r.discovered.shareFiles - r.discovered.shareFilesUnopened).toBe(3);
    expect(r.discovered.rootSecrets).toBe(1);
    const where = r.findings.map((f) => `${path.basename(f.file.split(' ')[0]!)}:${f.kind}:${f.encoding.replace(/\[.*/, '')}`);
    expect(where).toEqual(expect.arrayContaining(['audit.log:key:base64', 'report.txt:root-secret:hex', 'stdout:mnemonic:words', 'stderr:passphrase:text']));
    // the encrypted files themselves hold no plaintext, and the input pass file is not scanned
    expect(r.findings.filter((f) => /^\/tmp\/x\/(key\.pem|s\d\.share\.json|pass\.txt)$/.test(f.file))).toEqual([]);
    expect(r.inputFiles).toBe(1);
    expect(summaryLine(r)).toMatch(/; \d+ findings/);
  });
});
