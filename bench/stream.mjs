// Benchmark module for streamed payload envelopes (issue 6 target 4): seal and open throughput against a raw SHA-512 + AES-256-GCM pipeline in the same process, and peak RSS.
//
// Inputs: two fixture enclaves from ctx.seed (bench/stream-gen.ts, bundled by bench/bundle.mjs as batch.mjs
// does), an agreement and a crossing made through the CLI, and a deterministic payload (1 GiB, or
// 32 MiB with --quick). Each round runs bench/stream-driver.mjs twice: in ONE process, the raw
// pipeline (read 1 MiB chunks -> SHA-512 -> AES-256-GCM -> write -> fsync; for open, read ->
// AES-256-GCM decrypt with tag check -> SHA-512 -> write -> fsync) over the same bytes, and writ's
// `envelope seal --payload` (or `envelope open --out`) imported into that process with process.argv
// set; even rounds run the raw pipeline first, odd rounds writ first. Throughput is payload bytes /
// wall seconds; a round's ratio is writ's throughput / the raw pipeline's (= raw seconds / writ
// seconds), and the figure is the median, over pairs of rounds, of the geometric mean of the pair's
// two ratios, which cancels the order effect (CPU-time ratios in detail). A full garbage collection
// runs before each step, outside its timing (stream-driver.mjs).
// writ's time includes everything the command does: loading the bundle and the enclave, KEM, ML-DSA
// signing or verifying and path validation, the fsync and the atomic rename.
// Files live on a memory-backed file system (/dev/shm) when it has room, else in ctx.tmp: on the VMs
// this runs on, a disk write with fsync (~60 MiB/s) is several times slower than the crypto, and the
// figure would measure the disk. detail.fs says which was used.
// Peak RSS is process.resourceUsage().maxRSS at exit of the processes that ran writ (conservative: in
// raw-first rounds it also covers the raw pipeline); the baseline is the raw pipeline's own peak.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleLikeWrit } from './bundle.mjs';

const MiB = 1024 * 1024;

