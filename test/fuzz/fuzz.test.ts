// Fuzz runner (issue 8 "Fuzzing"): runs every format under test/fuzz/formats/*.ts through the harness and fails on any failure.
//
// WRIT_FUZZ_CASES sets the cases per format (2,000 in the normal suite; `npm run fuzz` runs 100,000).
// WRIT_FUZZ_SEED sets fast-check's seed; every failure prints { seed, path } for replayInput().
// WRIT_FUZZ_ONLY (comma-separated format names) and WRIT_FUZZ_REPORT_DIR (one JSON report per format)
// are how scripts/fuzz.mjs splits `npm run fuzz` over several processes and collects the counts.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatReportLine, fuzzCases, fuzzFormat, type FuzzFormat } from './harness.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'formats');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
  .sort();

const formats: { file: string; format: FuzzFormat }[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: FuzzFormat | FuzzFormat[] };
  const d = mod.default;
  if (d === undefined) throw new Error(`test/fuzz/formats/${file} has no default export`);
  for (const f of Array.isArray(d) ? d : [d]) formats.push({ file, format: f });
}

const only = process.env.WRIT_FUZZ_ONLY?.split(',').filter(Boolean);
if (only) {
  // A misspelt name must not turn into a run that fuzzes nothing.
  const known = new Set(formats.map((f) => f.format.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`WRIT_FUZZ_ONLY names unknown formats: ${unknown.join(', ')}`);
}
const selected = only ? formats.filter((f) => only.includes(f.format.name)) : formats;
const reportDir = process.env.WRIT_FUZZ_REPORT_DIR;

const cases = fuzzCases();
// A generous per-test ceiling derived from the case count (worst formats do a KEM decapsulation or a
// signature check per case: up to ~75 ms of wall time on a loaded 2-core box); the 1 s per-input oracle is in the harness.
const timeout = Math.max(300_000, cases * 250);

describe(`fuzz (${cases} cases per format)`, () => {
  it('finds the format files', () => {
    expect(formats.length).toBeGreaterThan(0);
    const names = formats.map((f) => f.format.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const { file, format } of selected) {
    it(
      `${format.name} (${file})`,
      () => {
        const seeds = format.seeds();
        expect(seeds.length, `${format.name} has no seeds`).toBeGreaterThan(0);
        const t0 = process.hrtime.bigint();
        const report = fuzzFormat(format, { cases });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (reportDir) {
          mkdirSync(reportDir, { recursive: true });
          writeFileSync(path.join(reportDir, `${format.name}.json`), `${JSON.stringify({ ...report, file, seconds }, null, 2)}\n`);
        }
        console.log(formatReportLine(report));
        for (const [m, n] of Object.entries(report.masked)) console.log(`  masked x${n}: ${m}`);
        for (const f of report.failures) console.log(`  FAIL seed=${f.seed} path=${f.path} len=${f.length} ${f.error}\n    input=${f.input}`);
        expect(report.cases).toBe(cases);
        expect(report.failures.length, `${format.name}: ${report.failures.length} failure(s), first: ${report.failures[0]?.error ?? ''} (seed ${report.failures[0]?.seed}, path ${report.failures[0]?.path})`).toBe(0);
      },
      timeout,
    );
  }
});
