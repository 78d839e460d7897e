// `writ demo`, part two (issue 4): two sovereign enclaves in different regions federate by agreement and exchange sealed envelopes with provenance, crossings, a query, a withdrawal and verified audit logs.
//
// Deterministic like the rest of the demo: fixed clock (advanced one minute per act), seeded RNG, the
// fixture PKI. Every act runs through the same code as the `writ envelope` commands (sealWith, openWith,
// acceptOpened on real enclave directories), so the files it leaves are what the CLI would have written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { Rng } from '../core/crypto/types.js';
import { LEVELS } from '../core/policy/levels.js';
import { makeAgreement, signAgreement, type QueryShape } from '../core/policy/agreement.js';
import { makeCrossing, signCrossing } from '../core/policy/crossing.js';
import { makeWithdrawal } from '../core/policy/withdrawal.js';
import { encodeSignedDocument, type SignedDocument, type SignedKind } from '../core/policy/signed.js';
import type { LocalEnclave } from '../core/envelope/envelope.js';
import type { Crl } from '../core/x509/types.js';
import type { FixturePki } from '../fixtures/pki.js';
import { seededRng } from '../fixtures/drbg.js';
import { fixtureCrossingAuthority, writeEnclaveDir } from '../enclave/fixture.js';
import { loadPolicyState, importSignedDocument } from '../enclave/store.js';
import { AuditAppender, verifyAuditDir } from '../enclave/audit.js';
import { ReplayStore } from '../enclave/replay.js';
import type { EnclavePaths } from '../enclave/layout.js';
import type { Ctx } from '../cli/context.js';
import { ensureDir, writeFileAtomic } from '../cli/io.js';
import { readEnvelopeFile, readRecordsFile, type EnclaveHandle } from '../cli/commands/envelope/common.js';
import { sealWith } from '../cli/commands/envelope/seal.js';
import { acceptOpened, openWith } from '../cli/commands/envelope/open.js';

export interface FederationStep {
  name: string;
  /** "OK" or the refusal code the story expects. */
  expected: string;
  got: string;
  asExpected: boolean;
  detail: string;
}

export interface FederationResult {
  dir: string;
  agreementId: string;
  steps: FederationStep[];
  audit: { enclave: string; ok: boolean; entries: number; checkpoints: number }[];
  allAsExpected: boolean;
}

interface DemoEnclave extends EnclaveHandle {
  name: 'harbor' | 'orchard';
  dir: string;
  local: LocalEnclave;
  ctx: Ctx;
  chain: Uint8Array[];
}

const SCOPE = 'research.aggregate';
const SHAPE: QueryShape = {
  id: 'count-by-year',
  schema: { type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } }, required: ['year'], additionalProperties: false },
};

