// Same-process driver for bench/stream.mjs (issue 6 target 4): times a raw SHA-512 + AES-256-GCM file pipeline, then writ's seal or open, in ONE Node.js process.
//
// Usage: node stream-driver.mjs OUT.json raw-seal|raw-open|writ|payload ARGS...
//   payload SIZE SEED FILE        write SIZE deterministic bytes (AES-256-CTR keystream of SHA-256(seed))
//   raw-seal IN OUT               read IN in 1 MiB chunks -> SHA-512 -> AES-256-GCM -> write OUT, fsync
//   raw-open IN OUT               read IN -> AES-256-GCM decrypt (tag checked) -> SHA-512 -> write OUT, fsync
//   writ BUNDLE ARGS...           run writ in this process (process.argv set, the bundle imported)
// Several steps run in order in one process when separated by "--then", so the raw pipeline and writ
// see the same machine state, page cache and CPU frequency. Steps after "writ" run synchronously in
// the 'exit' handler, once the CLI has finished (it sets process.exitCode and returns; nothing of it
// runs after 'exit'), so rounds can alternate the order (raw first, or writ first) and cancel any
// order bias. Each step's wall time, user+system CPU time and process.resourceUsage().maxRSS (KiB on
// Linux) after it go to OUT.json at exit.
import * as fs from 'node:fs';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * A full garbage collection before each step, outside its timing: the step before it leaves about a
 * GiB of dead 1 MiB buffers, and whichever step ran second paid for collecting them (measured: writ's
 * open took 5.3 s after the raw pipeline and 3.0 s before it; the raw pipeline 3.2 s after writ, 2.1 s
 * before). Each step should pay for its own garbage only.
 */
const fullGc = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    if (typeof gc === 'function') return () => gc({ type: 'major' });
  } catch {
    /* no gc: steps run as they are */
  }
  return () => undefined;
})();

const CHUNK = 1 << 20;
const [outFile, ...rest] = process.argv.slice(2);
const steps = [];
{
  let cur = [];
  for (const a of rest) {
    if (a === '--then') {
      steps.push(cur);
      cur = [];
    } else cur.push(a);
  }
  steps.push(cur);
}
const results = [];
let afterWrit = [];
process.on('exit', () => {
  const last = results[results.length - 1];
  if (last && last.end === undefined) {
    last.end = performance.now();
    last.seconds = (last.end - last.start) / 1000;
    last.maxRssKiB = process.resourceUsage().maxRSS;
    last.cpuSeconds = cpuSince(last.cpu0);
    delete last.cpu0;
    last.exitCode = process.exitCode ?? 0;
  }
  for (const s of afterWrit) runStep(s);
  fs.writeFileSync(outFile, JSON.stringify(results));
});

/** User + system CPU seconds of this process since `c0` (process.cpuUsage, all threads). */
function cpuSince(c0) {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

const KEY = createHash('sha256').update('stream-bench raw key').digest();
const IV = Buffer.alloc(12, 7);

function payload(size, seed, file) {
  const key = createHash('sha256').update(`stream-bench payload:${seed}`).digest();
  const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zero = Buffer.alloc(CHUNK);
  const fd = fs.openSync(file, 'w');
  for (let left = size; left > 0; ) {
    const n = Math.min(CHUNK, left);
    fs.writeSync(fd, c.update(n === CHUNK ? zero : zero.subarray(0, n)));
    left -= n;
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

function rawPipeline(input, output, decrypt) {
  const inFd = fs.openSync(input, 'r');
  const outFd = fs.openSync(output, 'w');
  const size = fs.fstatSync(inFd).size;
  const h = createHash('sha512');
  const end = decrypt ? size - 16 : size;
  let c;
  if (decrypt) {
    const tag = Buffer.alloc(16);
    fs.readSync(inFd, tag, 0, 16, end);
    c = createDecipheriv('aes-256-gcm', KEY, IV, { authTagLength: 16 });
    c.setAuthTag(tag);
  } else {
    c = createCipheriv('aes-256-gcm', KEY, IV, { authTagLength: 16 });
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; pos < end; ) {
    const n = fs.readSync(inFd, buf, 0, Math.min(CHUNK, end - pos), pos);
    if (n === 0) break;
    pos += n;
    const chunk = n === CHUNK ? buf : buf.subarray(0, n);
    if (decrypt) {
      const pt = c.update(chunk);
      h.update(pt);
      fs.writeSync(outFd, pt);
    } else {
      h.update(chunk);
      fs.writeSync(outFd, c.update(chunk));
    }
  }
  c.final();
  if (!decrypt) fs.writeSync(outFd, c.getAuthTag());
  h.digest();
  fs.fsyncSync(outFd);
  fs.closeSync(outFd);
  fs.closeSync(inFd);
}

function runStep([kind, ...args]) {
  fullGc();
  const r = { step: kind, start: performance.now(), cpu0: process.cpuUsage() };
  results.push(r);
  if (kind === 'payload') payload(Number(args[0]), args[1], args[2]);
  else if (kind === 'raw-seal') rawPipeline(args[0], args[1], false);
  else if (kind === 'raw-open') rawPipeline(args[0], args[1], true);
  else throw new Error(`unknown step ${kind}`);
  r.end = performance.now();
  r.seconds = (r.end - r.start) / 1000;
  r.maxRssKiB = process.resourceUsage().maxRSS;
  r.cpuSeconds = cpuSince(r.cpu0);
  delete r.cpu0;
}

for (let i = 0; i < steps.length; i++) {
  const [kind, ...args] = steps[i];
  if (kind === 'writ') {
    // The CLI runs asynchronously to its end; the exit handler records its time, then runs the rest.
    afterWrit = steps.slice(i + 1);
    fullGc();
    results.push({ step: 'writ', start: performance.now(), cpu0: process.cpuUsage() });
    process.argv = [process.argv[0], args[0], ...args.slice(1)];
    await import(pathToFileURL(args[0]).href);
    break;
  }
  runStep(steps[i]);
}
