// Staged outputs: nothing appears in --out until commit (one rename); discard leaves nothing; a dead run's debris is swept, its transcript kept.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Staging } from '../../src/ceremony/staging.js';
import { tmpDir } from './helpers.js';
import { errCode } from '../helpers/index.js';

describe('Staging', () => {
  it('writes beside --out and moves everything into place at commit', () => {
    const base = tmpDir();
    const out = path.join(base, 'out');
    const s = Staging.open(out);
    s.write('a/b.txt', 'hello');
    s.appendLine('transcript.jsonl', '{"seq":0}');
    expect(fs.existsSync(out)).toBe(false);
    expect(path.dirname(s.dir)).toBe(base);
    expect(path.basename(s.dir)).toMatch(/^\.out\.staging-\d+-[0-9a-f]{8}$/);
    s.commit();
    expect(fs.readFileSync(path.join(out, 'a/b.txt'), 'utf8')).toBe('hello');
    expect(fs.readFileSync(path.join(out, 'transcript.jsonl'), 'utf8')).toBe('{"seq":0}\n');
    expect(fs.existsSync(s.dir)).toBe(false);
  });

  it('discard leaves nothing behind; an existing empty --out is fine, a non-empty one is refused', () => {
    const base = tmpDir();
    const out = path.join(base, 'out');
    fs.mkdirSync(out);
    const s = Staging.open(out);
    s.write('x', 'y');
    s.discard();
    expect(fs.readdirSync(base)).toEqual(['out']);
    expect(fs.readdirSync(out)).toEqual([]);
    fs.writeFileSync(path.join(out, 'z'), 'z');
    expect(errCode(() => Staging.open(out))).toBe('EXISTS');
  });

  it('refuses paths that leave the output directory and double writes', () => {
    const s = Staging.open(path.join(tmpDir(), 'out'));
    expect(errCode(() => s.write('../escape', 'x'))).toBe('INTERNAL');
    s.write('k', 'x');
    expect(errCode(() => s.write('k', 'x'))).toBe('INTERNAL');
    s.discard();
  });

  it("sweeps a dead process's staging directory, keeping its transcript beside --out", () => {
    const base = tmpDir();
    const out = path.join(base, 'out');
    // a pid that has certainly exited: a child we ran to completion
    const pid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dead = path.join(base, `.out.staging-${pid}-deadbeef`);
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'transcript.jsonl'), '{"seq":0}\n');
    fs.writeFileSync(path.join(dead, 'k.key'), 'encrypted');
    const s = Staging.open(out);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.readFileSync(`${out}.crashed-${pid}.transcript.jsonl`, 'utf8')).toBe('{"seq":0}\n');
    // our own (live) staging directory is never swept
    expect(Staging.sweep(out)).toEqual([]);
    expect(fs.existsSync(s.dir)).toBe(true);
    s.discard();
  });
});
