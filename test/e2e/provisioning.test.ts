// End-to-end provisioning (issue 5) through the built CLI: enclave init -> issue -> install, status, baseline new/sign/diff, trust add/check/list with a classical partner PKI, and the refusals with their codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeRegionalDir } from '../../src/demo/provisioning.js';
import { keyPairFromSeed, signerFromSeed } from '../../src/core/crypto/keys.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { encodeSpki } from '../../src/core/asn1/spki.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { issueCertificate } from '../../src/core/x509/issue.js';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import { runWrit, seededRng, type Run } from '../helpers/index.js';
import { buildPartnerPki, hasOpenssl } from '../enclave/provisioning-partner.js';

// Real clock (the classical partner certificates are made by openssl now); every command gets --at.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
const AT = iso(new Date(NOW.getTime() + 3_600_000));
const LATER = iso(new Date(NOW.getTime() + 40 * 86_400_000));
let dir = '';
let pki: FixturePki;

function writ(...args: string[]): Run {
  return runWrit(args, { cwd: dir });
}

/** Runs with --json and returns the error code (or "OK"). */
function codeOf(...args: string[]): string {
  const r = writ(...args, '--json');
  const j = r.json();
  return j.ok ? 'OK' : (j.error?.code ?? `exit ${String(r.code)}`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-e2e-prov-'));
  pki = buildFixturePki('e2e-provisioning', NOW);
  const rng = seededRng('e2e-provisioning');
  fs.writeFileSync(path.join(dir, 'pass.txt'), 'e2e passphrase\n');
  const pass = new TextEncoder().encode('e2e passphrase');
  writeRegionalDir(pki, 'north', path.join(dir, 'north'), { pass, rng });
  writeRegionalDir(pki, 'south', path.join(dir, 'south'), { pass, rng });
  fs.writeFileSync(path.join(dir, 'root.pem'), pemEncode('CERTIFICATE', pki.root.der));
  // A baseline authority key and self-signed certificate.
  const kp = keyPairFromSeed('ml-dsa-87', drbgBytes('e2e', 'baseline-authority', 32));
  const signer = signerFromSeed('ml-dsa-87', kp.seed);
  fs.writeFileSync(path.join(dir, 'ba.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', kp.seed)), { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'ba.pem'),
    pemEncode('CERTIFICATE', issueCertificate({ profile: 'root', issuerSigner: signer, subjectSpki: encodeSpki('ml-dsa-87', kp.publicKey), subject: 'O=writ.test, CN=baseline authority', notBefore: new Date(NOW.getTime() - 86_400_000) }, { now: NOW, rng })),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writ enclave: init -> issue -> install -> status -> diff', () => {
  it('provisions an enclave and refuses every bad case with its code', () => {
    // init refuses unencrypted keys without the explicit flag
    expect(codeOf('enclave', 'init', '--id', 'quay', '--region', 'north', '--level', 'internal', '--anchor', 'root.pem', '--out', 'nopass', '--at', AT)).toBe('INSECURE');
    const init = writ('enclave', 'init', '--id', 'quay', '--region', 'north', '--level', 'internal', '--anchor', 'root.pem', '--out', 'quay', '--pass-file', 'pass.txt', '--at', AT, '--json');
    expect(init.code).toBe(0);
    expect(init.json()).toMatchObject({ ok: true, identity: 'spiffe://quay.north.writ.test', levelName: 'internal', kemAlg: 'ml-kem-1024', encrypted: true });
    expect(init.stdout).not.toMatch(/PRIVATE KEY|passphrase/);
    expect(codeOf('enclave', 'init', '--id', 'quay', '--region', 'north', '--level', 'internal', '--anchor', 'root.pem', '--out', 'quay', '--pass-file', 'pass.txt')).toBe('EXISTS');
    writ('enclave', 'init', '--id', 'dock', '--region', 'north', '--level', 'internal', '--domain', 'writ.test', '--kem', 'x-wing', '--anchor', 'root.pem', '--out', 'dock', '--pass-file', 'pass.txt', '--at', AT);
    writ('enclave', 'init', '--id', 'stray', '--region', 'south', '--level', 'internal', '--anchor', 'root.pem', '--out', 'stray', '--pass-file', 'pass.txt', '--at', AT);
    writ('enclave', 'init', '--id', 'peak', '--region', 'south', '--level', 'restricted', '--anchor', 'root.pem', '--out', 'peak', '--pass-file', 'pass.txt', '--at', AT);

    // issue
    expect(codeOf('enclave', 'issue', '--ca-dir', 'north', '--request', 'stray/request', '--out', 'stray-bundle', '--pass-file', 'pass.txt', '--at', AT)).toBe('NAME_CONSTRAINT');
    expect(codeOf('enclave', 'issue', '--ca-dir', 'south', '--request', 'peak/request', '--out', 'peak-bundle', '--pass-file', 'pass.txt', '--at', AT)).toBe('POLICY');
    expect(codeOf('enclave', 'issue', '--ca-dir', 'north', '--request', 'quay/request', '--out', 'late-bundle', '--pass-file', 'pass.txt', '--at', LATER)).toBe('CRL_STALE');
    const issued = writ('enclave', 'issue', '--ca-dir', 'north', '--request', 'quay/request', '--out', 'quay-bundle', '--pass-file', 'pass.txt', '--at', AT);
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain('issued   enclave CA for spiffe://quay.north.writ.test at internal');
    expect(writ('enclave', 'issue', '--ca-dir', 'north', '--request', 'dock/request', '--out', 'dock-bundle', '--pass-file', 'pass.txt', '--at', AT).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'quay-bundle', 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}certs\/chain\.pem$/m);

    // install refusals, then success
    expect(codeOf('enclave', 'install', 'dock-bundle', '--into', 'quay', '--pass-file', 'pass.txt', '--at', AT)).toBe('IDENTITY');
    fs.cpSync(path.join(dir, 'quay-bundle'), path.join(dir, 'tampered'), { recursive: true });
    fs.appendFileSync(path.join(dir, 'tampered', 'enclave.json'), ' ');
    expect(codeOf('enclave', 'install', 'tampered', '--into', 'quay', '--pass-file', 'pass.txt', '--at', AT)).toBe('ARTIFACT_MISMATCH');
    fs.cpSync(path.join(dir, 'quay-bundle'), path.join(dir, 'resigned'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'resigned', 'SHA256SUMS.p7s'), fs.readFileSync(path.join(dir, 'dock-bundle', 'SHA256SUMS.p7s')));
    expect(codeOf('enclave', 'install', 'resigned', '--into', 'quay', '--pass-file', 'pass.txt', '--at', AT)).toBe('SIGNATURE');
    expect(codeOf('enclave', 'install', 'quay-bundle', '--into', 'quay', '--pass-file', 'pass.txt', '--at', LATER)).toBe('CRL_STALE');
    expect(fs.existsSync(path.join(dir, 'quay', 'certs'))).toBe(false);
    const inst = writ('enclave', 'install', 'quay-bundle', '--into', 'quay', '--pass-file', 'pass.txt', '--at', AT);
    expect(inst.code).toBe(0);
    expect(inst.stdout).toContain('installed spiffe://quay.north.writ.test at internal');
    expect(writ('audit', 'verify', 'quay', '--json').json()).toMatchObject({ ok: true });

    // status
    const st = writ('enclave', 'status', 'quay', '--at', AT);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/chain {5}verifies/);
    expect(st.stdout).toContain('due       nothing');
    const stale = writ('enclave', 'status', 'quay', '--at', LATER, '--json');
    expect(stale.code).toBe(1);
    expect(stale.json().due.some((d: { what: string }) => /fresh CRL/.test(d.what))).toBe(true);

    // baseline: new, sign, diff (clean), a stricter one (departs, exit 1), with a waiver (exit 0)
    expect(writ('enclave', 'baseline', 'new', '--name', 'north 2026', '--out', 'baseline.json').code).toBe(0);
    expect(writ('enclave', 'baseline', 'sign', 'baseline.json', '--key', 'ba.key', '--cert', 'ba.pem', '--out', 'baseline.signed.json').code).toBe(0);
    const clean = writ('enclave', 'diff', 'quay', '--baseline', 'baseline.signed.json', '--authority', 'ba.pem', '--at', AT);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('no departures');
    const strict = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    strict.rules.levels = ['restricted'];
    strict.rules.maxValidityDays['gateway-signing'] = 180;
    fs.writeFileSync(path.join(dir, 'strict.json'), JSON.stringify(strict));
    writ('enclave', 'baseline', 'sign', 'strict.json', '--key', 'ba.key', '--cert', 'ba.pem', '--out', 'strict.signed.json');
    const departs = writ('enclave', 'diff', 'quay', '--baseline', 'strict.signed.json', '--authority', 'ba.pem', '--at', AT);
    expect(departs.code).toBe(1);
    expect(departs.stdout).toMatch(/DEPARTS {2}levels +level:internal/);
    expect(departs.stdout).toMatch(/DEPARTS {2}maxValidityDays +cert:gateway-signing/);
    expect(departs.stdout).toContain('2 departure(s), 2 not allowed');
    strict.waivers = [{ rule: 'levels', subject: 'level:internal', reason: 'quay serves internal by design' }, { rule: 'maxValidityDays', subject: '*', reason: 'annual renewal accepted until 2027' }];
    fs.writeFileSync(path.join(dir, 'waived.json'), JSON.stringify(strict));
    writ('enclave', 'baseline', 'sign', 'waived.json', '--key', 'ba.key', '--cert', 'ba.pem', '--out', 'waived.signed.json');
    const waived = writ('enclave', 'diff', 'quay', '--baseline', 'waived.signed.json', '--authority', 'ba.pem', '--at', AT);
    expect(waived.code).toBe(0);
    expect(waived.stdout).toContain('2 departure(s), all allowed');
    fs.writeFileSync(path.join(dir, 'edited.signed.json'), fs.readFileSync(path.join(dir, 'strict.signed.json'), 'utf8').replace('"gateway-signing":180', '"gateway-signing":400'));
    expect(codeOf('enclave', 'diff', 'quay', '--baseline', 'edited.signed.json', '--authority', 'ba.pem', '--at', AT)).toBe('SIGNATURE');
  });
});

