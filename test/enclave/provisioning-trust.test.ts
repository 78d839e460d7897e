// Issue 5 "partner trust without merging": a classical partner PKI (ECDSA P-384 / RSA) as an RFC 5937 constrained anchor in the enclave's signed trust store.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { enclavePaths, loadEnclave } from '../../src/enclave/layout.js';
import { addAnchor, emptyStore } from '../../src/enclave/trust.js';
import { enclaveFacts } from '../../src/enclave/status.js';
import { readCert } from '../../src/cli/load.js';
import { WritError } from '../../src/core/errors.js';
import type { Ctx } from '../../src/cli/context.js';
import { run as addRun } from '../../src/cli/commands/trust/add.js';
import { run as listRun } from '../../src/cli/commands/trust/list.js';
import { run as removeRun } from '../../src/cli/commands/trust/remove.js';
import { run as checkRun } from '../../src/cli/commands/trust/check.js';
import { seededRng } from '../helpers/index.js';
import { buildPartnerPki, hasOpenssl, outcome, type PartnerPki } from './provisioning-partner.js';

const HAVE = hasOpenssl();
if (!HAVE) console.warn('SKIPPING classical partner-trust tests: the `openssl` CLI is not installed (it builds the ECDSA/RSA partner certificates)');

// The partner certificates are made by openssl "now"; the fixture enclave is built at the same clock and
// every check runs one hour later, inside both validity periods.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const AT = new Date(NOW.getTime() + 3_600_000);
const rng = seededRng('provisioning-trust');
const ctx: Ctx = { json: false, note: () => {}, now: () => AT, rng };
let tmp = '';
let pki: FixturePki;
let partner: PartnerPki;
let n = 0;

const code = outcome;

function enclave(name: 'harbor' | 'orchard' = 'harbor'): string {
  const dir = path.join(tmp, `${name}-${n++}`);
  writeEnclaveDir(pki, name, dir);
  return dir;
}

async function check(dir: string, leaf: string, level?: string): Promise<string> {
  const r = await checkRun(ctx, [leaf], { as: dir, untrusted: [partner.issuing], ...(level ? { level } : {}) });
  return r.exitCode ? String((r.data.errors as { code: string }[])[0]?.code) : 'VALID';
}

const add = (dir: string, extra: Record<string, unknown> = {}): Promise<unknown> =>
  addRun(ctx, [], { as: dir, anchor: partner.root, permitUri: ['.cards.partner.example'], levels: ['internal'], maxPath: 1, label: 'Partner Cards', ...extra });

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-trust-'));
  pki = buildFixturePki('provisioning-trust', NOW);
  if (HAVE) partner = buildPartnerPki(path.join(tmp, 'partner'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE)('classical partner PKI as a constrained anchor', () => {
  it('is not trusted before it is added (NO_PATH)', async () => {
    expect(await check(enclave(), partner.leaves.inside)).toBe('NO_PATH');
  });

  it('verifies inside its constraints and fails outside them with NAME_CONSTRAINT or POLICY', async () => {
    const dir = enclave();
    await add(dir);
    expect(readCert(partner.root).spki.algorithm.oid).toBe('1.2.840.10045.2.1'); // EC public key: a classical root
    expect(readCert(partner.issuing).signatureAlgorithm.oid).toBe('1.2.840.10045.4.3.3'); // ecdsa-with-SHA384
    expect(await check(dir, partner.leaves.inside)).toBe('VALID');
    expect(await check(dir, partner.leaves.inside, 'internal')).toBe('VALID');
    expect(await check(dir, partner.leaves.outsideName)).toBe('NAME_CONSTRAINT');
    expect(await check(dir, partner.leaves.restricted)).toBe('POLICY');
    expect(await check(dir, partner.leaves.noPolicy)).toBe('POLICY');
    // The enclave's own chain still verifies, and loadEnclave carries the constrained anchor.
    const e = await loadEnclave(dir, { now: AT, rng, noKem: true });
    const pa = e.anchors.find((a) => a.label === 'Partner Cards');
    e.wipe();
    expect(pa?.constraints).toEqual({ permittedUris: ['.cards.partner.example'], levels: ['2.25.165581839593018613468155158880316351862.1.2'], maxPathLen: 1 });
    expect(enclaveFacts(dir, AT).partners).toMatchObject({ ok: true, anchors: [{ label: 'Partner Cards', maxPathLen: 1 }] });
  });

  it('enforces the path length limit (PATH_LEN) and can be removed again', async () => {
    const dir = enclave();
    await add(dir, { maxPath: 0 });
    expect(await check(dir, partner.leaves.inside)).toBe('PATH_LEN');
    const list = (await listRun(ctx, [], { as: dir })).data as { partners: { id: string }[]; version: number };
    expect(list.partners).toHaveLength(1);
    await removeRun(ctx, [list.partners[0]!.id], { as: dir });
    expect(await check(dir, partner.leaves.inside)).toBe('NO_PATH');
    expect(((await listRun(ctx, [], { as: dir })).data as { version: number }).version).toBe(2);
    expect(fs.readFileSync(enclavePaths(dir).auditLog, 'utf8')).toMatch(/partner-anchor:/);
  });

  it('detects an edited store (SIGNATURE) everywhere it is read', async () => {
    const dir = enclave();
    await add(dir);
    const f = enclavePaths(dir).partners;
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('.cards.partner.example', '.example'));
    expect(await code(() => loadEnclave(dir, { now: AT, rng, noKem: true }))).toBe('SIGNATURE');
    expect(await code(() => listRun(ctx, [], { as: dir }))).toBe('SIGNATURE');
    expect(await code(() => checkRun(ctx, [partner.leaves.outsideName], { as: dir, untrusted: [partner.issuing] }))).toBe('SIGNATURE');
    expect(await code(() => add(dir))).toBe('SIGNATURE');
    expect(enclaveFacts(dir, AT).partners.error?.code).toBe('SIGNATURE');
  });

  it("refuses another enclave's store copied in (SIGNATURE: not this enclave's key)", async () => {
    const h = enclave('harbor');
    const o = enclave('orchard');
    await add(o);
    fs.copyFileSync(enclavePaths(o).partners, enclavePaths(h).partners);
    expect(await code(() => loadEnclave(h, { now: AT, rng, noKem: true }))).toBe('SIGNATURE');
  });
});

describe('partner anchors must be constrained', () => {
  it('refuses an anchor without names or levels (INSECURE) and a non-CA certificate (NOT_CA)', () => {
    const root = pki.root.cert;
    const store = emptyStore('spiffe://harbor.north.writ.test');
    const base = { cert: pki.regions.north.ca.cert, permittedUris: ['.x.example'], levels: ['internal'], now: NOW };
    expect(() => addAnchor(store, { ...base, permittedUris: [] }, [root])).toThrow(expect.objectContaining({ code: 'INSECURE' }));
    expect(() => addAnchor(store, { ...base, levels: [] }, [root])).toThrow(expect.objectContaining({ code: 'INSECURE' }));
    expect(() => addAnchor(store, { ...base, cert: pki.enclaves.harbor.workload.cert }, [root])).toThrow(expect.objectContaining({ code: 'NOT_CA' }));
    expect(() => addAnchor(store, { ...base, cert: root }, [root])).toThrow(/already one of this enclave's own/);
    expect(() => addAnchor(store, { ...base, permittedUris: ['spiffe://x'] }, [root])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    const ok = addAnchor(store, base, [root]);
    expect(ok.body.version).toBe(1);
    expect(ok.anchor.levels).toEqual(['2.25.165581839593018613468155158880316351862.1.2']);
  });
});