export function runFederationDemo(o: { pki: FixturePki; outDir: string; force: boolean; note: (m: string) => void; now: Date }): FederationResult {
  const { pki, note } = o;
  const dir = path.join(o.outDir, 'federation');
  if (fs.existsSync(dir)) {
    // The enclaves' audit logs and replay stores would carry over from an earlier run: start afresh.
    if (!o.force) throw new WritError('EXISTS', `${dir} already exists; use --force to replace it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  ensureDir(dir);
  let minute = 0;
  const clock = (): Date => new Date(o.now.getTime() + minute * 60_000);
  const tick = (): void => {
    minute++;
  };
  const rng: Rng = seededRng(pki.seed, 'federation-demo');
  const authority = fixtureCrossingAuthority(pki);
  const crls: Crl[] = [pki.rootCrl.crl, pki.regions.north.crl.crl, pki.regions.south.crl.crl, pki.enclaves.harbor.crl.crl, pki.enclaves.orchard.crl.crl];
  const anchors = [{ cert: pki.root.cert }];
  const f = (name: string): string => path.join(dir, name);

  const enclave = (name: 'harbor' | 'orchard'): DemoEnclave => {
    const e = pki.enclaves[name];
    const paths: EnclavePaths = writeEnclaveDir(pki, name, f(name), { force: o.force });
    // The demo keeps the fixture keys in memory only: no unencrypted private key is left on disk.
    fs.rmSync(paths.signingKey, { force: true });
    fs.rmSync(paths.kemKey, { force: true });
    const id = `spiffe://${e.host}`;
    const chain = [e.ca.der, pki.regions[e.region as 'north' | 'south'].ca.der];
    const ctx: Ctx = { json: false, note: () => {}, now: clock, rng };
    const storeCtx = () => ({ self: id, trust: { anchors, crls, now: clock() }, crossingAuthorities: [authority.cert] });
    const local: LocalEnclave = { id, level: LEVELS[e.level], signer: e.signing.signer!, cert: e.signing.cert, chain, trust: { anchors, crls }, policy: loadPolicyState(paths, storeCtx()) };
    const h: DemoEnclave = {
      name,
      dir: f(name),
      paths,
      kem: { alg: e.kem.key.alg as 'ml-kem-1024' | 'x-wing', privateKey: e.kem.key.seed, cert: e.kem.cert },
      replay: new ReplayStore(paths.opened),
      audit: new AuditAppender(paths, { enclave: id, signer: e.signing.signer!, cert: e.signing.cert, chain, now: clock, checkpointEvery: 8 }),
      local,
      ctx,
      chain,
    };
    return h;
  };
  const harbor = enclave('harbor');
  const orchard = enclave('orchard');
  const importInto = (en: DemoEnclave, doc: SignedDocument<{ type: SignedKind }>, file: string): void => {
    const text = encodeSignedDocument(doc);
    writeFileAtomic(f(file), text, { force: true });
    importSignedDocument(en.paths, en.local.policy, new TextEncoder().encode(text), { self: en.local.id, trust: { anchors, crls, now: clock() }, crossingAuthorities: [authority.cert] });
    en.audit.append({ event: 'import', decision: 'record', subject: file.slice(0, 200), details: { kind: doc.body.type } });
  };

  const steps: FederationStep[] = [];
  const step = (name: string, expected: string, act: () => string): void => {
    tick();
    let got = 'OK';
    let detail = '';
    try {
      detail = act();
    } catch (e) {
      if (!(e instanceof WritError)) throw e;
      got = e.code;
      detail = e.message;
    }
    steps.push({ name, expected, got, asExpected: got === expected, detail });
  };

  // 1. Agreement: harbor proposes, orchard countersigns, both import the fully signed copy.
  const body = makeAgreement({
    parties: [harbor.local.id, orchard.local.id],
    layers: ['data', 'models'],
    scopes: [SCOPE],
    queryShapes: [SHAPE],
    levels: ['internal', 'restricted'],
    notBefore: o.now,
    notAfter: new Date(o.now.getTime() + 30 * 86_400_000),
  });
  step('agreement proposed by harbor, countersigned by orchard', 'OK', () => {
    const proposed = signAgreement(body, { party: harbor.local.id, signer: harbor.local.signer, cert: harbor.local.cert, chain: harbor.chain, signingTime: clock() });
    const both = signAgreement(proposed, { party: orchard.local.id, signer: orchard.local.signer, cert: orchard.local.cert, chain: orchard.chain, signingTime: clock() });
    importInto(orchard, both, 'agreement.json');
    importInto(harbor, both, 'agreement.json');
    return `${body.id}: layers data+models, scope ${SCOPE}, levels internal+restricted, 30 days`;
  });

  // The records harbor shares, each with its guardian (kaitiaki) and terms.
  const g = { kaitiaki: 'Harbor community board', terms: 'aggregate research only; no re-identification' };
  writeFileAtomic(
    f('harbor-records.jsonl'),
    [
      { data: { region: 'north', year: 2025, cases: 17 }, guardianship: g },
      { data: { region: 'north', year: 2024, cases: 11 }, guardianship: g },
      { data: { survey: 'tidal flats', plots: [4, 9, 12] }, guardianship: { kaitiaki: 'Te Awa trust', terms: 'share within this agreement only', termsRef: 'urn:writ-demo:te-awa-terms' } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  writeFileAtomic(f('harbor-answer.jsonl'), `${JSON.stringify({ data: { year: 2025, count: 17 }, guardianship: g })}\n`);
  const toOrchard = { to: path.join(orchard.dir, 'certs/kem.pem'), untrusted: [path.join(orchard.dir, 'certs/chain.pem')] };
  const toHarbor = { to: path.join(harbor.dir, 'certs/kem.pem'), untrusted: [path.join(harbor.dir, 'certs/chain.pem')] };
  const sealOpts = (to: object, out: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...to, agreement: body.id, scope: SCOPE, expires: '24h', out: f(out), force: true, ...extra });
  const sealRecords = (from: DemoEnclave, to: object, out: string, records: string): string =>
    sealWith(from.ctx, from, from.local, sealOpts(to, out), { kind: 'records', records: readRecordsFile(f(records)) }).text.split('\n')[0]!;
  const open = (at: DemoEnclave, file: string, out?: string): string => {
    const { der, digest } = readEnvelopeFile(f(file));
    const r = openWith(at.ctx, at, at.local, der, digest);
    acceptOpened(at.ctx, at, r, digest, out ? f(out) : undefined, true);
    const p = r.records[0]?.provenance;
    return `${r.records.length} record(s) from ${r.header.sender}; provenance verified${p ? ` (origin ${p.origin}, kaitiaki "${p.guardianship.kaitiaki}")` : ''}`;
  };

  // 2. Levels differ (harbor restricted, orchard internal): refused until a crossing names this flow.
  step('harbor -> orchard, cross-level, no crossing approval', 'REFUSED_CROSSING', () => sealRecords(harbor, toOrchard, 'refused.env', 'harbor-records.jsonl'));
  step('crossing approvals signed by the crossing authority, imported by both', 'OK', () => {
    for (const [from, to, fl, tl, file] of [
      [harbor, orchard, 'restricted', 'internal', 'crossing-harbor-to-orchard.json'],
      [orchard, harbor, 'internal', 'restricted', 'crossing-orchard-to-harbor.json'],
    ] as const) {
      const c = signCrossing(makeCrossing({ sender: from.local.id, recipient: to.local.id, scope: SCOPE, fromLevel: fl, toLevel: tl, notBefore: o.now, notAfter: new Date(o.now.getTime() + 7 * 86_400_000) }), {
        signer: authority.signer,
        cert: authority.cert,
        signingTime: clock(),
      });
      importInto(harbor, c, file);
      importInto(orchard, c, file);
    }
    return `restricted -> internal for ${SCOPE}, both directions, 7 days`;
  });
  step('harbor seals 3 records to orchard (approved crossing)', 'OK', () => sealRecords(harbor, toOrchard, 'records.env', 'harbor-records.jsonl'));
  step('orchard opens them', 'OK', () => open(orchard, 'records.env', 'orchard-received.jsonl'));
  step('orchard opens the same envelope again', 'REFUSED_REPLAY', () => open(orchard, 'records.env'));

  // 3. A query to harbor's model, and its answer bound to the query hash.
  step('orchard queries harbor: count-by-year {"year":2025}', 'OK', () =>
    sealWith(orchard.ctx, orchard, orchard.local, sealOpts(toHarbor, 'query.env'), { kind: 'query', query: { shape: SHAPE.id, params: { year: 2025 } } }).text.split('\n')[0]!,
  );
  step('harbor opens the query and answers it', 'OK', () => {
    const { der, digest } = readEnvelopeFile(f('query.env'));
    const q = openWith(harbor.ctx, harbor, harbor.local, der, digest);
    acceptOpened(harbor.ctx, harbor, q, digest, undefined, true);
    return sealWith(harbor.ctx, harbor, harbor.local, sealOpts(toOrchard, 'answer.env'), {
      kind: 'answer',
      records: readRecordsFile(f('harbor-answer.jsonl')),
      answerTo: { queryHash: q.signedHash, shape: SHAPE.id },
    }).text.split('\n')[0]!;
  });
  step('orchard opens the answer (bound to its query)', 'OK', () => open(orchard, 'answer.env', 'orchard-answer.jsonl'));

  // 4. Withdrawal: an envelope sealed before it is refused at open; after import, sealing is refused too.
  step('harbor seals more records (before any withdrawal)', 'OK', () => sealRecords(harbor, toOrchard, 'late.env', 'harbor-records.jsonl'));
  let withdrawal: ReturnType<typeof makeWithdrawal> | undefined;
  step('orchard withdraws from the agreement', 'OK', () => {
    withdrawal = makeWithdrawal(body, { party: orchard.local.id, signer: orchard.local.signer, cert: orchard.local.cert, chain: orchard.chain, now: clock(), reason: 'the board withdrew consent' });
    importInto(orchard, withdrawal, 'withdrawal.json');
    orchard.audit.append({ event: 'withdraw', decision: 'record', layer: 'data', subject: body.id });
    return 'signed notice written to withdrawal.json';
  });
  step('orchard opens the earlier envelope', 'REFUSED_WITHDRAWN', () => open(orchard, 'late.env'));
  step('harbor imports the notice, then tries to seal', 'REFUSED_WITHDRAWN', () => {
    if (!withdrawal) throw new WritError('INTERNAL', 'the withdrawal step did not run');
    importInto(harbor, withdrawal, 'withdrawal.json');
    return sealRecords(harbor, toOrchard, 'never.env', 'harbor-records.jsonl');
  });

  // 5. Each enclave's audit log: hash-chained, checkpoints signed by its gateway key.
  harbor.audit.checkpointIfDirty();
  orchard.audit.checkpointIfDirty();
  const audit = [harbor, orchard].map((en) => {
    const r = verifyAuditDir(en.paths, { enclave: en.local.id, signers: [en.local.cert] });
    return { enclave: en.name, ok: r.ok, entries: r.entries, checkpoints: r.checkpoints };
  });
  for (const a of audit) steps.push({ name: `${a.enclave} audit log verifies`, expected: 'OK', got: a.ok ? 'OK' : 'CHAIN', asExpected: a.ok, detail: `${a.entries} entries, ${a.checkpoints} signed checkpoints` });
  note(`federation: ${steps.length} acts between harbor (north) and orchard (south) in ${dir}`);
  return { dir, agreementId: body.id, steps, audit, allAsExpected: steps.every((s) => s.asExpected) };
}

/** Two lines for the demo's final summary (the whole summary must fit a screen); every act is in --json. */
export function federationSummary(r: FederationResult): string[] {
  const good = r.steps.filter((s) => s.asExpected).length;
  const entries = r.audit.map((a) => `${a.enclave} ${a.entries}`).join(', ');
  const head = `Federation: ${r.allAsExpected ? 'ok' : 'XX'}  ${good}/${r.steps.length} acts as expected, harbor (north, restricted) <-> orchard (south, internal) under ${r.agreementId}:`;
  if (!r.allAsExpected) {
    const bad = r.steps.filter((s) => !s.asExpected).map((s) => `${s.name}: expected ${s.expected}, got ${s.got}`);
    return [head, `  SOMETHING IS WRONG: ${bad.join('; ')}`];
  }
  return [
    head,
    `  cross-level REFUSED_CROSSING until approved; 3 records opened, provenance verified; replay REFUSED_REPLAY; query answered, bound to its hash; withdrawn: REFUSED_WITHDRAWN; audit logs verify (${entries} entries)`,
  ];
}
