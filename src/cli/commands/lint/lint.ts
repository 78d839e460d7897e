// `writ lint --profile cnsa2|hybrid FILE...`: CNSA 2.0 checks of certificates, CSRs, CRLs, keys, envelopes and agreements (src/core/lint).
import { readFileLimited } from '../../io.js';
import type { Ctx, CommandResult } from '../../context.js';
import { DEFAULT_LINT_LIMITS, findingCount, lintBytes } from '../../../core/lint/lint.js';
import type { LintLimits, LintProfile, LintedObject } from '../../../core/lint/lint.js';
import { EXIT } from '../../exit.js';

const LIMIT_FLAGS: [keyof LintLimits, string][] = [
  ['rootDays', 'maxRootDays'],
  ['caDays', 'maxCaDays'],
  ['leafDays', 'maxLeafDays'],
  ['crlDays', 'maxCrlDays'],
  ['documentDays', 'maxDocumentDays'],
];

function algText(o: LintedObject): string {
  const a = Object.entries(o.algorithms)
    .filter(([k]) => k === 'signature' || k === 'key' || k === 'content' || k === 'cipher' || k === 'kdf' || /KEM$/.test(k))
    .map(([, v]) => v);
  return [...new Set(a)].join(', ');
}

export async function run(_ctx: Ctx, args: string[] | string[][], opts: Record<string, unknown>): Promise<CommandResult> {
  const files = (Array.isArray(args[0]) ? args[0] : args) as string[];
  const profile = opts.profile as LintProfile;
  const limits: LintLimits = { ...DEFAULT_LINT_LIMITS };
  for (const [k, flag] of LIMIT_FLAGS) if (typeof opts[flag] === 'number') limits[k] = opts[flag] as number;
  const results: { file: string; objects: LintedObject[] }[] = [];
  for (const file of files) {
    const bytes = readFileLimited(file);
    try {
      results.push({ file, objects: lintBytes(bytes, { profile, limits }) });
    } finally {
      bytes.fill(0); // the file may be a private key
    }
  }
  const total = results.reduce((n, r) => n + findingCount(r.objects), 0);
  const lines: string[] = [];
  for (const r of results) {
    for (const o of r.objects) {
      const mark = o.findings.length === 0 ? 'ok  ' : 'FAIL';
      lines.push(`${mark}  ${r.file}  ${o.embedded ? 'embedded ' : ''}${o.kind} "${o.name}"  ${algText(o)}`);
      for (const f of o.findings) lines.push(`        ${f.code}: ${f.message}`);
      for (const n of o.notes) lines.push(`        note: ${n}`);
    }
  }
  const objects = results.reduce((n, r) => n + r.objects.length, 0);
  lines.push(
    total === 0
      ? `lint (${profile}): ${objects} object${objects === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}, no findings`
      : `lint (${profile}): ${total} finding${total === 1 ? '' : 's'} in ${objects} object${objects === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'}`,
  );
  return {
    text: lines.join('\n'),
    data: { profile, limits, findings: total, files: results },
    exitCode: total === 0 ? EXIT.OK : EXIT.FAILED,
  };
}
