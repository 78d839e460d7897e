// `writ ceremony verify DIR`: checks a ceremony directory offline: hash chain, closing signatures, approvals, artifact hashes (issue 3).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { WritError } from '../../../core/errors.js';
import { collectArtifacts } from '../../../ceremony/files.js';
import { splitTranscript, verifyTranscript } from '../../../core/transcript/verify.js';
import { pemDecodeAll } from '../../../core/asn1/pem.js';
import { parseCertificate } from '../../../core/x509/parse.js';
import { readFileLimited } from '../../io.js';

export function run(_ctx: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const dir = args[0]!;
  const file = fs.existsSync(dir) && fs.statSync(dir).isFile() ? dir : path.join(dir, 'transcript.jsonl');
  const base = path.dirname(file);
  const text = new TextDecoder().decode(readFileLimited(file)); // MAX_INPUT_BYTES: stat first, bounded read
  const trustFile = opts.root as string | undefined;
  const trustedRoot = trustFile ? parseCertificate(pemDecodeAll(new TextDecoder().decode(readFileLimited(trustFile))).find((b) => b.label === 'CERTIFICATE')?.der ?? new Uint8Array()) : undefined;
  const lines0 = splitTranscript(text);
  // A directory is checked whole (an extra file is reported too); a transcript file given on its own (e.g.
  // the transcript an abort leaves beside --out) is checked against the files its closing record names.
  const artifacts = file === dir ? namedArtifacts(base, lines0) : collectArtifacts(base);
  const v = verifyTranscript(lines0, { artifacts, ...(trustedRoot ? { trustedRoot } : {}) });
  const lines: string[] = [];
  lines.push(`${v.ok ? 'VALID' : 'INVALID'}: ceremony ${v.ceremonyId || '?'}${v.rehearsal ? ' (REHEARSAL)' : ''}, ${v.entries} lines, status ${v.status}${v.script ? `, script ${v.script.name}` : ''}`);
  if (v.root) lines.push(`  closed under root ${v.root.subject} (certificate SHA-256 ${v.root.fingerprint})`);
  if (v.closingSigners.length) lines.push(`  closing record signed by: ${v.closingSigners.map((s) => `${s.role} ${s.actor}`).join(', ')}`);
  for (const a of v.approvals) lines.push(`  ${a.label}: approved by ${a.custodians.join(', ')} (${a.custodians.length} approvals, ${a.threshold} needed)`);
  for (const [p, h] of Object.entries(v.artifacts)) lines.push(`  ${h}  ${p}`);
  for (const e of v.errors) lines.push(`  ${e.code}${e.line ? ` (line ${e.line})` : ''}: ${e.message}`);
  return { text: lines.join('\n'), data: { ...v }, ...(v.ok ? {} : { exitCode: EXIT.FAILED }) };
}

function namedArtifacts(base: string, lines: string[]): Record<string, Uint8Array> {
  let named: string[] = [];
  try {
    const last = JSON.parse(lines[lines.length - 1] ?? '{}') as { data?: { artifacts?: Record<string, string> } };
    named = Object.keys(last.data?.artifacts ?? {});
  } catch {
    return {}; // the verifier reports the malformed line
  }
  const out: Record<string, Uint8Array> = {};
  for (const n of named) {
    const p = path.join(base, ...n.split('/'));
    if (!path.resolve(p).startsWith(path.resolve(base) + path.sep)) continue;
    if (fs.existsSync(p)) out[n] = readFileLimited(p);
  }
  return out;
}
