// Benchmarks (npm run bench): cold start of the bundled CLI against `node -e 0`, measured in one run on one machine.
//
// Absolute times on shared machines are noisy, so every figure is reported next to a baseline taken in
// the same run, and as a ratio to it. Results go to bench/results.json and a table on stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'writ.mjs');
const runs = Number(process.env.BENCH_RUNS ?? 21);

function run(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, stderr: r.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Interleaves the cases run by run, so that drift in machine load hits every case alike. */
function measure(cases, cwd) {
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (const c of cases) run(c.args, cwd); // warm the file cache once
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const r = run(c.args, cwd);
      if (r.status !== c.expectStatus) throw new Error(`${c.name}: exit ${r.status}, expected ${c.expectStatus}\n${r.stderr}`);
      times[c.name].push(r.ms);
    }
  }
  return times;
}

const dir = mkdtempSync(join(tmpdir(), 'writ-bench-'));
try {
  const demo = run([bundle, 'demo', '--out', dir, '--force'], root);
  if (demo.status !== 0) throw new Error(`writ demo failed:\n${demo.stderr}`);
  // A 3-certificate ML-DSA-87 chain (enclave CA <- north regional CA <- root) with two CRLs.
  const chain = [bundle, 'verify', 'chain', 'harbor-ca.pem', '--trust', 'root.pem', '--untrusted', 'north.pem',
    '--crl', 'root.crl', '--crl', 'north.crl', '--at', '2026-06-01T12:00:00Z'];
  const cases = [
    { name: 'node -e 0', args: ['-e', '0'], expectStatus: 0 },
    { name: 'writ --version', args: [bundle, '--version'], expectStatus: 0 },
    { name: 'writ verify chain (3x ML-DSA-87, 2 CRLs)', args: chain, expectStatus: 0 },
  ];
  const times = measure(cases, dir);
  const base = median(times['node -e 0']);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    bundleBytes: statSync(bundle).size,
    coldStart: cases.map((c) => ({
      name: c.name,
      medianMs: Number(median(times[c.name]).toFixed(1)),
      minMs: Number(Math.min(...times[c.name]).toFixed(1)),
      ratioToNode: Number((median(times[c.name]) / base).toFixed(2)),
    })),
  };
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`writ bench: ${runs} interleaved runs each, Node ${process.version}, bundle ${(results.bundleBytes / 1024).toFixed(0)} KiB`);
  console.log('case'.padEnd(44) + 'median ms'.padStart(10) + 'min ms'.padStart(9) + '  x node -e 0');
  for (const r of results.coldStart) {
    console.log(r.name.padEnd(44) + String(r.medianMs).padStart(10) + String(r.minMs).padStart(9) + `  ${r.ratioToNode}`);
  }
  console.log('written: bench/results.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
