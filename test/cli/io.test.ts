// Tests for src/cli/io.ts: size-limited reads, atomic no-clobber writes, file modes, passphrase files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileLimited, readPassFile, writeFileAtomic, checkWritable } from '../../src/cli/io.js';
import { WritError } from '../../src/core/errors.js';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-io-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WritError ? e.code : 'not a WritError';
  }
  return undefined;
}

describe('io', () => {
  it('writes atomically, refuses to overwrite without force, and leaves no temp files', () => {
    const p = path.join(dir, 'a.txt');
    writeFileAtomic(p, 'one');
    expect(fs.readFileSync(p, 'utf8')).toBe('one');
    expect(codeOf(() => writeFileAtomic(p, 'two'))).toBe('EXISTS');
    expect(codeOf(() => checkWritable(p))).toBe('EXISTS');
    expect(fs.readFileSync(p, 'utf8')).toBe('one');
    writeFileAtomic(p, new Uint8Array([0x74, 0x77, 0x6f]), { force: true });
    expect(fs.readFileSync(p, 'utf8')).toBe('two');
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('gives private key files mode 0600 regardless of umask', () => {
    const p = path.join(dir, 'k.key');
    const old = process.umask(0);
    try {
      writeFileAtomic(p, 'secret', { mode: 0o600 });
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(p).mode & 0o777).toBe(0o600);
  });

  it('maps OS errors to IO and oversize files to LIMIT', () => {
    expect(codeOf(() => readFileLimited(path.join(dir, 'missing')))).toBe('IO');
    expect(codeOf(() => readFileLimited(dir))).toBe('IO');
    expect(codeOf(() => writeFileAtomic(path.join(dir, 'no/such/dir/x'), 'x'))).toBe('IO');
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, Buffer.alloc(1025));
    expect(codeOf(() => readFileLimited(big, 1024))).toBe('LIMIT');
    expect(readFileLimited(big, 1025)).toHaveLength(1025);
  });

  it('reads a passphrase file minus one trailing newline, refusing an empty one', () => {
    const p = path.join(dir, 'pass');
    fs.writeFileSync(p, 'pässword\r\n');
    expect(Buffer.from(readPassFile(p)).toString('utf8')).toBe('pässword');
    fs.writeFileSync(p, 'two\n\n');
    expect(Buffer.from(readPassFile(p)).toString('utf8')).toBe('two\n');
    fs.writeFileSync(p, '\n');
    expect(codeOf(() => readPassFile(p))).toBe('USAGE');
  });
});
