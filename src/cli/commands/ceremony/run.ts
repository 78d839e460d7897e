// `writ ceremony run SCRIPT --out DIR`: runs a ceremony script interactively, or as a rehearsal from --answers (DESIGN.md §2, issue 3).
import * as path from 'node:path';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { WritError } from '../../../core/errors.js';
import { canPrompt } from '../../prompt.js';
import { loadAnswersFile, loadScriptFile } from '../../../ceremony/files.js';
import { startSession } from '../../../ceremony/session.js';

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const script = args[0]!;
  const out = opts.out as string;
  const loaded = loadScriptFile(script);
  const answers = opts.answers ? loadAnswersFile(opts.answers as string) : undefined;
  if (!answers && !canPrompt()) throw new WritError('USAGE', 'no terminal to run the ceremony on: run it at a terminal, or rehearse it with --answers FILE');
  const rootDir = opts.rootDir as string | undefined;
  const r = await startSession({
    loaded,
    out,
    ...(rootDir ? { rootDir } : {}),
    inputs: (opts.in as string[] | undefined) ?? [],
    ...(answers ? { answers, log: (l: string) => ctx.note(l) } : {}),
    ...(answers ? {} : { now: ctx.now, rng: ctx.rng }),
  });
  const failed = (r.drillFailures ?? []).length > 0;
  const text = [
    ...r.summary,
    ...Object.entries(r.artifacts).map(([p, h]) => `  ${h}  ${p}`),
    `  transcript: ${path.join(r.out, 'transcript.jsonl')}`,
    ...(r.drillFailures ?? []).map((f) => `  FAILED ${f.custodian}: ${f.message} [${f.code}]`),
    `Check it any time, offline: writ ceremony verify ${out}`,
  ].join('\n');
  return {
    text,
    data: { ceremonyId: r.ceremonyId, kind: r.kind, rehearsal: r.rehearsal, out: r.out, artifacts: r.artifacts, ...(r.rootKeyFingerprint ? { rootKeyFingerprint: r.rootKeyFingerprint } : {}), ...(r.drillFailures ? { drillFailures: r.drillFailures } : {}) },
    ...(failed ? { exitCode: EXIT.FAILED } : {}),
  };
}
