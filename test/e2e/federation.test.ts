// End-to-end federation (issue 4): two sovereign enclave directories run the whole exchange through the built CLI: propose, countersign, import, crossing, seal, open, query, answer, re-share, withdraw, refusals and audit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { fixtureCrossingAuthority } from '../../src/enclave/fixture.js';
import { canonicalBytes } from '../../src/core/json/canonical.js';
import { signCms } from '../../src/core/cms/signed-data.js';
import { sealAuthEnveloped } from '../../src/core/cms/enveloped.js';
import { CMS_OID } from '../../src/core/cms/common.js';
import { ENVELOPE_OIDS, LEVELS } from '../../src/core/policy/levels.js';
import { encodeHeader } from '../../src/core/envelope/header.js';
import { buildManifest } from '../../src/core/envelope/manifest.js';
import { attestRecords } from '../../src/core/envelope/records.js';
import { ensureBundle, runWrit, seededRng, type Run } from '../helpers/index.js';

const SCOPE = 'research.aggregate';

let dir = '';
let pki: FixturePki;
let agreementId = '';
const allOutput: string[] = [];

function writ(...args: string[]): Run {
  return runWrit(args, { cwd: dir, record: allOutput });
}

/** Runs with --json and expects a refusal with exactly this code (exit 1). */
function refused(code: string, ...args: string[]): Run {
  const r = writ(...args, '--json');
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(1);
  expect(r.json()).toMatchObject({ ok: false, error: { code } });
  return r;
}

