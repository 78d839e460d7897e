// writ's OSCAL component-definition validated against NIST's OSCAL 1.2.3 JSON schema (ajv, draft-07), with control ids checked against the SP 800-53 Rev 5 baseline catalogs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, assertLoaded, requireVectors } from '../helpers/index.js';
import { buildComponentDefinition, deterministicUuids } from '../../src/core/compliance/oscal.js';
import { CONTROL_CLAIMS, NOT_CLAIMED } from '../../src/core/compliance/controls.js';

const OSCAL = requireVectors('oscal');
const NOW = new Date('2026-06-01T12:00:00Z');

// ajv-formats is not a dependency (no new dependencies): these are the four formats the OSCAL schemas
// use, written to the RFCs they name. date-time is RFC 3339 §5.6 (the schema's own pattern also requires
// the offset); uri is RFC 3986 §4.3 absolute-URI (scheme ":" ...); uri-reference is any RFC 3986
// reference, which never contains whitespace; email is RFC 5322 addr-spec in its common dot-atom form.
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
    if (!m) return false;
    const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 60 && !Number.isNaN(Date.parse(s));
  },
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => /^[^\s]*$/.test(s),
  email: (s) => /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(s),
};

/** Controls no SP 800-53 Rev 5 baseline (LOW, MODERATE, HIGH, PRIVACY) selects, so the baseline catalogs here cannot confirm them. */
const OUTSIDE_BASELINES: Record<string, string> = {
  'sc-12.3': 'SC-12(3) Asymmetric Keys: an enhancement no baseline selects (organisation-selected); defined in the full SP 800-53 Rev 5 catalog.',
  'ac-4.17': 'AC-4(17) Domain Authentication: selected by no baseline; defined in the full catalog.',
  'cm-14': 'CM-14 Signed Components: new in Rev 5 and selected by no baseline.',
  'sr-4': 'SR-4 Provenance: selected by no baseline (SR-4 is left to organisations / overlays).',
  'sc-12.2': 'SC-12(2) Symmetric Keys: selected by no baseline (and not claimed by writ: see NOT_CLAIMED).',
};

function compile(schemaFile: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, f);
  return ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
}

function doc(): Record<string, unknown> {
  return buildComponentDefinition({ version: '0.1.0', now: NOW, uuid: deterministicUuids('oscal-test') });
}

describe('format checks used in place of ajv-formats', () => {
  it('accept and reject what the RFCs say', () => {
    expect(FORMATS['date-time']!('2026-06-01T12:00:00Z')).toBe(true);
    expect(FORMATS['date-time']!('2024-02-01T13:57:28.355446-04:00')).toBe(true);
    expect(FORMATS['date-time']!('2026-06-01T12:00:00')).toBe(false);
    expect(FORMATS['date-time']!('2026-13-01T12:00:00Z')).toBe(false);
    expect(FORMATS.uri!('https://example.com/x')).toBe(true);
    expect(FORMATS.uri!('src/core/x.ts')).toBe(false);
    expect(FORMATS['uri-reference']!('src/core/x.ts')).toBe(true);
    expect(FORMATS['uri-reference']!('has space')).toBe(false);
    expect(FORMATS.email!('a.b@example.org')).toBe(true);
    expect(FORMATS.email!('not an email')).toBe(false);
  });
});

