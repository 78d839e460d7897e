// `writ demo`: the story so far, offline and unattended (issue 2): a seeded fixture PKI written to files, then good and bad chains verified.
//
// Deterministic: the fixture PKI comes from a fixed seed and a fixed clock (src/fixtures/pki.ts), and
// every check runs through the same code as `writ verify chain` on the files just written, so each
// printed command can be re-run by hand and gives the same answer.
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { pemEncode } from '../core/asn1/pem.js';
import { buildFixturePki } from '../fixtures/pki.js';
import type { FixtureCert, FixtureEnclave } from '../fixtures/pki.js';
import { OID_NAMES } from '../core/crypto/algs.js';
import { checkWritable, ensureDir, writeFileAtomic } from '../cli/io.js';
import { verifyFiles } from '../cli/commands/verify/chain.js';
import type { ChainSpec } from '../cli/commands/verify/chain.js';
import { ceremonyLines, runDemoCeremonies } from './ceremony.js';
import type { DemoCeremonies } from './ceremony.js';
import { federationSummary, runFederationDemo } from './federation.js';
import { linkSummary, runLinkDemo, type LinkDemoResult } from './link.js';
import type { FederationResult } from './federation.js';
import { provisioningSummary, runProvisioningDemo, type ProvisioningResult } from './provisioning.js';
import { assuranceSummary, runAssuranceDemo, type AssuranceResult } from './assurance.js';

export const DEMO_SEED = 'writ-demo';
export const DEMO_NOW = new Date('2026-06-01T12:00:00Z');

export interface Scenario {
  name: string;
  /** The equivalent command, to run inside the demo directory. */
  command: string;
  expected: 'VALID' | string;
  got: string;
  asExpected: boolean;
  proved?: { identity?: string; enclave?: string; region?: string; level?: string };
  errors: { code: string; cert: string; message: string }[];
}

