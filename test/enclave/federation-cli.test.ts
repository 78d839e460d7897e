// Tests for the `writ federation` and `writ audit verify` handlers on two fixture enclave directories: propose, countersign, import, crossing, status, withdraw, refusals, and the audit trail.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { seededRng } from '../../src/fixtures/drbg.js';
import { fixtureCrossingAuthority, writeEnclaveDir } from '../../src/enclave/fixture.js';
import { loadEnclave } from '../../src/enclave/layout.js';
import { readLines } from '../../src/enclave/audit.js';
import { checkFlow } from '../../src/core/policy/agreement.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import type { Ctx, CommandResult } from '../../src/cli/context.js';
import { run as propose } from '../../src/cli/commands/federation/propose.js';
import { run as countersign } from '../../src/cli/commands/federation/countersign.js';
import { run as importDoc } from '../../src/cli/commands/federation/import.js';
import { run as withdraw } from '../../src/cli/commands/federation/withdraw.js';
import { run as status } from '../../src/cli/commands/federation/status.js';
import { run as crossing } from '../../src/cli/commands/federation/crossing.js';
import { run as auditVerify } from '../../src/cli/commands/audit/verify.js';

const NOW = new Date('2026-05-01T00:00:00Z');
let pki: FixturePki;
let tmp: string;
let H: string;
let O: string;
const notes: string[] = [];

