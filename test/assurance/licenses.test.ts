// Licences (issue 7): the runtime tree's licences are all allowed and ship their texts; the gate refuses anything else or unknown; the bundle embeds only runtime packages.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED, embeddedPackages, licenseAllowed, licenseTexts, problems, runtimePackages } from '../../scripts/licenses.mjs';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/licenses.mjs');
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-licenses-'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('licenseAllowed: SPDX expressions', () => {
  it('accepts the allowed ids and OR-choices that include one', () => {
    for (const id of ALLOWED) expect(licenseAllowed(id), id).toBe(true);
    expect(licenseAllowed('(MIT OR GPL-3.0-only)')).toBe(true);
    expect(licenseAllowed('MIT AND ISC')).toBe(true);
  });
  it('refuses anything else, and anything unknown', () => {
    for (const e of ['GPL-3.0-only', 'AGPL-3.0', 'LGPL-2.1', 'MIT AND GPL-2.0', 'Apache-2.0 WITH LLVM-exception', 'SEE LICENSE IN LICENSE', 'UNLICENSED', 'LicenseRef-x', 'mit', '', undefined]) {
      expect(licenseAllowed(e), String(e)).toBe(false);
    }
  });
});

describe('the real runtime tree', () => {
  const pkgs = runtimePackages(ROOT);

  it('is the production tree of package-lock.json: the runtime dependencies, and no dev tools', () => {
    const names = pkgs.map((p) => p.name);
    const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const d of deps) expect(names).toContain(d);
    for (const dev of ['vitest', 'tsup', 'typescript', 'fast-check', 'esbuild', '@types/node']) expect(names).not.toContain(dev);
    expect(names).toEqual([...names].sort());
  });

  it('passes the gate: every licence allowed, declared alike in the lock and the package, text shipped', () => {
    expect(problems(pkgs)).toEqual([]);
    for (const p of pkgs) {
      expect(licenseAllowed(p.license), p.name).toBe(true);
      expect(p.licenseText?.length ?? 0, p.name).toBeGreaterThan(100);
    }
  });

  it('the licence texts document names every package and holds each text verbatim', () => {
    const t = licenseTexts(pkgs);
    for (const p of pkgs) {
      expect(t).toContain(`${p.name}@${p.version}  (${p.license}`);
      expect(t).toContain(p.licenseText!);
    }
    expect(licenseTexts(pkgs)).toBe(t); // deterministic
  });

  it('npm run licenses prints the table and exits 0', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^package +version +licence +in bundle +status/);
    expect(r.stdout).toMatch(/@noble\/post-quantum +0\.7\.0 +MIT/);
    expect(r.stdout).toContain('PASS');
    const j = JSON.parse(spawnSync(process.execPath, [SCRIPT, '--json'], { cwd: ROOT, encoding: 'utf8' }).stdout) as { ok: boolean; packages: unknown[] };
    expect(j.ok).toBe(true);
    expect(j.packages).toHaveLength(pkgs.length);
  });
});

describe('the gate refuses (a fixture tree)', () => {
  /** A tree with one package per failure mode, plus one good package. */
  function fixtureTree(): string {
    const root = path.join(dir, 'tree');
    const lock = {
      name: 'x',
      lockfileVersion: 3,
      packages: {
        '': { name: 'x', dependencies: {} },
        'node_modules/good': { version: '1.0.0', license: 'MIT' },
        'node_modules/copyleft': { version: '2.0.0', license: 'GPL-3.0-only' },
        'node_modules/nolicense': { version: '1.0.0' },
        'node_modules/mismatch': { version: '1.0.0', license: 'MIT' },
        'node_modules/notext': { version: '1.0.0', license: 'ISC' },
        'node_modules/devonly': { version: '1.0.0', license: 'GPL-3.0-only', dev: true },
      },
    };
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify(lock));
    const pkg = (name: string, license: string | undefined, text: boolean): void => {
      const d = path.join(root, 'node_modules', name);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name, version: lock.packages[`node_modules/${name}` as 'node_modules/good'].version, ...(license ? { license } : {}) }));
      if (text) fs.writeFileSync(path.join(d, 'LICENSE'), `${license ?? 'some'} licence text\n`.repeat(10));
    };
    pkg('good', 'MIT', true);
    pkg('copyleft', 'GPL-3.0-only', true);
    pkg('nolicense', undefined, true);
    pkg('mismatch', 'Apache-2.0', true);
    pkg('notext', 'ISC', false);
    pkg('devonly', 'GPL-3.0-only', true);
    return root;
  }

  it('reports each failure mode and ignores dev-only packages', () => {
    const root = fixtureTree();
    const bad = problems(runtimePackages(root));
    expect(bad.some((b) => b.startsWith('copyleft@2.0.0: licence GPL-3.0-only is not in the allowed set'))).toBe(true);
    expect(bad.some((b) => b.startsWith('nolicense@1.0.0: no licence declared'))).toBe(true);
    expect(bad.some((b) => b.startsWith('mismatch@1.0.0: package.json says Apache-2.0, package-lock.json says MIT'))).toBe(true);
    expect(bad.some((b) => b.startsWith('notext@1.0.0: ships no licence text'))).toBe(true);
    expect(bad.some((b) => b.startsWith('good@'))).toBe(false);
    expect(bad.some((b) => b.includes('devonly'))).toBe(false);
  });

  it('a package in the bundle that is not in the runtime tree is refused (a devDependency leaking in)', () => {
    const root = fixtureTree();
    const bundle = [
      '// node_modules/good/index.js',
      'var a = 1;',
      '// node_modules/vitest/dist/index.js',
      'var b = 2;',
      // esbuild's lazy wrappers do not always carry the comment: the wrapper key names the package too
      'var require_x = __commonJS({',
      '  "node_modules/@scope/leaky/lib/x.js"(exports, module) {',
      '  }',
      '});',
      '// src/cli/main.ts',
      'const s = "node_modules/not-a-module-marker/x.js";',
    ].join('\n');
    expect(embeddedPackages(bundle)).toEqual(['@scope/leaky', 'good', 'vitest']);
    const bad = problems(runtimePackages(root), bundle);
    expect(bad.filter((b) => b.startsWith('vitest:') || b.startsWith('@scope/leaky:'))).toHaveLength(2);
  });

  it('npm run licenses exits 1 on the fixture tree and names the refused package', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--root', fixtureTree()], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/copyleft +2\.0\.0 +GPL-3\.0-only +- +REFUSED/);
    expect(r.stdout).toContain('FAIL');
    expect(r.stderr).toContain('copyleft@2.0.0');
  });
});

describe('the bundle', () => {
  it('embeds only packages of the runtime tree', (ctx) => {
    const bundle = path.join(ROOT, 'dist/writ.mjs');
    if (!fs.existsSync(bundle)) {
      console.warn('SKIPPED: dist/writ.mjs is not built (npm test builds it first)');
      ctx.skip();
      return;
    }
    const text = fs.readFileSync(bundle, 'utf8');
    const embedded = embeddedPackages(text);
    expect(embedded).toEqual(expect.arrayContaining(['@noble/post-quantum', 'commander', 'yaml']));
    expect(problems(runtimePackages(ROOT), text)).toEqual([]);
  });
});