export interface DemoResult {
  out: string;
  seed: string;
  now: string;
  files: string[];
  scenarios: Scenario[];
  /** The rehearsed root ceremonies the root and regional certificates came from (issue 3). */
  ceremonies: DemoCeremonies;
  /** Issue 4: two enclaves federating, sealed envelopes, crossings, a query, a withdrawal, audit logs. */
  federation: FederationResult;
  /** Issue 5: the harbor <-> orchard post-quantum TLS link check (or why this Node.js cannot run it). */
  link?: LinkDemoResult;
  /** Issue 5: enclaves provisioned through init -> issue -> install, status, baseline diff, partner trust. */
  provisioning?: ProvisioningResult;
  /** Issue 7: the OSCAL component-definition and the CNSA 2.0 lint of the root and regional artifacts. */
  assurance?: AssuranceResult;
  allAsExpected: boolean;
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

function algOf(c: FixtureCert): string {
  return OID_NAMES[c.cert.spki.algorithm.oid] ?? c.cert.spki.algorithm.oid;
}

export async function runDemo(outDir: string, force: boolean, note: (m: string) => void): Promise<DemoResult> {
  ensureDir(outDir);
  // The root and the regional CAs come from rehearsed ceremonies: no root key file exists anywhere.
  const ceremonies = await runDemoCeremonies(outDir, DEMO_SEED, force, note);
  note(`writ demo: building the fixture PKI below the regions (seed "${DEMO_SEED}", clock fixed at ${iso(DEMO_NOW)})…`);
  const pki = buildFixturePki(DEMO_SEED, DEMO_NOW, { external: ceremonies.external });
  const { harbor, orchard } = pki.enclaves;
  const { north, south } = pki.regions;

  // A copy of harbor's workload certificate with one signature byte flipped.
  const tampered = harbor.workload.der.slice();
  tampered[tampered.length - 5]! ^= 0x01;

  const files: [string, Uint8Array, string][] = [
    ['root.pem', pki.root.der, 'CERTIFICATE'],
    ['north.pem', north.ca.der, 'CERTIFICATE'],
    ['south.pem', south.ca.der, 'CERTIFICATE'],
  ];
  const enclaveFiles = (e: FixtureEnclave): void => {
    files.push([`${e.name}-ca.pem`, e.ca.der, 'CERTIFICATE']);
    files.push([`${e.name}-signing.pem`, e.signing.der, 'CERTIFICATE']);
    files.push([`${e.name}-kem.pem`, e.kem.der, 'CERTIFICATE']);
    files.push([`${e.name}-workload.pem`, e.workload.der, 'CERTIFICATE']);
    files.push([`${e.name}.crl`, e.crl.der, 'X509 CRL']);
  };
  enclaveFiles(harbor);
  enclaveFiles(orchard);
  files.push(['root.crl', pki.rootCrl.der, 'X509 CRL']);
  files.push(['north.crl', north.crl.der, 'X509 CRL']);
  files.push(['south.crl', south.crl.der, 'X509 CRL']);
  files.push(['north-revokes-harbor.crl', pki.northCrlRevokingHarbor.der, 'X509 CRL']);
  files.push(['harbor-workload-tampered.pem', tampered, 'CERTIFICATE']);

  ensureDir(outDir);
  for (const [name] of files) checkWritable(path.join(outDir, name), force); // all-or-nothing: check before writing any
  for (const [name, der, label] of files) writeFileAtomic(path.join(outDir, name), pemEncode(label, der), { force });
  note(`wrote ${files.length} files to ${outDir}`);

  const at = DEMO_NOW;
  const hChain = ['north.pem', 'harbor-ca.pem'];
  const oChain = ['south.pem', 'orchard-ca.pem'];
  const cases: { name: string; spec: ChainSpec; expected: string }[] = [
    { name: 'harbor workload (north, restricted)', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, crl: ['north.crl', 'harbor.crl'], at }, expected: 'VALID' },
    { name: 'orchard workload (south, internal)', spec: { leaf: 'orchard-workload.pem', trust: ['root.pem'], untrusted: oChain, crl: ['south.crl', 'orchard.crl'], at }, expected: 'VALID' },
    { name: `orchard KEM cert (${algOf(orchard.kem)})`, spec: { leaf: 'orchard-kem.pem', trust: ['root.pem'], untrusted: oChain, at }, expected: 'VALID' },
    { name: 'harbor, after north revoked harbor CA', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, crl: ['north-revokes-harbor.crl'], at }, expected: 'REVOKED' },
    { name: 'harbor asked for level "internal"', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, level: 'internal', at }, expected: 'POLICY' },
    { name: 'harbor passed off as orchard identity', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, identity: orchard.identity, at }, expected: 'IDENTITY' },
    { name: 'harbor with one signature byte flipped', spec: { leaf: 'harbor-workload-tampered.pem', trust: ['root.pem'], untrusted: hChain, at }, expected: 'SIGNATURE' },
    { name: "harbor with orchard's intermediates", spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: oChain, at }, expected: 'NO_PATH' },
    { name: 'harbor, 40 days on: CRL past nextUpdate', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, crl: ['north.crl'], at: addDays(at, 40) }, expected: 'CRL_STALE' },
    { name: 'harbor, 200 days on: workload expired', spec: { leaf: 'harbor-workload.pem', trust: ['root.pem'], untrusted: hChain, at: addDays(at, 200) }, expected: 'EXPIRED' },
  ];

  const scenarios: Scenario[] = cases.map((c) => {
    const abs: ChainSpec = {
      ...c.spec,
      leaf: path.join(outDir, c.spec.leaf),
      trust: c.spec.trust.map((f) => path.join(outDir, f)),
      untrusted: (c.spec.untrusted ?? []).map((f) => path.join(outDir, f)),
      crl: (c.spec.crl ?? []).map((f) => path.join(outDir, f)),
    };
    const r = verifyFiles(abs, DEMO_NOW);
    const codes = [...new Set(r.errors.map((e) => e.code))];
    const got = r.ok ? 'VALID' : codes.join(',') || 'INVALID';
    const asExpected = c.expected === 'VALID' ? r.ok : !r.ok && codes.includes(c.expected as never);
    const s = c.spec;
    const command = [
      'writ verify chain',
      s.leaf,
      ...s.trust.map((f) => `--trust ${f}`),
      ...(s.untrusted ?? []).map((f) => `--untrusted ${f}`),
      ...(s.crl ?? []).map((f) => `--crl ${f}`),
      ...(s.level ? [`--level ${s.level}`] : []),
      ...(s.identity ? [`--identity ${s.identity}`] : []),
      `--at ${iso(s.at ?? DEMO_NOW)}`,
    ].join(' ');
    const scenario: Scenario = { name: c.name, command, expected: c.expected, got, asExpected, errors: r.errors };
    if (r.ok) scenario.proved = { identity: r.identity, enclave: r.enclave, region: r.region, level: r.levelName ?? r.level };
    return scenario;
  });

  const federation = runFederationDemo({ pki, outDir, force, note, now: DEMO_NOW });
  const link = await runLinkDemo({ pki, now: DEMO_NOW, note });
  const provisioning = await runProvisioningDemo({ pki, outDir, force, note, now: DEMO_NOW, fixtureEnclaveDir: path.join(outDir, 'federation', 'harbor') });
  const assurance = runAssuranceDemo({ outDir, force, now: DEMO_NOW, seed: DEMO_SEED, note });

  return {
    out: outDir,
    seed: DEMO_SEED,
    now: iso(DEMO_NOW),
    files: files.map(([n]) => n),
    scenarios,
    ceremonies,
    federation,
    link,
    provisioning,
    assurance,
    allAsExpected: ceremonies.allOk && scenarios.every((s) => s.asExpected) && federation.allAsExpected && link.outcome !== 'refused' && provisioning.allAsExpected && assurance.allOk,
  };
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The ten-second summary. */
export function demoText(r: DemoResult, pkiLines: string[]): string {
  const lines: string[] = [];
  lines.push(`writ demo: ${r.files.length} files in ${r.out} (seed "${r.seed}", clock ${r.now})`, '');
  if (r.ceremonies) lines.push(...ceremonyLines(r.ceremonies), '');
  lines.push(...pkiLines, '');
  const w = Math.max(...r.scenarios.map((s) => s.name.length));
  const g = Math.max(...r.scenarios.map((s) => s.got.length));
  for (const s of r.scenarios) {
    const mark = s.asExpected ? 'ok' : 'XX';
    const detail = s.proved
      ? `${s.proved.identity ?? ''}${s.proved.level ? ` @ ${s.proved.level}` : ''}`
      : clip(s.errors[0]?.message ?? '', 64);
    const wrong = s.asExpected ? '' : `  (expected ${s.expected})`;
    lines.push(`  ${mark}  ${s.name.padEnd(w)}  ${s.got.padEnd(g)}  ${detail}${wrong}`);
  }
  lines.push('');
  const good = r.scenarios.filter((s) => s.asExpected).length;
  lines.push(
    r.allAsExpected
      ? `${good}/${r.scenarios.length} as expected: good chains VALID, each bad chain refused with its reason code.`
      : `${good}/${r.scenarios.length} as expected: SOMETHING IS WRONG (lines marked XX).`,
  );
  lines.push(`Try one yourself: cd ${r.out} && ${r.scenarios[3]?.command ?? 'writ verify chain ...'}`);
  if (r.federation) lines.push(...federationSummary(r.federation));
  if (r.link) lines.push(...linkSummary(r.link));
  if (r.provisioning) lines.push(...provisioningSummary(r.provisioning));
  if (r.assurance) lines.push(...assuranceSummary(r.assurance));
  return lines.join('\n');
}

