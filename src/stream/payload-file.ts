// File I/O loops for payload envelopes (issue 6 target 4): stream a file through core/envelope/payload.ts in 1 MiB chunks, publish atomically.
//
// Memory stays bounded by the chunk size: one reusable read buffer, and the ciphertext or plaintext
// node:crypto returns per chunk. Outputs go to a temp file in the target's directory, are fsynced,
// and only then linked into place (no clobber) or renamed over the target (--force), then the
// directory is fsynced, as src/cli/io.ts writeFileAtomic does for whole buffers. On ANY failure the
// temp file is removed, so a refused open leaves neither output nor temp file.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { WritError } from '../core/errors.js';
import { checkWritable, fsyncDir, tempPathFor } from '../cli/io.js';
import type { AuthEnvelopedStreamHead } from '../core/cms/stream.js';
import { isPayloadTrailer, readPayloadHead, type PayloadOpener, type PayloadSealer } from '../core/envelope/payload.js';
import { refuse } from '../core/envelope/envelope.js';

/** Chunk size of the read loop. */
export const CHUNK = 1 << 20;
/** Bytes read to find the outer head (recipient infos are a few kB). */
const HEAD_READ = 64 * 1024;
/** Largest trailer (authAttrs + mac) accepted after the ciphertext. */
const TAIL_LIMIT = 64 * 1024;

/** A young-generation collection every this many chunks (see youngGc). */
const GC_EVERY = 4;

/**
 * Why: node:crypto's update() returns a fresh 1 MiB Buffer per chunk. Their JS objects are tiny, so the
 * young generation hardly fills and V8 frees the dead backing stores only when external memory has
 * grown ~64 MiB past the last full collection: the garbage, not the data, would set the peak RSS. A
 * scavenge every few chunks frees them (about 0.1 ms each). `gc` is reached through the documented
 * --expose-gc flag, set at run time for a fresh context only; when that is unavailable the loop still
 * works, with a higher peak.
 */
function youngGc(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as ((o?: { type: 'minor' | 'major' }) => void) | undefined;
    if (typeof gc === 'function') return () => gc({ type: 'minor' });
  } catch {
    /* fall through */
  }
  return () => undefined;
}

function ioError(what: string, e: unknown): WritError {
  if (e instanceof WritError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return new WritError('IO', `${what}: ${code ?? (e instanceof Error ? e.message : String(e))}`, { cause: e });
}


function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
}

function readFull(fd: number, buf: Uint8Array, position: number): number {
  let n = 0;
  while (n < buf.length) {
    const r = fs.readSync(fd, buf, n, buf.length - n, position + n);
    if (r === 0) break;
    n += r;
  }
  return n;
}

/**
 * A temp file next to `target`, published by commit() (fsync, link or rename, fsync dir) or removed
 * by discard(). commit() throws EXISTS when the target appeared meanwhile and force is off.
 */
export class AtomicFile {
  readonly fd: number;
  private readonly tmp: string;
  private readonly target: string;
  private closed = false;

  constructor(
    file: string,
    private readonly force: boolean,
    mode = 0o644,
  ) {
    checkWritable(file, force);
    this.target = path.resolve(file);
    this.tmp = tempPathFor(this.target); // named so a killed writer's leftover is swept (docs/enclave-dir.md "Crash safety")
    try {
      this.fd = fs.openSync(this.tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
      fs.fchmodSync(this.fd, mode);
    } catch (e) {
      throw ioError(`cannot write ${file}`, e);
    }
  }

  write(b: Uint8Array): void {
    try {
      writeAll(this.fd, b);
    } catch (e) {
      throw ioError(`cannot write ${this.target}`, e);
    }
  }

  commit(): void {
    try {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.closed = true;
      if (this.force) {
        fs.renameSync(this.tmp, this.target);
      } else {
        let linked = false;
        try {
          fs.linkSync(this.tmp, this.target);
          linked = true;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new WritError('EXISTS', `${this.target} already exists; use --force to replace it`);
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
          // File systems without hard links: exclusive-create check, then rename (as writeFileAtomic).
          if (fs.existsSync(this.target)) throw new WritError('EXISTS', `${this.target} already exists; use --force to replace it`);
          fs.renameSync(this.tmp, this.target);
        }
        if (linked) fs.unlinkSync(this.tmp);
      }
      fsyncDir(path.dirname(this.target));
    } catch (e) {
      this.discard();
      throw ioError(`cannot write ${this.target}`, e);
    }
  }

  /** Closes and removes the temp file (idempotent; never throws). */
  discard(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already failing */
      }
    }
    try {
      fs.unlinkSync(this.tmp);
    } catch {
      /* renamed away, or never created */
    }
  }
}

function openInput(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw ioError(`cannot read ${file}`, e);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw new WritError('IO', `cannot read ${file}: not a regular file`);
  }
  return { fd, size: st.size };
}

