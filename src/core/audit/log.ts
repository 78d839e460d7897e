// Enclave audit log (issue 4 "Audit log"): hash-chained RFC 8785 JSON lines (SHA-512 links, src/core/log/chain.ts) with CMS-signed checkpoints (RFC 5652 / RFC 9882).
//
// Pure: the enclave appender (src/enclave/audit.ts) does the file I/O and passes time in. The log holds
// digests and decisions only, never record contents or secrets: entries accept hex digests and short
// scalar details, and member names that smell of secrets are refused (INSECURE).
//
// Files: audit/log.jsonl (one entry per line) and audit/checkpoints.jsonl. A checkpoint signs
// {enclave, count, head} where head is the hash of entry count-1; checkpoints form their own chain. The
// separate file is what makes truncation visible: cutting lines off log.jsonl leaves a checkpoint that
// covers more entries than remain (CHAIN_TRUNCATED). Cutting both files at once is beyond what a local
// log can prove; exported checkpoints (e.g. carried to a peer) close that gap.
import { WritError, type WritErrorCode, type LogCode } from '../errors.js';
import { canonicalize, canonicalBytes } from '../json/canonical.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate } from '../x509/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { signCms, verifyCms } from '../cms/signed-data.js';
import { chainGenesis, chainGenesisHash, chainLineHash, classifyChain, parseCanonicalLine } from '../log/chain.js';
import { fromBase64, toBase64 } from '../policy/signed.js';
import type { Layer } from '../policy/agreement.js';
import { LAYERS } from '../policy/agreement.js';

export const AUDIT_FORMAT = 'writ-audit/1';

/** What happened. */
export type AuditEvent =
  | 'issue' // a certificate or key was issued / installed
  | 'seal' // an envelope was sealed
  | 'open' // an envelope was opened
  | 'query' // a query envelope was sealed or opened
  | 'answer' // an answer envelope was sealed or opened
  | 'propose' // an agreement was proposed
  | 'countersign' // an agreement was countersigned
  | 'import' // an agreement, withdrawal or crossing was imported
  | 'withdraw' // this enclave signed a withdrawal
  | 'refuse'; // any refusal (the code says why)

export const AUDIT_EVENTS: readonly AuditEvent[] = ['issue', 'seal', 'open', 'query', 'answer', 'propose', 'countersign', 'import', 'withdraw', 'refuse'];

/** The decision recorded: allowed, refused (with a code), or a plain record of a local act. */
export type AuditDecision = 'allow' | 'refuse' | 'record';

/** What a caller appends. Only digests and decisions: no contents, no secrets. */
export interface AuditInput {
  event: AuditEvent;
  decision: AuditDecision;
  /** The federation layer the act belongs to, when it has one. */
  layer?: Layer;
  /** The refusal code (required when decision is "refuse"). */
  code?: WritErrorCode;
  /** What the act was about: an envelope id, agreement id, crossing id, certificate serial... (<= 200 chars). */
  subject?: string;
  /** The other enclave, when there is one (enclave id). */
  peer?: string;
  /** Named digests, lower-case hex (SHA-256 or SHA-512), e.g. { envelope: "…", manifest: "…" }. */
  digests?: Record<string, string>;
  /** Short scalar facts (scope, level, counts); strings <= 200 chars. */
  details?: Record<string, string | number | boolean>;
}

/** One line of audit/log.jsonl. */
export interface AuditEntry extends AuditInput {
  seq: number;
  /** RFC 3339 UTC. */
  time: string;
  /** Hex SHA-512 of the previous line (first line: of the genesis string). */
  prev: string;
}

/** One line of audit/checkpoints.jsonl. */
export interface AuditCheckpoint {
  type: 'writ-audit-checkpoint';
  /** Checkpoint number, 0, 1, 2... */
  seq: number;
  time: string;
  enclave: string;
  /** Number of entries covered (entries 0..count-1). */
  count: number;
  /** Hex SHA-512 of entry count-1's line. */
  head: string;
  /** Hex SHA-512 of the previous checkpoint line (first: of the checkpoint genesis string). */
  prev: string;
  /** Base64 DER CMS SignedData, detached, over the canonical checkpoint without `cms`. */
  cms: string;
}

export function auditGenesis(enclave: string): string {
  return chainGenesis(AUDIT_FORMAT, 'enclave', enclave);
}

export function checkpointGenesis(enclave: string): string {
  return chainGenesis(`${AUDIT_FORMAT} checkpoints`, 'enclave', enclave);
}

