// Licence gate and licence texts for the runtime dependency tree that goes into dist/writ.mjs (issue 7, "Licences").
//
// Run as `npm run licenses`: prints the licence table of every runtime package (package-lock.json,
// production edges only) and exits 1 when any licence is outside ALLOWED or unknown, when the lock file
// and the installed package.json disagree, when a package ships no licence text, or when the built
// bundle embeds a package that is not in the runtime tree (a devDependency leaking into the bundle).
// Imported by tsup.config.ts (the esbuild plugin that embeds the licence texts as a string module),
// scripts/release.mjs and the tests. Offline: reads package-lock.json and node_modules only.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** SPDX ids accepted for anything shipped inside the bundle (issue 7). */
export const ALLOWED = ['Apache-2.0', 'MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'MPL-2.0'];

/** The virtual module the bundle imports to carry the licence texts (see src/cli/commands/self-check). */
export const LICENSES_MODULE = 'writ:third-party-licenses';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Name of a package from its lock-file key ("node_modules/a/node_modules/@s/b" -> "@s/b"). */
function nameFromLockKey(key) {
  const i = key.lastIndexOf('node_modules/');
  return key.slice(i + 'node_modules/'.length);
}

/** Licence field of a package.json: a string, or the old {type} / [{type}] forms. */
function licenseField(pj) {
  const l = pj.license ?? pj.licenses;
  if (typeof l === 'string') return l.trim();
  if (Array.isArray(l)) return l.map((x) => (typeof x === 'string' ? x : x?.type)).filter(Boolean).join(' OR ') || undefined;
  if (l && typeof l === 'object' && typeof l.type === 'string') return l.type;
  return undefined;
}

/**
 * Whether an SPDX expression is acceptable: every AND operand allowed, at least one OR operand allowed.
 * Anything else (WITH exceptions, LicenseRef-*, "SEE LICENSE IN", UNLICENSED, a typo) is refused.
 */
export function licenseAllowed(expr) {
  if (!expr) return false;
  const e = expr.replace(/[()]/g, ' ').trim();
  if (/\bWITH\b/.test(e)) return false;
  const ors = e.split(/\s+OR\s+/);
  return ors.some((alt) => alt.split(/\s+AND\s+/).every((id) => ALLOWED.includes(id.trim())));
}

/** The licence text file a package ships (LICENSE, LICENSE.md, LICENCE, COPYING...), or undefined. */
function licenseFile(dir) {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(f))
    .sort();
  return files.length ? path.join(dir, files[0]) : undefined;
}

/**
 * The runtime tree: every package-lock.json entry that is not dev-only (lockfile v2/v3 "packages").
 * `dev` and `devOptional` entries are reachable only through devDependencies (or as optional peers of
 * them) and are never bundled. Sorted by name, then version, so all output is deterministic.
 */
