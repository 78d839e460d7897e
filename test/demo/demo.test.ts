// Tests for src/demo/demo.ts: the story comes out as told, and it is deterministic (same files every run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo, demoText, pkiSummary, checkDemo } from '../../src/demo/demo.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-demo-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('demo', () => {
  it('every scenario ends as expected, and two runs write identical files', () => {
    const a = tmp();
    const b = tmp();
    const notes: string[] = [];
    const ra = runDemo(a, false, (m) => notes.push(m));
    const rb = runDemo(b, false, () => {});
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

  it('the valid chains prove enclave, region and level; the summary is short', () => {
    const d = tmp();
    const r = runDemo(d, false, () => {});
    const harbor = r.scenarios[0]!;
    expect(harbor.proved).toMatchObject({ identity: 'spiffe://harbor.north.writ.test/workload/api', enclave: 'harbor', region: 'north', level: 'restricted' });
    const text = demoText(r, pkiSummary());
    expect(text.split('\n').length).toBeLessThan(25);
    expect(text).toContain(`${r.scenarios.length}/${r.scenarios.length} as expected`);
    expect(() => runDemo(d, false, () => {})).toThrow(/already exists/);
  });
});
