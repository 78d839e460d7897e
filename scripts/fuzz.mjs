// `npm run fuzz`: the full fuzz run of issue 8 (100,000 cases per format), split over one vitest process per core, with a table of counts per format.
//
// Usage: node scripts/fuzz.mjs [--cases N] [--jobs N] [--only NAME[,NAME...]] [--seed S] [--out FILE]
// Each process runs test/fuzz/fuzz.test.ts with WRIT_FUZZ_ONLY set to its share of the formats and
// WRIT_FUZZ_REPORT_DIR set to a temp folder; this script reads the per-format reports back, prints one
// line per format, writes them all to fuzz-results.json and exits 1 on any failure or missing report.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST = 'test/fuzz/fuzz.test.ts';
const USAGE = 'usage: node scripts/fuzz.mjs [--cases N] [--jobs N] [--only NAME[,NAME...]] [--seed S] [--out FILE]\n';
// A mistyped flag must not start a run of an hour or more: only the flags above are accepted.
const FLAGS = new Set(['--cases', '--jobs', '--only', '--seed', '--out']);
const args = process.argv.slice(2);
const opts = new Map();
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === '--help' || args[i] === '-h') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (!FLAGS.has(args[i]) || args[i + 1] === undefined) {
    process.stderr.write(`fuzz: unknown or incomplete option ${args[i]}\n${USAGE}`);
    process.exit(2);
  }
  opts.set(args[i], args[i + 1]);
}
const posInt = (name, dflt) => {
  const n = Number(opts.get(name) ?? dflt);
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`fuzz: ${name} must be a positive integer\n`);
    process.exit(2);
  }
  return n;
};
const cases = posInt('--cases', 100_000);
const jobs = posInt('--jobs', os.availableParallelism());
const seed = opts.get('--seed');
if (seed !== undefined && !/^\d+$/.test(seed)) {
  process.stderr.write('fuzz: --seed must be a non-negative integer (fast-check seed)\n');
  process.exit(2);
}
const outFile = path.resolve(root, opts.get('--out') ?? 'fuzz-results.json');
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');

// The format names, as the test file itself lists them ("<format> (<file>)").
const listed = spawnSync(process.execPath, [vitest, 'list', TEST, '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, WRIT_SECRET_SCAN: '0' } });
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

// Rough cost per case in ms (measured with 1,500 cases each on the 2-core reference box); only used to
// balance the processes, so a new format without an entry just counts as an average one.
const COST = {
  'envelope-signed': 15, transcript: 10, 'record-bundle': 8.6, envelope: 8, 'audit-log': 6, 'share-set': 6,
  'federation-document': 6, 'chain-leaf': 4.5, 'chain-intermediate': 4, certificate: 3, 'trust-store': 2.8, csr: 3,
  'ceremony-script': 2.7, 'kem-private-key': 2.7, crl: 2.6, 'cms-auth-enveloped-xwing': 2.7, 'cms-auth-enveloped-mlkem': 2.4,
  'cms-signed': 2.3, 'envelope-header': 2.1, 'ceremony-answers': 2, 'signed-baseline': 1.9, 'private-key-encrypted': 1.9,
};
const cost = (n) => COST[n] ?? 2;
// Longest first onto the least loaded process (LPT scheduling).
const shards = Array.from({ length: Math.min(jobs, names.length) }, () => ({ names: [], load: 0 }));
for (const n of [...names].sort((a, b) => cost(b) - cost(a))) {
  const s = shards.reduce((a, b) => (b.load < a.load ? b : a));
  s.names.push(n);
  s.load += cost(n);
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-fuzz-'));
console.log(`fuzz: ${names.length} formats x ${cases} cases, ${shards.length} processes${seed ? `, seed ${seed}` : ''}`);
const started = Date.now();
const codes = await Promise.all(
  shards.map(
    (s, i) =>
      new Promise((resolve) => {
        const env = { ...process.env, WRIT_FUZZ_CASES: String(cases), WRIT_FUZZ_ONLY: s.names.join(','), WRIT_FUZZ_REPORT_DIR: reportDir, WRIT_SECRET_SCAN: '0' };
        if (seed) env.WRIT_FUZZ_SEED = seed;
        const child = spawn(process.execPath, [vitest, 'run', TEST, '--reporter=verbose'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const log = fs.createWriteStream(path.join(reportDir, `process-${i}.log`));
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
          log.end();
          resolve(code ?? 1);
        });
      }),
  ),
);

const rows = [];
let bad = codes.some((c) => c !== 0);
for (const n of names) {
  const f = path.join(reportDir, `${n}.json`);
  if (!fs.existsSync(f)) {
    rows.push({ format: n, missing: true });
    bad = true;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (r.cases !== cases || r.failures.length > 0) bad = true;
  rows.push(r);
}
const pad = (s, w) => String(s).padEnd(w);
const num = (s, w) => String(s).padStart(w);
console.log('');
console.log(`${pad('format', 28)}${num('cases', 9)}${num('accepted', 10)}${num('rejected', 10)}${num('failures', 10)}${num('masked', 8)}${num('s', 8)}  rejections by code`);
for (const r of rows) {
  if (r.missing) {
    console.log(`${pad(r.format, 28)}  NO REPORT (its process failed: see the log lines above)`);
    continue;
  }
  const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0);
  const masked = Object.values(r.masked).reduce((a, b) => a + b, 0);
  const codesText = Object.entries(r.rejected).sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c}=${k}`).join(' ');
  console.log(`${pad(r.format, 28)}${num(r.cases, 9)}${num(r.accepted, 10)}${num(rejected, 10)}${num(r.failures.length, 10)}${num(masked, 8)}${num(r.seconds.toFixed(0), 8)}  ${codesText}`);
}
const total = rows.filter((r) => !r.missing).reduce((a, r) => a + r.cases, 0);
const failures = rows.filter((r) => !r.missing).reduce((a, r) => a + r.failures.length, 0);
const wall = (Date.now() - started) / 1000;
console.log(`\n${rows.length} formats, ${total} cases, ${failures} failures, ${rows.filter((r) => r.missing).length} missing, ${wall.toFixed(0)} s wall`);
const tmp = `${outFile}.${process.pid}.tmp`;
fs.writeFileSync(tmp, `${JSON.stringify({ cases, seed: seed === undefined ? null : Number(seed), processes: shards.length, wallSeconds: wall, node: process.version, formats: rows }, null, 2)}\n`);
fs.renameSync(tmp, outFile);
console.log(`results written to ${path.relative(process.cwd(), outFile) || outFile}; process logs in ${reportDir}`);
process.exit(bad ? 1 : 0);
