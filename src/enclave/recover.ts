// Crash recovery of an enclave directory (docs/enclave-dir.md "Crash safety"): finishes or rolls back an interrupted `writ enclave install`, sweeps dead writers' temp files and releases their audit lock.
//
// `writ enclave install` swaps certs/ and trust/ in with two renames. Two renames are not one atomic
// step, so the swap is journaled by the directories themselves: ".install-<tag>" (the staged new
// certs/ and trust/) and ".old-<tag>" (the live ones moved aside). The swap is committed when the
// staging directory holds neither certs/ nor trust/ (both were moved in); before that point an
// interrupted swap is rolled back, after it the debris is removed. Every step here is a rename or a
// removal of debris, so recovery itself may be interrupted and run again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { ioMessage, removeStaleLock, sweepTempFiles } from '../cli/io.js';

/** The directories `writ enclave install` swaps, in this order. */
export const SWAPPED = ['certs', 'trust'] as const;

const STAGE_RE = /^\.install-([0-9a-f]{12})$/;
const OLD_RE = /^\.old-([0-9a-f]{12})$/;

function exists(p: string): boolean {
  return fs.existsSync(p);
}

/** Undoes a swap that did not reach its commit point: each step is safe to repeat. */
export function rollBackSwap(root: string, stage: string, old: string): void {
  for (const name of SWAPPED) {
    const live = path.join(root, name);
    // moved in but not committed: move it back out (into the staging directory, which marks it "not moved in")
    if (!exists(path.join(stage, name)) && exists(live) && exists(stage)) fs.renameSync(live, path.join(stage, name));
    // moved aside: put the old one back
    if (exists(path.join(old, name)) && !exists(live)) fs.renameSync(path.join(old, name), live);
  }
}

/**
 * Recovers an enclave directory after a crash: interrupted installs are rolled back (or, when both
 * directories were already swapped in, completed), and temp files of dead writers are removed.
 * Returns what was done (for a note). Runs before any enclave is loaded and before an install.
 */
export function recoverEnclaveDir(root: string, dirs: readonly string[] = []): string[] {
  const done: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return done;
  }
  try {
    const tags = new Set<string>();
    for (const n of names) {
      const m = STAGE_RE.exec(n) ?? OLD_RE.exec(n);
      if (m) tags.add(m[1]!);
    }
    for (const tag of tags) {
      const stage = path.join(root, `.install-${tag}`);
      const old = path.join(root, `.old-${tag}`);
      const committed = !SWAPPED.some((n) => exists(path.join(stage, n)));
      if (!committed) {
        rollBackSwap(root, stage, old);
        done.push(`rolled back an interrupted install (${tag})`);
      } else if (exists(old)) {
        for (const d of dirs) if (!exists(d)) fs.mkdirSync(d, { recursive: true });
        done.push(`completed an interrupted install (${tag})`);
      }
      fs.rmSync(stage, { recursive: true, force: true });
      fs.rmSync(old, { recursive: true, force: true });
    }
  } catch (e) {
    throw new WritError('IO', `cannot recover the interrupted install in ${root}: ${ioMessage(e)}`, { cause: e });
  }
  for (const d of [root, ...dirs]) sweepTempFiles(d);
  // The audit lock of a command that was killed (its pid is gone) is released here too.
  if (removeStaleLock(path.join(root, 'audit', '.lock'))) done.push('released the audit lock of a command that is no longer running');
  return done;
}