function ok(...args: string[]): Run {
  const r = writ(...args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r;
}

const f = (name: string): string => path.join(dir, name);
const H = 'harbor';
const O = 'orchard';
const toOrchard = ['--to', `${O}/certs/kem.pem`, '--untrusted', `${O}/certs/chain.pem`];
const toHarbor = ['--to', `${H}/certs/kem.pem`, '--untrusted', `${H}/certs/chain.pem`];

function auditEntries(enclave: string): { event: string; decision: string; code?: string; subject?: string }[] {
  return fs
    .readFileSync(f(`${enclave}/audit/log.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l));
}

beforeAll(() => {
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-federation-'));
  // The CLI reads the real clock, so the fixture PKI is issued "now" (valid from one day before).
  pki = buildFixturePki('federation-e2e', new Date());
  writeEnclaveDir(pki, 'harbor', f(H));
  writeEnclaveDir(pki, 'orchard', f(O));
  // The crossing authority's key, for `writ federation crossing` (fixture only: unencrypted).
  const seed = drbgBytes(pki.seed, 'key:crossing-authority', 32);
  fs.writeFileSync(f('authority.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', seed)), { mode: 0o600 });
  fs.writeFileSync(f('authority.pem'), pemEncode('CERTIFICATE', fixtureCrossingAuthority(pki).der));
  fs.writeFileSync(
    f('count-by-year.json'),
    JSON.stringify({ type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } }, required: ['year'], additionalProperties: false }),
  );
  const g = { kaitiaki: 'Harbor community board', terms: 'aggregate research only; no re-identification' };
  fs.writeFileSync(
    f('records.jsonl'),
    [
      { data: { region: 'north', year: 2025, cases: 17 }, guardianship: g },
      { data: { region: 'north', year: 2024, cases: 11 }, guardianship: g },
      { data: { note: 'tidal survey', values: [1, 2, 3] }, guardianship: { kaitiaki: 'Te Awa trust', terms: 'share within the agreement only' } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  fs.writeFileSync(f('answer.jsonl'), `${JSON.stringify({ data: { year: 2025, count: 17 } })}\n`);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two sovereign enclaves federate through the CLI', () => {
  it('every envelope command has a manual with POSITIONAL ARGUMENTS, EXAMPLES and EXIT CODES', () => {
    for (const verb of ['seal', 'open', 'query', 'answer', 'inspect', 'verify']) {
      const r = ok('envelope', verb, '--help');
      for (const s of ['POSITIONAL ARGUMENTS', 'EXAMPLES', 'EXIT CODES']) expect(r.stdout, verb).toContain(s);
    }
  });

  it('propose, countersign, import: an agreement both have signed', () => {
    const p = ok('federation', 'propose', '--as', H, '--peer', `${O}/certs/chain.pem`, '--layers', 'data,models', '--scope', SCOPE, '--level', 'internal', '--level', 'restricted', '--query-shape', 'count-by-year=count-by-year.json', '--not-after', '30d', '--out', 'proposal.json', '--json');
    agreementId = /agr-[0-9a-f]{32}/.exec(p.stdout)![0];
    ok('federation', 'countersign', 'proposal.json', '--as', O, '--out', 'agreement.json');
    ok('federation', 'import', 'agreement.json', '--as', H);
  });

  it('a cross-level envelope (harbor restricted -> orchard internal) is refused at seal without a crossing, and nothing is written', () => {
    refused('REFUSED_CROSSING', 'envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--expires', '1h', '--out', 'refused.env');
    expect(fs.existsSync(f('refused.env'))).toBe(false);
    expect(auditEntries(H).some((e) => e.event === 'seal' && e.decision === 'refuse' && e.code === 'REFUSED_CROSSING')).toBe(true);
  });

  it('other seal refusals reach the CLI: REFUSED_NO_AGREEMENT, REFUSED_SCOPE, REFUSED_LEVEL', () => {
    const base = ['envelope', 'seal', '--as', H, ...toOrchard, '--records', 'records.jsonl', '--expires', '1h', '--out', 'x.env'];
    refused('REFUSED_NO_AGREEMENT', ...base, '--agreement', 'agr-00000000000000000000000000000000', '--scope', SCOPE);
    refused('REFUSED_SCOPE', ...base, '--agreement', agreementId, '--scope', 'marketing');
    refused('REFUSED_LEVEL', ...base, '--agreement', agreementId, '--scope', SCOPE, '--level', 'public');
    expect(fs.existsSync(f('x.env'))).toBe(false);
  });

  it('an approved crossing, imported on both sides, lets the records through with provenance', () => {
    const cross = (from: string, to: string, fromLevel: string, toLevel: string, out: string): void => {
      ok('federation', 'crossing', '--authority-key', 'authority.key', '--authority-cert', 'authority.pem', '--sender', from, '--recipient', to, '--scope', SCOPE, '--from-level', fromLevel, '--to-level', toLevel, '--not-after', '7d', '--out', out);
      ok('federation', 'import', out, '--as', H);
      ok('federation', 'import', out, '--as', O);
    };
    const h = `spiffe://${pki.enclaves.harbor.host}`;
    const o = `spiffe://${pki.enclaves.orchard.host}`;
    cross(h, o, 'restricted', 'internal', 'crossing-h2o.json');
    cross(o, h, 'internal', 'restricted', 'crossing-o2h.json');

    const s = ok('envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--consent', 'consent:harbor-board/2026-03', '--expires', '1h', '--out', 'e1.env', '--json').json();
    expect(s.header).toMatchObject({ kind: 'records', sender: h, recipient: o, scope: SCOPE, agreementId, consentRef: 'consent:harbor-board/2026-03', manifest: { records: 3 } });
    expect(s.crossing).toMatch(/^crx-/);

    // Without a key only the outline shows; as the recipient, the signed header too.
    const i = ok('envelope', 'inspect', 'e1.env', '--json').json();
    expect(i.outline.structure).toBe('AuthEnvelopedData');
    expect(i.outline.recipients[0]).toMatchObject({ type: 'kem', kem: 'X-Wing' });
    expect(i.header).toBeUndefined();
    const i2 = ok('envelope', 'inspect', 'e1.env', '--as', O, '--json').json();
    expect(i2.header.envelopeId).toBe(s.header.envelopeId);
    expect(i2.header.manifest.recordHashes).toHaveLength(3);

    const r = ok('envelope', 'open', 'e1.env', '--as', O, '--out', 'got.jsonl', '--json').json();
    expect(r.records).toBe(3);
    expect(r.provenance).toMatchObject({ verified: true, origins: [h] });
    expect(r.sender).toMatchObject({ identity: `${h}/gateway`, region: 'north', level: 'restricted' });
    const lines = fs.readFileSync(f('got.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'writ-attestation')).toHaveLength(1);
    expect(lines.filter((l) => l.type === 'writ-record').map((l) => l.provenance.guardianship.kaitiaki)).toEqual(['Harbor community board', 'Harbor community board', 'Te Awa trust']);
  });

  it('the low-level tools read a writ envelope: open --key yields the inner SignedData, envelope verify checks it', () => {
    ok('envelope', 'open', 'e1.env', '--key', `${O}/keys/kem.key`, '--cert', `${O}/certs/kem.pem`, '--out', 'inner.p7s');
    const v = ok('envelope', 'verify', 'inner.p7s', '--trust', `${O}/trust/anchors.pem`, '--json').json();
    expect(v.valid).toBe(true);
  });

  it('refuses a replay, a wrong recipient key and a flipped byte, writing nothing', () => {
    refused('REFUSED_REPLAY', 'envelope', 'open', 'e1.env', '--as', O, '--out', 'again.jsonl');
    expect(fs.existsSync(f('again.jsonl'))).toBe(false);
    refused('DECRYPT', 'envelope', 'open', 'e1.env', '--as', H);
    const t = fs.readFileSync(f('e1.env'));
    t[Math.floor(t.length / 2)]! ^= 0x20;
    fs.writeFileSync(f('e1-tampered.env'), t);
    refused('DECRYPT', 'envelope', 'open', 'e1-tampered.env', '--as', O);
  });

  it('re-shares opened records back with their original provenance', () => {
    ok('envelope', 'seal', '--as', O, ...toHarbor, '--agreement', agreementId, '--scope', SCOPE, '--records', 'got.jsonl', '--expires', '1h', '--out', 'back.env');
    const r = ok('envelope', 'open', 'back.env', '--as', H, '--json').json();
    expect(r.records).toBe(3);
    expect(r.provenance.origins).toEqual([`spiffe://${pki.enclaves.harbor.host}`]);
  });

  it('query and answer: the models layer, a shape the agreement allows, an answer bound to the query', () => {
    refused('REFUSED_QUERY_SHAPE', 'envelope', 'query', '--as', O, ...toHarbor, '--agreement', agreementId, '--scope', SCOPE, '--query-shape', 'count-by-year', '--params', '{"year":"all"}', '--expires', '1h', '--out', 'bad-q.env');
    refused('REFUSED_QUERY_SHAPE', 'envelope', 'query', '--as', O, ...toHarbor, '--agreement', agreementId, '--scope', SCOPE, '--query-shape', 'free-text', '--params', '{}', '--expires', '1h', '--out', 'bad-q.env');
    const q = ok('envelope', 'query', '--as', O, ...toHarbor, '--agreement', agreementId, '--scope', SCOPE, '--query-shape', 'count-by-year', '--params', '{"year":2025}', '--expires', '1h', '--out', 'q.env', '--json').json();
    expect(q.queryHash).toMatch(/^[0-9a-f]{128}$/);
    const got = ok('envelope', 'open', 'q.env', '--as', H, '--json').json();
    expect(got.query).toEqual({ shape: 'count-by-year', params: { year: 2025 } });
    const a = ok('envelope', 'answer', 'q.env', '--as', H, ...toOrchard, '--records', 'answer.jsonl', '--kaitiaki', 'Harbor community board', '--terms', 'aggregate only', '--expires', '1h', '--out', 'a.env', '--json');
    expect(a.json().header).toMatchObject({ kind: 'answer', inReplyTo: q.queryHash, queryShape: 'count-by-year' });
    const r = ok('envelope', 'open', 'a.env', '--as', O, '--json').json();
    expect(r.header.inReplyTo).toBe(q.queryHash);
    expect(r.recordsData[0].data).toEqual({ year: 2025, count: 17 });
    // The same answer again: replay.
    refused('REFUSED_REPLAY', 'envelope', 'open', 'a.env', '--as', O);
  });

  it('expiry, wrong recipient, a bad signature and broken provenance are refused at open (REFUSED_EXPIRED, REFUSED_NOT_RECIPIENT, SIGNATURE, PROVENANCE)', () => {
    ok('envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--expires', '1s', '--out', 'short.env');
    const until = Date.now() + 1500;
    while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    refused('REFUSED_EXPIRED', 'envelope', 'open', 'short.env', '--as', O);

    // Envelopes a faulty or malicious harbor gateway could produce, built with the library and opened by the CLI.
    const h = pki.enclaves.harbor;
    const hid = `spiffe://${h.host}`;
    const now = new Date();
    const chain = [h.ca.der, pki.regions.north.ca.der];
    const make = (o: { recipient?: string; editGuardianship?: boolean; tamperSignature?: boolean }, name: string): void => {
      const a = attestRecords([{ data: { x: 1 }, guardianship: { kaitiaki: 'Harbor community board', terms: 'research only' } }], { origin: hid, signer: h.signing.signer!, cert: h.signing.cert, chain, attestedAt: now });
      const records = o.editGuardianship ? a.records.map((r) => ({ ...r, provenance: { ...r.provenance, guardianship: { kaitiaki: 'Harbor community board', terms: 'sold to anyone' } } })) : a.records;
      const header = {
        envelopeId: `env-${({ nr: '1', prov: '2', sig: '3' } as Record<string, string>)[name]!.repeat(32)}`,
        kind: 'records' as const,
        sender: hid,
        recipient: o.recipient ?? `spiffe://${pki.enclaves.orchard.host}`,
        scope: SCOPE,
        consentRef: 'consent:test',
        agreementId,
        level: LEVELS.restricted,
        issuedAt: new Date(Math.floor(now.getTime() / 1000) * 1000),
        expiresAt: new Date(now.getTime() + 3_600_000),
        manifest: buildManifest(records),
      };
      const signed = signCms({
        content: canonicalBytes({ type: 'writ-envelope', version: 1, records, attestations: [{ id: a.attestation.id, cms: a.attestation.cms }] }),
        contentType: ENVELOPE_OIDS.content,
        signers: [{ signer: h.signing.signer!, cert: h.signing.cert }],
        certificates: chain,
        signedAttributes: encodeHeader(header),
        signingTime: now,
      });
      if (o.tamperSignature) signed[signed.length - 10]! ^= 0x01; // inside the ML-DSA signature value
      fs.writeFileSync(f(`${name}.env`), sealAuthEnveloped({ content: signed, contentType: CMS_OID.signedData, recipient: pki.enclaves.orchard.kem.cert, rng: seededRng(name) }));
    };
    make({ recipient: hid }, 'nr');
    make({ editGuardianship: true }, 'prov');
    make({ tamperSignature: true }, 'sig');
    refused('SIGNATURE', 'envelope', 'open', 'sig.env', '--as', O);
    refused('REFUSED_NOT_RECIPIENT', 'envelope', 'open', 'nr.env', '--as', O);
    refused('PROVENANCE', 'envelope', 'open', 'prov.env', '--as', O, '--out', 'prov.jsonl');
    expect(fs.existsSync(f('prov.jsonl'))).toBe(false);
  });

  it('withdraw: an envelope sealed before the withdrawal is refused at open, and sealing is refused once imported', () => {
    ok('envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--expires', '1h', '--out', 'late.env');
    ok('federation', 'withdraw', '--as', O, '--agreement', agreementId, '--reason', 'consent withdrawn by the board', '--out', 'withdrawal.json');
    const r = refused('REFUSED_WITHDRAWN', 'envelope', 'open', 'late.env', '--as', O, '--out', 'late.jsonl');
    expect(r.json().error.message).toContain('withdrawn');
    expect(fs.existsSync(f('late.jsonl'))).toBe(false);
    ok('federation', 'import', 'withdrawal.json', '--as', H);
    refused('REFUSED_WITHDRAWN', 'envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--expires', '1h', '--out', 'never.env');
    expect(fs.existsSync(f('never.env'))).toBe(false);
  });

  it('both audit logs verify and hold the refusals (digests and decisions, never record contents)', () => {
    for (const e of [H, O]) {
      const r = ok('audit', 'verify', e, '--json');
      expect(r.json().ok).toBe(true);
    }
    const codes = auditEntries(O).filter((e) => e.decision === 'refuse').map((e) => e.code);
    for (const c of ['REFUSED_REPLAY', 'DECRYPT', 'REFUSED_EXPIRED', 'REFUSED_NOT_RECIPIENT', 'SIGNATURE', 'PROVENANCE', 'REFUSED_WITHDRAWN']) expect(codes).toContain(c);
    const log = fs.readFileSync(f(`${O}/audit/log.jsonl`), 'utf8');
    expect(log).not.toContain('tidal survey');
    expect(log).not.toContain('Te Awa trust');
  });

  it('printed nothing secret', () => {
    const seeds = [pki.enclaves.harbor.signing.key.seed, pki.enclaves.orchard.kem.key.seed].map((s) => Buffer.from(s).toString('hex'));
    for (const s of seeds) expect(allOutput.join('')).not.toContain(s);
  });
});
