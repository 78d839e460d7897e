// Secret-hygiene scan of a whole test run's capture (test/helpers/capture.ts): which secrets to look for, where, and what is exempt.
//
// Secrets (issue 8 "Secret hygiene"), from three sources:
//  1. fixture seeds: every seed string passed to buildFixturePki in test/ and src/demo (and DEMO_SEED),
//     expanded to the key seeds src/fixtures/pki.ts and src/demo derive (drbgBytes(seed, "key:<label>"));
//  2. passphrases: every --pass-file and ceremony answers file the captured runs named, the rehearsal
//     passphrases, the demo's, and the literal ones in test/e2e;
//  3. discovered: every private key, encrypted key and share file seen in the run (inputs and outputs)
//     is opened (encrypted ones with each known passphrase): its seed, its share's value and words, and,
//     where a ceremony's shares reach their threshold, the recovered root secret join the list.
// Every captured stdout/stderr (incl. tmux screens) and every file a writ run wrote is then searched.
// Exempt, and reported as such: files a test wrote itself (inputs); an unencrypted PKCS#8 key file
// containing its own seed (only written under --insecure-no-pass); a file whose whole content is one
// known passphrase (a pass file writ was asked to write: the demo's provisioning/pass.txt).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import { DEMO_SEED } from '../../src/demo/demo.js';
import { DEMO_PASS } from '../../src/demo/provisioning.js';
import { REHEARSAL_PEOPLE, rehearsalPass } from '../../src/ceremony/rehearsal.js';
import { pemDecodeAll } from '../../src/core/asn1/pem.js';
import { decodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { decodeDer, decodeInteger, decodeOctetString, decodeOid, seqOf } from '../../src/core/asn1/der.js';
import { createDecipheriv, pbkdf2Sync, scryptSync } from 'node:crypto';
import { canonicalBytes } from '../../src/core/json/canonical.js';
import { combineMnemonics, decodeMnemonic } from '../../src/core/shares/slip39.js';
import { toHex } from '../../src/core/crypto/bytes.js';
import { dedupeSecrets, needlesFor, scanBytes, type Finding, type Needle, type Secret } from './secrets.js';

export interface CapturedRun {
  run: string;
  kind: string;
  test: string;
  cwd: string;
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  passphrases: string[];
}

export interface CapturedFile {
  run: string;
  path: string;
  role: 'output' | 'input';
  sha256?: string;
  size: number;
  skipped?: string;
}

export interface ScanReport {
  runs: number;
  streams: number;
  outputFiles: number;
  inputFiles: number;
  bytesScanned: number;
  secrets: number;
  secretsByKind: Record<string, number>;
  needles: number;
  encodings: string[];
  exempt: { file: string; why: string }[];
  skipped: string[];
  findings: (Finding & { test?: string; args?: string })[];
  ms?: { discover: number; scan: number };
  discovered: { keys: number; encryptedKeysOpened: number; encryptedKeysUnopened: number; shareFiles: number; shareFilesUnopened: number; rootSecrets: number };
}

const REPO = path.resolve(import.meta.dirname, '../..');

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** Seed strings given to buildFixturePki anywhere in test/ or src/demo, plus the demo's. */
export function fixtureSeedStrings(): string[] {
  const out = new Set<string>([DEMO_SEED]);
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) for (const m of fs.readFileSync(p, 'utf8').matchAll(/buildFixturePki\('([^']+)'/g)) out.add(m[1]!);
    }
  };
  walk(path.join(REPO, 'test'));
  walk(path.join(REPO, 'src/demo'));
  return [...out];
}

/** The key labels src/fixtures/pki.ts, src/demo and src/enclave derive from a fixture seed. */
const FIXTURE_LABELS = [
  'root',
  'region:north',
  'region:south',
  ...['harbor', 'orchard'].flatMap((e) => ['ca', 'signing', 'kem', 'workload', 'link'].map((k) => `enclave:${e}:${k}`)),
  'baseline-authority',
  'crossing-authority',
  'ally:root',
  ...['east', 'west'].flatMap((r) => [`ally:region:${r}`, `ally:enclave:${r}`, `ally:enclave:${r}:signing`, `ally:workload:${r}`]),
];

