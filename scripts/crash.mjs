// `npm run crash`: the crash harness of issue 8 "Faults" (test/crash/harness.ts), 200 SIGKILLs per writing command by default.
//
// Usage: node scripts/crash.mjs [--kills N] [--only CASE[,CASE...]] [--seed S] [--jobs N] [--out FILE] [--keep]
// Builds nothing: run `npm run build` first (the npm script does). The harness is TypeScript; it is
// bundled here with esbuild (already present as tsup's own bundler) into a temp file and imported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseFlags } from './args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/crash.mjs [--kills N] [--only CASE[,CASE...]] [--seed S] [--jobs N] [--out FILE] [--keep]\n';
const opts = parseFlags(process.argv.slice(2), 'crash', USAGE, new Map([['--kills', 1], ['--only', 1], ['--seed', 1], ['--jobs', 1], ['--out', 1], ['--keep', 0]]));
const opt = (name, dflt) => opts.get(name) ?? dflt;
const kills = Number(opt('--kills', '200'));
const seed = opt('--seed', 'writ-crash-1');
const jobs = Number(opt('--jobs', '2'));
const only = opt('--only', undefined)?.split(',').filter(Boolean);
const outFile = path.resolve(root, opt('--out', 'crash-results.json'));
if (!Number.isSafeInteger(kills) || kills < 1) throw new Error('--kills must be a positive integer');
if (!fs.existsSync(path.join(root, 'dist/writ.mjs'))) throw new Error('dist/writ.mjs is missing: run npm run build first');

const esbuild = await import('esbuild');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-crash-bundle-'));
const bundle = path.join(tmp, 'harness.mjs');
await esbuild.build({
  entryPoints: [path.join(root, 'test/crash/harness.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  loader: { '.yaml': 'text' },
  logLevel: 'error',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
try {
  const h = await import(pathToFileURL(bundle).href);
  const summary = await h.runCrashSuite({ root, kills, seed, jobs, only, log: (l) => console.log(l), keep: opts.has('--keep') });
  console.log('');
  console.log(h.formatTable(summary));
  fs.writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`summary written to ${path.relative(process.cwd(), outFile) || outFile}`);
  process.exitCode = summary.corruptionFound === 0 ? 0 : 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