const SECRET_PARTS = ['seed', 'mnemonic', 'passphrase', 'password', 'privatekey', 'secret', 'plaintext', 'content', 'record'];
const HEX_DIGEST = /^(?:[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

function checkName(k: string, where: string): void {
  if (!NAME.test(k)) throw new WritError('USAGE', `audit ${where}: member name "${k.slice(0, 40)}" is not a plain identifier`);
  const norm = k.toLowerCase().replace(/_/g, '');
  const bad = SECRET_PARTS.find((p) => norm.includes(p));
  // "records" counts are fine as a number; everything else named like a secret or content is refused.
  if (bad !== undefined && !(where === 'details' && /^records?(count)?$/.test(norm))) {
    throw new WritError('INSECURE', `audit ${where}.${k}: names containing "${bad}" are refused: the log holds digests and decisions only`);
  }
}

/**
 * The members of `digests` / `details`, which must be a plain object. Object.entries of anything else
 * enumerates characters or items: a 1 MB string there made a million pairs before the first name
 * check failed (1.0-1.5 s of CPU, fuzz run of 22 Nov 2026, docs/fuzzing.md bug 17).
 */
function membersOf(v: unknown, where: string): [string, unknown][] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WritError('USAGE', `audit ${where} must be an object of named members`);
  return Object.entries(v);
}

/** Checks an input against the no-contents, no-secrets rule and the entry schema. */
export function checkAuditInput(i: AuditInput): void {
  if (!AUDIT_EVENTS.includes(i.event)) throw new WritError('USAGE', `unknown audit event "${String(i.event)}"`);
  if (i.decision !== 'allow' && i.decision !== 'refuse' && i.decision !== 'record') throw new WritError('USAGE', 'audit decision must be allow, refuse or record');
  if (i.decision === 'refuse' && !i.code) throw new WritError('USAGE', 'a refusal needs its code');
  if (i.layer !== undefined && !(LAYERS as readonly string[]).includes(i.layer)) throw new WritError('USAGE', `unknown layer "${String(i.layer)}"`);
  for (const s of [i.subject, i.peer, i.code]) if (s !== undefined && (typeof s !== 'string' || s.length > 200)) throw new WritError('USAGE', 'audit subject/peer/code must be short strings');
  for (const [k, d] of membersOf(i.digests, 'digests')) {
    checkName(k, 'digests');
    if (typeof d !== 'string' || !HEX_DIGEST.test(d)) throw new WritError('USAGE', `audit digests.${k} must be lower-case hex SHA-256/384/512`);
  }
  for (const [k, d] of membersOf(i.details, 'details')) {
    checkName(k, 'details');
    const ok = typeof d === 'boolean' || (typeof d === 'number' && Number.isSafeInteger(d)) || (typeof d === 'string' && d.length <= 200);
    if (!ok) throw new WritError('USAGE', `audit details.${k} must be a boolean, an integer or a string of at most 200 characters`);
  }
}

function entryOf(i: AuditInput, seq: number, time: Date, prev: string): AuditEntry {
  const e: AuditEntry = { seq, time: time.toISOString(), event: i.event, decision: i.decision, prev };
  if (i.layer !== undefined) e.layer = i.layer;
  if (i.code !== undefined) e.code = i.code;
  if (i.subject !== undefined) e.subject = i.subject;
  if (i.peer !== undefined) e.peer = i.peer;
  if (i.digests && Object.keys(i.digests).length) e.digests = { ...i.digests };
  if (i.details && Object.keys(i.details).length) e.details = { ...i.details };
  return e;
}

/** The chain head: how many entries there are and the hash of the last line (genesis hash when empty). */
export interface AuditHead {
  count: number;
  hash: string;
}

export function emptyHead(enclave: string): AuditHead {
  return { count: 0, hash: chainGenesisHash(auditGenesis(enclave)) };
}

/** Builds the next entry after `head`; returns the entry, its canonical line and the new head. */
export function nextAuditEntry(head: AuditHead, input: AuditInput, now: Date): { entry: AuditEntry; line: string; head: AuditHead } {
  checkAuditInput(input);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
  const entry = entryOf(input, head.count, now, head.hash);
  const line = canonicalize(entry);
  return { entry, line, head: { count: head.count + 1, hash: chainLineHash(line) } };
}

/** The head after the last line of an existing log (the appender reopens a log this way). */
export function headOfLines(enclave: string, lines: readonly string[]): AuditHead {
  const last = lines[lines.length - 1];
  if (last === undefined) return emptyHead(enclave);
  const p = parseAuditLine(last);
  if ('error' in p) throw new WritError('CHAIN_EDITED', `the last audit line is not an entry: ${p.error}`);
  return { count: p.entry.seq + 1, hash: chainLineHash(last) };
}

function unsignedCheckpoint(c: Omit<AuditCheckpoint, 'cms'>): Omit<AuditCheckpoint, 'cms'> {
  return { type: c.type, seq: c.seq, time: c.time, enclave: c.enclave, count: c.count, head: c.head, prev: c.prev };
}

/**
 * Signs a checkpoint over `head` with the enclave's gateway signing key. `prevLine` is the last line of
 * checkpoints.jsonl (undefined for the first checkpoint).
 */
export function makeCheckpoint(o: {
  enclave: string;
  head: AuditHead;
  prevLine?: string;
  now: Date;
  signer: Signer;
  cert: Certificate;
  chain?: Uint8Array[];
}): { checkpoint: AuditCheckpoint; line: string } {
  let seq = 0;
  let prev = chainGenesisHash(checkpointGenesis(o.enclave));
  if (o.prevLine !== undefined) {
    const p = parseCheckpointLine(o.prevLine);
    if ('error' in p) throw new WritError('CHECKPOINT', `the last checkpoint line is not a checkpoint: ${p.error}`);
    seq = p.checkpoint.seq + 1;
    prev = chainLineHash(o.prevLine);
  }
  const body = unsignedCheckpoint({ type: 'writ-audit-checkpoint', seq, time: o.now.toISOString(), enclave: o.enclave, count: o.head.count, head: o.head.hash, prev });
  const cms = signCms({
    content: canonicalBytes(body),
    detached: true,
    signers: [{ signer: o.signer, cert: o.cert }],
    certificates: o.chain ?? [],
    signingTime: o.now,
  });
  const checkpoint: AuditCheckpoint = { ...body, cms: toBase64(cms) };
  return { checkpoint, line: canonicalize(checkpoint) };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX128 = /^[0-9a-f]{128}$/;
const ENTRY_KEYS = new Set(['seq', 'time', 'event', 'decision', 'layer', 'code', 'subject', 'peer', 'digests', 'details', 'prev']);

/** Parses one log line: JSON, in its own canonical form, with the entry schema. */
export function parseAuditLine(line: string): { entry: AuditEntry } | { error: string } {
  const r = parseCanonicalLine(line, (v) => {
    for (const k of Object.keys(v)) if (!ENTRY_KEYS.has(k)) return `unexpected member "${k}"`;
    if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) return 'seq';
    if (typeof v.time !== 'string' || !RFC3339.test(v.time)) return 'time';
    if (typeof v.prev !== 'string' || !HEX128.test(v.prev)) return 'prev';
    checkAuditInput(v as unknown as AuditInput); // throws; parseCanonicalLine turns it into the reason
    return undefined;
  });
  return 'error' in r ? r : { entry: r.value as unknown as AuditEntry };
}

const CHECKPOINT_KEYS = ['cms', 'count', 'enclave', 'head', 'prev', 'seq', 'time', 'type'];

export function parseCheckpointLine(line: string): { checkpoint: AuditCheckpoint } | { error: string } {
  const r = parseCanonicalLine(line, (v) => {
    if (v.type !== 'writ-audit-checkpoint') return 'not a checkpoint';
    if (Object.keys(v).sort().join() !== CHECKPOINT_KEYS.join()) return `members must be ${CHECKPOINT_KEYS.join(', ')}`;
    if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) return 'seq';
    if (typeof v.count !== 'number' || !Number.isSafeInteger(v.count) || v.count < 0) return 'count';
    if (typeof v.time !== 'string' || !RFC3339.test(v.time)) return 'time';
    if (typeof v.enclave !== 'string' || typeof v.cms !== 'string') return 'enclave/cms';
    if (typeof v.head !== 'string' || !HEX128.test(v.head) || typeof v.prev !== 'string' || !HEX128.test(v.prev)) return 'head/prev';
    return undefined;
  });
  return 'error' in r ? r : { checkpoint: r.value as unknown as AuditCheckpoint };
}

