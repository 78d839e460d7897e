// `npm run fuzz`: the full fuzz run of issue 8 (100,000 cases per format) in resumable chunks over one vitest process per core, with a table of counts per format.
//
// Usage: node scripts/fuzz.mjs [--cases N] [--chunk N] [--jobs N] [--only NAME[,NAME...]] [--seed S] [--out FILE] [--fresh]
//
// Each format's cases run as chunks of --chunk cases (default 20,000); chunk i uses fast-check seed S + i
// (S defaults to 24301 = 0x5eed, the harness default), so a failure is replayed from its chunk's seed and
// path. Pending chunks go to --jobs vitest processes (longest first onto the least loaded), through
// WRIT_FUZZ_PLAN. A finished chunk's report is written atomically under
// .cache/fuzz-chunks/<code fingerprint>-c<cases>-k<chunk>-s<seed>/, where the fingerprint hashes every
// file under src/ and test/, package-lock.json, vitest.config.ts and this script: a stopped run resumes
// with the chunks it has not finished, and any change to the code under test starts afresh (--fresh
// forces that). The table sums every chunk of a format; fuzz-results.json keeps each chunk. Exit 1 on
// any failure or unfinished chunk.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST = 'test/fuzz/fuzz.test.ts';
const USAGE = 'usage: node scripts/fuzz.mjs [--cases N] [--chunk N] [--jobs N] [--only NAME[,NAME...]] [--seed S] [--out FILE] [--fresh]\n';
const opts = parseFlags(process.argv.slice(2), 'fuzz', USAGE, new Map([['--cases', 1], ['--chunk', 1], ['--jobs', 1], ['--only', 1], ['--seed', 1], ['--out', 1], ['--fresh', 0]]));
const posInt = (name, dflt) => {
  const n = Number(opts.get(name) ?? dflt);
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`fuzz: ${name} must be a positive integer\n`);
    process.exit(2);
  }
  return n;
};
const cases = posInt('--cases', 100_000);
const chunkSize = Math.min(cases, posInt('--chunk', 20_000));
const jobs = posInt('--jobs', os.availableParallelism());
const seedText = opts.get('--seed') ?? '24301';
if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) {
  process.stderr.write('fuzz: --seed must be a non-negative integer (fast-check seed)\n');
  process.exit(2);
}
const seed = Number(seedText);
const outFile = path.resolve(root, opts.get('--out') ?? 'fuzz-results.json');
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');

// The format names, as the test file itself lists them ("<format> (<file>)").
const listed = spawnSync(process.execPath, [vitest, 'list', TEST, '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, WRIT_SECRET_SCAN: '0', WRIT_FUZZ_PLAN: '', WRIT_FUZZ_ONLY: '' } });
if (listed.status !== 0) {
  process.stderr.write(`fuzz: could not list the formats:\n${listed.stderr}`);
  process.exit(1);
}
const all = JSON.parse(listed.stdout.slice(listed.stdout.indexOf('[')))
  .map((t) => /> (\S+) \(([^)]+\.ts)\)$/.exec(t.name)?.[1])
  .filter(Boolean);
const only = opts.get('--only')?.split(',').filter(Boolean);
const unknown = (only ?? []).filter((n) => !all.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`fuzz: unknown format(s): ${unknown.join(', ')}\nknown: ${all.join(', ')}\n`);
  process.exit(2);
}
const names = only ?? all;

/** SHA-256 over the path and bytes of every file of the code under test, in a fixed order. */
function fingerprint() {
  const h = createHash('sha256');
  const files = [];
  const walk = (rel) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const e of fs.readdirSync(abs).sort()) walk(path.join(rel, e));
    } else files.push(rel);
  };
  for (const rel of ['src', 'test', 'package-lock.json', 'vitest.config.ts', 'scripts/fuzz.mjs']) walk(rel);
  for (const rel of files) h.update(`${rel}\0`).update(fs.readFileSync(path.join(root, rel))).update('\0');
  return h.digest('hex');
}
const fp = fingerprint();
const stateDir = path.join(root, '.cache', 'fuzz-chunks', `${fp.slice(0, 16)}-c${cases}-k${chunkSize}-s${seed}`);
if (opts.get('--fresh')) fs.rmSync(stateDir, { recursive: true, force: true });
fs.mkdirSync(stateDir, { recursive: true });

// Rough cost per case in ms (1,500 cases each on the 2-core reference box); only used to balance the
// processes, so a new format without an entry just counts as an average one.
const COST = {
  'envelope-signed': 15, transcript: 10, 'record-bundle': 8.6, envelope: 8, 'audit-log': 6, 'share-set': 6,
  'federation-document': 6, 'chain-leaf': 4.5, 'chain-intermediate': 4, certificate: 3, 'trust-store': 2.8, csr: 3,
  'ceremony-script': 2.7, 'kem-private-key': 2.7, crl: 2.6, 'cms-auth-enveloped-xwing': 2.7, 'cms-auth-enveloped-mlkem': 2.4,
  'cms-signed': 2.3, 'envelope-header': 2.1, 'ceremony-answers': 2, 'signed-baseline': 1.9, 'private-key-encrypted': 1.9,
};
const cost = (j) => (COST[j.format] ?? 2) * j.cases;
const reportFile = (j) => path.join(stateDir, `${j.format}.${j.chunk}.json`);