function node(args, what, opts = {}) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * MiB, ...opts });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(0, 2000)}`);
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(ctx) {
  const size = ctx.quick ? 32 * MiB : 1024 * MiB;
  // An even number: rounds alternate raw-first and writ-first, and the figure pairs them (see `figure`).
  const rounds = ctx.quick ? 2 : 6;
  const driver = path.join(ctx.root, 'bench', 'stream-driver.mjs');
  let base = ctx.tmp;
  let fsName = 'ctx.tmp (disk)';
  try {
    const st = fs.statfsSync('/dev/shm');
    if (st.bavail * st.bsize > 5 * size && os.freemem() > 6 * size) {
      base = fs.mkdtempSync('/dev/shm/writ-bench-stream-');
      fsName = 'tmpfs (/dev/shm)';
    }
  } catch {
    /* no /dev/shm: stay in ctx.tmp */
  }
  const dir = path.join(base, 'stream');
  fs.mkdirSync(dir, { recursive: true });
  try {
    return await measure(ctx, { size, rounds, driver, dir, fsName });
  } finally {
    if (base !== ctx.tmp) fs.rmSync(base, { recursive: true, force: true });
  }
}

async function measure(ctx, { size, rounds, driver, dir, fsName }) {

  const gen = await bundleLikeWrit(ctx.root, path.join(ctx.root, 'bench/stream-gen.ts'), path.join(ctx.tmp, 'stream-gen.mjs'));
  const ids = JSON.parse(node([gen, dir, ctx.seed], 'stream input generator').stdout);
  const writ = (...args) => node([ctx.bundle, ...args], `writ ${args.slice(0, 2).join(' ')}`, { cwd: dir });
  const SCOPE = 'research.aggregate';
  const p = writ('federation', 'propose', '--as', 'harbor', '--peer', 'orchard/certs/chain.pem', '--layers', 'data', '--scope', SCOPE, '--level', 'internal', '--level', 'restricted', '--not-after', '30d', '--out', 'proposal.json', '--json');
  const agreement = /agr-[0-9a-f]{32}/.exec(p.stdout)[0];
  writ('federation', 'countersign', 'proposal.json', '--as', 'orchard', '--out', 'agreement.json');
  writ('federation', 'import', 'agreement.json', '--as', 'harbor');
  writ('federation', 'crossing', '--authority-key', 'authority.key', '--authority-cert', 'authority.pem', '--sender', ids.harbor, '--recipient', ids.orchard, '--scope', SCOPE, '--from-level', 'restricted', '--to-level', 'internal', '--not-after', '7d', '--out', 'crossing.json');
  writ('federation', 'import', 'crossing.json', '--as', 'harbor');
  writ('federation', 'import', 'crossing.json', '--as', 'orchard');

  const payload = path.join(dir, 'payload.bin');
  let t0 = performance.now();
  node([driver, path.join(dir, 'gen.json'), 'payload', String(size), ctx.seed, payload], 'payload generator');
  ctx.log(`stream: ${size / MiB} MiB payload and two enclaves ready (${((performance.now() - t0) / 1000).toFixed(1)} s for the payload)`);

  /** One driver process: the raw step and writ, in the given order; returns both records by name. */
  const drive = (name, rawStep, writArgs, rawFirst) => {
    const out = path.join(dir, `${name}.json`);
    const writStep = ['writ', ctx.bundle, ...writArgs];
    const steps = rawFirst ? [...rawStep, '--then', ...writStep] : [...writStep, '--then', ...rawStep];
    const r = node([driver, out, ...steps], name, { cwd: dir });
    const res = JSON.parse(fs.readFileSync(out, 'utf8'));
    const w = res.find((x) => x.step === 'writ');
    const raw = res.find((x) => x.step !== 'writ');
    if (!w || w.exitCode !== 0 || !raw) throw new Error(`${name}: writ exited ${w?.exitCode}: ${r.stderr.slice(0, 2000)}`);
    return { raw, w, stdout: r.stdout };
  };
  const seal = { raw: [], writ: [], rawCpu: [], writCpu: [], rss: [], rawRss: [] };
  const open = { raw: [], writ: [], rawCpu: [], writCpu: [], rss: [], rawRss: [] };
  let checked = false;
  for (let i = 0; i < rounds; i++) {
    const env = path.join(dir, `p${i}.env`);
    const got = path.join(dir, `got${i}.bin`);
    const rawFirst = i % 2 === 0;
    const s = drive(
      `seal${i}`,
      ['raw-seal', payload, path.join(dir, 'raw.ct')],
      ['envelope', 'seal', '--as', 'harbor', '--to', 'orchard/certs/kem.pem', '--untrusted', 'orchard/certs/chain.pem', '--agreement', agreement, '--scope', SCOPE,
        '--payload', payload, '--kaitiaki', 'bench guardian', '--terms', 'benchmark only', '--expires', '1h', '--out', env, '--json'],
      rawFirst,
    );
    const o = drive(`open${i}`, ['raw-open', path.join(dir, 'raw.ct'), path.join(dir, 'raw.pt')], ['envelope', 'open', env, '--as', 'orchard', '--out', got, '--json'], rawFirst);
    const sealed = JSON.parse(s.stdout);
    const opened = JSON.parse(o.stdout);
    if (opened.payload?.sha512 !== sealed.payload?.sha512 || fs.statSync(got).size !== size) throw new Error('stream: the opened payload differs from the sealed one');
    if (!checked) {
      // Once: the payload on disk hashes to what seal signed (an independent check of the output).
      const h = createHash('sha512');
      const fd = fs.openSync(got, 'r');
      const buf = Buffer.allocUnsafe(8 * MiB);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
      fs.closeSync(fd);
      if (h.digest('hex') !== sealed.payload.sha512) throw new Error('stream: the opened payload does not hash to the sealed SHA-512');
      checked = true;
    }
    for (const [acc, r] of [[seal, s], [open, o]]) {
      acc.raw.push(r.raw.seconds);
      acc.writ.push(r.w.seconds);
      acc.rawCpu.push(r.raw.cpuSeconds);
      acc.writCpu.push(r.w.cpuSeconds);
      if (rawFirst) acc.rawRss.push(r.raw.maxRssKiB / 1024);
      acc.rss.push(r.w.maxRssKiB / 1024);
    }
    ctx.log(
      `stream: round ${i + 1}/${rounds} (${rawFirst ? 'raw first' : 'writ first'}): seal ${s.w.seconds.toFixed(2)} s vs raw ${s.raw.seconds.toFixed(2)} s; ` +
        `open ${o.w.seconds.toFixed(2)} s vs raw ${o.raw.seconds.toFixed(2)} s; peak RSS ${(s.w.maxRssKiB / 1024).toFixed(0)} / ${(o.w.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
    for (const f of [env, got, path.join(dir, 'raw.ct'), path.join(dir, 'raw.pt')]) fs.rmSync(f, { force: true });
  }
  fs.rmSync(payload, { force: true });

  const mibps = (secs) => size / MiB / secs;
  // Whichever step runs second in a driver process is slower (by 1-2 s per GiB here: the first step's
  // GiB of output still holds tmpfs memory while the second allocates its own), so a round's ratio
  // depends on its order. Each pair of rounds (raw first, then writ first) is combined by the geometric
  // mean of its two ratios, which cancels a multiplicative order effect; the figure is the median pair.
  const figure = (acc, what) => {
    const ratios = acc.raw.map((r, i) => r / acc.writ[i]);
    const pairRatios = [];
    for (let i = 0; i + 1 < ratios.length; i += 2) pairRatios.push(Math.sqrt(ratios[i] * ratios[i + 1]));
    return {
      value: median(pairRatios),
      unit: 'ratio',
      baseline: { name: `raw ${what} of the same ${size / MiB} MiB in the same process (1 MiB chunks, node:crypto, fsync)`, value: median(acc.raw.map(mibps)), unit: 'MiB/s' },
      detail: {
        payloadMiB: size / MiB,
        rounds,
        fs: fsName,
        ratios,
        pairRatios,
        medianRoundRatio: median(ratios),
        cpuTimeRatio: median(acc.rawCpu.map((r, i) => r / acc.writCpu[i])),
        writMiBps: acc.writ.map(mibps),
        rawMiBps: acc.raw.map(mibps),
        writSeconds: acc.writ,
        rawSeconds: acc.raw,
        writCpuSeconds: acc.writCpu,
        rawCpuSeconds: acc.rawCpu,
        loadAverage: os.loadavg(),
      },
    };
  };
  const peak = Math.max(...seal.rss, ...open.rss);
  return {
    results: {
      streamSealRatio: figure(seal, 'read -> SHA-512 -> AES-256-GCM -> write'),
      streamOpenRatio: figure(open, 'read -> AES-256-GCM decrypt -> SHA-512 -> write'),
      streamPeakRssMiB: {
        value: peak,
        unit: 'MiB',
        baseline: { name: 'peak RSS of the raw pipeline in the same processes (measured before writ ran)', value: Math.max(...seal.rawRss, ...open.rawRss), unit: 'MiB' },
        detail: { target: 128, payloadMiB: size / MiB, sealPeakMiB: Math.max(...seal.rss), openPeakMiB: Math.max(...open.rss), chunkKiB: 1024, fs: fsName },
      },
    },
  };
}
