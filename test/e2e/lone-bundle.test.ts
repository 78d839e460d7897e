// The air-gap promise: a copy of dist/writ.mjs alone, with no node_modules and no ceremonies/ beside it, runs the whole demo.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRIT_BUNDLE as bundle, ensureBundle } from '../helpers/index.js';
import { beginRun } from '../helpers/capture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-lone-'));

beforeAll(() => {
  ensureBundle();
  fs.copyFileSync(bundle, path.join(dir, 'writ.mjs'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a lone copy of the bundle', () => {
  it('has nothing beside it, and runs the demo end to end: ceremonies from the embedded scripts, chains, federation', () => {
    expect(fs.readdirSync(dir)).toEqual(['writ.mjs']);
    const cap = beginRun('lone-bundle', dir, ['demo', '--out', 'out']);
    const r = spawnSync(process.execPath, ['writ.mjs', 'demo', '--out', 'out'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    cap.end(r.stdout, r.stderr, r.status);
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('root-key-generation  VALID');
    expect(r.stdout).toContain('10/10 as expected');
    expect(r.stdout).toMatch(/Federation: ok {2}15\/15 acts as expected/);
  });

  it('runs a shipped ceremony script by name and prints it', () => {
    const r = spawnSync(process.execPath, ['writ.mjs', 'ceremony', 'print', 'root-key-generation'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('# Root key generation');
  });
});