describe.skipIf(OSCAL === undefined)('OSCAL component-definition against the NIST schema', () => {
  const dir = OSCAL!;
  let component: ValidateFunction;
  let complete: ValidateFunction;
  beforeAll(() => {
    component = compile(path.join(dir, 'schema', 'oscal_component_schema.json'));
    complete = compile(path.join(dir, 'schema', 'oscal_complete_schema.json'));
  });

  it("writ's document is valid OSCAL 1.2.3 (component and complete schemas)", () => {
    const d = doc();
    const ok = component(d);
    expect(component.errors ?? [], JSON.stringify(component.errors?.slice(0, 5))).toEqual([]);
    expect(ok).toBe(true);
    expect(complete(d), JSON.stringify(complete.errors?.slice(0, 5))).toBe(true);
    const cd = d['component-definition'] as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cd.metadata['oscal-version']).toBe('1.2.3');
    expect(cd.components[0]['control-implementations'][0]['implemented-requirements']).toHaveLength(CONTROL_CLAIMS.length);
  });

  it('the validator has teeth: every file in examples/invalid fails, every valid example passes', () => {
    const invalid = fs.readdirSync(path.join(dir, 'examples', 'invalid')).filter((f) => f.endsWith('.json'));
    assertLoaded('oscal examples/invalid', invalid.length);
    expect(invalid).toHaveLength(8);
    for (const f of invalid) {
      const v = JSON.parse(fs.readFileSync(path.join(dir, 'examples', 'invalid', f), 'utf8'));
      expect(component(v), `${f} must fail`).toBe(false);
    }
    const valid = fs.readdirSync(path.join(dir, 'examples')).filter((f) => f.endsWith('.json') && f.includes('component-definition'));
    assertLoaded('oscal valid examples', valid.length);
    for (const f of valid) {
      const v = JSON.parse(fs.readFileSync(path.join(dir, 'examples', f), 'utf8'));
      expect(component(v), `${f} must pass: ${JSON.stringify(component.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('mutations of our own document fail (a v1 UUID, a timestamp without offset, an unknown member)', () => {
    const base = JSON.stringify(doc());
    const v1 = JSON.parse(base);
    v1['component-definition'].uuid = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(component(v1)).toBe(false);
    const tz = JSON.parse(base);
    tz['component-definition'].metadata['last-modified'] = '2026-06-01T12:00:00';
    expect(component(tz)).toBe(false);
    const extra = JSON.parse(base);
    extra['component-definition'].components[0].unexpected = true;
    expect(component(extra)).toBe(false);
  });

  it('every control id exists in an SP 800-53 Rev 5 baseline catalog, or is listed here with the reason it cannot be', () => {
    const catDir = path.join(dir, 'catalog');
    const files = fs.readdirSync(catDir).filter((f) => f.includes('resolved-profile_catalog'));
    assertLoaded('SP 800-53 Rev 5 baseline catalogs', files.length);
    const ids = new Set<string>();
    const walk = (o: any): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        if (typeof o.id === 'string' && typeof o.class === 'string') ids.add(o.id);
        if (o.groups) walk(o.groups);
        if (o.controls) walk(o.controls);
      }
    };
    for (const f of files) walk(JSON.parse(fs.readFileSync(path.join(catDir, f), 'utf8')).catalog);
    expect(ids.has('sc-12')).toBe(true);
    for (const c of CONTROL_CLAIMS) {
      if (ids.has(c.id)) {
        expect(OUTSIDE_BASELINES[c.id], `${c.id} is in a baseline; drop it from OUTSIDE_BASELINES`).toBeUndefined();
      } else {
        expect(OUTSIDE_BASELINES[c.id], `${c.id} is in no baseline catalog and not listed with a reason`).toBeTypeOf('string');
      }
    }
    for (const id of Object.keys(OUTSIDE_BASELINES)) expect(ids.has(id), `${id} listed as outside the baselines but found`).toBe(false);
  });
});

describe('what the component definition claims is backed by the repository', () => {
  it('every module and test it names exists, and every command has its handler', () => {
    for (const c of CONTROL_CLAIMS) {
      for (const p of [...c.modules, ...c.tests]) expect(fs.existsSync(path.join(REPO_ROOT, p)), `${c.id}: ${p}`).toBe(true);
      for (const cmd of c.commands) {
        const parts = cmd.split(' ');
        expect(parts[0]).toBe('writ');
        const [noun, verb] = [parts[1]!, parts[2] ?? parts[1]!];
        expect(fs.existsSync(path.join(REPO_ROOT, 'src/cli/commands', noun, `${verb}.ts`)), `${c.id}: ${cmd}`).toBe(true);
      }
    }
  });

  it('claims are unique, lower-case OSCAL ids, and SC-12(2) is deliberately not claimed', () => {
    const ids = CONTROL_CLAIMS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]{2}-\d+(\.\d+)?$/);
    for (const n of NOT_CLAIMED) expect(ids).not.toContain(n.id);
    for (const must of ['sc-12', 'sc-12.3', 'sc-13', 'sc-17', 'ia-5.2', 'ac-4', 'ac-4.17', 'au-9.3', 'au-10', 'cm-14', 'sr-4']) expect(ids).toContain(must);
  });

  it('deterministic mode is deterministic; UUIDs are v4 and unique', () => {
    const a = JSON.stringify(doc());
    expect(JSON.stringify(doc())).toBe(a);
    const uuids = [...a.matchAll(/"uuid": ?"([^"]+)"/g)].map((m) => m[1]!);
    expect(uuids.length).toBe(3 + CONTROL_CLAIMS.length);
    expect(new Set(uuids).size).toBe(uuids.length);
    for (const u of uuids) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('`writ oscal component-definition` writes the document (built CLI)', () => {
    const bin = path.join(REPO_ROOT, 'bin/writ.js');
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/writ.mjs'))) {
      const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
    }
    const r = spawnSync(process.execPath, [bin, 'oscal', 'component-definition', '--at', '2026-06-01T12:00:00Z', '--uuid-seed', 'oscal-test'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d['component-definition'].metadata['last-modified']).toBe('2026-06-01T12:00:00Z');
    expect(d['component-definition'].components[0]['control-implementations'][0]['implemented-requirements'].map((x: { 'control-id': string }) => x['control-id'])).toEqual(
      CONTROL_CLAIMS.map((c) => c.id),
    );
    const j = spawnSync(process.execPath, [bin, 'oscal', 'component-definition', '--json'], { encoding: 'utf8' });
    expect(j.status, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, controls: CONTROL_CLAIMS.length });
  });
});
