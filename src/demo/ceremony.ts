// The demo's root ceremonies (issue 3): a rehearsed 3-of-5 root-key-generation, a regional-issuance for north and south and a root CRL ceremony, each transcript verified.
//
// Rehearsal mode from built-in answers (src/ceremony/rehearsal.ts): seeded RNG, fixed clock, public
// passphrases, transcripts marked "rehearsal". The root key exists only inside the ceremonies and is
// wiped; no root key file is written anywhere. The regional CAs' own keys are the fixture's seeded keys
// (the regional authorities bring CSRs), so everything below them is built by src/fixtures/pki.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { WritError } from '../core/errors.js';
import { keyPairFromSeed, signerFromSeed } from '../core/crypto/keys.js';
import { encodeSpki } from '../core/asn1/spki.js';
import { pemDecodeAll, pemEncode } from '../core/asn1/pem.js';
import { createCsr } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import { fingerprintWords } from '../core/words.js';
import { fromHex } from '../core/crypto/bytes.js';
import { splitTranscript, verifyTranscript } from '../core/transcript/verify.js';
import { drbgBytes } from '../fixtures/drbg.js';
import { FIXTURE_DOMAIN } from '../fixtures/pki.js';
import type { ExternalCas, ExternalRegion } from '../fixtures/pki.js';
import { collectArtifacts, loadScriptFile } from '../ceremony/files.js';
import { BUILTIN_SCRIPT_TEXT } from '../ceremony/builtin.js';
import { parseScript } from '../ceremony/script.js';
import { AnswersPeople } from '../ceremony/people.js';
import { rehearsalAnswers } from '../ceremony/rehearsal.js';
import { startSession } from '../ceremony/session.js';
import type { RunResult } from '../ceremony/runner.js';
import type { LoadedScript } from '../ceremony/script.js';

/** The ceremonies were held two days before the demo's clock, so everything they issued is in force. */
export const DEMO_CEREMONY_CLOCK = '2026-05-30T09:00:00Z';

export interface DemoCeremonyLine {
  script: string;
  ceremonyId: string;
  dir: string;
  ok: boolean;
  detail: string;
  errors: string[];
}

export interface DemoCeremonies {
  /** The directory holding the ceremonies (relative paths below are to the demo directory). */
  dir: string;
  rootDir: string;
  external: ExternalCas;
  rootKeyFingerprint: string;
  ceremonies: DemoCeremonyLine[];
  allOk: boolean;
}

function readPem(file: string): Uint8Array {
  const b = pemDecodeAll(fs.readFileSync(file, 'utf8'))[0];
  if (!b) throw new WritError('INTERNAL', `${file} holds no PEM block`);
  return b.der;
}

/** The shipped root script, with the demo's trust domain (the fixture PKI lives under writ.test). */
function demoRootScript(scriptsDir: string): LoadedScript {
  // The embedded text, not a file: the demo must run from a lone copy of the bundle.
  const doc = parseDocument(BUILTIN_SCRIPT_TEXT['root-key-generation'], { version: '1.2' });
  doc.setIn(['root', 'domain'], FIXTURE_DOMAIN);
  doc.setIn(['root', 'subject'], `O=${FIXTURE_DOMAIN}, CN=writ demo root`);
  doc.commentBefore = ` Demo copy of ceremonies/root-key-generation.yaml: only the trust domain differs (${FIXTURE_DOMAIN}).\n${doc.commentBefore ?? ''}`;
  const text = doc.toString();
  const file = path.join(scriptsDir, 'root-key-generation.yaml');
  fs.writeFileSync(file, text);
  return parseScript(text, file);
}

function regionKey(seed: string, name: string): ExternalRegion & { csr: Uint8Array } {
  // The same seeded key the fixture PKI would give this region (src/fixtures/pki.ts "region:<name>").
  const s = drbgBytes(seed, `key:region:${name}`, 32);
  const kp = keyPairFromSeed('ml-dsa-87', s);
  const signer = signerFromSeed('ml-dsa-87', kp.seed);
  const csr = createCsr({ signer, subject: `O=${FIXTURE_DOMAIN}, CN=${name} regional CA` });
  return { der: new Uint8Array(0), signer, key: { alg: 'ml-dsa-87', seed: kp.seed, publicKey: kp.publicKey, spki: encodeSpki('ml-dsa-87', kp.publicKey) }, csr };
}

function check(dir: string, rootDer: Uint8Array): { ok: boolean; errors: string[]; approvals: string[] } {
  const v = verifyTranscript(splitTranscript(fs.readFileSync(path.join(dir, 'transcript.jsonl'), 'utf8')), {
    artifacts: collectArtifacts(dir),
    trustedRoot: parseCertificate(rootDer),
  });
  return { ok: v.ok, errors: v.errors.map((e) => `${e.code}: ${e.message}`), approvals: [...new Set(v.approvals.flatMap((a) => a.custodians))] };
}