export function pkiSummary(): string[] {
  return [
    '  root (ML-DSA-87, offline)',
    '  ├─ north regional CA: levels public, internal, restricted',
    '  │   └─ harbor enclave CA: level restricted → gateway signing (ML-DSA-65), KEM (ML-KEM-1024), workload',
    '  └─ south regional CA: levels public, internal',
    '      └─ orchard enclave CA: level internal → gateway signing (ML-DSA-65), KEM (X-Wing), workload',
  ];
}

export function checkDemo(r: DemoResult): void {
  if (!r.ceremonies.allOk) {
    const bad = r.ceremonies.ceremonies.filter((c) => !c.ok).map((c) => `${c.script}: ${c.errors.join('; ')}`);
    throw new WritError('INTERNAL', `demo ceremony transcripts do not verify: ${bad.join('; ')}`);
  }
  if (r.federation && !r.federation.allAsExpected) {
    const bad = r.federation.steps.filter((s) => !s.asExpected).map((s) => `${s.name}: expected ${s.expected}, got ${s.got}`);
    throw new WritError('INTERNAL', `demo federation outcomes differ from the story: ${bad.join('; ')}`);
  }
  if (r.provisioning && !r.provisioning.allAsExpected) throw new WritError('INTERNAL', `demo provisioning outcomes differ from the story: ${provisioningSummary(r.provisioning).join(' ')}`);
  if (r.link?.outcome === 'refused') throw new WritError('INTERNAL', `demo link check refused: ${linkSummary(r.link).join(' ')}`);
  if (!r.allAsExpected) {
    const bad = r.scenarios.filter((s) => !s.asExpected).map((s) => `${s.name}: expected ${s.expected}, got ${s.got}`);
    throw new WritError('INTERNAL', `demo outcomes differ from the story: ${bad.join('; ')}`);
  }
}
