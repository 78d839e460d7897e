// File I/O for the CLI: size-limited reads, atomic no-clobber writes (temp file, fsync, link/rename, fsync dir).
//
// The core never touches the file system (DESIGN.md §4); every byte it sees or produces passes here.
// Writes never replace an existing file unless --force was given, and a crash mid-write leaves either
// the old file or the new one, never a torn one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';
import { MAX_INPUT_BYTES, MAX_PASSPHRASE_FILE_BYTES } from '../core/limits.js';

/** Default read limit: far above any certificate, CRL or key writ handles, small enough to refuse a disk image (src/core/limits.ts). */
export const DEFAULT_READ_LIMIT = MAX_INPUT_BYTES;

/** A short cause for an OS error ("no space left on device", "read-only file system", ...), for IO messages. */
export function ioMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Reads a whole file, refusing anything larger than `limit` bytes (LIMIT, naming `limitName` from src/core/limits.ts) before reading it, and mapping OS errors to IO. */
export function readFileLimited(file: string, limit = DEFAULT_READ_LIMIT, limitName = limit === MAX_INPUT_BYTES ? 'MAX_INPUT_BYTES' : 'the read limit'): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new WritError('IO', `cannot read ${file}: ${ioMessage(e)}`, { cause: e });
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new WritError('IO', `cannot read ${file}: is a directory`);
    if (st.size > limit) throw new WritError('LIMIT', `${file} is ${st.size} bytes, over ${limitName} (${limit} bytes)`);
    // Read in chunks until EOF so that pipes and files growing underneath us are still bounded by `limit`.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // The first read is sized from fstat (one exact read for a regular file; a 1 MiB buffer per small file
      // dominated a batch's garbage); when it returned exactly the fstat size, a 1-byte read proves EOF
      // (zero-filling a 1 MiB probe buffer per file was a tenth of verify batch's worker time); later
      // reads are 1 MiB. One byte past `limit` proves a file over it. allocUnsafe: only the n bytes a
      // read wrote are ever kept.
      const want = chunks.length === 0 && st.size > 0 ? st.size + 1 : chunks.length === 1 && total === st.size ? 1 : 1 << 20;
      const chunk = Buffer.allocUnsafe(Math.min(want, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit) throw new WritError('LIMIT', `${file} exceeds ${limitName} (${limit} bytes)`);
    }
    const buf = Buffer.concat(chunks, total);
    for (const c of chunks) c.fill(0); // may hold a passphrase or key
    return new Uint8Array(buf.buffer, buf.byteOffset, total);
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('IO', `cannot read ${file}: ${ioMessage(e)}`, { cause: e });
  } finally {
    fs.closeSync(fd);
  }
}

export interface WriteOptions {
  /** Replace an existing file (otherwise EXISTS). */
  force?: boolean;
  /** File mode; private keys use 0o600. Default 0o644. */
  mode?: number;
}

/** fsyncs a directory so a rename into it is durable (best effort). */
export function fsyncDir(dir: string): void {
  // Makes the new directory entry durable. Some platforms refuse to open or fsync a directory; the data
  // itself is already synced by then, so that is not worth failing the command over.
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* ignore */
  }
}

/** Throws EXISTS when `file` exists and force is not set; used to fail before doing expensive work. */
export function checkWritable(file: string, force = false): void {
  // A command about to write into a directory first removes temp files of dead writers there, even if
  // it then refuses (EXISTS, a policy refusal): debris never outlives the next command aimed at it.
  sweepTempFiles(path.dirname(path.resolve(file)));
  if (!force && fs.existsSync(file)) {
    throw new WritError('EXISTS', `${file} already exists; use --force to replace it`);
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new WritError('IO', `cannot write ${file}: directory ${dir} does not exist`);
}

/**
 * Temp files are named ".<target>.<pid>-<12 hex>.writ-tmp" (docs/enclave-dir.md "Crash safety"): no reader
 * of a store picks them up (every store reads "*.json", "*.jsonl" or fixed names, never a dot-file with
 * this suffix), and a SIGKILLed writer's leftovers are removed by the next write into the same directory.
 */
const TEMP_RE = /^\..+\.(\d+)-[0-9a-f]{12}\.writ-tmp$/;

function tempName(base: string): string {
  return `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.writ-tmp`;
}

/** The temp file path for writing `target` atomically (same directory, swept when its writer dies). */
export function tempPathFor(target: string): string {
  const t = path.resolve(target);
  return path.join(path.dirname(t), tempName(path.basename(t)));
}

/** True when no process with this pid exists (a crashed writer); EPERM means someone else's live process. */
export function processGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a lock file (O_EXCL, holding its owner's pid) whose owner is gone: its pid no longer runs, it
 * is older than 60 s, or it is empty (killed between create and write) and older than 2 s. Returns
 * whether it was removed. Best effort: a lock that vanished meanwhile is fine.
 */
export function removeStaleLock(lock: string): boolean {
  try {
    const age = Date.now() - fs.statSync(lock).mtimeMs;
    const holder = fs.readFileSync(lock, 'utf8').trim();
    const stale = age > 60_000 || (holder === '' ? age > 2_000 : /^\d+$/.test(holder) && Number(holder) !== process.pid && processGone(Number(holder)));
    if (stale) fs.unlinkSync(lock);
    return stale;
  } catch {
    return false;
  }
}

/** Whether `name` is one of writeFileAtomic's temp files (readers listing a directory skip these). */
export function isTempFile(name: string): boolean {
  return TEMP_RE.test(name);
}

/**
 * Removes temp files left in `dir` by writers that no longer run (SIGKILL, power loss). A live writer's
 * temp file (its pid still exists) is left alone. Best effort: a failure to sweep never fails a write.
 */
export function sweepTempFiles(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || Number(m[1]) === process.pid || !processGone(Number(m[1]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}

/**
 * Writes `data` to `file` atomically: a temp file in the same directory, written and fsynced with the
 * final mode, then linked into place (link fails if the target exists, so no-clobber holds even against a
 * racing writer) or renamed over it with --force; finally the directory is fsynced.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, opts: WriteOptions = {}): void {
  const mode = opts.mode ?? 0o644;
  const target = path.resolve(file);
  const dir = path.dirname(target);
  checkWritable(file, opts.force); // sweeps dead writers' temp files in `dir`
  const tmp = path.join(dir, tempName(path.basename(target)));
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
    fs.fchmodSync(fd, mode); // the umask may have narrowed or widened nothing we want; set it exactly
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (opts.force) {
      fs.renameSync(tmp, target);
    } else {
      try {
        fs.linkSync(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new WritError('EXISTS', `${file} already exists; use --force to replace it`);
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
          // File systems without hard links: fall back to an exclusive-create check, then rename.
          if (fs.existsSync(target)) throw new WritError('EXISTS', `${file} already exists; use --force to replace it`);
          fs.renameSync(tmp, target);
        } else {
          throw e;
        }
      }
    }
    fsyncDir(dir);
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('IO', `cannot write ${file}: ${ioMessage(e)}`, { cause: e });
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* renamed away, or never created */
    }
  }
}

/** Creates a directory (and parents) for outputs; IO error on failure. */
export function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    // A recursive mkdir can report ENOENT for what is really EROFS or EACCES on the first missing
    // component; creating that one component alone gives the true cause for the message.
    let cause = e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      let first = path.resolve(dir);
      while (!fs.existsSync(path.dirname(first)) && path.dirname(first) !== first) first = path.dirname(first);
      try {
        fs.mkdirSync(first);
        fs.rmdirSync(first);
      } catch (e2) {
        cause = e2;
      }
    }
    throw new WritError('IO', `cannot create directory ${dir}: ${ioMessage(cause)}`, { cause });
  }
}

