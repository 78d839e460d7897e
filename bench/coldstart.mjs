// Bench module "coldstart" (issue 6 target 1): `writ verify chain` and `writ --version` wall time against `node -e 0`.
//
// What is timed is what a user runs: `node bin/writ.js ...` (the installed `writ` command; `node
// dist/writ.mjs` is in the detail). The chain is the demo's 3-certificate ML-DSA-87 chain (harbor enclave
// CA <- north regional CA <- root) with two CRLs, so the command verifies four ML-DSA-87 signatures.
// `writ demo` is deterministic (seeded keys, fixed clock), so the inputs do not depend on ctx.seed.
//
// The floor (detail.floor): a fresh process that does only the unavoidable work, four cold ML-DSA-87
// verifies through the same crypto code the bundle carries (bundled by esbuild with the bundle's own
// plugins), over signatures made beforehand from ctx.seed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { interleave, median, round } from './lib.mjs';
import { bundleLikeWrit } from './bundle.mjs';

const AT = '2026-06-01T12:00:00Z';

function timed(cmd, args, cwd, expect = 0) {
  return () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== expect) throw new Error(`${[cmd, ...args].join(' ')}: exit ${r.status}, expected ${expect}\n${r.stderr}`);
    return ms;
  };
}

/**
 * Main-thread on-CPU time (Linux /proc/self/task/PID/schedstat, nanoseconds): what the wall time would be
 * on an idle machine, since it leaves out the time spent waiting for a core. Measured in extra runs with a
 * preload that reads it at exit (the timed runs above carry no preload). undefined off Linux.
 */
function cpuProbe(ctx) {
  if (process.platform !== 'linux' || !fs.existsSync(`/proc/self/task/${process.pid}/schedstat`)) return undefined;
  const preload = path.join(ctx.tmp, 'schedstat.cjs');
  fs.writeFileSync(
    preload,
    "process.on('exit', () => { const fs = require('fs'); const s = fs.readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' '); fs.writeFileSync(process.env.WRIT_BENCH_CPU_OUT, String(Number(s[0]) / 1e6)); });\n",
  );
  const out = path.join(ctx.tmp, 'cpu.out');
  return (cmd, args, cwd) => () => {
    fs.rmSync(out, { force: true });
    const r = spawnSync(cmd, ['-r', preload, ...args], { cwd, encoding: 'utf8', env: { ...process.env, WRIT_BENCH_CPU_OUT: out } });
    if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')}: exit ${r.status}\n${r.stderr}`);
    return Number(fs.readFileSync(out, 'utf8'));
  };
}

/** Builds the floor script: read pre-made (pk, msg, sig) triples, verify each once, cold. */
async function buildFloor(ctx) {
  const src = path.join(ctx.tmp, 'floor-src.ts');
  fs.writeFileSync(
    src,
    [
      `import { mlDsaKeygen, mlDsaSign, mlDsaVerify } from ${JSON.stringify(path.join(ctx.root, 'src/core/crypto/ml-dsa.ts'))};`,
      `import { createHash } from 'node:crypto';`,
      `import * as fs from 'node:fs';`,
      `const [mode, file, seed] = process.argv.slice(2);`,
      `const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');`,
      `const un = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));`,
      `if (mode === 'make') {`,
      // Four signatures over messages the size of a certificate / CRL body (about 8 KiB with an ML-DSA-87 key).
      `  const out = [];`,
      `  for (let i = 0; i < 4; i++) {`,
      `    const d = (s: string) => new Uint8Array(createHash('sha256').update(seed + ':' + i + ':' + s).digest());`,
      `    const k = mlDsaKeygen('ml-dsa-87', d('key'));`,
      `    const msg = new Uint8Array(createHash('shake256', { outputLength: 8000 }).update(d('msg')).digest());`,
      `    const sig = mlDsaSign('ml-dsa-87', k.secretKey, msg);`,
      `    out.push({ pk: hex(k.publicKey), msg: hex(msg), sig: hex(sig) });`,
      `  }`,
      `  fs.writeFileSync(file, JSON.stringify(out));`,
      `} else {`,
      `  for (const t of JSON.parse(fs.readFileSync(file, 'utf8'))) {`,
      `    if (!mlDsaVerify('ml-dsa-87', un(t.pk), un(t.msg), un(t.sig))) throw new Error('floor: a signature did not verify');`,
      `  }`,
      `}`,
    ].join('\n'),
  );
  return bundleLikeWrit(ctx.root, src, path.join(ctx.tmp, 'floor.mjs'));
}

