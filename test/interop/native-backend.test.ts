// Differential test of the crypto backends (issue 6 target 3): noble vs node:crypto (OpenSSL 3.5) under Node 26, over vectors and 10,000 seeded random cases.
//
// The backend code must run under Node 26, so test/interop/native-diff.entry.ts is bundled with esbuild
// (into .cache/native-diff/) and run there; it prints one JSON report that this test asserts on.
// WRIT_NATIVE_DIFF_CASES overrides the random case count (default 10,000, the figure).
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { requireNode26 } from '../helpers/node26.js';
import { REPO_ROOT, vectorsDir } from '../helpers/vectors.js';

const node26 = requireNode26('native crypto backend differential (noble vs node:crypto)');
const CASES = Number(process.env.WRIT_NATIVE_DIFF_CASES ?? 10_000);

interface Report {
  node: string;
  openssl: string;
  activeBackendUnderAuto: string;
  vectorCounts: Record<string, number>;
  randomCases: number;
  randomCounts: Record<string, number>;
  randomSignatures: { noble: number; openssl: number };
  rawNativeThrew: Record<string, number>;
  rawNativeThrewNobleOk: Record<string, number>;
  mismatchCount: number;
  mismatches: { where: string; noble: string; native: string }[];
  seconds: { vectors: number; random: number };
}

describe.skipIf(node26 === undefined)('native crypto backend (Node 26) vs noble', () => {
  it(`gives identical results over the vector suites and ${CASES} random cases`, async () => {
    const outDir = path.join(REPO_ROOT, '.cache', 'native-diff');
    mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, `entry-${process.pid}.mjs`);
    await build({
      entryPoints: [path.join(REPO_ROOT, 'test', 'interop', 'native-diff.entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'warning',
    });
    const vectors = vectorsDir();
    if (vectors === undefined) console.warn('!!! native differential: no vector folder, random cases only !!!');
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync(node26!, [outfile, vectors ?? '-', String(CASES), 'writ-native-diff-1'], {
        encoding: 'utf8',
        timeout: 1_200_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } finally {
      rmSync(outfile, { force: true });
    }
    if (r.error) throw r.error;
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const rep = JSON.parse(lines[lines.length - 1] ?? 'null') as Report;
    console.log(`native differential: ${JSON.stringify({ ...rep, mismatches: rep.mismatches.length })}`);

    // The probe found ML-DSA / ML-KEM in Node 26's OpenSSL: auto selects native.
    expect(rep.activeBackendUnderAuto).toBe('native');
    expect(rep.mismatches).toEqual([]);
    expect(rep.mismatchCount).toBe(0);

    // Random cases: every kind ran, in the number.
    const kinds = ['random-keygen', 'random-verify', 'random-verify-corrupt', 'random-encaps', 'random-decaps', 'random-decaps-corrupt'];
    for (const k of kinds) expect(rep.randomCounts[k] ?? 0, k).toBeGreaterThan(0);
    expect(rep.randomCases).toBe(CASES);
    // Signatures under test come from writ's own (noble) signer and from OpenSSL.
    expect(rep.randomSignatures.noble).toBeGreaterThan(0);
    expect(rep.randomSignatures.openssl).toBeGreaterThan(0);
    const signVerify = (rep.randomCounts['random-verify'] ?? 0) + (rep.randomCounts['random-verify-corrupt'] ?? 0);
    const kem = (rep.randomCounts['random-decaps'] ?? 0) + (rep.randomCounts['random-decaps-corrupt'] ?? 0);
    expect(signVerify + kem + (rep.randomCounts['random-keygen'] ?? 0)).toBe(CASES);
    // Raw node:crypto never threw on a well-formed random input (the fall-back to noble did not hide it).
    for (const k of kinds) expect(rep.rawNativeThrew[k] ?? 0, `raw native threw on ${k}`).toBe(0);
    // Nor anywhere noble succeeded: the fall-back never had to stand in for a native failure.
    expect(rep.rawNativeThrewNobleOk).toEqual({});

    if (vectors !== undefined) {
      for (const k of [
        'wycheproof-mldsa-verify',
        'wycheproof-mldsa-keygen',
        'wycheproof-mldsa-sign',
        'wycheproof-mlkem-keygen',
        'wycheproof-mlkem-decaps',
        'wycheproof-mlkem-encaps',
        'wycheproof-mlkem-semi-expanded-decaps',
        'pqc-certificates-signature',
        'pqc-certificates-privkey',
        'pqc-certificates-decaps',
      ]) {
        expect(rep.vectorCounts[k] ?? 0, `${k} vectors loaded`).toBeGreaterThan(0);
      }
    }
  }, 1_500_000);
});
