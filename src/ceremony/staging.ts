// Staged ceremony outputs: everything is written into a temp directory beside --out and renamed into place only at the end (POSIX rename(2) is atomic).
//
// An abort or a crash (even kill -9) therefore leaves --out untouched: either it does not exist, or it
// holds the complete, closed ceremony. The staging directory is named ".<out>.staging-<pid>-<rand>", so
// a later run can tell stale ones (their process is gone) and remove them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';
import { appendLineDurable, ioMessage } from '../cli/io.js';

/** Runs a staging write; an OS failure (full disk, read-only target) becomes IO naming the file and the cause. */
function io(file: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('IO', `cannot write ${file}: ${ioMessage(e)}`, { cause: e });
  }
}

export class Staging {
  readonly dir: string;
  readonly out: string;
  private readonly files = new Map<string, Uint8Array>();
  private done = false;

  private constructor(out: string, dir: string) {
    this.out = out;
    this.dir = dir;
  }

  /** Checks --out is free (absent, or an empty directory) and creates the staging directory beside it. */
  static open(outDir: string): Staging {
    const out = path.resolve(outDir);
    const parent = path.dirname(out);
    if (!fs.existsSync(parent)) throw new WritError('IO', `cannot write ${outDir}: directory ${parent} does not exist`);
    if (fs.existsSync(out)) {
      const st = fs.statSync(out);
      if (!st.isDirectory()) throw new WritError('EXISTS', `${outDir} exists and is not a directory`);
      if (fs.readdirSync(out).length > 0) throw new WritError('EXISTS', `${outDir} is not empty; ceremony outputs never overwrite (use a new directory)`);
    }
    Staging.sweep(out);
    const dir = path.join(parent, `.${path.basename(out)}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      throw new WritError('IO', `cannot create the staging directory ${dir}: ${ioMessage(e)}`, { cause: e });
    }
    return new Staging(out, dir);
  }

  /**
   * Removes staging directories of earlier runs whose process no longer exists (crashed ceremonies); the
   * transcript each held so far is kept beside --out as "<out>.crashed-<pid>.transcript.jsonl".
   */
  static sweep(out: string): string[] {
    const parent = path.dirname(out);
    const prefix = `.${path.basename(out)}.staging-`;
    const removed: string[] = [];
    for (const name of fs.readdirSync(parent)) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length).split('-')[0]);
      if (!Number.isSafeInteger(pid) || pid === process.pid) continue;
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) {
        // Keep the crashed ceremony's transcript (public: digests only) as a record; drop everything else.
        const t = path.join(parent, name, 'transcript.jsonl');
        if (fs.existsSync(t)) fs.renameSync(t, `${out}.crashed-${pid}.transcript.jsonl`);
        fs.rmSync(path.join(parent, name), { recursive: true, force: true });
        removed.push(name);
      }
    }
    return removed;
  }

  private resolve(rel: string): string {
    const p = path.resolve(this.dir, rel);
    if (!p.startsWith(this.dir + path.sep)) throw new WritError('INTERNAL', `output path ${rel} leaves the output directory`);
    return p;
  }

  /** Writes one output file into the staging directory (fsynced). */
  write(rel: string, data: Uint8Array | string, mode = 0o644): void {
    if (this.done) throw new WritError('INTERNAL', 'staging already committed or discarded');
    if (this.files.has(rel)) throw new WritError('INTERNAL', `output ${rel} written twice`);
    const p = this.resolve(rel);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    io(p, () => {
      fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
      try {
        let off = 0;
        while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
    this.files.set(rel, bytes);
  }

  /** Appends a line to a staged log (the transcript grows line by line, so a crash leaves the record so far). */
  appendLine(rel: string, line: string): void {
    const p = this.resolve(rel);
    io(p, () => {
      fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
      appendLineDurable(p, line);
    });
  }

  /** Replaces a staged file wholesale (the transcript once closed). */
  replace(rel: string, data: string): void {
    const p = this.resolve(rel);
    io(p, () => {
      fs.writeFileSync(p, data, { mode: 0o644 });
      const fd = fs.openSync(p, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    });
  }

  /** A file staged in this ceremony (for a custodian re-entering a share file written minutes ago). */
  stagedPath(rel: string): string | undefined {
    try {
      const p = this.resolve(rel);
      return fs.existsSync(p) ? p : undefined;
    } catch {
      return undefined;
    }
  }

  /** Files written so far (relative path -> bytes), not including appended logs. */
  written(): Map<string, Uint8Array> {
    return this.files;
  }

  /** Moves the staging directory into place as --out, atomically. */
  commit(): void {
    if (this.done) throw new WritError('INTERNAL', 'staging already committed or discarded');
    try {
      const dfd = fs.openSync(this.dir, 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
      fs.chmodSync(this.dir, 0o755);
      // rename(2) replaces an empty directory atomically; a non-empty one (someone wrote into it meanwhile) fails.
      fs.renameSync(this.dir, this.out);
      const pfd = fs.openSync(path.dirname(this.out), 'r');
      fs.fsyncSync(pfd);
      fs.closeSync(pfd);
    } catch (e) {
      throw new WritError('IO', `cannot move the ceremony outputs into ${this.out}: ${ioMessage(e)}`, { cause: e });
    }
    this.done = true;
  }

  /** Deletes everything staged (abort). */
  discard(): void {
    if (this.done) return;
    this.done = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
