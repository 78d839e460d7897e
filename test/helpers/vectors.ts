// Shared test helper: locating the shared test-vector folders (../shared/vectors or $WRIT_VECTORS).
//
// Brief rule: vector tests read from `$WRIT_VECTORS ?? <repo>/../shared/vectors`; when the folder is
// absent they skip with ONE loud console line; when it is present but nothing loads they FAIL.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (this file lives in <repo>/test/helpers). */
export const REPO_ROOT: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The vectors root: $WRIT_VECTORS if set, else <repo>/../shared/vectors; undefined when it does not exist. */
export function vectorsDir(): string | undefined {
  const env = process.env.WRIT_VECTORS;
  const dir = env !== undefined && env !== '' ? path.resolve(env) : path.resolve(REPO_ROOT, '..', 'shared', 'vectors');
  return isDir(dir) ? dir : undefined;
}

const warned = new Set<string>();

/**
 * The folder of one vector set (e.g. 'x509-limbo'), or undefined after printing ONE loud warning line
 * when it (or the vectors root) is absent. Use with `describe.skipIf(dir === undefined)`.
 */
export function requireVectors(name: string): string | undefined {
  const root = vectorsDir();
  const dir = root === undefined ? undefined : path.join(root, name);
  if (dir !== undefined && isDir(dir)) return dir;
  if (!warned.has(name)) {
    warned.add(name);
    const where = root ?? (process.env.WRIT_VECTORS || path.resolve(REPO_ROOT, '..', 'shared', 'vectors'));
    console.warn(`!!! SKIPPING ${name} vector tests: ${path.join(where, name)} not found (set WRIT_VECTORS) !!!`);
  }
  return undefined;
}

/** Fails (throws) when a present vector set yielded zero applied vectors: silence must not pass. */
export function assertLoaded(name: string, count: number): void {
  if (!(count > 0)) throw new Error(`${name}: vector folder is present but zero vectors were loaded/applied`);
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
