// Bench module "ceremony" (issue 6 target 5): a full 3-of-5 root ceremony from an answers file against the key generation and signing it performs.
//
// Measured: `node bin/writ.js ceremony run root-key-generation --answers A --out DIR`, where A is the
// shipped rehearsal answers file (ceremonies/rehearsals/) with rngSeed = ctx.seed and a fixed clock.
//
// Baseline: a fresh process doing exactly the key generation and signing that ceremony performed, and
// nothing else, through the same code the bundle carries (src/core/crypto/ml-dsa.ts and
// src/core/shares/slip39.ts, bundled here by esbuild with the bundle's own plugins, so the same
// noble code and the same node:crypto SHAKE). The operations are counted from the ceremony's own
// transcript, so the baseline follows the script if it changes:
//   - ML-DSA key generations: the root key (event root-key), its re-derivation when recovery is proved
//     (recovery-proved), and every enrolled approval key (enrol);
//   - ML-DSA signatures: each custodian approval (approval), each root signature (sign: the root
//     certificate), and each signer of the closing record (close.signers);
//   - the SLIP-0039 split (threshold-of-count, iteration exponent 1, as runner.ts splits) and the
//     combination of a quorum of shares when recovery is proved.
// Not in the baseline, so counted as tool work: the passphrase KDFs (scrypt at the rehearsal cost
// N=2^10 for every key file and share file, written and read back), CMS/X.509 encoding, the transcript,
// the YAML script and answers, fsync. Both sides are fresh processes (same node startup on each side).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { interleave, median, round } from './lib.mjs';
import { bundleLikeWrit } from './bundle.mjs';

const CLOCK = '2026-06-01T09:00:00Z';

/** Counts the operations the ceremony performed, from its transcript (see the header). */
export function countOperations(transcriptText) {
  const events = transcriptText
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const algOf = new Map();
  let rootAlg;
  const keygens = {};
  const signs = {};
  const add = (m, alg, n = 1) => (m[alg] = (m[alg] ?? 0) + n);
  let split;
  let combine = 0;
  for (const e of events) {
    const d = e.data ?? {};
    switch (e.event) {
      case 'root-key':
        rootAlg = d.alg;
        add(keygens, d.alg);
        break;
      case 'enrol':
        for (const k of d.keys ?? []) {
          algOf.set(k.actor, k.alg);
          add(keygens, k.alg);
        }
        break;
      case 'approval':
        add(signs, algOf.get(d.custodian ?? e.actor) ?? 'unknown');
        break;
      case 'sign':
        add(signs, rootAlg ?? 'unknown');
        break;
      case 'share-set':
        split = { threshold: d.threshold, count: d.count };
        break;
      case 'recovery-proved':
        add(keygens, rootAlg ?? 'unknown');
        combine++;
        break;
      case 'close':
        for (const s of d.signers ?? []) add(signs, algOf.get(s.actor) ?? rootAlg ?? 'unknown');
        break;
      default:
    }
  }
  if (keygens.unknown || signs.unknown) throw new Error('ceremony transcript: an operation whose algorithm is unknown');
  if (!split) throw new Error('ceremony transcript: no share-set event');
  return { keygens, signs, split, combine };
}

async function buildBaseline(ctx) {
  const src = path.join(ctx.tmp, 'baseline-src.ts');
  const imp = (p) => JSON.stringify(path.join(ctx.root, p));
  fs.writeFileSync(
    src,
    [
      `import { mlDsaKeygen, mlDsaSign } from ${imp('src/core/crypto/ml-dsa.ts')};`,
      `import { splitSecret, combineMnemonics } from ${imp('src/core/shares/slip39.ts')};`,
      `import { createHash } from 'node:crypto';`,
      `import * as fs from 'node:fs';`,
      `const plan = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));`,
      `let ctr = 0;`,
      `const det = (n: number) => { const out = new Uint8Array(n); for (let o = 0; o < n; o += 32) out.set(createHash('sha256').update(plan.seed + ':' + ctr++).digest().subarray(0, Math.min(32, n - o)), o); return out; };`,
      `const t0 = performance.now();`,
      `const keys: Record<string, Uint8Array[]> = {};`,
      `for (const [alg, n] of Object.entries(plan.keygens) as [any, number][]) for (let i = 0; i < n; i++) (keys[alg] ??= []).push(mlDsaKeygen(alg, det(32)).secretKey);`,
      `for (const [alg, n] of Object.entries(plan.signs) as [any, number][]) for (let i = 0; i < n; i++) {`,
      `  const sk = keys[alg]?.[i % (keys[alg]?.length ?? 1)] ?? mlDsaKeygen(alg, det(32)).secretKey;`,
      `  mlDsaSign(alg, sk, det(512), { rng: det });`,
      `}`,
      `const groups = splitSecret(det(32), { groupThreshold: 1, groups: [{ threshold: plan.split.threshold, count: plan.split.count }], extendable: true, iterationExponent: 1, rng: det });`,
      `for (let i = 0; i < plan.combine; i++) combineMnemonics(groups[0]!.slice(-plan.split.threshold));`,
      `process.stdout.write(JSON.stringify({ cryptoMs: performance.now() - t0 }));`,
    ].join('\n'),
  );
  return bundleLikeWrit(ctx.root, src, path.join(ctx.tmp, 'baseline.mjs'));
}

