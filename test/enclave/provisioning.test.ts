// Issue 5 provisioning flow: enclave init -> issue -> install, status, baseline diff; every refusal with its code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { initEnclave } from '../../src/enclave/init.js';
import { issueBundle, readRegionalPublic, SUMS, SUMS_SIG } from '../../src/enclave/issue.js';
import { checkBundle, installBundle } from '../../src/enclave/install.js';
import { enclaveFacts, statusText } from '../../src/enclave/status.js';
import { diffEnclave } from '../../src/enclave/diff.js';
import { enclavePaths, loadEnclave, readConfig } from '../../src/enclave/layout.js';
import { verifyAuditDir } from '../../src/enclave/audit.js';
import { importSignedDocument, loadPolicyState } from '../../src/enclave/store.js';
import { writeRegionalDir, baselineAuthority } from '../../src/demo/provisioning.js';
import { defaultBaseline, diffBaseline, parseBaseline, signBaseline, type BaselineFacts } from '../../src/core/policy/baseline.js';
import { makeAgreement, signAgreement } from '../../src/core/policy/agreement.js';
import { encodeSignedDocument } from '../../src/core/policy/signed.js';
import { parseCertificate } from '../../src/core/x509/parse.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { sha256 } from '../../src/core/crypto/kdf.js';
import { toHex } from '../../src/core/crypto/bytes.js';
import { LEVELS } from '../../src/core/policy/levels.js';
import { WritError } from '../../src/core/errors.js';
import type { Ctx } from '../../src/cli/context.js';
import { run as installRun } from '../../src/cli/commands/enclave/install.js';
import { seededRng } from '../helpers/index.js';
import { outcome } from './provisioning-partner.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const LATER = new Date(NOW.getTime() + 40 * 86_400_000); // past the regional CRLs' nextUpdate (30 days)
let tmp = '';
let pki: FixturePki;
const rng = seededRng('provisioning-test');
const ctx = (now = NOW): Ctx => ({ json: false, note: () => {}, now: () => now, rng });

const code = outcome;

function region(name: 'north' | 'south'): ReturnType<typeof readRegionalPublic> & { signer: NonNullable<FixturePki['regions']['north']['ca']['signer']> } {
  return { ...readRegionalPublic(path.join(tmp, `${name}-ra`)), signer: pki.regions[name].ca.signer! };
}

let n = 0;
function init(enclave: string, regionName: string, level: string, o: { kem?: 'ml-kem-1024' | 'x-wing' | 'ml-kem-768'; pass?: Uint8Array; root?: Uint8Array } = {}): string {
  const dir = path.join(tmp, `${enclave}-${n++}`);
  initEnclave(dir, { enclave, region: regionName, domain: pki.domain, level, kemAlg: o.kem ?? 'ml-kem-1024', now: NOW, rng, rootSha256: toHex(sha256(o.root ?? pki.root.der)), ...(o.pass ? { pass: o.pass } : {}) });
  return dir;
}

function issue(dir: string, r: 'north' | 'south', now = NOW): string {
  const out = `${dir}-bundle`;
  issueBundle(path.join(dir, 'request'), region(r), out, { now, rng, force: true });
  return out;
}

