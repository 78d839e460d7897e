// The crash harness's fixed sample in `npm test` (issue 8 "Faults"): 8 seeded SIGKILLs per writing command, no corruption; `npm run crash` runs 200 each.
import { beforeAll, describe, expect, test } from 'vitest';
import { CASE_NAMES, formatTable, runCrashSuite, type CrashSummary } from './harness.js';
import { REPO_ROOT, ensureBundle } from '../helpers/index.js';

const KILLS = 8;
let summary: CrashSummary;

beforeAll(async () => {
  ensureBundle();
  summary = await runCrashSuite({ root: REPO_ROOT, kills: KILLS, seed: 'writ-crash-npm-test', jobs: 2 });
  console.log(formatTable(summary));
}, 900_000);

describe('SIGKILL at seeded random points: the previous state intact, or the new one complete; no partial file', () => {
  test.each(CASE_NAMES.map((n) => [n]))('%s', (name) => {
    const c = summary.cases.find((x) => x.case === name);
    expect(c, `case ${name} ran`).toBeDefined();
    expect(c!.kills).toBe(KILLS);
    expect(c!.killedBeforeStart + c!.killedMidWrite + c!.completed).toBe(KILLS);
    expect(c!.failures, JSON.stringify(c!.failures, null, 2)).toEqual([]);
    expect(c!.corruptionFound).toBe(0);
  });

  test('the sample really killed commands part-way through their writes', () => {
    expect(summary.cases.reduce((a, c) => a + c.killedMidWrite, 0)).toBeGreaterThan(0);
  });
});
