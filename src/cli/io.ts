// File I/O for the CLI: size-limited reads, atomic no-clobber writes (temp file, fsync, link/rename, fsync dir).
//
// The core never touches the file system (DESIGN.md §4); every byte it sees or produces passes here.
// Writes never replace an existing file unless --force was given, and a crash mid-write leaves either
// the old file or the new one, never a torn one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';

/** Default read limit: far above any certificate, CRL or key writ handles, small enough to refuse a disk image. */
export const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

function ioMessage(e: unknown): string {
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

/** Reads a whole file, refusing anything larger than `limit` bytes (LIMIT) and mapping OS errors to IO. */
export function readFileLimited(file: string, limit = DEFAULT_READ_LIMIT): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new WritError('IO', `cannot read ${file}: ${ioMessage(e)}`, { cause: e });
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new WritError('IO', `cannot read ${file}: is a directory`);
    if (st.size > limit) throw new WritError('LIMIT', `${file} is ${st.size} bytes; the limit is ${limit}`);
    // Read in chunks until EOF so that pipes and files growing underneath us are still bounded by `limit`.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit) throw new WritError('LIMIT', `${file} exceeds the limit of ${limit} bytes`);
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

function fsyncDir(dir: string): void {
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
  if (!force && fs.existsSync(file)) {
    throw new WritError('EXISTS', `${file} already exists; use --force to replace it`);
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new WritError('IO', `cannot write ${file}: directory ${dir} does not exist`);
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
  checkWritable(file, opts.force);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
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
    throw new WritError('IO', `cannot create directory ${dir}: ${ioMessage(e)}`, { cause: e });
  }
}

/**
 * Reads a passphrase file: the whole file minus one trailing newline (LF or CRLF), as UTF-8 bytes.
 * The caller wipes the returned buffer when done.
 */
export function readPassFile(file: string): Uint8Array {
  const raw = readFileLimited(file, 64 * 1024);
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