export function fixtureSecrets(): Secret[] {
  const out: Secret[] = [];
  for (const seed of fixtureSeedStrings()) {
    for (const label of FIXTURE_LABELS) {
      // 64 bytes covers ML-KEM's d||z; its first 32 bytes are the ML-DSA / X-Wing seed of the same label.
      out.push({ name: `fixture "${seed}" key:${label}`, kind: 'seed', bytes: drbgBytes(seed, `key:${label}`, 32) });
      out.push({ name: `fixture "${seed}" key:${label} (64)`, kind: 'seed', bytes: drbgBytes(seed, `key:${label}`, 64) });
    }
  }
  out.push({ name: 'e2e baseline-authority', kind: 'seed', bytes: drbgBytes('e2e', 'baseline-authority', 32) });
  return out;
}

/** Passphrases written literally in test/e2e and the demo (besides those read from pass files at run time). */
export function staticPassphrases(): string[] {
  const people = [REHEARSAL_PEOPLE.administrator, REHEARSAL_PEOPLE.witness, ...REHEARSAL_PEOPLE.custodians];
  return [
    DEMO_PASS,
    ...people.map(rehearsalPass),
    ...people.map((n) => `${n} types a long passphrase`), // test/e2e/ceremony-interactive.test.ts
    'correct horse battery staple',
    'e2e passphrase',
    'harbor pass',
  ];
}

function cleanPass(p: string): string {
  return p.replace(/\r?\n$/, '');
}

interface Discovered {
  secrets: Secret[];
  plaintextKeyFiles: Map<string, Set<string>>; // sha -> secret names it may contain (its own seed)
  stats: ScanReport['discovered'];
}

/**
 * PBES2 (RFC 8018 §6.2) decryption with node:crypto's native scrypt / PBKDF2 and AES-256-CBC: the same
 * result as writ's decryptPrivateKey, ~50x faster than its pure-JS KDFs, which matters when a scan tries
 * several passphrases on dozens of keys. Throws on a wrong passphrase (bad padding) or another format.
 */
function pbes2Decrypt(der: Uint8Array, pass: string): Uint8Array {
  const [alg, data] = seqOf(decodeDer(der), 'EncryptedPrivateKeyInfo');
  const [, params] = seqOf(alg, 'pbes2');
  const [kdf, enc] = seqOf(params, 'PBES2-params');
  const [kdfOid, kdfParams] = seqOf(kdf, 'kdf');
  const kp = seqOf(kdfParams, 'kdf params');
  const salt = decodeOctetString(kp[0], 'salt');
  const pw = Buffer.from(pass, 'utf8');
  let key: Buffer;
  if (decodeOid(kdfOid, 'kdf') === '1.3.6.1.4.1.11591.4.11') {
    const [N, r, p] = [1, 2, 3].map((i) => Number(decodeInteger(kp[i], 'scrypt param')));
    key = scryptSync(pw, salt, 32, { N: N!, r: r!, p: p!, maxmem: 256 * 128 * N! * r! * p! });
  } else {
    const iter = Number(decodeInteger(kp[1], 'iterations'));
    const prf = kp.find((t, i) => i >= 2 && t.constructed);
    const hash = prf ? ({ '1.2.840.113549.2.9': 'sha256', '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512' } as Record<string, string>)[decodeOid(seqOf(prf, 'prf')[0], 'prf')] ?? 'sha1' : 'sha1';
    key = pbkdf2Sync(pw, salt, iter, 32, hash);
  }
  const iv = decodeOctetString(seqOf(enc, 'enc')[1], 'iv');
  const d = createDecipheriv('aes-256-cbc', key, iv);
  return new Uint8Array(Buffer.concat([d.update(decodeOctetString(data, 'data')), d.final()]));
}

