// The enclave's audit appender: appends hash-chained entries to audit/log.jsonl and signs checkpoints into audit/checkpoints.jsonl (src/core/audit/log.ts).
//
// Append-only: lines are added with O_APPEND and fsynced, never rewritten (a torn last line left by a crash is
// set aside first, see appendLineDurable in src/cli/io.ts). The head is re-read from the
// file before each append, so two commands run one after another on the same enclave chain correctly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';
import type { Signer } from '../core/crypto/types.js';
import type { Certificate } from '../core/x509/types.js';
import { headOfLines, makeCheckpoint, nextAuditEntry, parseCheckpointLine, verifyAuditLog, type AuditEntry, type AuditInput, type AuditVerifyResult } from '../core/audit/log.js';
import type { EnclavePaths } from './layout.js';
import { appendLineDurable, findTornTail, ioMessage, readFileLimited, removeStaleLock, repairTornTail } from '../cli/io.js';
import { MAX_AUDIT_LOG_BYTES, MAX_JSONL_LINE_BYTES, MAX_LOG_LINES, checkLimit } from '../core/limits.js';

/**
 * Reads a JSON-lines file as lines (no trailing empty line); [] when absent. With `dropTorn`, a final
 * line without its newline (left by an append killed mid-write, docs/enclave-dir.md "Crash safety") is
 * left out: it was never committed.
 */
export function readLines(file: string, o: { dropTorn?: boolean } = {}): string[] {
  if (!fs.existsSync(file)) return [];
  const text = new TextDecoder().decode(readFileLimited(file, MAX_AUDIT_LOG_BYTES, 'MAX_AUDIT_LOG_BYTES')); // stat first, bounded read
  if (text === '') return [];
  const lines = text.split('\n');
  checkLimit(lines.length - 1, 'MAX_LOG_LINES', MAX_LOG_LINES, `${file}: lines`);
  lines.forEach((l, i) => checkLimit(l.length, 'MAX_JSONL_LINE_BYTES', MAX_JSONL_LINE_BYTES, `${file}: line ${i + 1}`));
  if (lines[lines.length - 1] === '') lines.pop();
  else if (o.dropTorn) lines.pop();
  return lines;
}

function appendLine(file: string, line: string): void {
  appendLineDurable(file, line);
}

/**
 * Creates the lock with the holder's pid already in it: the pid goes into a temp file that is then
 * hard-linked as the lock (link fails with EEXIST when the lock is held), so a lock is never seen empty
 * and one whose process is gone (SIGKILL mid-command) is taken over at once. File systems without hard
 * links fall back to O_EXCL + write (an empty lock is treated as stale after 2 s).
 */
function takeLock(lock: string): void {
  const tmp = path.join(path.dirname(lock), `.lock.${process.pid}-${randomBytes(6).toString('hex')}.writ-tmp`);
  try {
    // Inside the try: on a full disk the temp file is created and the write fails; it must not stay behind.
    fs.writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600, flag: 'wx' });
    fs.linkSync(tmp, lock);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    const fd = fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeSync(fd, `${process.pid}\n`);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created or already gone */
    }
  }
}

/**
 * Runs `f` holding audit/.lock (created with O_EXCL), so two commands on one enclave never fork the
 * chain by appending after the same head. Waits up to 10 s; a lock older than 60 s is taken as left
 * behind by a crashed process and removed.
 */
