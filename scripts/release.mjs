// `npm run release`: builds dist/writ.mjs and writes the release set beside it (issue 7, "The tool as a carried artifact").
//
// dist/writ.mjs                 the single-file bundle (tsup; byte-identical across clean builds)
// dist/THIRD-PARTY-LICENSES.txt the licence texts the bundle also carries inside (scripts/licenses.mjs)
// dist/sbom.cdx.json            CycloneDX 1.5 SBOM of the runtime tree (npm sbom, made deterministic)
// dist/release.json             version, commit (when known), Node.js used, bundle SHA-256, dependencies + licences
// dist/SHA256SUMS               `sha256sum -c` format over the four files above
//
// Everything is a function of the source, the lock file and the Node/npm versions: no wall-clock time
// (the SBOM timestamp comes from SOURCE_DATE_EPOCH or the commit time, else it is left out) and no random
// serial number (it is derived from the bundle hash). Offline: npm sbom reads node_modules only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedPackages, licenseTexts, problems, runtimePackages } from './licenses.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const args = process.argv.slice(2);

function fail(msg) {
  process.stderr.write(`release: ${msg}\n`);
  process.exit(1);
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** Writes a file by rename so a reader never sees half of it. */
function writeAtomic(file, data) {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) fail(`${cmd} ${argv.join(' ')}: ${r.error.message}`);
  return r;
}

