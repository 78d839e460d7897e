// Tests for src/demo/demo.ts: the story comes out as told, and it is deterministic (same files every run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo, demoText, pkiSummary, checkDemo } from '../../src/demo/demo.js';
import { captureOutputDir } from '../helpers/capture.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-demo-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) captureOutputDir(d, 'demo'); // secret-hygiene scan (test/assurance/secrets-global.ts); a no-op unless capturing
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('demo', () => {
  it('every scenario ends as expected, and two runs write identical files', async () => {
    const a = tmp();
    const b = tmp();
    const notes: string[] = [];
    const ra = await runDemo(a, false, (m) => notes.push(m));
    const rb = await runDemo(b, false, () => {});
    expect(ra.allAsExpected).toBe(true);
    expect(() => checkDemo(ra)).not.toThrow();
    expect(ra.scenarios.filter((s) => s.expected === 'VALID')).toHaveLength(3);
    expect(new Set(ra.scenarios.map((s) => s.expected))).toEqual(
      new Set(['VALID', 'REVOKED', 'POLICY', 'IDENTITY', 'SIGNATURE', 'NO_PATH', 'CRL_STALE', 'EXPIRED']),
    );
    for (const f of ra.files) expect(fs.readFileSync(path.join(a, f)), f).toEqual(fs.readFileSync(path.join(b, f)));
    expect(rb.scenarios.map((s) => s.got)).toEqual(ra.scenarios.map((s) => s.got));
    expect(notes.join('\n')).toContain('writ demo');
  });

  it('the valid chains prove enclave, region and level; the summary is short', async () => {
    const d = tmp();
    const r = await runDemo(d, false, () => {});
    const harbor = r.scenarios[0]!;
    expect(harbor.proved).toMatchObject({ identity: 'spiffe://harbor.north.writ.test/workload/api', enclave: 'harbor', region: 'north', level: 'restricted' });
    const text = demoText(r, pkiSummary());
    expect(text.split('\n').length).toBeLessThan(36); // +1: the link check line, +2: provisioning (issue 5), +1: assurance (issue 7)
    expect(text).toContain(`${r.scenarios.length}/${r.scenarios.length} as expected`);
    await expect(runDemo(d, false, () => {})).rejects.toThrow(/already exists/);
  });

  it('the root and regional CAs come from rehearsed ceremonies whose transcripts verify; no root key file exists', async () => {
    const d = tmp();
    const r = await runDemo(d, false, () => {});
    expect(r.ceremonies.allOk).toBe(true);
    expect(r.ceremonies.ceremonies.map((c) => c.script)).toEqual(['root-key-generation', 'regional-issuance', 'crl-issuance']);
    const rootDir = path.join(d, r.ceremonies.rootDir);
    expect(fs.readFileSync(path.join(d, 'root.pem'), 'utf8')).toBe(fs.readFileSync(path.join(rootDir, 'root.pem'), 'utf8'));
    expect(fs.readFileSync(path.join(d, 'north.pem'), 'utf8')).toBe(fs.readFileSync(path.join(rootDir, 'ceremonies', 'regional-issuance', 'regionals', 'north.pem'), 'utf8'));
    // no unencrypted private key anywhere in the demo directory, and no file named like a root key
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const all = walk(d);
    expect(all.filter((f) => /root\.key$/.test(f))).toEqual([]);
    for (const f of all) expect(fs.readFileSync(f, 'utf8'), f).not.toContain('BEGIN PRIVATE KEY');
    const text = demoText(r, pkiSummary());
    expect(text).toMatch(/ok {2}root-key-generation +VALID/);
    expect(text).toMatch(/ok {2}regional-issuance +VALID/);
  });
});
