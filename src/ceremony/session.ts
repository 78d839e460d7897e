// Starting a ceremony run: interactive (a person at the terminal) or from an answers file (a rehearsal), with the clock and RNG each implies.
import { randomBytes } from 'node:crypto';
import type { Rng } from '../core/crypto/types.js';
import { seededRng } from '../fixtures/drbg.js';
import { AnswersPeople, InteractivePeople } from './people.js';
import type { AnswersFile, People } from './people.js';
import { runCeremony } from './runner.js';
import type { RunResult } from './runner.js';
import type { LoadedScript } from './script.js';

export interface SessionInput {
  loaded: LoadedScript;
  out: string;
  rootDir?: string;
  inputs?: string[];
  /** An answers file makes this a rehearsal; without one the run is interactive. */
  answers?: AnswersFile;
  /** Where an answers run logs what a person would have seen (default: nowhere). */
  log?: (line: string) => void;
  /** Overrides for tests. */
  people?: People;
  now?: () => Date;
  rng?: Rng;
}

export async function startSession(s: SessionInput): Promise<RunResult> {
  const a = s.answers;
  const people = s.people ?? (a ? new AnswersPeople(a, s.log) : new InteractivePeople());
  const fixed = a?.clock ? new Date(a.clock) : undefined;
  const now = s.now ?? (fixed ? () => new Date(fixed.getTime()) : () => new Date());
  // A seeded RNG is allowed only in rehearsals (answers files); its transcript says "rehearsal".
  const rng: Rng = s.rng ?? (a?.rngSeed ? seededRng(a.rngSeed, 'ceremony') : (n) => new Uint8Array(randomBytes(n)));
  return runCeremony({
    loaded: s.loaded,
    people,
    out: s.out,
    ...(s.rootDir ? { rootDir: s.rootDir } : {}),
    inputs: s.inputs ?? [],
    now,
    rng,
    rehearsal: a !== undefined || people.mode === 'answers',
    ...(a?.ceremonyId ? { ceremonyId: a.ceremonyId } : {}),
    ...(a?.kdfCost ? { kdfCost: a.kdfCost } : {}),
  });
}