/**
 * Runs the three ceremonies into OUT/ceremonies and verifies their transcripts. Refuses (EXISTS) when
 * OUT/ceremonies exists, unless `force`, which removes the demo's previous ceremonies first.
 */
export async function runDemoCeremonies(outDir: string, seed: string, force: boolean, note: (m: string) => void): Promise<DemoCeremonies> {
  const dir = path.join(outDir, 'ceremonies');
  if (fs.existsSync(dir)) {
    if (!force) throw new WritError('EXISTS', `${dir} already exists; use --force to replace it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const scriptsDir = path.join(dir, 'scripts');
  const requestsDir = path.join(dir, 'requests');
  fs.mkdirSync(scriptsDir, { recursive: true });
  fs.mkdirSync(requestsDir, { recursive: true });
  const rootDir = path.join(dir, 'root');
  const quiet = (): void => {};
  const session = async (loaded: LoadedScript, id: string, out: string, extra: { rootDir?: string; inputs?: string[] } = {}): Promise<RunResult> => {
    const answers = rehearsalAnswers({ ceremonyId: id, clock: DEMO_CEREMONY_CLOCK, rngSeed: `${seed}:${id}` });
    return startSession({ loaded, out, answers, people: new AnswersPeople(answers, quiet), ...extra });
  };

  note(`writ demo: rehearsed root ceremony (3-of-5, ${loadScriptFile('root-key-generation').script.steps.length} steps) into ${rootDir}…`);
  const root = await session(demoRootScript(scriptsDir), 'demo-root-key-generation', rootDir);
  const rootDer = readPem(path.join(rootDir, 'root.pem'));

  const regions = { north: regionKey(seed, 'north'), south: regionKey(seed, 'south') };
  const inputs = (['north', 'south'] as const).map((r) => {
    const f = path.join(requestsDir, `${r}.csr`);
    fs.writeFileSync(f, pemEncode('CERTIFICATE REQUEST', regions[r].csr));
    return f;
  });
  fs.mkdirSync(path.join(rootDir, 'ceremonies'));
  const regionalDir = path.join(rootDir, 'ceremonies', 'regional-issuance');
  note('writ demo: rehearsed regional-issuance ceremony for north and south…');
  const regional = await session(loadScriptFile('regional-issuance'), 'demo-regional-issuance', regionalDir, { rootDir, inputs });
  const crlDir = path.join(rootDir, 'ceremonies', 'crl-issuance');
  note('writ demo: rehearsed root CRL ceremony…');
  const crl = await session(loadScriptFile('crl-issuance'), 'demo-crl-issuance', crlDir, { rootDir });

  const external: ExternalCas = {
    root: { der: rootDer },
    rootCrl: { der: readPem(path.join(crlDir, 'root.crl')) },
    regions: {
      north: { der: readPem(path.join(regionalDir, 'regionals', 'north.pem')), signer: regions.north.signer, key: regions.north.key },
      south: { der: readPem(path.join(regionalDir, 'regionals', 'south.pem')), signer: regions.south.signer, key: regions.south.key },
    },
  };

  const rel = (d: string): string => path.relative(outDir, d) || '.';
  const words = fingerprintWords(fromHex(root.rootKeyFingerprint!), 4)[0]!;
  const lines: DemoCeremonyLine[] = [];
  const r0 = check(rootDir, rootDer);
  lines.push({ script: 'root-key-generation', ceremonyId: root.ceremonyId, dir: rel(rootDir), ok: r0.ok, errors: r0.errors, detail: `ML-DSA-87 root "${words}…", 3-of-5 shares, approved by ${r0.approvals.join(', ')}` });
  const r1 = check(regionalDir, rootDer);
  lines.push({ script: 'regional-issuance', ceremonyId: regional.ceremonyId, dir: rel(regionalDir), ok: r1.ok, errors: r1.errors, detail: `north + south CAs, approved by ${r1.approvals.join(', ')}, root rebuilt in memory` });
  const r2 = check(crlDir, rootDer);
  lines.push({ script: 'crl-issuance', ceremonyId: crl.ceremonyId, dir: rel(crlDir), ok: r2.ok, errors: r2.errors, detail: 'root CRL (nothing revoked)' });
  return { dir: rel(dir), rootDir: rel(rootDir), external, rootKeyFingerprint: root.rootKeyFingerprint!, ceremonies: lines, allOk: lines.every((l) => l.ok) };
}

/** Summary lines for the demo's ten-second summary. */
export function ceremonyLines(c: DemoCeremonies): string[] {
  const w = Math.max(...c.ceremonies.map((l) => l.script.length));
  return [
    `Root ceremonies (rehearsed; no root key file anywhere; transcripts under ${c.dir}/):`,
    ...c.ceremonies.map((l) => `  ${l.ok ? 'ok' : 'XX'}  ${l.script.padEnd(w)}  ${l.ok ? 'VALID' : `INVALID (${l.errors[0] ?? '?'})`}  ${l.detail}`),
  ];
}
