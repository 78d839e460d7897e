// The bench harness's own logic (bench/lib.mjs, bench/ceremony.mjs countOperations): arguments, statistics, the results.json schema, the table. No timing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, REQUIRED_KEYS, figureProblems, interleave, median, moduleResultProblems, parseArgs, resultsProblems, round, table } from '../../bench/lib.mjs';
import { countOperations } from '../../bench/ceremony.mjs';

const fig = (value: number) => ({ value, unit: '×', baseline: { name: 'node -e 0', value: 60, unit: 'ms' } });

function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const d: Record<string, unknown> = {
    date: '2026-11-22T00:00:00.000Z',
    seed: 's',
    quick: true,
    machine: { cpu: 'x', cores: 2, memoryMiB: 1024, node: 'v20', os: 'Linux' },
    modules: {},
    figures: [...REQUIRED_KEYS],
    ...extra,
  };
  for (const k of REQUIRED_KEYS) d[k] ??= { ...fig(1.2), module: 'm' };
  return d;
}

describe('parseArgs', () => {
  it('defaults: full run, every module, the fixed seed', () => {
    expect(parseArgs([])).toEqual({ quick: false, only: undefined, seed: DEFAULT_SEED, setup: true, out: undefined, help: false });
  });

  it('reads --quick, --only a,b, --seed S (both spellings), --no-setup, --out', () => {
    const o = parseArgs(['--quick', '--only', 'coldstart, ceremony', '--seed=abc', '--no-setup', '--out', '/tmp/r.json']);
    expect(o).toEqual({ quick: true, only: ['coldstart', 'ceremony'], seed: 'abc', setup: false, out: '/tmp/r.json', help: false });
    expect(parseArgs(['--seed', 'x y']).seed).toBe('x y');
  });

  it('refuses unknown arguments, missing values and names that are not module names', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument/);
    expect(() => parseArgs(['--seed'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--only', ','])).toThrow(/at least one/);
    expect(() => parseArgs(['--only', '../x'])).toThrow(/not a module name/);
  });
});

describe('median, round, interleave', () => {
  it('median of odd and even counts, input left unsorted', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/empty/);
  });

  it('round keeps three significant digits and never rounds a small value to zero', () => {
    expect(round(3.14159)).toBe(3.14);
    expect(round(123.456)).toBe(123);
    expect(round(0.000123456)).toBe(0.000123);
    expect(round(0)).toBe(0);
    expect(round(1234.5, 2)).toBe(1235);
  });

  it('interleave calls each case once per run, in turn, after one warm-up call each', () => {
    const calls: string[] = [];
    const mk = (n: string, v: number) => () => (calls.push(n), v);
    const t = interleave({ a: mk('a', 1), b: mk('b', 2) }, 3);
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(t).toEqual({ a: [1, 1, 1], b: [2, 2, 2] });
    calls.length = 0;
    interleave({ a: mk('a', 1) }, 2, false);
    expect(calls).toEqual(['a', 'a']);
  });
});