function ctx(now = NOW): Ctx {
  return { json: true, note: (m) => notes.push(m), now: () => now, rng: seededRng('cli', String(notes.length)) };
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

beforeAll(() => {
  pki = buildFixturePki('federation-cli', NOW);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-fed-'));
  H = path.join(tmp, 'harbor');
  O = path.join(tmp, 'orchard');
  writeEnclaveDir(pki, 'harbor', H);
  writeEnclaveDir(pki, 'orchard', O);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const f = (n: string): string => path.join(tmp, n);

describe('writ federation: the whole exchange', () => {
  test('propose, countersign, import, crossing, status, withdraw, refusal, audit verify', async () => {
    const hId = `spiffe://${pki.enclaves.harbor.host}`;
    const oId = `spiffe://${pki.enclaves.orchard.host}`;
    fs.writeFileSync(f('count.schema.json'), JSON.stringify({ type: 'object', properties: { region: { type: 'string' } }, required: ['region'], additionalProperties: false }));
    // the peer as a certificate file: orchard's gateway cert + chain, verified against harbor's trust store
    fs.copyFileSync(path.join(O, 'certs', 'chain.pem'), f('orchard-gateway.pem'));

    const p = (await propose(ctx(), [], {
      as: H,
      peer: f('orchard-gateway.pem'),
      layers: ['data,models'],
      scope: ['research.aggregate'],
      level: ['internal', 'restricted'],
      queryShape: [`count=${f('count.schema.json')}`],
      notAfter: '90d',
      out: f('agr.json'),
    })) as CommandResult;
    const id = (p.data.agreement as { id: string }).id;
    expect(id).toMatch(/^agr-/);
    expect(p.data.complete).toBe(false);
    expect(await code(propose(ctx(), [], { as: H, peer: oId, layers: ['data'], scope: ['x'], level: ['internal'], notAfter: '1d', out: f('agr.json') }))).toBe('EXISTS');
    expect(await code(propose(ctx(), [], { as: H, peer: oId, layers: ['telepathy'], scope: ['x'], level: ['internal'], notAfter: '1d', out: f('agr-x.json') }))).toBe('USAGE');

    // harbor cannot countersign its own proposal; orchard can
    expect(await code(countersign(ctx(), [f('agr.json')], { as: H, out: f('agr-h.json') }))).toBe('USAGE');
    const c = (await countersign(ctx(), [f('agr.json')], { as: O, out: f('agr-signed.json') })) as CommandResult;
    expect(c.data.complete).toBe(true);
    const i = (await importDoc(ctx(), [f('agr-signed.json')], { as: H })) as CommandResult;
    expect(i.data).toMatchObject({ kind: 'writ-agreement', id, complete: true });

    // a tampered copy is refused and the refusal is audited
    fs.writeFileSync(f('agr-bad.json'), fs.readFileSync(f('agr-signed.json'), 'utf8').replace('research.aggregate', 'research.everything'));
    expect(await code(importDoc(ctx(), [f('agr-bad.json')], { as: H }))).toMatch(/PARSE|SIGNATURE/);
    const hLog = readLines(path.join(H, 'audit', 'log.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(hLog.some((e) => e.event === 'refuse' && e.decision === 'refuse')).toBe(true);
    expect(hLog.filter((e) => e.event === 'import' && e.subject === id).map((e) => e.layer)).toEqual(['data', 'models']);

    // the levels differ (harbor restricted, orchard internal): refused until a crossing is imported
    let h = await loadEnclave(H, { now: NOW, rng: seededRng('x') });
    const flow = { sender: hId, recipient: oId, layer: 'data' as const, scope: 'research.aggregate', level: 'internal', senderLevel: 'restricted', recipientLevel: 'internal', now: NOW };
    expect(await code(() => checkFlow(h.policy, flow))).toBe('REFUSED_CROSSING');
    const auth = fixtureCrossingAuthority(pki);
    fs.writeFileSync(f('xa.pem'), pemEncode('CERTIFICATE', auth.der));
    fs.writeFileSync(f('xa.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', drbgBytes(pki.seed, 'key:crossing-authority', 32))));
    await crossing(ctx(), [], {
      authorityKey: f('xa.key'),
      authorityCert: f('xa.pem'),
      sender: hId,
      recipient: oId,
      scope: 'research.aggregate',
      fromLevel: 'restricted',
      toLevel: 'internal',
      notAfter: '7d',
      out: f('crossing.json'),
    });
    await importDoc(ctx(), [f('crossing.json')], { as: H });
    await importDoc(ctx(), [f('crossing.json')], { as: O });
    h = await loadEnclave(H, { now: NOW, rng: seededRng('x') });
    expect(checkFlow(h.policy, flow).agreement.id).toBe(id);

    const s = (await status(ctx(), [], { as: H })) as CommandResult;
    expect((s.data.agreements as { id: string; state: string }[]).map((a) => [a.id, a.state])).toEqual([[id, 'in-force']]);
    expect(s.data.crossings).toHaveLength(1);
    expect(s.text).toContain('in-force');

    // orchard withdraws; harbor imports the notice; every later flow is refused
    const w = (await withdraw(ctx(), [], { as: O, agreement: id, reason: 'consent withdrawn', out: f('withdrawal.json') })) as CommandResult;
    expect(w.data.agreementId).toBe(id);
    expect(await code(withdraw(ctx(), [], { as: O, agreement: 'agr-00000000000000000000000000000000', out: f('w2.json') }))).toBe('REFUSED_NO_AGREEMENT');
    await importDoc(ctx(), [f('withdrawal.json')], { as: H });
    h = await loadEnclave(H, { now: NOW, rng: seededRng('x') });
    expect(await code(() => checkFlow(h.policy, flow))).toBe('REFUSED_WITHDRAWN');
    const o = await loadEnclave(O, { now: NOW, rng: seededRng('y') });
    expect(await code(() => checkFlow(o.policy, { ...flow, sender: oId, recipient: hId, senderLevel: 'internal', recipientLevel: 'restricted' }))).toBe('REFUSED_WITHDRAWN');
    expect(((await status(ctx(), [], { as: H })) as CommandResult).data.agreements).toMatchObject([{ id, state: 'withdrawn', withdrawnBy: oId }]);

    // both audit logs verify; then a deleted line is caught with its code and exit 1
    for (const dir of [H, O]) {
      const r = auditVerify(ctx(), [dir], {}) as CommandResult;
      expect(r.exitCode ?? 0).toBe(0);
      expect(r.data.ok).toBe(true);
      expect(r.data.unsealed).toBe(0);
    }
    const logFile = path.join(O, 'audit', 'log.jsonl');
    const lines = readLines(logFile);
    lines.splice(1, 1);
    fs.writeFileSync(logFile, `${lines.join('\n')}\n`);
    const bad = auditVerify(ctx(), [O], {}) as CommandResult;
    expect(bad.exitCode).toBe(1);
    expect((bad.data.errors as { code: string }[])[0]!.code).toBe('CHAIN_DELETED');
  });
});