export async function run(ctx) {
  const runs = ctx.quick ? 5 : 21;
  const dir = path.join(ctx.tmp, 'pki');
  const bin = path.join(ctx.root, 'bin', 'writ.js');
  const demo = spawnSync(process.execPath, [ctx.bundle, 'demo', '--out', dir, '--force'], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`writ demo failed (exit ${demo.status}):\n${demo.stderr}`);
  const chainArgs = ['verify', 'chain', 'harbor-ca.pem', '--trust', 'root.pem', '--untrusted', 'north.pem', '--crl', 'root.crl', '--crl', 'north.crl', '--at', AT];

  // The floor needs its signatures before timing starts.
  let floor;
  try {
    floor = await buildFloor(ctx);
    const made = spawnSync(process.execPath, [floor, 'make', path.join(ctx.tmp, 'floor.json'), ctx.seed], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
  } catch (e) {
    ctx.log(`floor not measured: ${String(e).split('\n')[0]}`);
    floor = undefined;
  }

  const node = process.execPath;
  const cases = {
    'node -e 0': timed(node, ['-e', '0'], dir),
    'writ --version': timed(node, [bin, '--version'], dir),
    'writ verify chain': timed(node, [bin, ...chainArgs], dir),
    'node dist/writ.mjs verify chain': timed(node, [ctx.bundle, ...chainArgs], dir),
  };
  if (floor) cases['floor: 4 cold ML-DSA-87 verifies'] = timed(node, [floor, 'verify', path.join(ctx.tmp, 'floor.json')], dir);
  if (ctx.node26) {
    cases['node26 -e 0'] = timed(ctx.node26, ['-e', '0'], dir);
    cases['node26 writ verify chain'] = timed(ctx.node26, [bin, ...chainArgs], dir);
  }
  ctx.log(`${runs} interleaved runs of ${Object.keys(cases).length} cases`);
  const times = interleave(cases, runs);
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const base = med['node -e 0'];
  const cell = (k) => ({ medianMs: round(med[k]), minMs: round(Math.min(...times[k])), ratio: round(med[k] / base) });
  for (const k of Object.keys(cases)) ctx.log(`${k.padEnd(36)} median ${round(med[k]).toString().padStart(7)} ms  ×${round(med[k] / base)}`);
  const baseline = { name: 'node -e 0 (median wall time)', value: round(base), unit: 'ms' };
  const detail = {
    runs,
    command: `node bin/writ.js ${chainArgs.join(' ')}`,
    cases: Object.fromEntries(Object.keys(cases).map((k) => [k, cell(k)])),
  };
  if (floor) detail.floorRatio = round(med['floor: 4 cold ML-DSA-87 verifies'] / base);
  if (ctx.node26) detail.node26Ratio = round(med['node26 writ verify chain'] / med['node26 -e 0']);
  const cpu = cpuProbe(ctx);
  if (cpu) {
    const cpuCases = {
      'node -e 0': cpu(node, ['-e', '0'], dir),
      'writ --version': cpu(node, [bin, '--version'], dir),
      'writ verify chain': cpu(node, [bin, ...chainArgs], dir),
    };
    if (floor) cpuCases['floor: 4 cold ML-DSA-87 verifies'] = cpu(node, [floor, 'verify', path.join(ctx.tmp, 'floor.json')], dir);
    if (ctx.node26) {
      cpuCases['node26 -e 0'] = cpu(ctx.node26, ['-e', '0'], dir);
      cpuCases['node26 writ verify chain'] = cpu(ctx.node26, [bin, ...chainArgs], dir);
    }
    const ct = interleave(cpuCases, runs);
    const cm = Object.fromEntries(Object.entries(ct).map(([k, v]) => [k, median(v)]));
    detail.mainThreadCpu = {
      note: 'main-thread on-CPU time (schedstat), medians: the wall time on an idle machine; ratios to node -e 0',
      ms: Object.fromEntries(Object.keys(cm).map((k) => [k, round(cm[k])])),
      ratio: Object.fromEntries(Object.keys(cm).map((k) => [k, round(cm[k] / cm['node -e 0'])])),
    };
    if (ctx.node26) detail.mainThreadCpu.node26Ratio = round(cm['node26 writ verify chain'] / cm['node26 -e 0']);
    for (const k of Object.keys(cm)) ctx.log(`on-CPU ${k.padEnd(33)} median ${round(cm[k]).toString().padStart(7)} ms  ×${round(cm[k] / cm['node -e 0'])}`);
  }
  return {
    results: {
      coldStartRatio: { value: round(med['writ verify chain'] / base), unit: '×', baseline, detail },
      versionRatio: { value: round(med['writ --version'] / base), unit: '×', baseline, detail: { runs, command: 'node bin/writ.js --version', ...cell('writ --version') } },
    },
  };
}