describe('results schema', () => {
  it('a figure needs a finite value, a unit and a named baseline with its own value and unit', () => {
    expect(figureProblems('k', fig(2))).toEqual([]);
    expect(figureProblems('k', { ...fig(2), detail: { runs: 3 } })).toEqual([]);
    expect(figureProblems('k', { value: NaN, unit: '×', baseline: { name: 'b', value: 1, unit: 'ms' } })).toEqual(['k.value: not a finite number']);
    expect(figureProblems('k', { value: 1, unit: '' })).toEqual(['k.unit: missing', 'k.baseline: missing']);
    expect(figureProblems('k', { value: 1, unit: '×', baseline: { name: '', value: 'x', unit: 'ms' } })).toEqual(['k.baseline.name: missing', 'k.baseline.value: not a finite number']);
    expect(figureProblems('k', { error: 'boom' })).toEqual([]);
    expect(figureProblems('k', { skipped: 3 })).toEqual(['k: error/skipped must be a string']);
  });

  it('a module result is { results: {...figures} } or { skipped: reason }', () => {
    expect(moduleResultProblems('m', { results: { a: fig(1) } })).toEqual([]);
    expect(moduleResultProblems('m', { skipped: 'no Node 26' })).toEqual([]);
    expect(moduleResultProblems('m', undefined)).toEqual(['m: run() returned no object']);
    expect(moduleResultProblems('m', { results: {} })).toEqual(['m: run() returned no figures']);
    expect(moduleResultProblems('m', { results: { a: { value: 1 } } })).toContain('a.unit: missing');
  });

  it('the document needs machine info, date, seed, quick and every required key', () => {
    expect(resultsProblems(doc())).toEqual([]);
    const d = doc();
    delete d.ceremonyRatio;
    delete d.machine;
    expect(resultsProblems(d)).toEqual(expect.arrayContaining(['missing machine', 'ceremonyRatio: missing', 'machine.cpu: missing']));
    expect(resultsProblems(doc({ quick: 'yes' }))).toContain('quick: not a boolean');
  });

  it('the required keys are the eight figures of issue 6', () => {
    expect(REQUIRED_KEYS).toEqual(['coldStartRatio', 'batchVerifyRatio', 'batchScaling2', 'nativeSpeedup', 'streamSealRatio', 'streamOpenRatio', 'streamPeakRssMiB', 'ceremonyRatio']);
  });
});

describe('table', () => {
  it('one aligned row per figure, errors and skips shown as such', () => {
    const d = doc({ coldStartRatio: { ...fig(1.83), module: 'coldstart' }, nativeSpeedup: { error: 'module native failed: x\nstack', module: 'native' }, streamSealRatio: { skipped: 'not run', module: 'stream' } });
    const lines = table(d).split('\n');
    expect(lines[0]).toMatch(/^figure\s+value\s+baseline\s+baseline value\s+module$/);
    expect(lines).toHaveLength(2 + REQUIRED_KEYS.length);
    expect(lines.find((l) => l.startsWith('coldStartRatio'))).toMatch(/1\.83×\s+node -e 0\s+60 ms\s+coldstart/);
    expect(lines.find((l) => l.startsWith('nativeSpeedup'))).toMatch(/ERROR\s+module native failed: x\s+native/);
    expect(lines.find((l) => l.startsWith('streamSealRatio'))).toMatch(/skipped\s+not run/);
  });
});

describe('ceremony operation count (from the transcript)', () => {
  const line = (event: string, actor: string, data: unknown) => JSON.stringify({ event, actor, data });
  const transcript = [
    line('root-key', 'Ana', { alg: 'ml-dsa-87' }),
    line('share-set', 'custodians', { threshold: 3, count: 5 }),
    ...['Aroha', 'Ben', 'Chen', 'Ana', 'Wiremu'].map((a) => line('enrol', a, { keys: [{ actor: a, alg: 'ml-dsa-65' }] })),
    line('approval', 'Aroha', { custodian: 'Aroha' }),
    line('approval', 'Ben', { custodian: 'Ben' }),
    line('sign', 'Ana', { label: 'root certificate' }),
    line('recovery-proved', 'custodians', {}),
    line('close', 'Ana', { signers: [{ actor: 'O=x, CN=root' }, { actor: 'Ana' }, { actor: 'Wiremu' }] }),
  ].join('\n');

  it('counts keygens, signatures per algorithm, the split and the recovery', () => {
    expect(countOperations(transcript)).toEqual({
      keygens: { 'ml-dsa-87': 2, 'ml-dsa-65': 5 },
      signs: { 'ml-dsa-65': 4, 'ml-dsa-87': 2 },
      split: { threshold: 3, count: 5 },
      combine: 1,
    });
  });

  it('refuses a transcript without a share set', () => {
    expect(() => countOperations(line('root-key', 'Ana', { alg: 'ml-dsa-87' }))).toThrow(/share-set/);
  });
});
