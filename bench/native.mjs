// Bench module "native" (issue 6 target 3): noble vs node:crypto (OpenSSL 3.5) backends under Node 26, per operation; nativeSpeedup = ML-DSA-87 verify.
//
// bench/native-ops.ts is bundled with esbuild (the bundler tsup installs; writ is not rebuilt) and run
// under ctx.node26; it times every operation with both backends over the same seeded inputs. The key
// figure is ML-DSA-87 verify (what chain and batch verification are bound by): native verifies/s over
// noble verifies/s, both measured in the same Node 26 process (alternating rounds, median of each). Signing and encapsulation stay on noble
// in both backends (they take randomness from writ only), so their columns show ~1x by design.
// Not quick: `writ verify chain` end to end under Node 26 (the demo's 3-certificate ML-DSA-87 chain and
// two CRLs) with --crypto-backend noble and native, median wall time.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, round } from './lib.mjs';

const AT = '2026-06-01T12:00:00Z';

/** Prints the process's own CPU time (user + system, ms) on stderr at exit: less load-sensitive than wall time. */
const CPU_HOOK = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('writ-bench-cpu-ms '+((u.user+u.system)/1000)+'\\n')})`;

function wall(cmd, args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, ['--import', CPU_HOOK, ...args], { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')}: exit ${r.status}\n${r.stderr}`);
  const cpu = /writ-bench-cpu-ms ([0-9.]+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? Number(cpu[1]) : NaN };
}

/** `writ verify chain` under Node 26 with each backend (interleaved runs), median ms. */
function chainEndToEnd(ctx) {
  const dir = path.join(ctx.tmp, 'pki');
  const demo = spawnSync(process.execPath, [ctx.bundle, 'demo', '--out', dir, '--force'], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`writ demo failed (exit ${demo.status}):\n${demo.stderr}`);
  const chain = ['verify', 'chain', 'harbor-ca.pem', '--trust', 'root.pem', '--untrusted', 'north.pem', '--crl', 'root.crl', '--crl', 'north.crl', '--at', AT];
  const times = { noble: [], native: [] };
  for (let i = 0; i < 11; i++) {
    for (const b of ['noble', 'native']) times[b].push(wall(ctx.node26, [ctx.bundle, '--crypto-backend', b, ...chain], dir));
  }
  const med = (b, k) => median(times[b].map((t) => t[k]));
  return {
    command: `node26 dist/writ.mjs --crypto-backend <b> ${chain.join(' ')}`,
    runs: 11,
    nobleMs: round(med('noble', 'ms')),
    nativeMs: round(med('native', 'ms')),
    wallSpeedup: round(med('noble', 'ms') / med('native', 'ms')),
    nobleCpuMs: round(med('noble', 'cpuMs')),
    nativeCpuMs: round(med('native', 'cpuMs')),
    cpuSpeedup: round(med('noble', 'cpuMs') / med('native', 'cpuMs')),
  };
}

export async function run(ctx) {
  if (!ctx.node26) return { skipped: 'Node.js 26 (OpenSSL 3.5 with ML-DSA / ML-KEM) not found at .cache/node26: run scripts/setup-interop.sh' };
  const { build } = await import('esbuild');
  // Built like dist/writ.mjs (the bundle's own esbuild plugins: SHA-3 / SHAKE through node:crypto), so the
  // noble column is the noble that writ ships, not a slower pure-JS keccak.
  const plugins = await import(pathToFileURL(path.join(ctx.root, 'scripts', 'bundle-plugins.mjs')).href);
  const hashes = plugins.nativeHashesPlugin ?? plugins.nativeSha3Plugin;
  const entry = path.join(ctx.tmp, 'native-ops.mjs');
  await build({
    entryPoints: [path.join(ctx.root, 'bench', 'native-ops.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    absWorkingDir: ctx.root,
    plugins: [plugins.lazyBuiltinsPlugin(), ...(hashes ? [hashes(ctx.root)] : [])],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const r = spawnSync(ctx.node26, [entry, ctx.seed, ctx.quick ? '1' : '0'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`native-ops under Node 26 failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  const rep = JSON.parse(r.stdout.trim().split('\n').pop());
  if (rep.active !== 'native') throw new Error(`Node 26 did not select the native backend under auto (got ${rep.active})`);
  const perOp = {};
  for (const [name, o] of Object.entries(rep.ops)) {
    perOp[name] = { nobleOpsPerSec: o.noble, nativeOpsPerSec: o.native, speedup: round(o.native / o.noble), path: o.path };
    ctx.log(`${name.padEnd(40)} noble ${String(o.noble).padStart(9)}/s  native ${String(o.native).padStart(9)}/s  ${round(o.native / o.noble)}x  (${o.path})`);
  }
  const v87 = rep.ops['ml-dsa-87 verify'];
  const detail = { nobleHashes: hashes ? 'SHA-3/SHAKE through node:crypto, as in dist/writ.mjs' : 'pure-JS noble', node26: rep.node, openssl: rep.openssl, budgetMsPerMeasurement: rep.budgetMs, rounds: rep.rounds, perOp };
  if (!ctx.quick) {
    try {
      detail.verifyChainNode26 = chainEndToEnd(ctx);
      const v = detail.verifyChainNode26;
      ctx.log(`writ verify chain (Node 26), median of ${v.runs}: wall noble ${v.nobleMs} ms / native ${v.nativeMs} ms; CPU noble ${v.nobleCpuMs} ms / native ${v.nativeCpuMs} ms`);
    } catch (e) {
      detail.verifyChainNode26 = { error: String(e).split('\n')[0] };
    }
  }
  return {
    results: {
      nativeSpeedup: {
        value: round(v87.native / v87.noble),
        unit: '×',
        baseline: { name: 'noble ML-DSA-87 verify, same Node 26 process, same inputs', value: v87.noble, unit: 'verifies/s' },
        detail: { nativeMlDsa87VerifyPerSec: v87.native, ...detail },
      },
    },
  };
}