/** A share file (src/core/shares/share-file.ts) opened with node:crypto's native scrypt and AES-256-GCM: the mnemonic and its header. */
function shareFileDecrypt(bytes: Uint8Array, pass: string): { mnemonic: string; custodian: string; ceremony: string } {
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown> & { kdf: { salt: string; N: number; r: number; p: number }; cipher: { nonce: string }; ciphertext: string; custodian: string; ceremony: string };
  const { ciphertext, ...header } = doc;
  const key = scryptSync(Buffer.from(pass.normalize('NFC'), 'utf8'), Buffer.from(doc.kdf.salt, 'hex'), 32, { N: doc.kdf.N, r: doc.kdf.r, p: doc.kdf.p, maxmem: 256 * 128 * doc.kdf.N * doc.kdf.r * doc.kdf.p });
  const ct = Buffer.from(ciphertext, 'hex');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(doc.cipher.nonce, 'hex'));
  d.setAAD(canonicalBytes(header));
  d.setAuthTag(ct.subarray(ct.length - 16));
  const mnemonic = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]).toString('utf8');
  return { mnemonic, custodian: doc.custodian, ceremony: doc.ceremony };
}

/** Passphrases tried on one encrypted file beyond the ones its own runs used. */
const MAX_TRIES = 8;

/** Opens every key and share file seen (inputs and outputs) to learn the secrets inside them. */
export function discover(blobs: Map<string, { bytes: Uint8Array; passHints: string[]; path: string }>, passphrases: string[]): Discovered {
  const secrets: Secret[] = [];
  const plaintextKeyFiles = new Map<string, Set<string>>();
  const stats = { keys: 0, encryptedKeysOpened: 0, encryptedKeysUnopened: 0, shareFiles: 0, shareFilesUnopened: 0, rootSecrets: 0 };
  const mnemonics = new Map<number, Set<string>>();
  const addKey = (der: Uint8Array, name: string): string[] => {
    const names: string[] = [];
    try {
      const k = decodePrivateKey(der);
      if (k.seed) secrets.push({ name: `${name} seed`, kind: 'key', bytes: k.seed }), names.push(`${name} seed`);
      // The secret half of an expanded ML-DSA key starts after rho (public): K at bytes 32..64 (FIPS 204 §7.2).
      if (k.expandedKey) secrets.push({ name: `${name} expanded`, kind: 'key', bytes: k.expandedKey.subarray(32, 64) }), names.push(`${name} expanded`);
      stats.keys++;
    } catch {
      /* not a key we can read */
    }
    return names;
  };
  for (const [sha, b] of blobs) {
    if (b.bytes.length > 4 * 1024 * 1024) continue;
    const text = Buffer.from(b.bytes).toString('latin1');
    // The passphrases of the runs that touched the file (or ran in a directory above it) first; the rest
    // only up to MAX_TRIES in all (a wrong try costs a full KDF run: seconds for PBKDF2 at 600,000).
    // Passphrases naming someone in the file's path or content (a custodian's own) go right after the hints.
    const named = passphrases.filter((p) => p.split(/\W+/).some((w) => w.length >= 3 && /^[A-Z]/.test(w) ? text.includes(w) || b.path.includes(w) : false) || p.split(/\s+/).some((w) => w.length >= 3 && b.path.toLowerCase().includes(`/${w.toLowerCase()}`)));
    const order = [...new Set([...b.passHints.map(cleanPass), ...named, ...passphrases])].slice(0, Math.max(MAX_TRIES, new Set(b.passHints).size + named.length));
    if (text.includes('-----BEGIN ')) {
      let blocks: { label: string; der: Uint8Array }[] = [];
      try {
        blocks = pemDecodeAll(text);
      } catch {
        /* not PEM after all */
      }
      for (const blk of blocks) {
        if (blk.label === 'PRIVATE KEY') {
          const names = addKey(blk.der, `plaintext key ${path.basename(b.path)}`);
          plaintextKeyFiles.set(sha, new Set([...(plaintextKeyFiles.get(sha) ?? []), ...names]));
        } else if (blk.label === 'ENCRYPTED PRIVATE KEY') {
          let opened = false;
          for (const p of order) {
            try {
              const der = pbes2Decrypt(blk.der, p);
              addKey(der, `encrypted key ${path.basename(b.path)}`);
              opened = true;
              break;
            } catch {
              /* next passphrase */
            }
          }
          if (opened) stats.encryptedKeysOpened++;
          else stats.encryptedKeysUnopened++;
        }
      }
    }
    if (text.includes('"writ-share-file"')) {
      stats.shareFiles++;
      let opened = false;
      for (const p of order) {
        try {
          const c = shareFileDecrypt(b.bytes, p);
          const s = decodeMnemonic(c.mnemonic);
          secrets.push({ name: `share ${c.custodian}@${c.ceremony} words`, kind: 'mnemonic', words: c.mnemonic.split(' ') });
          secrets.push({ name: `share ${c.custodian}@${c.ceremony} value`, kind: 'share-value', bytes: s.value });
          const set = mnemonics.get(s.identifier) ?? new Set<string>();
          set.add(c.mnemonic);
          mnemonics.set(s.identifier, set);
          opened = true;
          break;
        } catch {
          /* next passphrase */
        }
      }
      if (!opened) stats.shareFilesUnopened++;
    }
  }
  for (const [id, set] of mnemonics) {
    try {
      const secret = combineMnemonics([...set]);
      secrets.push({ name: `root secret of share set ${id}`, kind: 'root-secret', bytes: secret });
      stats.rootSecrets++;
    } catch {
      /* below threshold, or several secrets under one identifier */
    }
  }
  return { secrets, plaintextKeyFiles, stats };
}

