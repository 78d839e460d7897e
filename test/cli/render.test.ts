// Tests for src/cli/render.ts: hex, fingerprints, JSON conversion and verify-result rendering.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { fingerprint, hexColon, verifyJson, verifyText, renderGeneralName, policyName } from '../../src/cli/render.js';
import { toJson } from '../../src/cli/context.js';
import { bytesToWords } from '../../src/core/words.js';
import { LEVELS } from '../../src/core/policy/levels.js';
import type { VerifyResult } from '../../src/core/verify/types.js';

describe('render helpers', () => {
  it('formats hex with colons, padding odd-length serials', () => {
    expect(hexColon(new Uint8Array([0xab, 0x01, 0xff]))).toBe('ab:01:ff');
    expect(hexColon('abc')).toBe('0a:bc');
    expect(hexColon('')).toBe('');
  });

  it('fingerprints are SHA-256 hex plus the same digest as 26 words in groups', () => {
    const der = new Uint8Array([0x30, 0x00]);
    const fp = fingerprint(der);
    const digest = createHash('sha256').update(der).digest();
    expect(fp.sha256).toBe(digest.toString('hex'));
    expect(fp.words.join(' ').split(' ')).toEqual(bytesToWords(digest));
  });

  it('toJson turns bytes into hex and bigints into decimal strings and drops undefined', () => {
    expect(JSON.parse(toJson({ a: new Uint8Array([1, 255]), b: 12345678901234567890n, c: undefined }))).toEqual({
      a: '01ff',
      b: '12345678901234567890',
    });
  });

  it('names levels and general names', () => {
    expect(policyName(LEVELS.restricted)).toContain('restricted');
    expect(policyName('2.5.29.32.0')).toBe('anyPolicy');
    expect(renderGeneralName({ type: 'uri', value: 'spiffe://a.b.c/x' })).toBe('URI:spiffe://a.b.c/x');
    expect(renderGeneralName({ type: 'ip', value: new Uint8Array([10, 0, 0, 1]) })).toBe('IP:10.0.0.1');
  });
});

describe('verify result rendering', () => {
  const path = [
    { subject: 'CN=wl', issuer: 'CN=ca', serial: '01', fingerprint: 'ab'.repeat(32), notAfter: '2027-01-01T00:00:00Z', trustAnchor: false },
    { subject: 'CN=root', issuer: 'CN=root', serial: '02', fingerprint: 'cd'.repeat(32), notAfter: '2036-01-01T00:00:00Z', trustAnchor: true },
  ];
  const good: VerifyResult = {
    ok: true,
    path,
    identity: 'spiffe://alpha.north.writ.example/api',
    enclave: 'alpha',
    region: 'north',
    level: LEVELS.restricted,
    levelName: 'restricted',
    steps: [{ name: 'signatures', ok: true }],
    errors: [],
  };
  const bad: VerifyResult = {
    ok: false,
    path,
    steps: [{ name: 'revocation', ok: false }],
    errors: [{ code: 'REVOKED', cert: 'CN=ca', message: 'revoked (keyCompromise)' }],
  };

  it('has the issue-2 JSON shape', () => {
    const j = verifyJson(good);
    for (const k of ['ok', 'path', 'identity', 'enclave', 'region', 'level', 'errors']) expect(j).toHaveProperty(k);
    expect(j.ok).toBe(true);
    const b = verifyJson(bad);
    expect(b.ok).toBe(false);
    expect(b.identity).toBeNull();
    expect(b.errors).toEqual([{ code: 'REVOKED', cert: 'CN=ca', message: 'revoked (keyCompromise)' }]);
  });

  it('text says VALID with what was proved, or INVALID with each code', () => {
    const t = verifyText(good);
    expect(t.split('\n')[0]).toBe('VALID');
    expect(t).toContain('spiffe://alpha.north.writ.example/api');
    expect(t).toContain('restricted');
    expect(t).toContain('[trust anchor]');
    const u = verifyText(bad);
    expect(u.split('\n')[0]).toBe('INVALID: REVOKED');
    expect(u).toContain('REVOKED: CN=ca: revoked (keyCompromise)');
  });
});

describe('rendering real certificates (fixture PKI)', async () => {
  const { buildFixturePki } = await import('../../src/fixtures/pki.js');
  const { certText, certJson, crlText, keyText } = await import('../../src/cli/render.js');
  const pki = buildFixturePki('render-test', new Date('2026-06-01T00:00:00Z'));
  const harbor = pki.enclaves.harbor;

  it('shows a regional CA like openssl x509 -text, with its constraints and levels', () => {
    const t = certText(pki.regions.north.ca.cert);
    for (const s of ['Certificate:', 'Version: 3', 'Signature algorithm: ML-DSA-87', 'Subject: ', 'basicConstraints (critical): CA:TRUE, pathlen:1', 'keyUsage (critical): keyCertSign, cRLSign', 'nameConstraints (critical): permitted URI:.north.writ.test', 'level restricted', 'Fingerprint SHA-256:']) {
      expect(t).toContain(s);
    }
  });

  it('JSON carries the decoded fields and fingerprints but never key material', () => {
    const j = certJson(harbor.workload.cert);
    expect(j).toMatchObject({ kind: 'certificate', subjectAltNames: [{ type: 'uri', value: harbor.identity }], basicConstraints: { ca: false } });
    const s = JSON.stringify(j);
    expect(s).not.toContain(Buffer.from(harbor.workload.key.seed).toString('hex'));
    expect(keyText({ kind: 'private-key', algorithm: 'ml-dsa-65', form: 'seed', spki: harbor.workload.key.spki })).not.toContain(
      Buffer.from(harbor.workload.key.seed).toString('hex'),
    );
  });

  it('lists revoked serials with reasons', () => {
    const t = crlText(pki.northCrlRevokingHarbor.crl);
    expect(t).toContain('Revoked certificates (1):');
    expect(t).toContain('keyCompromise');
  });
});