/**
 * Reads a passphrase file: the whole file minus one trailing newline (LF or CRLF), as UTF-8 bytes.
 * The caller wipes the returned buffer when done.
 */
export function readPassFile(file: string): Uint8Array {
  const raw = readFileLimited(file, MAX_PASSPHRASE_FILE_BYTES, 'MAX_PASSPHRASE_FILE_BYTES');
  let end = raw.length;
  if (end > 0 && raw[end - 1] === 0x0a) end--;
  if (end > 0 && raw[end - 1] === 0x0d) end--;
  if (end === 0) {
    raw.fill(0);
    throw new WritError('USAGE', `passphrase file ${file} is empty`);
  }
  const out = raw.slice(0, end);
  raw.fill(0);
  return out;
}

/** A final line without its newline: what an append killed (or out of space) mid-write leaves. */
export interface TornTail {
  /** Length of the file up to and including its last newline. */
  keep: number;
  /** The torn bytes after it. */
  bytes: number;
  /** Where the torn bytes were set aside (repairTornTail only). */
  savedAs?: string;
}

/** Finds a torn final line (bytes after the last "\n"); undefined when the file ends cleanly or is absent/empty. */
export function findTornTail(file: string): TornTail | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WritError('IO', `cannot read ${file}: ${ioMessage(e)}`, { cause: e });
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return undefined;
    const buf = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const n = fs.readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) {
        const keep = start + i + 1;
        return keep === size ? undefined : { keep, bytes: size - keep };
      }
      end = start;
    }
    return { keep: 0, bytes: size };
  } catch (e) {
    throw new WritError('IO', `cannot read ${file}: ${ioMessage(e)}`, { cause: e });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Sets a torn final line aside before anything is appended after it (docs/enclave-dir.md "Crash
 * safety"): the torn bytes are copied to "<file>.torn-<first 16 hex of their SHA-256>" (atomically), then
 * the file is cut back to its last complete line. Nothing ever builds on a torn line, and the evidence is
 * kept. Idempotent: a crash during the repair is repaired by the next call.
 */
export function repairTornTail(file: string): TornTail | undefined {
  const t = findTornTail(file);
  if (!t) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r+');
    const torn = Buffer.alloc(t.bytes);
    fs.readSync(fd, torn, 0, t.bytes, t.keep);
    const hash = createHash('sha256').update(torn).digest('hex').slice(0, 16);
    const savedAs = `${file}.torn-${hash}`;
    if (!fs.existsSync(savedAs)) writeFileAtomic(savedAs, torn);
    fs.ftruncateSync(fd, t.keep);
    fs.fsyncSync(fd);
    return { ...t, savedAs };
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('IO', `cannot repair the torn last line of ${file}: ${ioMessage(e)}`, { cause: e });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Appends one line ("line\n") durably to a JSON-lines file: a torn tail left by an earlier crash is set
 * aside first (repairTornTail), short writes are continued, the file is fsynced, and when the write
 * fails part-way (ENOSPC, EIO) the file is cut back to its previous length, so a failure leaves the file
 * exactly as it was. Only a SIGKILL or power loss mid-write can leave a torn tail, which the next append
 * (and `writ audit verify`) detects.
 */
export function appendLineDurable(file: string, line: string, mode = 0o644): void {
  repairTornTail(file);
  let fd: number | undefined;
  let before = -1;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, mode);
    before = fs.fstatSync(fd).size;
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
  } catch (e) {
    if (fd !== undefined && before >= 0) {
      try {
        fs.ftruncateSync(fd, before);
        fs.fsyncSync(fd);
      } catch {
        /* the original error is what the user needs; the next append repairs a torn tail */
      }
    }
    throw new WritError('IO', `cannot append to ${file}: ${ioMessage(e)}`, { cause: e });
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
  }
}