/** Git facts when this is a git checkout; a copied tree without .git simply has none (both optional). */
function git(argv) {
  if (!existsSync(path.join(ROOT, '.git'))) return undefined;
  const r = spawnSync('git', argv, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function commitId() {
  if (process.env.WRIT_COMMIT) return process.env.WRIT_COMMIT;
  const head = git(['rev-parse', 'HEAD']);
  if (!head) return undefined;
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${head}+dirty` : head;
}

function sourceDateEpoch() {
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== '') {
    if (!/^[0-9]+$/.test(env)) fail('SOURCE_DATE_EPOCH must be whole seconds since 1970');
    return Number(env);
  }
  const ct = git(['log', '-1', '--format=%ct']);
  return ct && /^[0-9]+$/.test(ct) ? Number(ct) : undefined;
}

/** A UUID (RFC 9562 version 8, vendor-specific) derived from a digest: stable for the same bundle. */
function uuidFromDigest(hex) {
  const h = hex.slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** Lock-file key a dependency `dep` of the package at `from` resolves to (Node's node_modules walk). */
function resolveInLock(lock, from, dep) {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${dep}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/** A CycloneDX component for a runtime package npm left out, in the shape npm sbom gives its own. */
function componentFromLock(lock, key) {
  const e = lock.packages[key];
  const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const pj = JSON.parse(readFileSync(path.join(ROOT, key, 'package.json'), 'utf8'));
  const c = {
    'bom-ref': `${name}@${e.version}`,
    type: 'library',
    name,
    version: e.version,
    scope: 'required',
    ...(typeof pj.author === 'string' ? { author: pj.author } : pj.author?.name ? { author: pj.author.name } : {}),
    ...(pj.description ? { description: pj.description } : {}),
    purl: `pkg:npm/${name.replace(/^@/, '%40')}@${e.version}`,
    properties: [{ name: 'writ:sbom-note', value: 'added by scripts/release.mjs: npm sbom --omit dev left this production package out (npm/cli#7909)' }],
    externalReferences: [],
  };
  const m = /^sha512-(.+)$/.exec(e.integrity ?? '');
  if (m) c.hashes = [{ alg: 'SHA-512', content: Buffer.from(m[1], 'base64').toString('hex') }];
  if (e.license) c.licenses = [{ license: { id: e.license } }];
  const deps = Object.keys({ ...(e.dependencies ?? {}), ...(e.optionalDependencies ?? {}) })
    .map((d) => resolveInLock(lock, key, d))
    .filter((k) => k && !lock.packages[k].dev)
    .map((k) => `${k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${lock.packages[k].version}`)
    .sort();
  return { component: c, dependsOn: deps };
}

/**
 * CycloneDX SBOM of the runtime tree, from `npm sbom --omit dev`. That command drops production packages
 * that a devDependency also names as a peer (npm/cli#7909: here it loses yaml, a peer of tsup's
 * postcss-load-config), and the unfiltered tree is refused (ESBOMPROBLEMS over a dev-only peer range),
 * so every runtime package of package-lock.json that npm left out is added from the lock file, marked
 * with a property saying so. Anything npm lists beyond the runtime set fails the release.
 */
function makeSbom(pkg, pkgs, bundleSha, epoch) {
  const r = run('npm', ['sbom', '--sbom-format', 'cyclonedx', '--sbom-type', 'application', '--omit', 'dev']);
  if (r.status !== 0) fail(`npm sbom failed:\n${r.stderr}`);
  const bom = JSON.parse(r.stdout);
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const want = new Set(pkgs.map((p) => `${p.name}@${p.version}`));
  const rootRef = bom.metadata.component['bom-ref'];
  const extra = bom.components.map((c) => c['bom-ref']).filter((ref) => !want.has(ref));
  if (extra.length) fail(`npm sbom lists packages outside the runtime tree: ${extra.join(', ')}`);
  const got = new Set(bom.components.map((c) => c['bom-ref']));
  bom.dependencies ??= [];
  for (const [key, e] of Object.entries(lock.packages)) {
    if (key === '' || e.dev || e.devOptional || e.link) continue;
    const { component, dependsOn } = componentFromLock(lock, key);
    const ref = component['bom-ref'];
    if (got.has(ref)) continue;
    bom.components.push(component);
    bom.dependencies.push({ ref, dependsOn });
    got.add(ref);
  }
  // Direct dependencies of the root that npm dropped go back under the root's dependsOn.
  const rootDeps = bom.dependencies.find((d) => d.ref === rootRef);
  if (rootDeps) {
    for (const d of Object.keys(pkg.dependencies ?? {})) {
      const k = resolveInLock(lock, '', d);
      const ref = k && `${d}@${lock.packages[k].version}`;
      if (ref && !rootDeps.dependsOn.includes(ref)) rootDeps.dependsOn.push(ref);
    }
    rootDeps.dependsOn.sort();
  }
  for (const d of bom.dependencies) if (d.ref !== rootRef) {
    const k = [...Object.keys(lock.packages)].find((key) => key && `${key.slice(key.lastIndexOf('node_modules/') + 13)}@${lock.packages[key].version}` === d.ref);
    if (k) for (const ref of componentFromLock(lock, k).dependsOn) if (!d.dependsOn.includes(ref)) d.dependsOn.push(ref);
    d.dependsOn.sort();
  }
  const byRef = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  bom.components.sort((a, b) => byRef(a['bom-ref'], b['bom-ref']));
  bom.dependencies.sort((a, b) => (a.ref === rootRef ? -1 : b.ref === rootRef ? 1 : byRef(a.ref, b.ref)));
  const missing = [...want].filter((w) => !got.has(w));
  if (missing.length) fail(`the SBOM lacks runtime packages: ${missing.join(', ')}`);
  bom.serialNumber = `urn:uuid:${uuidFromDigest(sha256(`writ-sbom:${pkg.name}@${pkg.version}:${bundleSha}`))}`;
  if (epoch === undefined) delete bom.metadata.timestamp;
  else bom.metadata.timestamp = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  // npm names the root component after the directory it runs in; the two clean build directories differ.
  bom.metadata.component.name = pkg.name;
  bom.metadata.component.hashes = [{ alg: 'SHA-256', content: bundleSha }];
  bom.metadata.component.properties = [
    ...(bom.metadata.component.properties ?? []),
    { name: 'writ:bundle', value: 'dist/writ.mjs' },
    { name: 'writ:sbom-scope', value: 'production dependency tree of package-lock.json (dev and devOptional entries excluded)' },
  ];
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  if (text.includes(ROOT)) fail('the SBOM names the build directory: it would not be reproducible');
  return text;
}

function main() {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (!args.includes('--no-build')) {
    const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (b.status !== 0) fail('build failed');
  }
  const bundleFile = path.join(DIST, 'writ.mjs');
  if (!existsSync(bundleFile)) fail('dist/writ.mjs is missing (build first, or drop --no-build)');
  const bundle = readFileSync(bundleFile);
  const bundleText = bundle.toString('utf8');
  const bundleSha = sha256(bundle);
  if (bundleText.includes(ROOT)) fail(`dist/writ.mjs contains the build directory ${ROOT}: it would not be reproducible`);

  const pkgs = runtimePackages(ROOT);
  const bad = problems(pkgs, bundleText);
  if (bad.length) fail(`licence gate:\n  ${bad.join('\n  ')}`);
  const licenses = licenseTexts(pkgs);
  // The bundle must carry exactly this text (the esbuild plugin generated it from the same tree); ask the
  // bundle itself, since esbuild re-quotes string literals.
  const sc = spawnSync(process.execPath, [bundleFile, 'self-check', '--licenses', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let carried;
  try {
    carried = JSON.parse(sc.stdout).licenses?.text;
  } catch {
    fail(`\`writ self-check --licenses --json\` did not print JSON: ${sc.stderr}`);
  }
  if (carried !== licenses) fail('dist/writ.mjs does not carry the current licence texts: rebuild');

  const epoch = sourceDateEpoch();
  const sbom = makeSbom(pkg, pkgs, bundleSha, epoch);
  const embedded = new Set(embeddedPackages(bundleText));
  const commit = commitId();
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    ...(commit ? { commit } : {}),
    ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
    builtWith: { node: process.version, npm: run('npm', ['--version']).stdout.trim(), tsup: readVersion('tsup'), esbuild: readVersion('esbuild') },
    bundle: { file: 'writ.mjs', size: bundle.length, sha256: bundleSha },
    files: {
      'THIRD-PARTY-LICENSES.txt': sha256(licenses),
      'sbom.cdx.json': sha256(sbom),
    },
    dependencies: pkgs.map((p) => ({ name: p.name, version: p.version, license: p.license, embedded: embedded.has(p.name) })),
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;

  writeAtomic(path.join(DIST, 'THIRD-PARTY-LICENSES.txt'), licenses);
  writeAtomic(path.join(DIST, 'sbom.cdx.json'), sbom);
  writeAtomic(path.join(DIST, 'release.json'), manifestText);
  const sums = [
    ['writ.mjs', bundleSha],
    ['THIRD-PARTY-LICENSES.txt', sha256(licenses)],
    ['sbom.cdx.json', sha256(sbom)],
    ['release.json', sha256(manifestText)],
  ]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([n, h]) => `${h}  ${n}\n`)
    .join('');
  writeAtomic(path.join(DIST, 'SHA256SUMS'), sums);

  process.stdout.write(
    [
      `writ ${pkg.version} release in dist/${commit ? ` (commit ${commit})` : ''}`,
      `  writ.mjs                  ${bundleSha}  (${bundle.length} bytes)`,
      `  THIRD-PARTY-LICENSES.txt  ${pkgs.length} packages`,
      `  sbom.cdx.json             CycloneDX ${JSON.parse(sbom).specVersion}, ${pkgs.length} components`,
      '  release.json, SHA256SUMS',
      'check a copy with: (cd dist && sha256sum -c SHA256SUMS) and `node dist/writ.mjs self-check --sums dist/SHA256SUMS`',
      '',
    ].join('\n'),
  );
}

function readVersion(name) {
  const f = path.join(ROOT, 'node_modules', name, 'package.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).version : undefined;
}

main();
