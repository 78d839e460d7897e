// The enclave's audit appender: appends hash-chained entries to audit/log.jsonl and signs checkpoints into audit/checkpoints.jsonl (src/core/audit/log.ts).
//
// Append-only: lines are added with O_APPEND and fsynced, never rewritten. The head is re-read from the
// file before each append, so two commands run one after another on the same enclave chain correctly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { Signer } from '../core/crypto/types.js';
import type { Certificate } from '../core/x509/types.js';
import { headOfLines, makeCheckpoint, nextAuditEntry, parseCheckpointLine, verifyAuditLog, type AuditEntry, type AuditInput, type AuditVerifyResult } from '../core/audit/log.js';
import type { EnclavePaths } from './layout.js';

/** Reads a JSON-lines file as lines (no trailing empty line); [] when absent. */
export function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function appendLine(file: string, line: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  } catch (e) {
    throw new WritError('IO', `cannot append to ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
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
      fs.closeSync(fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WritError('IO', `cannot lock ${dir}`, { cause: e });
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 60_000) fs.unlinkSync(lock);
      } catch {
        /* gone meanwhile */
      }
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
  return verifyAuditLog({ enclave: o.enclave, lines: readLines(paths.auditLog), checkpoints: readLines(paths.auditCheckpoints), signers: o.signers });
}
