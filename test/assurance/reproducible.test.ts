// Reproducible build and release set (issue 7): two clean builds give byte-identical dist/ files; SHA256SUMS, the CycloneDX SBOM and release.json describe the bundle.
//
// This runs scripts/check-reproducible.sh with WRIT_REPRO_INSTALL=copy (node_modules copied into each of
// the two clean directories, ~15 s). .ci/run runs the same script with a fresh `npm ci` in each directory.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED, licenseTexts, runtimePackages } from '../../scripts/licenses.mjs';

const ROOT = path.resolve(__dirname, '../..');
let dir = '';
let rel = '';
let run: { status: number | null; stdout: string; stderr: string };

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const read = (name: string): Buffer => fs.readFileSync(path.join(rel, name));

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-repro-test-'));
  rel = path.join(dir, 'release');
  run = spawnSync('bash', [path.join(ROOT, 'scripts/check-reproducible.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, WRIT_REPRO_INSTALL: 'copy', WRIT_REPRO_KEEP: rel },
    timeout: 280_000,
  });
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two clean builds', () => {
  it('are byte-identical (every file of dist/), from two different directories, time zones and locales', () => {
    expect(run.status, run.stderr).toBe(0);
    const m = /^reproducible: dist\/writ\.mjs ([0-9a-f]{64}) /m.exec(run.stdout);
    expect(m, run.stdout).not.toBeNull();
    expect(sha256(read('writ.mjs'))).toBe(m![1]);
  });

  it('the bundle names no build directory and no build time', () => {
    const text = read('writ.mjs').toString('utf8');
    expect(text).not.toContain('writ-repro.'); // the script's build directories ($TMPDIR/writ-repro.XXXXXX/...)
    expect(text).not.toContain(ROOT);
    expect(text).not.toMatch(/sourceMappingURL/);
    expect(text.split('\n')[0]).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
  });
});

describe('the release set (npm run release)', () => {
  it('SHA256SUMS covers the four other files in sha256sum format, and they match', () => {
    const lines = read('SHA256SUMS').toString('utf8').trim().split('\n');
    expect(lines.map((l) => l.slice(66)).sort()).toEqual(['THIRD-PARTY-LICENSES.txt', 'release.json', 'sbom.cdx.json', 'writ.mjs']);
    for (const l of lines) {
      const [h, name] = l.split('  ');
      expect(sha256(read(name!)), name).toBe(h);
    }
  });

  it('release.json: version, Node.js used, bundle hash, dependencies with licences', () => {
    const m = JSON.parse(read('release.json').toString('utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(m).toMatchObject({ name: 'writ', version: pkg.version, builtWith: { node: process.version }, bundle: { file: 'writ.mjs', sha256: sha256(read('writ.mjs')), size: read('writ.mjs').length } });
    const pkgs = runtimePackages(ROOT);
    expect(m.dependencies.map((d: { name: string }) => d.name)).toEqual(pkgs.map((p) => p.name));
    for (const d of m.dependencies as { license: string; embedded: boolean; name: string }[]) expect(ALLOWED, d.name).toContain(d.license);
    expect(m.dependencies.find((d: { name: string }) => d.name === '@noble/post-quantum').embedded).toBe(true);
    expect(m.files['sbom.cdx.json']).toBe(sha256(read('sbom.cdx.json')));
  });

  it('sbom.cdx.json: CycloneDX of exactly the runtime tree (yaml included despite npm/cli#7909), bound to the bundle', () => {
    const bom = JSON.parse(read('sbom.cdx.json').toString('utf8'));
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5' });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bom.metadata.component).toMatchObject({ name: 'writ', hashes: [{ alg: 'SHA-256', content: sha256(read('writ.mjs')) }] });
    const refs = (bom.components as { 'bom-ref': string }[]).map((c) => c['bom-ref']).sort();
    expect(refs).toEqual(runtimePackages(ROOT).map((p) => `${p.name}@${p.version}`).sort());
    for (const c of bom.components as { name: string; licenses: { license: { id: string } }[] }[]) expect(ALLOWED, c.name).toContain(c.licenses[0]!.license.id);
    const root = (bom.dependencies as { ref: string; dependsOn: string[] }[]).find((d) => d.ref === bom.metadata.component['bom-ref'])!;
    expect(root.dependsOn).toEqual(expect.arrayContaining(['yaml@2.9.1', '@noble/post-quantum@0.7.0', 'commander@14.0.3']));
  });

  it('THIRD-PARTY-LICENSES.txt is the text the bundle carries', () => {
    expect(read('THIRD-PARTY-LICENSES.txt').toString('utf8')).toBe(licenseTexts(runtimePackages(ROOT)));
    const sc = spawnSync(process.execPath, [path.join(rel, 'writ.mjs'), 'self-check', '--licenses', '--json', '--sums', path.join(rel, 'SHA256SUMS')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // The copy outside the checkout cannot find ceremonies/, but self-check needs nothing beside the bundle.
    expect(sc.status, sc.stderr).toBe(0);
    const j = JSON.parse(sc.stdout);
    expect(j.sums.match).toBe(true);
    expect(j.licenses.text).toBe(read('THIRD-PARTY-LICENSES.txt').toString('utf8'));
  });
});
