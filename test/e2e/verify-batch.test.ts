// End-to-end tests of `writ verify batch` (issue 6 target 2): list file, directory, failures, --json shape, workers, exit codes, and equality with per-item `verify chain` / `envelope verify`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle, runWrit } from '../helpers/cli.js';
import { MIX_AT, writeMix } from '../batch/mix.js';
import type { Mix } from '../batch/mix.js';

let tmp: string;
let mix: Mix;
let common: string[];

beforeAll(() => {
  ensureBundle('writ-internal-batch-worker');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-batch-e2e-'));
  mix = writeMix(path.join(tmp, 'items'), { envelopes: true });
  common = [...mix.trust.flatMap((t) => ['--trust', t]), ...mix.crls.flatMap((c) => ['--crl', c]), '--at', MIX_AT];
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('writ verify batch DIR', () => {
  it('judges every item as `verify chain` / `envelope verify` does, in name order, and exits with the first failure', () => {
    const r = runWrit(['verify', 'batch', mix.dir, ...common, '--json'], { cwd: tmp });
    expect(r.stderr).toBe(''); // --json: no progress
    expect(r.code).toBe(1);
    const doc = r.json();
    const names = mix.items.map((i) => i.name).sort();
    expect(doc.items.map((i: { path: string }) => path.basename(i.path))).toEqual(names);
    expect(doc).toMatchObject({ ok: false, total: names.length, valid: mix.items.filter((i) => i.ok).length, failed: mix.items.filter((i) => !i.ok).length, code: 'SIGNATURE' });
    expect(Object.keys(doc).sort()).toEqual(['at', 'cache', 'code', 'failed', 'items', 'ok', 'total', 'valid', 'workers'].sort());
    for (const item of doc.items) {
      expect(Object.keys(item).sort()).toEqual(['code', 'kind', 'message', 'ok', 'path']);
      const name = path.basename(item.path);
      const want = mix.items.find((i) => i.name === name)!;
      expect({ name, ok: item.ok }).toEqual({ name, ok: want.ok });
      if (want.code) expect({ name, code: item.code }).toEqual({ name, code: want.code });
      if (item.ok) expect(item.code).toBeNull();
      // Differential: the single-item command says the same.
      if (item.kind === 'chain') {
        const one = runWrit(['verify', 'chain', item.path, ...common, '--json'], { cwd: tmp });
        const single = one.json();
        expect({ name, ok: single.ok }).toEqual({ name, ok: item.ok });
        if (!item.ok) {
          expect({ name, code: item.code, message: item.message }).toEqual({ name, code: single.errors[0].code, message: `${single.errors[0].cert}: ${single.errors[0].message}` });
        }
      } else {
        const one = runWrit(['envelope', 'verify', item.path, ...mix.trust.flatMap((t) => ['--trust', t]), '--at', MIX_AT, '--json'], { cwd: tmp });
        const single = one.json();
        expect({ name, ok: single.valid }).toEqual({ name, ok: item.ok });
        if (!item.ok) expect({ name, code: item.code }).toEqual({ name, code: single.code });
      }
    }
    // Each distinct intermediate and CRL signature was verified once per worker: far fewer misses than checks.
    expect(doc.cache.hits).toBeGreaterThan(0);
  });

  it('gives the same results with 1 and 2 workers', () => {
    const one = runWrit(['verify', 'batch', mix.dir, ...common, '--json', '--workers', '1'], { cwd: tmp }).json();
    const two = runWrit(['verify', 'batch', mix.dir, ...common, '--json', '--workers', '2'], { cwd: tmp }).json();
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(two.items).toEqual(one.items);
  });

  it('prints failures and a summary, and plain progress lines on a non-terminal stderr', () => {
    const r = runWrit(['verify', 'batch', mix.dir, ...common, '--workers', '2'], { cwd: tmp });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL ')).length).toBe(mix.items.filter((i) => !i.ok).length);
    expect(lines[lines.length - 1]).toMatch(/^INVALID: \d+ item\(s\): \d+ valid, \d+ failed$/);
    expect(r.stderr).toMatch(new RegExp(`writ: verify batch: ${mix.items.length}/${mix.items.length} done, \\d+ failed\\n$`));
    expect(r.stderr).not.toContain('\r');
  });
});

describe('writ verify batch LIST', () => {
  it('reads paths relative to the list file, skipping blank lines and comments; exit 0 when all verify', () => {
    const listDir = path.join(tmp, 'lists');
    fs.mkdirSync(listDir, { recursive: true });
    const good = mix.items.filter((i) => i.ok).map((i) => `../items/${i.name}`);
    fs.writeFileSync(path.join(listDir, 'good.txt'), `# the good ones\n${good.join('\n')}\n\n`);
    const r = runWrit(['verify', 'batch', path.join(listDir, 'good.txt'), ...common, '--json'], { cwd: tmp });
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ ok: true, total: good.length, valid: good.length, failed: 0 });
    expect(doc.code).toBeUndefined();
    expect(doc.items.map((i: { path: string }) => i.path)).toEqual(good.map((g) => path.join(listDir, g)));
    const text = runWrit(['verify', 'batch', path.join(listDir, 'good.txt'), ...common], { cwd: tmp });
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe(`VALID: ${good.length} item(s): ${good.length} valid, 0 failed`);
  });

  it('reports a missing item as IO and exits 3 when it is the first failure', () => {
    const list = path.join(tmp, 'lists', 'missing.txt');
    fs.mkdirSync(path.dirname(list), { recursive: true });
    fs.writeFileSync(list, `../items/01-good-harbor.pem\nnot-there.pem\n../items/04-forged-intermediate.pem\n`);
    const r = runWrit(['verify', 'batch', list, ...common, '--json'], { cwd: tmp });
    expect(r.code).toBe(3);
    const doc = r.json();
    expect(doc.items.map((i: { ok: boolean; code: string | null }) => [i.ok, i.code])).toEqual([
      [true, null],
      [false, 'IO'],
      [false, 'SIGNATURE'],
    ]);
    expect(doc.items[1].message).toContain('not-there.pem');
  });
});

describe('writ verify batch: refusals before any work', () => {
  it('a missing input is a clear IO error (exit 3)', () => {
    const r = runWrit(['verify', 'batch', path.join(tmp, 'nope'), ...common], { cwd: tmp });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^writ: error: cannot read .*nope: no such file or directory \[IO\]\n$/);
    const j = runWrit(['verify', 'batch', path.join(tmp, 'nope'), ...common, '--json'], { cwd: tmp });
    expect(j.code).toBe(3);
    expect(j.json()).toMatchObject({ ok: false, error: { code: 'IO' } });
  });

  it('an unreadable --trust file fails before any item (exit 3)', () => {
    const r = runWrit(['verify', 'batch', mix.dir, '--trust', path.join(tmp, 'no-root.pem'), '--json'], { cwd: tmp });
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'IO' } });
  });

  it('a directory without chain or envelope files is a usage error (exit 2)', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'nothing to verify');
    const r = runWrit(['verify', 'batch', empty, ...common, '--json'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('--workers must be a positive whole number (exit 2)', () => {
    const r = runWrit(['verify', 'batch', mix.dir, ...common, '--workers', '0'], { cwd: tmp });
    expect(r.code).toBe(2);
  });
});
