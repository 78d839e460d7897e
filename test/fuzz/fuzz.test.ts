// Fuzz runner (issue 8 "Fuzzing"): runs every format under test/fuzz/formats/*.ts through the harness and fails on any failure.
//
// WRIT_FUZZ_CASES sets the cases per format (2,000 in the normal suite; `npm run fuzz` runs 100,000).
// WRIT_FUZZ_SEED sets fast-check's seed; every failure prints { seed, path } for replayInput().
// WRIT_FUZZ_ONLY (comma-separated format names) picks formats; WRIT_FUZZ_PLAN (chunks, see below) and
// WRIT_FUZZ_REPORT_DIR (one JSON report per format or chunk) are how scripts/fuzz.mjs splits
// `npm run fuzz` over several processes, resumes it, and collects the counts.
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
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
const cases = fuzzCases();

/** One run of one format: `cases` inputs from fast-check seed `seed`; `chunk` names its report file. */
interface Job {
  format: string;
  chunk?: number;
  cases: number;
  seed?: number;
}
// WRIT_FUZZ_PLAN (from scripts/fuzz.mjs) lists chunks: a format's 100,000 cases run as several chunks with
// their own seeds, so both cores share the heavy formats and a stopped run can resume chunk by chunk.
const plan: Job[] = process.env.WRIT_FUZZ_PLAN ? (JSON.parse(process.env.WRIT_FUZZ_PLAN) as Job[]) : (only?.length ? only : formats.map((f) => f.format.name)).map((format) => ({ format, cases }));
{
  // A misspelt name must not turn into a run that fuzzes nothing.
  const known = new Set(formats.map((f) => f.format.name));
  const unknown = plan.map((j) => j.format).filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`unknown fuzz formats: ${unknown.join(', ')}`);
}
const reportDir = process.env.WRIT_FUZZ_REPORT_DIR;

describe(`fuzz (${process.env.WRIT_FUZZ_PLAN ? 'planned chunks' : `${cases} cases per format`})`, () => {
  it('finds the format files', () => {
    expect(formats.length).toBeGreaterThan(0);
    const names = formats.map((f) => f.format.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const job of plan) {
    const { file, format } = formats.find((f) => f.format.name === job.format)!;
    it(
      `${format.name}${job.chunk === undefined ? '' : ` #${job.chunk}`} (${file})`,
      () => {
        const seeds = format.seeds();
        expect(seeds.length, `${format.name} has no seeds`).toBeGreaterThan(0);
        const t0 = process.hrtime.bigint();
        const report = fuzzFormat(format, { cases: job.cases, ...(job.seed === undefined ? {} : { seed: job.seed }) });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (reportDir) {
          // Written only once the chunk is complete, and atomically: a resumed run trusts what it finds.
          mkdirSync(reportDir, { recursive: true });
          const name = path.join(reportDir, `${format.name}${job.chunk === undefined ? '' : `.${job.chunk}`}.json`);
          writeFileSync(`${name}.${process.pid}.tmp`, `${JSON.stringify({ ...report, file, chunk: job.chunk ?? null, seconds, finishedAt: new Date().toISOString() }, null, 2)}\n`);
          renameSync(`${name}.${process.pid}.tmp`, name);
        }
        console.log(`${formatReportLine(report)}${job.chunk === undefined ? '' : ` (chunk ${job.chunk}, seed ${report.seed}, ${seconds.toFixed(0)} s)`}`);
        for (const [m, n] of Object.entries(report.masked)) console.log(`  masked x${n}: ${m}`);
        for (const f of report.failures) console.log(`  FAIL seed=${f.seed} path=${f.path} len=${f.length} ${f.error}\n    input=${f.input}`);
        expect(report.cases).toBe(job.cases);
        expect(report.failures.length, `${format.name}: ${report.failures.length} failure(s), first: ${report.failures[0]?.error ?? ''} (seed ${report.failures[0]?.seed}, path ${report.failures[0]?.path})`).toBe(0);
      },
      // A generous ceiling from the case count (the heaviest formats take ~15 ms per input on a loaded
      // 2-core box); the 1 s per-input oracle is in the harness.
      Math.max(300_000, job.cases * 250),
    );
  }
});