function withLock<T>(dir: string, f: () => T): T {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      takeLock(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WritError('IO', `cannot lock ${dir}: ${ioMessage(e)}`, { cause: e });
      removeStaleLock(lock);
      if (Date.now() > deadline) throw new WritError('IO', `${lock} is held by another writ command; try again, or remove it if no writ command is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return f();
  } finally {
    try {
      fs.unlinkSync(lock);
    } catch {
      /* already removed */
    }
  }
}

export interface AuditAppenderOptions {
  /** Enclave id (spiffe://host): part of the genesis hash. */
  enclave: string;
  signer: Signer;
  cert: Certificate;
  /** Enclave CA and regional CA DER, included in checkpoint signatures. */
  chain?: Uint8Array[];
  now: () => Date;
  /** Sign a checkpoint after every this many entries (default 16). */
  checkpointEvery?: number;
}

export class AuditAppender {
  readonly logFile: string;
  readonly checkpointFile: string;
  private readonly o: AuditAppenderOptions;
  /** Entries were appended since the last checkpoint this appender wrote. */
  private dirty = false;

  constructor(paths: Pick<EnclavePaths, 'auditLog' | 'auditCheckpoints'>, o: AuditAppenderOptions) {
    this.logFile = paths.auditLog;
    this.checkpointFile = paths.auditCheckpoints;
    this.o = o;
  }

  /** Appends one entry (checked: digests and decisions only) and checkpoints when due. */
  append(input: AuditInput): AuditEntry {
    return withLock(path.dirname(this.logFile), () => this.appendLocked(input));
  }

  private appendLocked(input: AuditInput): AuditEntry {
    repairTornTail(this.logFile);
    const lines = readLines(this.logFile);
    const { entry, line, head } = nextAuditEntry(headOfLines(this.o.enclave, lines), input, this.o.now());
    appendLine(this.logFile, line);
    this.dirty = true;
    const every = this.o.checkpointEvery ?? 16;
    if (head.count % every === 0) this.checkpointLocked();
    return entry;
  }

  /** Signs a checkpoint over the current head (no-op when the last checkpoint already covers it). */
  checkpoint(): void {
    withLock(path.dirname(this.logFile), () => this.checkpointLocked());
  }

  private checkpointLocked(): void {
    repairTornTail(this.logFile);
    repairTornTail(this.checkpointFile);
    const lines = readLines(this.logFile);
    const cps = readLines(this.checkpointFile);
    const head = headOfLines(this.o.enclave, lines);
    const last = cps[cps.length - 1];
    if (last !== undefined) {
      const p = parseCheckpointLine(last);
      if (!('error' in p) && p.checkpoint.count === head.count && p.checkpoint.head === head.hash) {
        this.dirty = false;
        return;
      }
    }
    const { line } = makeCheckpoint({
      enclave: this.o.enclave,
      head,
      ...(last !== undefined ? { prevLine: last } : {}),
      now: this.o.now(),
      signer: this.o.signer,
      cert: this.o.cert,
      ...(this.o.chain ? { chain: this.o.chain } : {}),
    });
    appendLine(this.checkpointFile, line);
    this.dirty = false;
  }

  /** Signs a checkpoint when this appender appended entries since its last one (end of a command). */
  checkpointIfDirty(): void {
    if (this.dirty) this.checkpoint();
  }
}

/** Verifies an enclave's audit folder (files read here; the checks are the core's verifyAuditLog). */
export function verifyAuditDir(paths: Pick<EnclavePaths, 'auditLog' | 'auditCheckpoints'>, o: { enclave: string; signers: Certificate[] }): AuditVerifyResult {
  // A torn final line (an append killed mid-write) is reported as such, not as an edit; the lines before
  // it are judged as usual. The next append sets it aside (docs/enclave-dir.md "Crash safety").
  const torn: { file: 'log' | 'checkpoints'; name: string; lines: string[] }[] = [
    { file: 'log', name: paths.auditLog, lines: readLines(paths.auditLog, { dropTorn: true }) },
    { file: 'checkpoints', name: paths.auditCheckpoints, lines: readLines(paths.auditCheckpoints, { dropTorn: true }) },
  ];
  const r = verifyAuditLog({ enclave: o.enclave, lines: torn[0]!.lines, checkpoints: torn[1]!.lines, signers: o.signers });
  for (const t of torn) {
    const tail = findTornTail(t.name);
    if (tail) {
      r.errors.push({ code: 'CHAIN_TRUNCATED', file: t.file, line: t.lines.length + 1, message: `the last line is torn (${tail.bytes} bytes without a newline: an append was interrupted); the next writ command that appends sets it aside as ${path.basename(t.name)}.torn-*` });
      r.ok = false;
    }
  }
  return r;
}