export async function run(ctx) {
  const runs = ctx.quick ? 2 : 7;
  const bin = path.join(ctx.root, 'bin', 'writ.js');
  const shipped = fs.readFileSync(path.join(ctx.root, 'ceremonies', 'rehearsals', 'root-key-generation.answers.yaml'), 'utf8');
  const answers = path.join(ctx.tmp, 'answers.yaml');
  // Top-level keys appended to the shipped file: a seeded RNG (reproducible from ctx.seed) and a fixed clock.
  fs.writeFileSync(answers, `${shipped.trimEnd()}\nrngSeed: ${JSON.stringify(ctx.seed)}\nclock: ${JSON.stringify(CLOCK)}\n`);

  let n = 0;
  let lastOut;
  const ceremony = () => {
    const out = path.join(ctx.tmp, `root-${n++}`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'ceremony', 'run', 'root-key-generation', '--answers', answers, '--out', out], { cwd: ctx.tmp, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`writ ceremony run failed (exit ${r.status}):\n${r.stderr}`);
    if (lastOut) fs.rmSync(lastOut, { recursive: true, force: true });
    lastOut = out;
    return ms;
  };
  // One run first: its transcript says what to put in the baseline.
  ceremony();
  const ops = countOperations(fs.readFileSync(path.join(lastOut, 'transcript.jsonl'), 'utf8'));
  ctx.log(`operations: keygens ${JSON.stringify(ops.keygens)}, signatures ${JSON.stringify(ops.signs)}, SLIP-39 ${ops.split.threshold}-of-${ops.split.count} split + ${ops.combine} combine`);
  const planFile = path.join(ctx.tmp, 'plan.json');
  fs.writeFileSync(planFile, JSON.stringify({ ...ops, seed: ctx.seed }));
  const baselineScript = await buildBaseline(ctx);
  const cryptoMs = [];
  const baseline = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [baselineScript, planFile], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`ceremony baseline failed (exit ${r.status}):\n${r.stderr}`);
    cryptoMs.push(JSON.parse(r.stdout).cryptoMs);
    return ms;
  };
  const nodeE0 = () => {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  ctx.log(`${runs} interleaved runs`);
  const times = interleave({ ceremony, baseline, 'node -e 0': nodeE0 }, runs, false);
  const c = median(times.ceremony);
  const b = median(times.baseline);
  ctx.log(`ceremony median ${round(c)} ms, baseline (keygen + sign + SLIP-39) median ${round(b)} ms: ×${round(c / b)}`);
  return {
    results: {
      ceremonyRatio: {
        value: round(c / b),
        unit: '×',
        baseline: { name: 'the ceremony\'s ML-DSA keygens + signatures + SLIP-39 split/combine, fresh process (median wall time)', value: round(b), unit: 'ms' },
        detail: {
          runs,
          command: 'node bin/writ.js ceremony run root-key-generation --answers <shipped rehearsal answers + rngSeed> --out DIR',
          ceremonyMs: { median: round(c), min: round(Math.min(...times.ceremony)) },
          baselineMs: { median: round(b), min: round(Math.min(...times.baseline)), inProcessCryptoMedian: round(median(cryptoMs)) },
          nodeE0Ms: round(median(times['node -e 0'])),
          operations: ops,
        },
      },
    },
  };
}