describe.skipIf(!hasOpenssl())('writ trust: a classical partner PKI, constrained', () => {
  it('admits the partner root inside its constraints only, and detects an edited store', () => {
    const partner = buildPartnerPki(path.join(dir, 'partner'));
    const add = writ('trust', 'add', '--anchor', partner.root, '--permit-uri', '.cards.partner.example', '--levels', 'internal', '--max-path', '1', '--as', 'quay', '--pass-file', 'pass.txt', '--at', AT);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('uris .cards.partner.example; levels internal; max path 1');
    expect(codeOf('trust', 'check', partner.leaves.inside, '--untrusted', partner.issuing, '--as', 'quay', '--at', AT)).toBe('OK');
    const out = writ('trust', 'check', partner.leaves.outsideName, '--untrusted', partner.issuing, '--as', 'quay', '--at', AT, '--json');
    expect(out.code).toBe(1);
    expect(out.json().errors[0].code).toBe('NAME_CONSTRAINT');
    expect(writ('trust', 'check', partner.leaves.restricted, '--untrusted', partner.issuing, '--as', 'quay', '--at', AT, '--json').json().errors[0].code).toBe('POLICY');
    expect(writ('trust', 'list', '--as', 'quay').stdout).toMatch(/partner {2}[0-9a-f]{16} {2}O=Partner Cards, CN=Partner Cards Root/);
    const f = path.join(dir, 'quay', 'trust', 'partners.json');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"maxPathLen":1', '"maxPathLen":8'));
    expect(codeOf('trust', 'list', '--as', 'quay')).toBe('SIGNATURE');
    expect(codeOf('enclave', 'status', 'quay', '--at', AT)).not.toBe('OK');
  });
});
