// Test helpers for ceremonies: temp dirs, rehearsal runs of the shipped scripts, transcript verification from disk.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectArtifacts, loadScriptFile } from '../../src/ceremony/files.js';
import { startSession } from '../../src/ceremony/session.js';
import { rehearsalAnswers } from '../../src/ceremony/rehearsal.js';
import type { RehearsalOptions } from '../../src/ceremony/rehearsal.js';
import type { RunResult } from '../../src/ceremony/runner.js';
import type { AnswersFile } from '../../src/ceremony/people.js';
import { AnswersPeople } from '../../src/ceremony/people.js';
import { splitTranscript, verifyTranscript } from '../../src/core/transcript/verify.js';
import type { TranscriptVerifyResult } from '../../src/core/transcript/types.js';

export const CLOCK = '2026-06-01T09:00:00Z';

export function tmpDir(prefix = 'writ-ceremony-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Rehearsal {
  result: RunResult;
  people: AnswersPeople;
  log: string[];
}

export async function rehearse(script: string, o: { out: string; rootDir?: string; inputs?: string[]; answers?: AnswersFile; opts?: RehearsalOptions }): Promise<Rehearsal> {
  const answers = o.answers ?? rehearsalAnswers({ clock: CLOCK, rngSeed: `test-${script}`, ...(o.opts ?? {}) });
  const log: string[] = [];
  const people = new AnswersPeople(answers, (l) => log.push(l));
  const result = await startSession({ loaded: loadScriptFile(script), out: o.out, ...(o.rootDir ? { rootDir: o.rootDir } : {}), inputs: o.inputs ?? [], answers, people });
  return { result, people, log };
}

/** Reads DIR/transcript.jsonl and the files beside it (as `writ ceremony verify` does), and verifies. */
export function verifyDir(dir: string): TranscriptVerifyResult {
  const lines = splitTranscript(fs.readFileSync(path.join(dir, 'transcript.jsonl'), 'utf8'));
  return verifyTranscript(lines, { artifacts: collectArtifacts(dir) });
}

/** Entries of a transcript file, parsed. */
export function entries(file: string): { seq: number; step: string; event: string; actor: string; data: Record<string, unknown> }[] {
  return splitTranscript(fs.readFileSync(file, 'utf8')).map((l) => JSON.parse(l));
}