const chunks = names.flatMap((format) =>
  Array.from({ length: Math.ceil(cases / chunkSize) }, (_, i) => ({ format, chunk: i, cases: Math.min(chunkSize, cases - i * chunkSize), seed: seed + i })),
);
const pending = chunks.filter((j) => !fs.existsSync(reportFile(j)));
const shards = Array.from({ length: Math.min(jobs, Math.max(1, pending.length)) }, () => ({ plan: [], load: 0 }));
for (const j of [...pending].sort((a, b) => cost(b) - cost(a))) {
  const s = shards.reduce((a, b) => (b.load < a.load ? b : a));
  s.plan.push(j);
  s.load += cost(j);
}

console.log(
  `fuzz: ${names.length} formats x ${cases} cases in chunks of ${chunkSize} (seeds ${seed}..${seed + Math.ceil(cases / chunkSize) - 1}); ` +
    `code fingerprint ${fp.slice(0, 16)}; ${chunks.length - pending.length} of ${chunks.length} chunks already done in ${path.relative(root, stateDir)}; ` +
    `${pending.length} to run on ${pending.length === 0 ? 0 : shards.length} processes`,
);
const started = Date.now();
const children = new Set();
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  process.stderr.write('\nfuzz: stopped; finished chunks are kept and a rerun resumes with the rest\n');
  process.exit(130);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-fuzz-logs-'));
const codes = pending.length === 0
  ? []
  : await Promise.all(
      shards.map(
        (s, i) =>
          new Promise((resolve) => {
            const env = { ...process.env, WRIT_FUZZ_PLAN: JSON.stringify(s.plan), WRIT_FUZZ_REPORT_DIR: stateDir, WRIT_SECRET_SCAN: '0' };
            delete env.WRIT_FUZZ_ONLY;
            // A larger young generation: the mutators allocate megabytes per input (measured ~8 % faster).
            const child = spawn(process.execPath, [vitest, 'run', TEST, '--reporter=verbose', '--execArgv=--max-semi-space-size=64'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
            children.add(child);
            const log = fs.createWriteStream(path.join(logDir, `process-${i}.log`));
            let buf = '';
            const onData = (d) => {
              log.write(d);
              buf += d.toString('utf8');
              let nl;
              while ((nl = buf.indexOf('\n')) >= 0) {
                // eslint-disable-next-line no-control-regex
                const line = buf.slice(0, nl).replace(/\x1b\[[0-9;]*m/g, '');
                buf = buf.slice(nl + 1);
                if (/^fuzz |^\s+(FAIL|masked)|Error|Tests\s/.test(line)) console.log(`[${i}] ${line}`);
              }
            };
            child.stdout.on('data', onData);
            child.stderr.on('data', onData);
            child.on('close', (code) => {
              children.delete(child);
              log.end();
              resolve(code ?? 1);
            });
          }),
      ),
    );

const rows = [];
let bad = codes.some((c) => c !== 0);
for (const format of names) {
  const mine = chunks.filter((j) => j.format === format);
  const done = mine.filter((j) => fs.existsSync(reportFile(j))).map((j) => JSON.parse(fs.readFileSync(reportFile(j), 'utf8')));
  const row = { format, chunks: mine.length, chunksDone: done.length, cases: 0, accepted: 0, rejected: {}, masked: {}, failures: [], seconds: 0, perChunk: [] };
  for (const r of done) {
    row.cases += r.cases;
    row.accepted += r.accepted;
    row.seconds += r.seconds;
    for (const [c, n] of Object.entries(r.rejected)) row.rejected[c] = (row.rejected[c] ?? 0) + n;
    for (const [m, n] of Object.entries(r.masked)) row.masked[m] = (row.masked[m] ?? 0) + n;
    row.failures.push(...r.failures);
    row.perChunk.push({ chunk: r.chunk, seed: r.seed, cases: r.cases, accepted: r.accepted, failures: r.failures.length, seconds: r.seconds, finishedAt: r.finishedAt });
  }
  if (row.cases !== cases || row.failures.length > 0) bad = true;
  rows.push(row);
}
const pad = (s, w) => String(s).padEnd(w);
const num = (s, w) => String(s).padStart(w);
console.log('');
console.log(`${pad('format', 28)}${num('cases', 9)}${num('accepted', 10)}${num('rejected', 10)}${num('failures', 10)}${num('masked', 8)}${num('s', 8)}  rejections by code`);
for (const r of rows) {
  const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0);
  const masked = Object.values(r.masked).reduce((a, b) => a + b, 0);
  const codesText = Object.entries(r.rejected).sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c}=${k}`).join(' ');
  const partial = r.chunksDone < r.chunks ? `  [${r.chunksDone}/${r.chunks} chunks]` : '';
  console.log(`${pad(r.format, 28)}${num(r.cases, 9)}${num(r.accepted, 10)}${num(rejected, 10)}${num(r.failures.length, 10)}${num(masked, 8)}${num(r.seconds.toFixed(0), 8)}  ${codesText}${partial}`);
}
const total = rows.reduce((a, r) => a + r.cases, 0);
const failures = rows.reduce((a, r) => a + r.failures.length, 0);
const unfinished = rows.filter((r) => r.chunksDone < r.chunks).length;
const wall = (Date.now() - started) / 1000;
console.log(`\n${rows.length} formats, ${total} of ${rows.length * cases} cases, ${failures} failures, ${unfinished} formats unfinished; this run ${wall.toFixed(0)} s wall`);
const tmp = `${outFile}.${process.pid}.tmp`;
fs.writeFileSync(
  tmp,
  `${JSON.stringify({ cases, chunk: chunkSize, seed, fingerprint: fp, processes: shards.length, wallSeconds: wall, node: process.version, complete: !bad, formats: rows }, null, 2)}\n`,
);
fs.renameSync(tmp, outFile);
console.log(`results written to ${path.relative(process.cwd(), outFile) || outFile}; process logs in ${logDir}`);
process.exit(bad ? 1 : 0);
