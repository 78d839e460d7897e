// Bench entry for bench/native.mjs (issue 6 target 3): ops/s of each ML-DSA / ML-KEM / X-Wing operation under the noble and native backends, same inputs.
//
// Bundled by bench/native.mjs with esbuild and run under Node 26. argv: <seed> <quick 0|1>. Prints ONE
// JSON line: { node, openssl, active, ops: { name: { noble, native, path } } } where noble/native are ops/s
// and path says whether the native column really runs node:crypto ('native') or the same noble code
// ('noble in both': signing and encapsulation take their randomness from writ only, see backend.ts).
import { createHash } from 'node:crypto';
import { activeCryptoBackend, setCryptoBackend } from '../src/core/crypto/backend.js';
import { publicKeyFromSeed, signerFromSeed } from '../src/core/crypto/keys.js';
import { mlDsaKeygen, mlDsaSign, mlDsaVerify } from '../src/core/crypto/ml-dsa.js';
import { mlKemDecapsulate, mlKemEncapsulate, mlKemKeygen } from '../src/core/crypto/ml-kem.js';
import type { MlKemAlgName } from '../src/core/crypto/ml-kem.js';
import type { SigAlgName } from '../src/core/crypto/types.js';
import { xwingDecapsulate, xwingEncapsulate, xwingKeygen } from '../src/core/crypto/x-wing.js';

const [seed = 'writ-bench-1', quickArg = '0'] = process.argv.slice(2);
const quick = quickArg === '1';
/** Time budget per (operation, backend, round) measurement, after a short warm-up. */
const BUDGET_MS = quick ? 60 : 200;
/** Rounds alternate noble and native; each figure is the median over rounds (the machines are noisy). */
const ROUNDS = quick ? 1 : 5;

let ctr = 0;
function det(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 32) out.set(createHash('sha256').update(`${seed}:native:${ctr++}`).digest().subarray(0, Math.min(32, n - o)), o);
  return out;
}

/** ops/s of f over several inputs (round robin), for about BUDGET_MS after 3 warm-up calls. */
function opsPerSecond(f: (i: number) => unknown): number {
  for (let i = 0; i < 3; i++) f(i);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < BUDGET_MS || n < 5) {
    f(n++);
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

const ops: Record<string, { noble: number; native: number; path: 'native' | 'noble in both' }> = {};
const med = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
function measure(name: string, path: 'native' | 'noble in both', f: (i: number) => unknown): void {
  const nobles: number[] = [];
  const natives: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    setCryptoBackend('noble');
    nobles.push(opsPerSecond(f));
    setCryptoBackend('native');
    natives.push(opsPerSecond(f));
  }
  setCryptoBackend('auto');
  const noble = med(nobles);
  const native = med(natives);
  ops[name] = { noble: Math.round(noble * 10) / 10, native: Math.round(native * 10) / 10, path };
}

const active = activeCryptoBackend();
const N = 4; // distinct inputs per operation
for (const alg of ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as SigAlgName[]) {
  const seeds = Array.from({ length: N }, () => det(32));
  const keys = seeds.map((s) => mlDsaKeygen(alg, s));
  const msgs = Array.from({ length: N }, () => det(256));
  const sigs = keys.map((k, i) => mlDsaSign(alg, k.secretKey, msgs[i] as Uint8Array));
  measure(`${alg} verify`, 'native', (i) => {
    if (!mlDsaVerify(alg, (keys[i % N] as { publicKey: Uint8Array }).publicKey, msgs[i % N] as Uint8Array, sigs[i % N] as Uint8Array)) throw new Error('verify failed');
  });
  measure(`${alg} sign`, 'noble in both', (i) => mlDsaSign(alg, (keys[i % N] as { secretKey: Uint8Array }).secretKey, msgs[i % N] as Uint8Array));
  measure(`${alg} public key from seed`, 'native', (i) => publicKeyFromSeed(alg, seeds[i % N] as Uint8Array));
  measure(`${alg} signer from seed (expanded key)`, 'noble in both', (i) => signerFromSeed(alg, seeds[i % N] as Uint8Array).wipe());
}
for (const alg of ['ml-kem-768', 'ml-kem-1024'] as MlKemAlgName[]) {
  const seeds = Array.from({ length: N }, () => det(64));
  const keys = seeds.map((s) => mlKemKeygen(alg, s));
  const cts = keys.map((k) => mlKemEncapsulate(alg, k.publicKey, det).cipherText);
  measure(`${alg} encapsulate`, 'noble in both', (i) => mlKemEncapsulate(alg, (keys[i % N] as { publicKey: Uint8Array }).publicKey, det));
  measure(`${alg} decapsulate`, 'native', (i) => mlKemDecapsulate(alg, (keys[i % N] as { secretKey: Uint8Array }).secretKey, cts[i % N] as Uint8Array));
  measure(`${alg} public key from seed`, 'native', (i) => publicKeyFromSeed(alg, seeds[i % N] as Uint8Array));
}
{
  const seeds = Array.from({ length: N }, () => det(32));
  const keys = seeds.map((s) => xwingKeygen(s));
  const cts = keys.map((k) => xwingEncapsulate(k.publicKey, det).cipherText);
  measure('x-wing encapsulate', 'native', (i) => xwingEncapsulate((keys[i % N] as { publicKey: Uint8Array }).publicKey, det));
  measure('x-wing decapsulate', 'native', (i) => xwingDecapsulate(seeds[i % N] as Uint8Array, cts[i % N] as Uint8Array));
  measure('x-wing public key from seed', 'native', (i) => publicKeyFromSeed('x-wing', seeds[i % N] as Uint8Array));
}
process.stdout.write(`${JSON.stringify({ node: process.versions.node, openssl: process.versions.openssl, active, budgetMs: BUDGET_MS, rounds: ROUNDS, ops })}\n`);