export function runtimePackages(root = REPO) {
  const lock = readJson(path.join(root, 'package-lock.json'));
  if (!lock.packages) throw new Error('package-lock.json has no "packages" map (lockfileVersion 2 or 3 needed)');
  const out = [];
  for (const [key, e] of Object.entries(lock.packages)) {
    if (key === '' || e.dev || e.devOptional || e.link) continue;
    const dir = path.join(root, key);
    const name = nameFromLockKey(key);
    const pjFile = path.join(dir, 'package.json');
    const installed = existsSync(pjFile) ? readJson(pjFile) : undefined;
    const lf = licenseFile(dir);
    out.push({
      name,
      version: e.version,
      lockLicense: typeof e.license === 'string' ? e.license : undefined,
      license: installed ? licenseField(installed) : undefined,
      installed: Boolean(installed),
      installedVersion: installed?.version,
      licenseFile: lf ? path.relative(root, lf).split(path.sep).join('/') : undefined,
      licenseText: lf ? readFileSync(lf, 'utf8').replace(/\r\n/g, '\n').trimEnd() : undefined,
    });
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return out;
}

/**
 * Packages a non-minified esbuild bundle embeds: from its "// node_modules/<pkg>/file" module comments and
 * from the keys of its lazy wrappers (`__esm({ "node_modules/<pkg>/file"() {`, `__commonJS({ ... })`),
 * since esbuild does not always write the comment for a wrapped module.
 */
export function embeddedPackages(bundleText) {
  const names = new Set();
  for (const m of bundleText.matchAll(/^(?:\/\/ |\s*")(?:[^\s"]*\/)?node_modules\/((?:@[^/\s"]+\/)?[^/\s"]+)\/[^\s"]*(?:"\(|$)/gm)) names.add(m[1]);
  return [...names].sort();
}

/** Every problem with the runtime tree (empty = pass), given the packages and optionally the bundle text. */
export function problems(pkgs, bundleText) {
  const out = [];
  for (const p of pkgs) {
    const id = `${p.name}@${p.version}`;
    if (!p.installed) out.push(`${id}: not installed (run npm ci), licence unknown`);
    else if (p.installedVersion !== p.version) out.push(`${id}: installed version is ${p.installedVersion}, lock says ${p.version}`);
    if (p.installed && !p.license) out.push(`${id}: no licence declared (unknown)`);
    if (p.license && p.lockLicense && p.license !== p.lockLicense) out.push(`${id}: package.json says ${p.license}, package-lock.json says ${p.lockLicense}`);
    if (p.license && !licenseAllowed(p.license)) out.push(`${id}: licence ${p.license} is not in the allowed set (${ALLOWED.join(', ')})`);
    if (p.installed && !p.licenseText) out.push(`${id}: ships no licence text (LICENSE file), which the bundle must carry`);
  }
  if (bundleText !== undefined) {
    const known = new Set(pkgs.map((p) => p.name));
    for (const n of embeddedPackages(bundleText)) {
      if (!known.has(n)) out.push(`${n}: embedded in dist/writ.mjs but not in the runtime dependency tree (a devDependency in the bundle?)`);
    }
  }
  return out;
}

/**
 * The THIRD-PARTY-LICENSES text: one section per runtime package with its licence file verbatim.
 * Deterministic (sorted, LF line ends, no dates, no paths outside the package).
 */
export function licenseTexts(pkgs) {
  const rule = '='.repeat(78);
  const parts = [
    'writ bundles the following third-party packages (the production dependency tree of package-lock.json;',
    'dist/writ.mjs embeds a subset of them). Their licence texts follow, each as shipped by the package.',
    '',
    ...pkgs.map((p) => `  ${p.name}@${p.version}  ${p.license ?? 'UNKNOWN'}`),
    '',
  ];
  for (const p of pkgs) {
    parts.push(rule, `${p.name}@${p.version}  (${p.license ?? 'UNKNOWN'}; ${p.licenseFile ?? 'no licence file'})`, rule, '', p.licenseText ?? '(no licence text shipped)', '');
  }
  return `${parts.join('\n')}\n`;
}

/** The licence table as text (name, version, licence, status). */
export function licenseTable(pkgs, embedded) {
  const rows = pkgs.map((p) => [p.name, p.version, p.license ?? 'UNKNOWN', embedded ? (embedded.has(p.name) ? 'yes' : 'no') : '-', licenseAllowed(p.license) ? 'ok' : 'REFUSED']);
  const head = ['package', 'version', 'licence', 'in bundle', 'status'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
  return [fmt(head), fmt(w.map((n) => '-'.repeat(n))), ...rows.map(fmt)].join('\n');
}

/**
 * esbuild plugin (used by tsup.config.ts): resolves `writ:third-party-licenses` to a module exporting
 * the package list and the licence texts, so the single-file bundle carries them. Fails the build when
 * the licence gate fails, so a bundle with a refused licence is never produced.
 */
export function thirdPartyLicensesPlugin(root = REPO) {
  return {
    name: 'writ-third-party-licenses',
    setup(build) {
      build.onResolve({ filter: /^writ:third-party-licenses$/ }, (args) => ({ path: args.path, namespace: 'writ-licenses' }));
      build.onLoad({ filter: /.*/, namespace: 'writ-licenses' }, () => {
        const pkgs = runtimePackages(root);
        const bad = problems(pkgs);
        if (bad.length) return { errors: bad.map((text) => ({ text: `licence gate: ${text}` })) };
        const list = pkgs.map((p) => ({ name: p.name, version: p.version, license: p.license }));
        return {
          contents: `export const PACKAGES = ${JSON.stringify(list)};\nexport const LICENSE_TEXT = ${JSON.stringify(licenseTexts(pkgs))};\n`,
          loader: 'js',
        };
      });
    },
  };
}

function main(argv) {
  const json = argv.includes('--json');
  // --root DIR: check another tree (the tests use a fixture tree with a refused licence).
  const ri = argv.indexOf('--root');
  const root = ri >= 0 && argv[ri + 1] ? path.resolve(argv[ri + 1]) : REPO;
  const pkgs = runtimePackages(root);
  const bundleFile = path.join(root, 'dist/writ.mjs');
  const bundleText = existsSync(bundleFile) ? readFileSync(bundleFile, 'utf8') : undefined;
  const embedded = bundleText === undefined ? undefined : new Set(embeddedPackages(bundleText));
  const bad = problems(pkgs, bundleText);
  if (json) {
    const rows = pkgs.map((p) => ({ name: p.name, version: p.version, license: p.license ?? null, embedded: embedded ? embedded.has(p.name) : null, allowed: licenseAllowed(p.license) }));
    process.stdout.write(`${JSON.stringify({ ok: bad.length === 0, allowed: ALLOWED, packages: rows, problems: bad }, null, 2)}\n`);
  } else {
    process.stdout.write(`${licenseTable(pkgs, embedded)}\n\n`);
    process.stdout.write(`${pkgs.length} runtime packages; allowed: ${ALLOWED.join(', ')}\n`);
    if (!embedded) process.stdout.write('dist/writ.mjs not built: the check that the bundle embeds only runtime packages was skipped\n');
    for (const b of bad) process.stderr.write(`licenses: ${b}\n`);
    process.stdout.write(bad.length ? `FAIL: ${bad.length} problem(s)\n` : 'PASS: every runtime licence is allowed and ships its text\n');
  }
  process.exitCode = bad.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
