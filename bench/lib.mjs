// Bench harness helpers (issue 6): argument parsing, statistics, the results.json schema check and the table printer.
//
// Pure functions only (no timing, no I/O), so test/bench/harness.test.ts checks them without timed assertions.

/** Every figure issue 6 requires in bench/results.json; a missing module leaves its keys as error entries. */
export const REQUIRED_KEYS = [
  'coldStartRatio',
  'batchVerifyRatio',
  'batchScaling2',
  'nativeSpeedup',
  'streamSealRatio',
  'streamOpenRatio',
  'streamPeakRssMiB',
  'ceremonyRatio',
];

/** The seed used when --seed is not given: a fixed one, so two runs build the same inputs. */
export const DEFAULT_SEED = 'writ-bench-1';

/** Parses the runner's command line. Throws an Error with a usage message on anything unknown. */
export function parseArgs(argv) {
  const o = { quick: false, only: undefined, seed: DEFAULT_SEED, setup: true, out: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${a.split('=')[0]} needs a value`);
      return v;
    };
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '--quick':
        o.quick = true;
        break;
      case '--only':
        o.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (o.only.length === 0) throw new Error('--only needs at least one module name');
        for (const m of o.only) if (!/^[a-z][a-z0-9-]*$/.test(m)) throw new Error(`--only: not a module name: ${m}`);
        break;
      case '--seed':
        o.seed = value();
        break;
      case '--no-setup':
        o.setup = false;
        break;
      case '--out':
        o.out = value();
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown argument: ${a}`);
    }
  }
  return o;
}

export const USAGE = `usage: node bench/run.mjs [--quick] [--only a,b] [--seed S] [--no-setup] [--out FILE]
  --quick      small inputs and few repetitions (CI proves the harness works; figures are rough)
  --only a,b   run only these modules (bench/<name>.mjs)
  --seed S     seed for every generated input (default ${DEFAULT_SEED})
  --no-setup   do not run scripts/setup-interop.sh when Node.js 26 is missing
  --out FILE   where to write the results (default bench/results.json)`;

/** Median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(xs) {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounds to a few significant digits for JSON and the table (never to 0 for small positive values). */
export function round(x, digits = 3) {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return 0;
  const p = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(p, 12)));
}

/**
 * Runs `cases` (name -> function returning elapsed milliseconds) `runs` times, interleaved run by run, so
 * that drift in machine load hits every case alike. One untimed warm-up call each first (file cache).
 */
export function interleave(cases, runs, warmup = true) {
  const names = Object.keys(cases);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  if (warmup) for (const n of names) cases[n]();
  for (let i = 0; i < runs; i++) for (const n of names) times[n].push(cases[n]());
  return times;
}

/** Checks one figure's shape: { value, unit, baseline: { name, value, unit }, detail? }. Returns problems. */
export function figureProblems(key, f) {
  const p = [];
  if (f === null || typeof f !== 'object') return [`${key}: not an object`];
  if (f.error !== undefined || f.skipped !== undefined) {
    if (typeof (f.error ?? f.skipped) !== 'string') p.push(`${key}: error/skipped must be a string`);
    return p;
  }
  if (typeof f.value !== 'number' || !Number.isFinite(f.value)) p.push(`${key}.value: not a finite number`);
  if (typeof f.unit !== 'string' || f.unit === '') p.push(`${key}.unit: missing`);
  const b = f.baseline;
  if (b === null || typeof b !== 'object') p.push(`${key}.baseline: missing`);
  else {
    if (typeof b.name !== 'string' || b.name === '') p.push(`${key}.baseline.name: missing`);
    if (typeof b.value !== 'number' || !Number.isFinite(b.value)) p.push(`${key}.baseline.value: not a finite number`);
    if (typeof b.unit !== 'string' || b.unit === '') p.push(`${key}.baseline.unit: missing`);
  }
  if (f.detail !== undefined && (f.detail === null || typeof f.detail !== 'object')) p.push(`${key}.detail: not an object`);
  return p;
}

/** Checks what a module's run(ctx) returned; returns problems (empty when the shape is right). */
export function moduleResultProblems(name, r) {
  if (r === null || typeof r !== 'object') return [`${name}: run() returned no object`];
  if (typeof r.skipped === 'string') return [];
  if (r.results === null || typeof r.results !== 'object') return [`${name}: run() returned no results`];
  const keys = Object.keys(r.results);
  if (keys.length === 0) return [`${name}: run() returned no figures`];
  return keys.flatMap((k) => figureProblems(k, r.results[k]));
}

/** Checks a whole results document: top-level fields, every figure, every required key present. */
export function resultsProblems(doc) {
  const p = [];
  for (const k of ['date', 'seed', 'quick', 'machine', 'modules', 'figures']) if (doc[k] === undefined) p.push(`missing ${k}`);
  if (typeof doc.quick !== 'boolean') p.push('quick: not a boolean');
  const m = doc.machine ?? {};
  for (const k of ['cpu', 'cores', 'memoryMiB', 'node', 'os']) if (m[k] === undefined) p.push(`machine.${k}: missing`);
  for (const k of REQUIRED_KEYS) if (doc[k] === undefined) p.push(`${k}: missing`);
  for (const k of doc.figures ?? []) p.push(...figureProblems(k, doc[k]));
  return p;
}

/** Formats a figure's value for the table. */
function show(v, unit) {
  if (typeof v !== 'number') return '';
  const r = round(v);
  return unit === '×' || unit === 'x' ? `${r}×` : `${r} ${unit}`;
}

/** Shortens a long baseline name for the table (results.json keeps it whole). */
function clip(s, n) {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The readable table: one row per figure (module order), with the baseline it was measured against. */
export function table(doc) {
  const rows = [['figure', 'value', 'baseline', 'baseline value', 'module']];
  for (const k of doc.figures ?? []) {
    const f = doc[k];
    if (f.error !== undefined) rows.push([k, 'ERROR', f.error.split('\n')[0].slice(0, 70), '', f.module ?? '']);
    else if (f.skipped !== undefined) rows.push([k, 'skipped', f.skipped.slice(0, 70), '', f.module ?? '']);
    else rows.push([k, show(f.value, f.unit), clip(f.baseline.name, 72), show(f.baseline.value, f.baseline.unit), f.module ?? '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((x, c) => String(x).padEnd(widths[c])).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  return out.join('\n');
}