/** The SHA-512 of a whole file, hex, read CHUNK by CHUNK (a payload envelope exceeds the in-memory limit). */
export function sha512File(file: string): string {
  const src = openInput(file);
  try {
    const h = createHash('sha512');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; ; ) {
      const n = readFull(src.fd, buf, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
    return h.digest('hex');
  } finally {
    fs.closeSync(src.fd);
  }
}

/**
 * Seals the file `input` into `output`: `begin(size)` decides the flow and returns the sealer (it may
 * throw before anything is written). Returns what the sealer's final() returned and the bytes written.
 */
export function sealPayloadFile(input: string, output: string, force: boolean, begin: (size: number) => PayloadSealer): { sealed: ReturnType<PayloadSealer['final']>; bytes: number; sealer: PayloadSealer } {
  const src = openInput(input);
  let out: AtomicFile | undefined;
  try {
    checkWritable(output, force);
    const sealer = begin(src.size);
    out = new AtomicFile(output, force);
    out.write(sealer.head);
    let written = sealer.head.length;
    const buf = Buffer.allocUnsafe(CHUNK);
    const gc = youngGc();
    let pos = 0;
    for (let i = 1; ; i++) {
      // Collect before the next read, when no chunk of the previous round is still referenced.
      if (i % GC_EVERY === 0) gc();
      const n = fs.readSync(src.fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const ct = sealer.update(n === CHUNK ? buf : buf.subarray(0, n));
      out.write(ct);
      written += ct.length;
    }
    const sealed = sealer.final();
    out.write(sealed.tail);
    written += sealed.tail.length;
    if (written !== sealer.totalLength) throw new Error(`payload seal wrote ${written} bytes, planned ${sealer.totalLength}`);
    out.commit();
    out = undefined;
    return { sealed, bytes: written, sealer };
  } catch (e) {
    out?.discard();
    throw e instanceof WritError ? e : ioError(`cannot seal ${input}`, e);
  } finally {
    fs.closeSync(src.fd);
  }
}

/** An envelope file's outer head and trailer, read without decrypting: enough to tell a payload envelope. */
export interface PayloadPeek {
  size: number;
  head: AuthEnvelopedStreamHead;
  tail: Uint8Array;
}

/**
 * Reads the outer head and the trailer of `file`. Returns undefined when the file is not a DER
 * AuthEnvelopedData whose authenticated attributes mark a payload envelope (the caller then uses the
 * in-memory path, which reports whatever is wrong).
 */
export function peekPayloadEnvelope(file: string): PayloadPeek | undefined {
  let src: { fd: number; size: number };
  try {
    src = openInput(file);
  } catch {
    return undefined; // the in-memory path reports the I/O error as it always has
  }
  try {
    const first = new Uint8Array(Math.min(HEAD_READ, src.size));
    readFull(src.fd, first, 0);
    let head: AuthEnvelopedStreamHead;
    try {
      head = readPayloadHead(first);
    } catch {
      return undefined;
    }
    const tailStart = head.ciphertextOffset + head.ciphertextLength;
    if (head.endOffset !== src.size || tailStart > src.size || src.size - tailStart > TAIL_LIMIT) return undefined;
    const tail = new Uint8Array(src.size - tailStart);
    if (readFull(src.fd, tail, tailStart) !== tail.length) return undefined;
    return isPayloadTrailer(tail) ? { size: src.size, head, tail } : undefined;
  } finally {
    fs.closeSync(src.fd);
  }
}

/**
 * Opens a payload envelope: streams the ciphertext through the opener (whose sink writes the
 * plaintext into a temp file next to `output`), runs finish() (every check), and only if it returns
 * publishes the file. A refusal or an I/O error removes the temp file and rethrows.
 */
export function openPayloadFile<T>(file: string, peek: PayloadPeek, output: string, force: boolean, begin: (head: AuthEnvelopedStreamHead, tail: Uint8Array, sink: (b: Uint8Array) => void) => PayloadOpener, accept: (r: ReturnType<PayloadOpener['finish']>) => T): T {
  const src = openInput(file);
  let out: AtomicFile | undefined;
  try {
    if (src.size !== peek.size) refuse('DECRYPT', 'the envelope changed while it was read', {});
    out = new AtomicFile(output, force);
    const o = out;
    const opener = begin(peek.head, peek.tail, (b) => o.write(b));
    const buf = Buffer.allocUnsafe(CHUNK);
    const gc = youngGc();
    let pos = peek.head.ciphertextOffset;
    const end = pos + peek.head.ciphertextLength;
    for (let i = 1; pos < end; i++) {
      if (i % GC_EVERY === 0) gc();
      const n = fs.readSync(src.fd, buf, 0, Math.min(CHUNK, end - pos), pos);
      if (n === 0) break;
      pos += n;
      opener.update(n === CHUNK ? buf : buf.subarray(0, n));
    }
    const r = opener.finish();
    // The accept hook records replay and audit after the checks; the file is published first so that
    // a crash in between leaves the envelope re-openable rather than lost (as for records).
    out.commit();
    out = undefined;
    return accept(r);
  } catch (e) {
    out?.discard();
    throw e;
  } finally {
    fs.closeSync(src.fd);
  }
}
