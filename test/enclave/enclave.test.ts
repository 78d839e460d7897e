// Tests for the enclave directory: writeEnclaveDir + loadEnclave round trip, refusals on a broken directory, the federation store, the audit appender and the replay store.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errCode } from '../helpers/index.js';
import { seededRng } from '../../src/fixtures/drbg.js';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir, fixtureCrossingAuthority } from '../../src/enclave/fixture.js';
import { enclavePaths, loadEnclave, type LoadedEnclave } from '../../src/enclave/layout.js';
import { importSignedDocument } from '../../src/enclave/store.js';
import { verifyAuditDir, readLines } from '../../src/enclave/audit.js';
import { checkFlow, makeAgreement, signAgreement } from '../../src/core/policy/agreement.js';
import { makeWithdrawal } from '../../src/core/policy/withdrawal.js';
import { makeCrossing, signCrossing } from '../../src/core/policy/crossing.js';
import { encodeSignedDocument } from '../../src/core/policy/signed.js';
import { LEVELS } from '../../src/core/policy/levels.js';

const NOW = new Date('2026-04-01T00:00:00Z');
const DAY = 86_400_000;
let pki: FixturePki;
let tmp: string;

async function asyncCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

beforeAll(() => {
  pki = buildFixturePki('enclave-tests', NOW);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-enclave-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const load = (dir: string, now = NOW): Promise<LoadedEnclave> => loadEnclave(dir, { now, rng: seededRng('t', dir) });

describe('writeEnclaveDir + loadEnclave', () => {
  test('round trip for both fixture enclaves', async () => {
    for (const name of ['harbor', 'orchard'] as const) {
      const dir = path.join(tmp, `rt-${name}`);
      const p = writeEnclaveDir(pki, name, dir);
      expect(fs.statSync(p.signingKey).mode & 0o777).toBe(0o600);
      expect(fs.statSync(p.kemKey).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(p.config, 'utf8')).fixtureKeys).toBe(true);
      const e = await load(dir);
      const f = pki.enclaves[name];
      expect(e.profile).toMatchObject({
        identity: `spiffe://${f.host}`,
        gateway: `spiffe://${f.host}/gateway`,
        enclave: name,
        region: f.region,
        domain: 'writ.test',
        level: LEVELS[f.level],
        levelName: f.level,
        kemAlg: f.kem.key.alg,
        fixtureKeys: true,
      });
      expect(e.signingCert.der).toEqual(f.signing.der);
      expect(e.chain).toHaveLength(3);
      expect(e.signer.publicKey).toEqual(f.signing.key.publicKey);
      expect(e.kem.privateKey).toEqual(f.kem.key.seed);
      expect(e.kem.cert.der).toEqual(f.kem.der);
      expect(e.anchors.map((a) => a.cert.der)).toEqual([pki.root.der]);
      expect(e.crls).toHaveLength(5);
      expect(e.crossingAuthorities[0]!.der).toEqual(fixtureCrossingAuthority(pki).der);
      expect(e.policy).toEqual({ self: `spiffe://${f.host}`, agreements: [], withdrawals: [], crossings: [] });
      expect(e.replay.has('env-x')).toBe(false);
      e.wipe();
      expect(e.kem.privateKey.every((b) => b === 0)).toBe(true);
    }
  });

  test('never overwrites without force', () => {
    const dir = path.join(tmp, 'noclobber');
    writeEnclaveDir(pki, 'harbor', dir);
    expect(errCode(() => writeEnclaveDir(pki, 'harbor', dir))).toBe('EXISTS');
    expect(errCode(() => writeEnclaveDir(pki, 'harbor', dir, { force: true }))).toBeUndefined();
  });

  test('refuses a broken directory with a precise code', async () => {
    const dir = path.join(tmp, 'broken');
    const p = writeEnclaveDir(pki, 'harbor', dir);
    expect(await asyncCode(load(path.join(tmp, 'nothing-here')))).toBe('IO');
    // enclave.json claims orchard's enclave
    const cfg = JSON.parse(fs.readFileSync(p.config, 'utf8'));
    fs.writeFileSync(p.config, JSON.stringify({ ...cfg, enclave: 'orchard', region: 'south', identity: `spiffe://${pki.enclaves.orchard.host}` }));
    expect(await asyncCode(load(dir))).toBe('IDENTITY');
    fs.writeFileSync(p.config, JSON.stringify({ ...cfg, level: 'internal' }));
    expect(await asyncCode(load(dir))).toBe('POLICY');
    fs.writeFileSync(p.config, JSON.stringify(cfg));
    // the other enclave's signing key
    const o = writeEnclaveDir(pki, 'orchard', path.join(tmp, 'broken-o'));
    fs.copyFileSync(o.signingKey, p.signingKey);
    expect(await asyncCode(load(dir))).toBe('KEY_MISMATCH');
    writeEnclaveDir(pki, 'harbor', dir, { force: true });
    expect((await load(dir)).profile.enclave).toBe('harbor');
    // the certificates expire
    expect(await asyncCode(load(dir, new Date(NOW.getTime() + 400 * DAY)))).toBe('EXPIRED');
    // a CRL revoking harbor's enclave CA
    fs.writeFileSync(path.join(p.crlDir, '99.crl'), pki.northCrlRevokingHarbor.der);
    expect(await asyncCode(load(dir))).toBe('REVOKED');
  });
});

describe('federation store, audit and replay', () => {
  test('import agreement, crossing and withdrawal; checkFlow follows the store; the audit log verifies', async () => {
    const hp = writeEnclaveDir(pki, 'harbor', path.join(tmp, 'fed-h'), { checkpointEvery: 3 });
    const op = writeEnclaveDir(pki, 'orchard', path.join(tmp, 'fed-o'));
    const h = await load(hp.root);
    const o = await load(op.root);
    const terms = makeAgreement({
      parties: [h.profile.identity, o.profile.identity],
      layers: ['data'],
      scopes: ['weather'],
      levels: ['internal', 'restricted'],
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 10 * DAY),
    });
    const chain = (e: LoadedEnclave) => e.chain.slice(1).map((c) => c.der);
    const proposed = signAgreement(terms, { party: h.profile.identity, signer: h.signer, cert: h.signingCert, chain: chain(h) });
    const ctx = (e: LoadedEnclave) => ({ self: e.profile.identity, trust: e.trust, crossingAuthorities: e.crossingAuthorities });
    const imp1 = importSignedDocument(o.paths, o.policy, new TextEncoder().encode(encodeSignedDocument(proposed)), ctx(o));
    expect(imp1).toMatchObject({ kind: 'writ-agreement', id: terms.id, complete: false });
    const both = signAgreement(proposed, { party: o.profile.identity, signer: o.signer, cert: o.signingCert, chain: chain(o) });
    const bytes = new TextEncoder().encode(encodeSignedDocument(both));
    expect(importSignedDocument(h.paths, h.policy, bytes, ctx(h)).complete).toBe(true);
    const flow = { sender: h.profile.gateway, recipient: o.profile.identity, layer: 'data' as const, scope: 'weather', level: 'internal', senderLevel: 'restricted', recipientLevel: 'internal', now: NOW };
    expect(errCode(() => checkFlow(h.policy, flow))).toBe('REFUSED_CROSSING');

    const auth = fixtureCrossingAuthority(pki);
    const x = signCrossing(makeCrossing({ sender: h.profile.identity, recipient: o.profile.identity, scope: 'weather', fromLevel: 'restricted', toLevel: 'internal', notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY) }), { signer: auth.signer, cert: auth.cert });
    expect(importSignedDocument(h.paths, h.policy, new TextEncoder().encode(encodeSignedDocument(x)), ctx(h)).kind).toBe('writ-crossing');
    expect(checkFlow(h.policy, flow).agreement.id).toBe(terms.id);

    // reload: the store is verified again from disk
    const h2 = await load(hp.root);
    expect(h2.policy.agreements.map((a) => [a.agreement.id, a.complete])).toEqual([[terms.id, true]]);
    expect(checkFlow(h2.policy, flow).crossing?.crossing.id).toBe(x.body.id);

    // orchard withdraws; harbor imports the notice; every later flow is refused
    const w = makeWithdrawal(terms, { party: o.profile.identity, signer: o.signer, cert: o.signingCert, chain: chain(o), now: NOW });
    importSignedDocument(h2.paths, h2.policy, new TextEncoder().encode(encodeSignedDocument(w)), ctx(h2));
    expect(errCode(() => checkFlow(h2.policy, flow))).toBe('REFUSED_WITHDRAWN');
    const h3 = await load(hp.root, new Date(NOW.getTime() + DAY / 2));
    expect(errCode(() => checkFlow(h3.policy, { ...flow, now: new Date(NOW.getTime() + DAY / 2) }))).toBe('REFUSED_WITHDRAWN');

    // an edited agreement file on disk is ignored on load, not trusted
    const file = path.join(hp.agreementsDir, `${terms.id}.json`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"weather"', '"weathers"'));
    const notes: string[] = [];
    const h4 = await loadEnclave(hp.root, { now: NOW, rng: seededRng('x'), note: (m) => notes.push(m) });
    expect(h4.policy.agreements).toEqual([]);
    expect(notes.join('\n')).toMatch(/ignoring/);

    // an agreement not naming me is refused on import
    const p3 = makeAgreement({ parties: [o.profile.identity, 'spiffe://elsewhere.south.writ.test'], layers: ['data'], scopes: ['weather'], levels: ['internal'], notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY) });
    const s3 = signAgreement(p3, { party: o.profile.identity, signer: o.signer, cert: o.signingCert, chain: chain(o) });
    expect(errCode(() => importSignedDocument(h.paths, h.policy, new TextEncoder().encode(encodeSignedDocument(s3)), ctx(h)))).toBe('IDENTITY');

    // audit appender: entries + periodic checkpoints verify; an edit is caught
    for (let i = 0; i < 7; i++) h.audit.append({ event: 'seal', decision: 'allow', layer: 'data', subject: `env-${i}`, peer: o.profile.identity });
    h.audit.checkpoint();
    const r = verifyAuditDir(h.paths, { enclave: h.profile.identity, signers: [h.signingCert] });
    expect(r).toMatchObject({ ok: true, entries: 7, covered: 7 });
    expect(readLines(h.paths.auditCheckpoints)).toHaveLength(3); // after 3, 6 and the explicit one at 7
    const lines = readLines(h.paths.auditLog);
    lines[1] = lines[1]!.replace('env-1', 'env-X');
    fs.writeFileSync(h.paths.auditLog, `${lines.join('\n')}\n`);
    expect(verifyAuditDir(h.paths, { enclave: h.profile.identity, signers: [h.signingCert] }).errors[0]!.code).toBe('CHAIN_EDITED');
  });

  test('a stale audit lock left by a crashed process is taken over; wipe() seals the session with a checkpoint', async () => {
    const p = writeEnclaveDir(pki, 'harbor', path.join(tmp, 'lock'));
    const e = await load(p.root);
    const lock = path.join(p.auditDir, '.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, old, old);
    e.audit.append({ event: 'issue', decision: 'record', subject: 'abc' });
    expect(fs.existsSync(lock)).toBe(false);
    expect(readLines(p.auditCheckpoints)).toHaveLength(0);
    e.wipe();
    expect(readLines(p.auditCheckpoints)).toHaveLength(1);
    expect(verifyAuditDir(p, { enclave: e.profile.identity, signers: [e.signingCert] })).toMatchObject({ ok: true, entries: 1, covered: 1 });
  });

  test('replay store: record once, refuse the second time', async () => {
    const p = writeEnclaveDir(pki, 'orchard', path.join(tmp, 'replay'));
    const e = await load(p.root);
    e.replay.record({ id: 'env-1', time: NOW.toISOString(), sender: 'spiffe://harbor.north.writ.test', digest: 'ab'.repeat(32) });
    expect(e.replay.has('env-1')).toBe(true);
    expect(errCode(() => e.replay.record({ id: 'env-1', time: NOW.toISOString(), sender: 's', digest: 'd' }))).toBe('REFUSED_REPLAY');
    expect((await load(p.root)).replay.has('env-1')).toBe(true);
    expect(enclavePaths(p.root).opened).toBe(p.opened);
  });
});
