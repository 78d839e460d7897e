// Shared test helper: running the built CLI (`node bin/writ.js`) like a user, and building the bundle when it is missing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './vectors.js';
import { beginRun } from './capture.js';

/** The CLI's launcher (it loads dist/writ.mjs). */
export const WRIT_BIN: string = path.join(REPO_ROOT, 'bin/writ.js');
/** The tsup bundle the launcher loads. */
export const WRIT_BUNDLE: string = path.join(REPO_ROOT, 'dist/writ.mjs');

/** One finished CLI run; `json()` parses stdout. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RunWritOptions {
  /** Working directory of the run. */
  cwd: string;
  /** The node binary (default: the one running the tests). */
  node?: string;
  /** Kill the run after this many ms (default: none). */
  timeout?: number;
  /** When given, stdout and stderr are appended here (to search later for leaked secrets). */
  record?: string[];
}

/** Runs the CLI with `args`, stdin closed and only PATH in its environment. */
export function runWrit(args: readonly string[], opts: RunWritOptions): Run {
  const cap = beginRun('runWrit', opts.cwd, args); // secret-hygiene capture (test/helpers/capture.ts); a no-op unless WRIT_CAPTURE_DIR is set
  const r = spawnSync(opts.node ?? process.execPath, [WRIT_BIN, ...args], {
    cwd: opts.cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
  });
  opts.record?.push(r.stdout, r.stderr);
  cap.end(r.stdout, r.stderr, r.status);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/**
 * Builds the bundle (`npm run build`) when it is missing, or when `mustContain` is given and the bundle
 * does not contain it (a bundle older than the feature under test). `npm test` builds first; this covers
 * running vitest on its own.
 */
export function ensureBundle(mustContain?: string): void {
  const fresh = fs.existsSync(WRIT_BUNDLE) && (mustContain === undefined || fs.readFileSync(WRIT_BUNDLE, 'utf8').includes(mustContain));
  if (fresh) return;
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
}
