// `writ enclave diff` (issue 5): an enclave directory compared with a signed baseline (src/core/policy/baseline.ts); every departure listed, allowed only under a waiver the baseline carries.
//
// Who may set a baseline: the certificate(s) in `--authority FILE`, or else trust/baseline-authorities.pem
// of the enclave. The signer certificate must be one of them or chain to one (RFC 5280 §6 via verify()).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { bytesEqual } from '../core/crypto/bytes.js';
import type { Certificate } from '../core/x509/types.js';
import { verify } from '../core/verify/verify.js';
import { decodeSignedDocument } from '../core/policy/signed.js';
import { diffBaseline, verifyBaseline, type Baseline, type BaselineFacts, type Departure } from '../core/policy/baseline.js';
import { readFileLimited } from '../cli/io.js';
import { readCerts } from '../cli/load.js';
import { enclavePaths } from './layout.js';
import { enclaveFacts, type EnclaveFacts } from './status.js';
import { MAX_DOCUMENT_BYTES } from '../core/limits.js';

export function baselineAuthoritiesFile(dir: string): string {
  return path.join(enclavePaths(dir).trustDir, 'baseline-authorities.pem');
}

/** Reads and checks a signed baseline file: signature (SIGNATURE) and signer authority (NO_PATH / verify codes). */
export function readSignedBaseline(file: string, authorities: Certificate[], now: Date): { baseline: Baseline; signer: Certificate } {
  const doc = decodeSignedDocument(readFileLimited(file, MAX_DOCUMENT_BYTES, 'MAX_DOCUMENT_BYTES'));
  const v = verifyBaseline(doc);
  if (authorities.length === 0) throw new WritError('USAGE', 'no baseline authority: give --authority CERT.pem (or put it in trust/baseline-authorities.pem)');
  if (!authorities.some((a) => bytesEqual(a.der, v.signer.der))) {
    const r = verify({ leaf: v.signer }, authorities.map((cert) => ({ cert })), { now });
    if (!r.ok) throw new WritError('NO_PATH', `the baseline is signed by ${v.signer.subject.text}, which is not (and does not chain to) a baseline authority of this enclave (${r.errors[0]?.code ?? 'NO_PATH'})`);
  }
  return v;
}

export function baselineFacts(f: EnclaveFacts): BaselineFacts {
  return {
    identity: f.config.identity,
    level: f.config.level,
    kemAlg: f.config.kemAlg,
    fixtureKeys: f.config.fixtureKeys,
    signatureAlgorithms: f.signatureAlgorithms,
    validityDays: f.certs.filter((c) => c.role === 'enclave-ca' || c.role === 'gateway-signing' || c.role === 'kem').map((c) => ({ role: c.role, days: c.validityDays })),
    keys: f.keys.filter((k) => k.present).map((k) => ({ role: k.role, encrypted: k.encrypted })),
    crls: f.crls.map((c) => ({ issuer: c.issuer, fresh: c.fresh })),
    agreementLayers: f.agreements.filter((a) => a.state !== 'withdrawn').map((a) => ({ id: a.id, layers: a.layers })),
    partnerAnchors: f.partners.anchors.map((a) => ({ id: a.id, ...(a.maxPathLen !== undefined ? { maxPathLen: a.maxPathLen } : {}) })),
    chainOk: f.installed && f.chainOk,
    ...(f.installed ? (f.chainError ? { chainError: `${f.chainError.code}: ${f.chainError.message}` } : {}) : { chainError: 'not installed' }),
  };
}

export interface DiffResult {
  identity: string;
  baseline: { name: string; issued: string; signer: string };
  departures: Departure[];
  notAllowed: number;
}

export function diffEnclave(dir: string, baselineFile: string, authorityFile: string | undefined, now: Date): DiffResult {
  const af = authorityFile ?? baselineAuthoritiesFile(dir);
  const authorities = fs.existsSync(af) ? readCerts(af) : [];
  const { baseline, signer } = readSignedBaseline(baselineFile, authorities, now);
  const facts = enclaveFacts(dir, now);
  const departures = diffBaseline(baseline, baselineFacts(facts));
  return {
    identity: facts.config.identity,
    baseline: { name: baseline.name, issued: baseline.issued, signer: signer.subject.text },
    departures,
    notAllowed: departures.filter((d) => !d.allowed).length,
  };
}

export function diffText(r: DiffResult): string {
  const lines = [`${r.identity} against baseline "${r.baseline.name}" (${r.baseline.issued}, signed by ${r.baseline.signer})`];
  if (r.departures.length === 0) lines.push('no departures');
  for (const d of r.departures) {
    lines.push(`  ${d.allowed ? 'waived ' : 'DEPARTS'}  ${d.rule.padEnd(19)} ${d.subject.padEnd(22)} expected ${d.expected}; is ${d.actual}${d.waiver ? `  (waiver: ${d.waiver})` : ''}`);
  }
  lines.push(r.notAllowed === 0 ? `${r.departures.length} departure(s), all allowed` : `${r.departures.length} departure(s), ${r.notAllowed} not allowed`);
  return lines.join('\n');
}