export interface AuditIssue {
  code: LogCode;
  /** 'log' or 'checkpoints', and the 1-based line number. */
  file: 'log' | 'checkpoints';
  line?: number;
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  enclave: string;
  entries: number;
  checkpoints: number;
  /** Entries covered by the last valid checkpoint. */
  covered: number;
  /** Entries after the last checkpoint (chained but not yet signed). */
  unsealed: number;
  errors: AuditIssue[];
}

/**
 * Verifies an audit log and its checkpoints. `signers` are the certificates whose keys may sign
 * checkpoints (the enclave's gateway signing certs, old and current); their chains are the caller's job
 * (loadEnclave verifies the current one). The log's chain is classified by the shared hash-link
 * classifier (src/core/log/chain.ts): CHAIN_REORDERED (by hash links; the true order is rebuilt and the
 * checkpoints are checked against it), CHAIN_DELETED, CHAIN_EDITED (also for a line that is not an
 * entry). Then: CHAIN_EDITED for an entry a checkpoint's head disagrees with, CHAIN_TRUNCATED (a
 * checkpoint covers more entries than remain), CHECKPOINT (bad signature, unknown signer, another
 * enclave, broken checkpoint chain, or a count going backwards).
 */
export function verifyAuditLog(o: { enclave: string; lines: readonly string[]; checkpoints: readonly string[]; signers: readonly Certificate[] }): AuditVerifyResult {
  const errors: AuditIssue[] = [];
  const chain = classifyChain({
    lines: o.lines.map((line) => {
      const p = parseAuditLine(line);
      return 'error' in p ? { error: `is not an audit entry (${p.error})` } : p.entry;
    }),
    hashes: o.lines.map(chainLineHash),
    genesis: chainGenesisHash(auditGenesis(o.enclave)),
    names: { log: 'audit log', genesis: `the genesis of the audit log of ${o.enclave}` },
  });
  for (const f of chain.findings) errors.push({ code: f.code, file: 'log', line: f.line, message: f.message });
  // A reordering alone leaves every entry and link in place: the checkpoints are compared with the order
  // the hashes give. Any other break already failed the log, and comparing adds nothing.
  const chainOk = chain.findings.every((f) => f.code === 'CHAIN_REORDERED');

  // Checkpoints: their own chain, each signature, then what they say about the log.
  let covered = 0;
  let cpPrev = chainGenesisHash(checkpointGenesis(o.enclave));
  let lastCount = 0;
  let checkpointRefused = false;
  o.checkpoints.forEach((line, i) => {
    const where = { file: 'checkpoints' as const, line: i + 1 };
    const p = parseCheckpointLine(line);
    if ('error' in p) {
      errors.push({ code: 'CHECKPOINT', ...where, message: `checkpoint line ${i + 1} is malformed (${p.error})` });
      return;
    }
    const c = p.checkpoint;
    const fail = (m: string): void => {
      errors.push({ code: 'CHECKPOINT', ...where, message: `checkpoint ${i + 1}: ${m}` });
    };
    if (c.enclave !== o.enclave) return fail(`belongs to ${c.enclave}, not ${o.enclave}`);
    const linked = c.seq === i && c.prev === cpPrev;
    if (!linked) fail('the checkpoint chain is broken (a checkpoint was removed, reordered or changed)');
    cpPrev = chainLineHash(line);
    // Signatures are checked only along an intact checkpoint chain and only until one fails: by then the
    // log is refused, and a hostile file of repeated or forged checkpoints must not cost one ML-DSA
    // verify each (1,000 repeated checkpoint lines took 3 s). Only the key holder can extend a chain of
    // checkpoints that verify, so a genuine log still has every signature checked.
    if (!linked || checkpointRefused) {
      checkpointRefused = true;
      return;
    }
    const { cms, ...body } = c;
    let sigOk = false;
    try {
      const r = verifyCms(fromBase64(cms, 'checkpoint cms'), { detachedContent: canonicalBytes(unsignedCheckpoint(body)), extraCerts: [...o.signers] });
      const s = r.signers.length === 1 ? r.signers[0] : undefined;
      sigOk = !!s && s.ok && !!s.publicKey && o.signers.some((cert) => bytesEqual(cert.spki.der, s.publicKey!.der));
      if (!s || !s.ok) fail('the signature does not verify');
      else if (!sigOk) fail('signed by a key that is not this enclave’s gateway signing key');
    } catch {
      fail('the signature cannot be read');
    }
    if (!sigOk) {
      checkpointRefused = true;
      return;
    }
    if (c.count < lastCount) return fail('covers fewer entries than the checkpoint before it');
    lastCount = c.count;
    if (!chainOk) return; // the log's own chain already failed: comparing it with checkpoints adds nothing
    if (c.count > chain.order.length) {
      errors.push({ code: 'CHAIN_TRUNCATED', file: 'log', message: `checkpoint ${i + 1} covers ${c.count} entries but the log has ${chain.order.length}` });
      return;
    }
    if (c.count === 0) return;
    const at = chain.order[c.count - 1]!;
    if (chainLineHash(o.lines[at]!) !== c.head) {
      errors.push({ code: 'CHAIN_EDITED', file: 'log', line: at + 1, message: `line ${at + 1} differs from what checkpoint ${i + 1} signed` });
      return;
    }
    covered = c.count;
  });
  // One finding per (code, file, line), in a linear pass: a hostile log can hold many bad lines.
  const seenFindings = new Set<string>();
  const dedup = errors.filter((e) => {
    const key = `${e.code}\u0000${e.file}\u0000${e.line ?? ''}`;
    if (seenFindings.has(key)) return false;
    seenFindings.add(key);
    return true;
  });
  return {
    ok: dedup.length === 0,
    enclave: o.enclave,
    entries: o.lines.length,
    checkpoints: o.checkpoints.length,
    covered,
    unsealed: Math.max(0, o.lines.length - covered),
    errors: dedup,
  };
}