function copyDir(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-prov-'));
  pki = buildFixturePki('provisioning-test', NOW);
  writeRegionalDir(pki, 'north', path.join(tmp, 'north-ra'), { rng });
  writeRegionalDir(pki, 'south', path.join(tmp, 'south-ra'), { rng });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('enclave init', () => {
  it('writes keys (0700/0600, encrypted), enclave.json and a request/ of public material only', () => {
    const dir = init('harbor', 'north', 'restricted', { pass: new TextEncoder().encode('pw') });
    const p = enclavePaths(dir);
    expect(fs.statSync(p.keysDir).mode & 0o777).toBe(0o700);
    for (const k of [p.caKey, p.signingKey, p.kemKey]) {
      expect(fs.statSync(k).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(k, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    }
    const req = fs.readdirSync(p.requestDir).sort();
    expect(req).toEqual(['ca.csr', 'enclave.json', 'kem.csr', 'kem.pem', 'signing.csr', 'signing.pem']);
    for (const f of req) expect(fs.readFileSync(path.join(p.requestDir, f), 'utf8')).not.toMatch(/PRIVATE KEY/);
    const cfg = readConfig(p.config);
    expect(cfg).toMatchObject({ identity: 'spiffe://harbor.north.writ.test', level: LEVELS.restricted, kemAlg: 'ml-kem-1024', fixtureKeys: false });
  });

  it('refuses to overwrite an enclave without force (EXISTS)', async () => {
    const dir = init('harbor', 'north', 'restricted');
    expect(await code(() => initEnclave(dir, { enclave: 'harbor', region: 'north', domain: pki.domain, level: 'restricted', kemAlg: 'ml-kem-1024', now: NOW, rng }))).toBe('EXISTS');
  });
});

describe('enclave issue (regional authority)', () => {
  it('issues a bundle for an X-Wing enclave whose chain verifies as peers will see it', () => {
    const dir = init('orchard', 'south', 'internal', { kem: 'x-wing' });
    const b = issue(dir, 'south');
    expect(fs.readFileSync(path.join(b, SUMS), 'utf8').trim().split('\n')).toHaveLength(6);
    const checked = checkBundle(b, readConfig(enclavePaths(dir).config), [pki.root.cert], NOW);
    expect(checked.chain.map((c) => c.subject.text)[1]).toContain('orchard enclave CA');
  });

  it('refuses an enclave outside the region (NAME_CONSTRAINT) and a level the region does not serve (POLICY)', async () => {
    const stray = init('stray', 'south', 'internal');
    expect(await code(() => issue(stray, 'north'))).toBe('NAME_CONSTRAINT');
    const high = init('peak', 'south', 'restricted'); // south serves public and internal only
    expect(await code(() => issue(high, 'south'))).toBe('POLICY');
  });

  it('refuses a broken proof of possession (SIGNATURE) in each request', async () => {
    for (const f of ['ca.csr', 'signing.csr', 'kem.csr']) {
      const dir = init('harbor', 'north', 'restricted');
      const file = path.join(dir, 'request', f);
      const der = Buffer.from(fs.readFileSync(file, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
      der[der.length - 3]! ^= 0x01; // inside the signature
      fs.writeFileSync(file, pemEncode('CERTIFICATE REQUEST', new Uint8Array(der)));
      expect(await code(() => issue(dir, 'north')), f).toBe('SIGNATURE');
    }
  });

  it('refuses leaves not signed by the requested CA key (SIGNATURE) and a cert for another key (KEY_MISMATCH)', async () => {
    const a = init('harbor', 'north', 'restricted');
    const b = init('harbor', 'north', 'restricted');
    // b's signing.csr with a's signing.pem: the certificate is not for the key that proved possession.
    fs.copyFileSync(path.join(b, 'request', 'signing.csr'), path.join(a, 'request', 'signing.csr'));
    expect(await code(() => issue(a, 'north'))).toBe('KEY_MISMATCH');
    // All of b's signing material into c, whose CA key did not sign it.
    const c = init('harbor', 'north', 'restricted');
    for (const f of ['signing.csr', 'signing.pem', 'kem.csr', 'kem.pem']) fs.copyFileSync(path.join(b, 'request', f), path.join(c, 'request', f));
    expect(await code(() => issue(c, 'north'))).toBe('SIGNATURE');
  });

  it('refuses a profile that claims another enclave than the requests (IDENTITY)', async () => {
    const dir = init('harbor', 'north', 'restricted');
    const f = path.join(dir, 'request', 'enclave.json');
    const cfg = JSON.parse(fs.readFileSync(f, 'utf8'));
    fs.writeFileSync(f, JSON.stringify({ ...cfg, enclave: 'quay', identity: 'spiffe://quay.north.writ.test' }));
    expect(await code(() => issue(dir, 'north'))).toBe('IDENTITY');
  });

  it('refuses to issue while its own CRLs are stale (CRL_STALE)', async () => {
    const dir = init('harbor', 'north', 'restricted');
    expect(await code(() => issue(dir, 'north', LATER))).toBe('CRL_STALE');
  });
});

describe('enclave install', () => {
  it('installs atomically, audits, and the enclave then loads; status is clean', async () => {
    const pass = new TextEncoder().encode('install-pw');
    const dir = init('harbor', 'north', 'restricted', { pass });
    const pf = path.join(tmp, 'pass.txt');
    fs.writeFileSync(pf, 'install-pw\n');
    const b = issue(dir, 'north');
    const r = await installRun(ctx(), [b], { into: dir, passFile: pf });
    expect(r.data).toMatchObject({ identity: 'spiffe://harbor.north.writ.test', levelName: 'restricted' });
    const e = await loadEnclave(dir, { now: NOW, rng, passFile: pf });
    expect(e.profile.identity).toBe('spiffe://harbor.north.writ.test');
    e.wipe();
    const audit = verifyAuditDir(enclavePaths(dir), { enclave: 'spiffe://harbor.north.writ.test', signers: [e.signingCert] });
    expect(audit.ok).toBe(true);
    expect(fs.readFileSync(enclavePaths(dir).auditLog, 'utf8')).toContain('provisioning-bundle');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // no staging left behind
    const f = enclaveFacts(dir, NOW);
    expect(f.chainOk).toBe(true);
    expect(f.due).toEqual([]);
    expect(f.keys.every((k) => k.encrypted)).toBe(true);
    expect(statusText(f)).toContain('due       nothing');
  });

  it('refuses a bundle for another enclave (IDENTITY)', async () => {
    const a = init('harbor', 'north', 'restricted');
    const b = init('quay', 'north', 'restricted');
    expect(await code(() => installRun(ctx(), [issue(b, 'north')], { into: a }))).toBe('IDENTITY');
    expect(fs.existsSync(enclavePaths(a).chain)).toBe(false);
  });

  it('refuses a tampered bundle: changed, added or removed file (ARTIFACT_MISMATCH), changed manifest or signature (SIGNATURE)', async () => {
    const dir = init('harbor', 'north', 'restricted');
    const good = issue(dir, 'north');
    const cases: [string, (b: string) => void, string][] = [
      ['changed kem.pem', (b) => fs.appendFileSync(path.join(b, 'certs', 'kem.pem'), '\n'), 'ARTIFACT_MISMATCH'],
      ['added file', (b) => fs.writeFileSync(path.join(b, 'trust', 'crls', '99.crl'), 'x'), 'ARTIFACT_MISMATCH'],
      ['removed CRL', (b) => fs.rmSync(path.join(b, 'trust', 'crls', '01.crl')), 'ARTIFACT_MISMATCH'],
      [
        'manifest rewritten to match a swapped anchor',
        (b) => {
          const f = path.join(b, 'trust', 'anchors.pem');
          fs.writeFileSync(f, pemEncode('CERTIFICATE', pki.regions.south.ca.der));
          const sums = fs.readFileSync(path.join(b, SUMS), 'utf8').replace(/^[0-9a-f]{64}(?= {2}trust\/anchors\.pem$)/m, toHex(sha256(fs.readFileSync(f))));
          fs.writeFileSync(path.join(b, SUMS), sums);
        },
        'SIGNATURE',
      ],
      [
        'signature byte flipped',
        (b) => {
          const f = path.join(b, SUMS_SIG);
          const d = fs.readFileSync(f);
          d[d.length - 10]! ^= 1;
          fs.writeFileSync(f, d);
        },
        'SIGNATURE',
      ],
    ];
    for (const [name, tamper, want] of cases) {
      const b = copyDir(good, path.join(tmp, `tampered-${n++}`));
      tamper(b);
      expect(await code(() => installRun(ctx(), [b], { into: dir })), name).toBe(want);
    }
    expect(fs.existsSync(enclavePaths(dir).chain)).toBe(false);
    expect(await code(() => installRun(ctx(), [good], { into: dir }))).toBe('OK');
  });

  it('refuses a bundle whose CRL has expired (CRL_STALE)', async () => {
    const dir = init('harbor', 'north', 'restricted');
    expect(await code(() => installRun(ctx(LATER), [issue(dir, 'north')], { into: dir }))).toBe('CRL_STALE');
  });

  it('refuses a bundle that does not carry the pinned root (NO_PATH) and certificates for other keys (KEY_MISMATCH)', async () => {
    const other = buildFixturePki('another-root', NOW);
    const pinnedElsewhere = init('harbor', 'north', 'restricted', { root: other.root.der });
    expect(await code(() => installRun(ctx(), [issue(pinnedElsewhere, 'north')], { into: pinnedElsewhere }))).toBe('NO_PATH');
    const a = init('harbor', 'north', 'restricted');
    const b = init('harbor', 'north', 'restricted'); // same identity, different keys
    expect(await code(() => installRun(ctx(), [issue(a, 'north')], { into: b }))).toBe('KEY_MISMATCH');
  });

  it('rolls back when the post-install check fails', async () => {
    const dir = init('harbor', 'north', 'restricted');
    const b = checkBundle(issue(dir, 'north'), readConfig(enclavePaths(dir).config), [pki.root.cert], NOW);
    await expect(installBundle(dir, b, async () => Promise.reject(new WritError('KEY_MISMATCH', 'boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(enclavePaths(dir).chain)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('enclave status', () => {
  it('reports stale CRLs and renewal as due, and agreements in force', async () => {
    const dir = init('harbor', 'north', 'restricted');
    await installRun(ctx(), [issue(dir, 'north')], { into: dir });
    const stale = enclaveFacts(dir, LATER);
    expect(stale.crls.some((c) => !c.fresh)).toBe(true);
    expect(stale.due.some((d) => d.overdue && /fresh CRL/.test(d.what))).toBe(true);
    const old = enclaveFacts(dir, new Date(NOW.getTime() + 350 * 86_400_000));
    expect(old.due.some((d) => /renew the gateway-signing certificate/.test(d.what))).toBe(true);

    // A fixture pair with a countersigned agreement: status lists it in force.
    const h = writeEnclaveDir(pki, 'harbor', path.join(tmp, `fx-h-${n++}`));
    const hE = pki.enclaves.harbor;
    const oE = pki.enclaves.orchard;
    const a = makeAgreement({ parties: [`spiffe://${hE.host}`, `spiffe://${oE.host}`], layers: ['data'], scopes: ['weather'], levels: ['internal'], notBefore: NOW, notAfter: new Date(NOW.getTime() + 86_400_000 * 90) });
    let s = signAgreement(a, { party: `spiffe://${hE.host}`, signer: hE.signing.signer!, cert: hE.signing.cert, chain: [hE.ca.der, pki.regions.north.ca.der] });
    s = signAgreement(s, { party: `spiffe://${oE.host}`, signer: oE.signing.signer!, cert: oE.signing.cert, chain: [oE.ca.der, pki.regions.south.ca.der] });
    const state = loadPolicyState(h, { self: `spiffe://${hE.host}`, trust: { anchors: [{ cert: pki.root.cert }], now: NOW }, crossingAuthorities: [] });
    importSignedDocument(h, state, new TextEncoder().encode(encodeSignedDocument(s as never)), { self: `spiffe://${hE.host}`, trust: { anchors: [{ cert: pki.root.cert }], now: NOW }, crossingAuthorities: [] });
    const f = enclaveFacts(h.root, NOW);
    expect(f.agreements).toHaveLength(1);
    expect(f.agreements[0]).toMatchObject({ inForce: true, peer: `spiffe://${oE.host}`, layers: ['data'] });
    expect(statusText(f)).toContain('agreements 1 in force');
  });
});

describe('baseline', () => {
  const facts = (over: Partial<BaselineFacts> = {}): BaselineFacts => ({
    identity: 'spiffe://harbor.north.writ.test',
    level: LEVELS.restricted,
    kemAlg: 'ml-kem-1024',
    fixtureKeys: false,
    signatureAlgorithms: ['ML-DSA-65', 'ML-DSA-87'],
    validityDays: [{ role: 'enclave-ca', days: 1825 }],
    keys: [{ role: 'kem', encrypted: true }],
    crls: [{ issuer: 'north', fresh: true }],
    agreementLayers: [],
    partnerAnchors: [],
    chainOk: true,
    ...over,
  });

  it('lists every departure, and a waiver allows exactly the departure it names', () => {
    const b = defaultBaseline('t', NOW);
    expect(diffBaseline(b, facts())).toEqual([]);
    const bad = facts({ kemAlg: 'ml-kem-768', level: LEVELS.public, validityDays: [{ role: 'gateway-signing', days: 800 }], keys: [{ role: 'kem', encrypted: false }], crls: [{ issuer: 'north', fresh: false }], agreementLayers: [{ id: 'agr-1', layers: ['identity', 'data'] }], partnerAnchors: [{ id: 'p1' }], signatureAlgorithms: ['ML-DSA-44'], fixtureKeys: true, chainOk: false });
    const d = diffBaseline(b, bad);
    expect(d.map((x) => x.rule).sort()).toEqual(['chain', 'crlFresh', 'encryptedKeys', 'fixtureKeys', 'kemAlgorithms', 'layers', 'levels', 'maxValidityDays', 'partnerAnchors', 'signatureAlgorithms']);
    expect(d.every((x) => !x.allowed)).toBe(true);
    const waived = diffBaseline({ ...b, waivers: [{ rule: 'layers', subject: 'layer:identity', reason: 'directory sync with orchard, ticket 42' }] }, bad);
    expect(waived.filter((x) => x.allowed).map((x) => x.subject)).toEqual(['layer:identity']);
  });

  it('refuses malformed baselines (PARSE)', () => {
    const b = defaultBaseline('t', NOW);
    expect(() => parseBaseline({ ...b, rules: { ...b.rules, surprise: 1 } })).toThrow(/unknown rule/);
    expect(() => parseBaseline({ ...b, rules: { ...b.rules, fixtureKeys: true } })).toThrow(WritError);
    expect(() => parseBaseline({ ...b, waivers: [{ rule: 'layers', subject: '*' }] })).toThrow(/waiver/);
  });

  it('diff: clean enclave 0 departures; edited baseline SIGNATURE; a non-authority signer refused', async () => {
    const dir = init('harbor', 'north', 'restricted');
    await installRun(ctx(), [issue(dir, 'north')], { into: dir });
    const ba = baselineAuthority('provisioning-test', NOW);
    const baPem = path.join(tmp, 'ba.pem');
    fs.writeFileSync(baPem, pemEncode('CERTIFICATE', ba.der));
    const file = path.join(tmp, 'baseline.signed.json');
    fs.writeFileSync(file, signBaseline(defaultBaseline('t', NOW), { signer: ba.signer, cert: parseCertificate(ba.der) }));
    // keys were written unencrypted in this test: exactly those three departures
    const r = diffEnclave(dir, file, baPem, NOW);
    expect(r.departures.map((d) => d.subject)).toEqual(['key:enclave-ca', 'key:gateway-signing', 'key:kem']);
    expect(r.notAllowed).toBe(3);
    const edited = path.join(tmp, 'baseline.edited.json');
    fs.writeFileSync(edited, fs.readFileSync(file, 'utf8').replace('"encryptedKeys":true', '"encryptedKeys":false'));
    expect(await code(() => diffEnclave(dir, edited, baPem, NOW))).toBe('SIGNATURE');
    const other = baselineAuthority('someone-else', NOW);
    const foreign = path.join(tmp, 'baseline.foreign.json');
    fs.writeFileSync(foreign, signBaseline(defaultBaseline('t', NOW), { signer: other.signer, cert: parseCertificate(other.der) }));
    expect(await code(() => diffEnclave(dir, foreign, baPem, NOW))).toBe('NO_PATH');
  });
});

describe('the shipped example baseline', () => {
  it('docs/examples/enclave-baseline.json parses, with level names mapped to OIDs', () => {
    const b = parseBaseline(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docs/examples/enclave-baseline.json'), 'utf8')));
    expect(b.rules.levels).toEqual([LEVELS.internal, LEVELS.restricted]);
    expect(b.waivers).toHaveLength(1);
  });
});