/** Scans a capture directory; the report lists every finding (an empty list is the pass). */
export function scanCapture(dir: string): ScanReport {
  const runs: CapturedRun[] = [];
  const files: CapturedFile[] = [];
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (/^runs-\d+\.jsonl$/.test(f)) runs.push(...readJsonl<CapturedRun>(path.join(dir, f)));
    if (/^files-\d+\.jsonl$/.test(f)) files.push(...readJsonl<CapturedFile>(path.join(dir, f)));
  }
  const runById = new Map(runs.map((r) => [r.run, r]));
  const passFromRuns = runs.flatMap((r) => r.passphrases.map(cleanPass));
  const passphrases = [...new Set([...staticPassphrases(), ...passFromRuns])].filter((p) => p.length > 0);

  // Every distinct blob, with the passphrases of the run that touched it as the first guesses.
  const blobs = new Map<string, { bytes: Uint8Array; passHints: string[]; path: string; roles: Set<string> }>();
  // Runs by working directory: a file under a run's cwd gets that run's passphrases as hints.
  const passByDir = new Map<string, string[]>();
  for (const r of runs) if (r.passphrases.length) passByDir.set(r.cwd, [...(passByDir.get(r.cwd) ?? []), ...r.passphrases]);
  const dirHints = (p: string): string[] => {
    const out: string[] = [];
    for (let d = path.dirname(p); d !== path.dirname(d); d = path.dirname(d)) out.push(...(passByDir.get(d) ?? []));
    return out;
  };
  for (const f of files) {
    if (!f.sha256) continue;
    const b = blobs.get(f.sha256) ?? { bytes: new Uint8Array(fs.readFileSync(path.join(dir, 'blobs', f.sha256))), passHints: [], path: f.path, roles: new Set<string>() };
    b.passHints.push(...(runById.get(f.run)?.passphrases ?? []), ...dirHints(f.path));
    b.roles.add(f.role);
    blobs.set(f.sha256, b);
  }
  const t0 = Date.now();
  const found = discover(blobs, passphrases);
  const tDiscover = Date.now() - t0;
  const secrets = dedupeSecrets([
    ...fixtureSecrets(),
    ...passphrases.map((p, i): Secret => ({ name: `passphrase #${i} (${p.length} chars)`, kind: 'passphrase', text: p })),
    ...found.secrets,
  ]);
  const needles: Needle[] = secrets.flatMap(needlesFor);
  const report: ScanReport = {
    runs: runs.length,
    streams: 0,
    outputFiles: 0,
    inputFiles: 0,
    bytesScanned: 0,
    secrets: secrets.length,
    secretsByKind: {},
    needles: needles.length,
    encodings: [...new Set(needles.map((n) => n.encoding.replace(/\[.*$/, '')))].sort(),
    exempt: [],
    skipped: files.filter((f) => f.skipped).map((f) => `${f.path}: ${f.skipped}`),
    findings: [],
    discovered: found.stats,
  };
  for (const s of secrets) report.secretsByKind[s.kind] = (report.secretsByKind[s.kind] ?? 0) + 1;
  const t1 = Date.now();
  const passSet = new Set(passphrases);
  for (const r of runs) {
    for (const [label, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
      if (!text) continue;
      report.streams++;
      const bytes = Buffer.from(text, 'utf8');
      report.bytesScanned += bytes.length;
      for (const fd of scanBytes(`${label} of \`writ ${r.args.join(' ')}\``, bytes, needles)) report.findings.push({ ...fd, test: r.test });
    }
  }
  const fixtureConfigs = new Set(
    files.filter((f) => f.sha256 && ['config.json', 'enclave.json'].includes(path.basename(f.path)) && /"fixtureKeys"\s*:\s*true/.test(fs.readFileSync(path.join(dir, 'blobs', f.sha256), 'utf8'))).map((f) => path.dirname(f.path)),
  );
  const inFixtureEnclave = (p: string): boolean => {
    for (let d = path.dirname(p); d !== path.dirname(d); d = path.dirname(d)) if (fixtureConfigs.has(d)) return true;
    return false;
  };
  for (const [sha, b] of blobs) {
    if (!b.roles.has('output')) {
      report.inputFiles++;
      continue;
    }
    report.outputFiles++;
    report.bytesScanned += b.bytes.length;
    const own = found.plaintextKeyFiles.get(sha);
    const content = Buffer.from(b.bytes).toString('utf8').replace(/\r?\n$/, '');
    if (passSet.has(content)) {
      report.exempt.push({ file: b.path, why: 'a passphrase file writ was asked to write (its whole content is the passphrase)' });
      continue;
    }
    const who = files.find((f) => f.sha256 === sha && f.role === 'output');
    const run = who ? runById.get(who.run) : undefined;
    // A plaintext key is exempt (for its own seed only) when the run that wrote it asked for one explicitly,
    // or when it lives in a fixture enclave (config.json "fixtureKeys": true: keys in the clear by design).
    const insecure = own !== undefined && ((run?.args.some((a) => a.startsWith('--insecure')) ?? false) || inFixtureEnclave(b.path));
    const fds = scanBytes(b.path, b.bytes, needles).filter((fd) => !(insecure && (own?.has(fd.secret) ?? false)));
    if (insecure) report.exempt.push({ file: b.path, why: 'an unencrypted PKCS#8 key file written under --insecure-no-pass or in a fixture enclave: its own seed only' });
    for (const fd of fds) report.findings.push({ ...fd, ...(run ? { test: run.test, args: run.args.join(' ') } : {}) });
  }
  report.ms = { discover: tDiscover, scan: Date.now() - t1 };
  return report;
}

/** One line for the test log. */
export function summaryLine(r: ScanReport): string {
  const kinds = Object.entries(r.secretsByKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return (
    `secret scan: ${r.runs} runs, ${r.streams} output streams + ${r.outputFiles} output files (${r.inputFiles} test inputs not scanned), ` +
    `${r.bytesScanned} bytes; ${r.secrets} secrets (${kinds}) as ${r.needles} needles in ${r.encodings.length} encodings (${r.encodings.join(', ')}); ` +
    `opened ${r.discovered.encryptedKeysOpened}/${r.discovered.encryptedKeysOpened + r.discovered.encryptedKeysUnopened} encrypted keys, ` +
    `${r.discovered.shareFiles - r.discovered.shareFilesUnopened}/${r.discovered.shareFiles} share files, ${r.discovered.rootSecrets} root secrets; ` +
    `${r.exempt.length} exempt; ${r.findings.length} findings${r.ms ? ` (${Math.round(r.ms.discover / 1000)} s opening files, ${Math.round(r.ms.scan / 1000)} s scanning)` : ''}`
  );
}

export { toHex };
