// Fuzz format for enclave audit logs (src/core/audit/log.ts verifyAuditLog; hash links classified by src/core/log/chain.ts): log.jsonl plus checkpoints.jsonl.
//
// One input holds both files, as the enclave keeps them (audit/log.jsonl, audit/checkpoints.jsonl):
// the log's lines, a line "--- checkpoints ---", the checkpoint lines; each part is read like
// src/enclave/audit.ts readLines (UTF-8 text, LF-separated, one final LF dropped). Seeds: two
// fixture logs of the harbor enclave (test/core/policy/helpers.ts), with signed checkpoints every 3
// and every 4 entries. The first finding's code is the outcome. Check: in a log that verifies, the
// entries a signed checkpoint covers are a prefix of a genuine log (nothing edited, reordered,
// repeated or forged), and its checkpoints a prefix of the genuine ones. Entries after the last
// surviving checkpoint are only chained, and reported as `unsealed`: cutting checkpoints.jsonl back
// and rewriting the tail after it cannot be seen locally (docs/enclave-dir.md), so they may differ.
import type { FuzzFormat } from '../harness.js';
import { emptyHead, makeCheckpoint, nextAuditEntry, verifyAuditLog } from '../../../src/core/audit/log.js';
import type { AuditHead, AuditInput, AuditVerifyResult } from '../../../src/core/audit/log.js';
import { fixture, NOW } from '../../core/policy/helpers.js';
import { expectThat, findingsOutcome, lossy, utf8 } from '../format-helpers.js';

const MARK = '--- checkpoints ---';
const HEX = 'ab'.repeat(32);

interface Log {
  lines: string[];
  checkpoints: string[];
}

function build(n: number, every: number): Log {
  const { harbor, H, O } = fixture();
  const kinds: AuditInput[] = [
    { event: 'seal', decision: 'allow', layer: 'data', subject: 'env-1', peer: O, digests: { envelope: HEX }, details: { scope: 'weather', records: 3 } },
    { event: 'open', decision: 'refuse', code: 'REFUSED_WITHDRAWN', layer: 'data', subject: 'env-2', peer: O },
    { event: 'import', decision: 'allow', subject: 'agr-0123', digests: { body: 'cd'.repeat(64) } },
    { event: 'issue', decision: 'record', subject: '1f2e' },
  ];
  let head: AuditHead = emptyHead(H);
  const lines: string[] = [];
  const checkpoints: string[] = [];
  const cp = (): void => {
    const prev = checkpoints[checkpoints.length - 1];
    checkpoints.push(makeCheckpoint({ enclave: H, head, ...(prev !== undefined ? { prevLine: prev } : {}), now: NOW, signer: harbor.signing.signer!, cert: harbor.signing.cert }).line);
  };
  for (let i = 0; i < n; i++) {
    const r = nextAuditEntry(head, kinds[i % kinds.length]!, new Date(NOW.getTime() + i * 1000));
    lines.push(r.line);
    head = r.head;
    if (head.count % every === 0) cp();
  }
  if (head.count % every !== 0) cp();
  return { lines, checkpoints };
}

let logs: Log[] | undefined;
const seedLogs = (): Log[] => (logs ??= [build(10, 4), build(7, 3)]);

function readLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Splits one fuzz input into the two files. */
export function splitAuditInput(input: Uint8Array): Log {
  const text = lossy(input);
  const at = text.indexOf(`\n${MARK}\n`);
  if (at < 0) return { lines: readLines(text), checkpoints: [] };
  return { lines: readLines(text.slice(0, at + 1)), checkpoints: readLines(text.slice(at + MARK.length + 2)) };
}

const prefixOf = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((l, i) => l === b[i]);

/**
 * A checkpoint line without its `cms` member: what the signature covers. The certificate bag of a CMS
 * SignedData is not signed (RFC 5652 §5.1), and verifyAuditLog trusts only the keys of the given
 * signer certificates, so bytes inside the embedded certificate of the LAST checkpoint (no later
 * checkpoint chains over it) may differ and still verify; no claim of the checkpoint changes.
 */
function signedPart(line: string): string {
  const { cms: _cms, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify(rest);
}

const auditLog: FuzzFormat = {
  name: 'audit-log',
  kind: 'jsonl',
  seeds() {
    return seedLogs().map((l) => utf8.encode(`${l.lines.join('\n')}\n${MARK}\n${l.checkpoints.join('\n')}\n`));
  },
  parse(input) {
    const { harbor, H } = fixture();
    const { lines, checkpoints } = splitAuditInput(input);
    return findingsOutcome(verifyAuditLog({ enclave: H, lines, checkpoints, signers: [harbor.signing.cert] }), 'audit log');
  },
  check(input, result) {
    const r = result as AuditVerifyResult;
    expectThat(r.ok, 'not ok without findings');
    const { lines, checkpoints } = splitAuditInput(input);
    const genuine = seedLogs().some(
      (l) =>
        prefixOf(lines.slice(0, r.covered), l.lines) &&
        prefixOf(checkpoints.slice(0, -1), l.checkpoints) &&
        (checkpoints.length === 0 || (checkpoints.length <= l.checkpoints.length && signedPart(checkpoints[checkpoints.length - 1]!) === signedPart(l.checkpoints[checkpoints.length - 1]!))),
    );
    expectThat(genuine, 'an audit log that is not a prefix of a genuine one verified (false accept)');
    expectThat(r.covered <= lines.length && r.unsealed === lines.length - r.covered, 'covered/unsealed counts do not add up');
  },
};

export default auditLog;
