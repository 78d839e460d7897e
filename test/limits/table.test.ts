// docs/limits.md and src/core/limits.ts agree: every limit is in the table with its exact value, and is used in each file the table says enforces it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as L from '../../src/core/limits.js';
import { REPO_ROOT } from '../helpers/index.js';

const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/limits.md'), 'utf8');
const rows = new Map<string, { value: string; where: string }>();
for (const line of doc.split('\n')) {
  const m = /^\| `([A-Z0-9_]+)` \| ([^|]+) \| ([^|]+) \|/.exec(line);
  if (m) rows.set(m[1]!, { value: m[2]!.trim(), where: m[3]! });
}
const constants = Object.entries(L).filter(([k, v]) => /^MAX_[A-Z0-9_]+$/.test(k) && typeof v === 'number') as [string, number][];

describe('docs/limits.md', () => {
  it('has one row per limit, and no row for a limit that does not exist', () => {
    expect(constants.length).toBeGreaterThanOrEqual(40);
    expect([...rows.keys()].sort()).toEqual(constants.map(([k]) => k).sort());
  });
  for (const [name, value] of constants) {
    it(`${name}: the table gives ${value}, and each file it names uses ${name}`, () => {
      const row = rows.get(name);
      expect(row, name).toBeDefined();
      expect(row!.value.split(' ')[0]).toBe(String(value));
      const files = [...row!.where.matchAll(/`(src\/[^`]+\.ts)`/g)].map((m) => m[1]!);
      expect(files.length, `${name}: the table names where it is enforced`).toBeGreaterThan(0);
      for (const f of files) expect(fs.readFileSync(path.join(REPO_ROOT, f), 'utf8'), `${f} should use ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    });
  }
});
