// The demo's assurance act (issue 7, "Compliance as data"): writes writ's OSCAL component-definition and lints the root and regional artifacts against CNSA 2.0.
//
// Deterministic like the rest of the demo: the OSCAL document takes the demo clock and UUIDs derived
// from the demo seed, so two runs write identical bytes. The lint runs on the files the ceremonies just
// wrote, through the same core as `writ lint --profile cnsa2`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pkg from '../../package.json';
import { buildComponentDefinition, deterministicUuids } from '../core/compliance/oscal.js';
import { CONTROL_CLAIMS } from '../core/compliance/controls.js';
import { findingCount, lintBytes } from '../core/lint/lint.js';
import { ensureDir, readFileLimited, writeFileAtomic } from '../cli/io.js';

/** The ceremony outputs (relative to the demo directory) that must pass `writ lint --profile cnsa2`. */
export const ROOT_AND_REGIONAL = [
  'ceremonies/root/root.pem',
  'ceremonies/root/ceremonies/regional-issuance/regionals/north.pem',
  'ceremonies/root/ceremonies/regional-issuance/regionals/south.pem',
  'ceremonies/root/ceremonies/crl-issuance/root.crl',
  'ceremonies/requests/north.csr',
  'ceremonies/requests/south.csr',
];

export interface AssuranceResult {
  oscalFile: string;
  controls: number;
  linted: string[];
  findings: number;
  allOk: boolean;
}

export function runAssuranceDemo(o: { outDir: string; force: boolean; now: Date; seed: string; note: (m: string) => void }): AssuranceResult {
  o.note('writ demo: OSCAL component-definition and CNSA 2.0 lint of the root and regional artifacts…');
  ensureDir(path.join(o.outDir, 'assurance'));
  const oscalFile = 'assurance/writ-component.json';
  const doc = buildComponentDefinition({ version: pkg.version, now: o.now, uuid: deterministicUuids(`${o.seed}/oscal`) });
  writeFileAtomic(path.join(o.outDir, oscalFile), `${JSON.stringify(doc, null, 2)}\n`, { force: o.force });
  const present = ROOT_AND_REGIONAL.filter((f) => fs.existsSync(path.join(o.outDir, f)));
  const findings = present.reduce((n, f) => n + findingCount(lintBytes(readFileLimited(path.join(o.outDir, f)), { profile: 'cnsa2' })), 0);
  return { oscalFile, controls: CONTROL_CLAIMS.length, linted: present, findings, allOk: findings === 0 && present.length === ROOT_AND_REGIONAL.length };
}

/** One summary line. */
export function assuranceSummary(r: AssuranceResult): string[] {
  const lint = r.allOk
    ? `lint cnsa2 ok on root, regional CAs, root CRL and CSRs (${r.linted.length} files, 0 findings)`
    : `lint cnsa2: ${r.findings} findings on ${r.linted.length}/${ROOT_AND_REGIONAL.length} root and regional files`;
  return [`Assurance: ${r.allOk ? 'ok' : 'XX'}  OSCAL component-definition (${r.controls} controls) in ${r.oscalFile}; ${lint}`];
}
