// Tests for src/link: the link identity (workload profile, <enclave id>/link), loading a side, feature detection, and the rendered TLS configurations.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asyncErrCode } from '../helpers/index.js';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { verify } from '../../src/core/verify/verify.js';
import { EKU } from '../../src/core/asn1/oids.js';
import { readCerts } from '../../src/cli/load.js';
import { linkPaths, loadLinkSide, writeLinkFixture } from '../../src/link/identity.js';
import { linkSupport, requireLinkSupport, unsupportedMessage, LINK_GROUP } from '../../src/link/platform.js';
import { renderLinkConfig, type LinkConfigInput } from '../../src/link/config.js';
import { runLinkCheck } from '../../src/link/check.js';
import { WritError } from '../../src/core/errors.js';
import { pemDecodeAll, pemEncode } from '../../src/core/asn1/pem.js';
import { encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { seededRng } from '../../src/fixtures/drbg.js';

const NOW = new Date('2026-06-01T12:00:00Z');
let pki: FixturePki;
let tmp: string;

const asyncCode = asyncErrCode;

beforeAll(() => {
  pki = buildFixturePki('link-unit', NOW);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-link-'));
  for (const n of ['harbor', 'orchard'] as const) {
    writeEnclaveDir(pki, n, path.join(tmp, n));
    writeLinkFixture(pki, n, path.join(tmp, n));
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('link identity', () => {
  test('the link certificate is a workload leaf for <enclave id>/link that writ verifies for serverAuth and clientAuth', () => {
    const chain = readCerts(linkPaths(path.join(tmp, 'harbor')).chain);
    expect(chain).toHaveLength(3);
    const anchors = [{ cert: pki.root.cert }];
    for (const purpose of [EKU.serverAuth, EKU.clientAuth]) {
      const v = verify({ leaf: chain[0]!, untrusted: chain.slice(1) }, anchors, { now: NOW, purpose, keyUsage: ['digitalSignature'], identity: 'spiffe://harbor.north.writ.test/link' });
      expect(v.errors).toEqual([]);
      expect(v.ok).toBe(true);
      expect([v.enclave, v.region, v.levelName]).toEqual(['harbor', 'north', 'restricted']);
    }
  });

  test('why not the gateway signing certificate: writ refuses it as a TLS leaf (EKU)', () => {
    const e = pki.enclaves.harbor;
    const v = verify({ leaf: e.signing.cert, untrusted: [e.ca.cert, pki.regions.north.ca.cert] }, [{ cert: pki.root.cert }], { now: NOW, purpose: EKU.serverAuth });
    expect(v.ok).toBe(false);
    expect(v.errors.map((x) => x.code)).toContain('EKU');
  });

  test('the fixture link identity is deterministic', () => {
    const other = path.join(tmp, 'again');
    writeEnclaveDir(pki, 'harbor', other);
    writeLinkFixture(pki, 'harbor', other);
    expect(fs.readFileSync(linkPaths(other).chain)).toEqual(fs.readFileSync(linkPaths(path.join(tmp, 'harbor')).chain));
    expect((fs.statSync(linkPaths(other).key).mode & 0o777).toString(8)).toBe('600');
  });

  test('loadLinkSide reads the chain, key, anchors and CRLs and expects <enclave id>/link', async () => {
    const s = await loadLinkSide(path.join(tmp, 'orchard'));
    try {
      expect(s.expectedIdentity).toBe('spiffe://orchard.south.writ.test/link');
      expect(s.chain).toHaveLength(3);
      expect(s.anchors).toHaveLength(1);
      expect(s.crls.length).toBeGreaterThan(0);
      expect(s.keyPem.toString('latin1')).toContain('BEGIN PRIVATE KEY');
    } finally {
      s.wipe();
    }
    expect(s.keyPem.every((b) => b === 0)).toBe(true);
  });

  test('reads an encrypted link key with its passphrase file, and asks for one without it (USAGE, no terminal)', async () => {
    const enc = path.join(tmp, 'encrypted');
    writeEnclaveDir(pki, 'orchard', enc);
    writeLinkFixture(pki, 'orchard', enc);
    const lp = linkPaths(enc);
    const der = pemDecodeAll(fs.readFileSync(lp.key, 'latin1'))[0]!.der;
    const pass = new TextEncoder().encode('link passphrase');
    fs.writeFileSync(lp.key, pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(der, pass, { kdf: 'pbkdf2', rng: seededRng('link-enc') })));
    fs.writeFileSync(path.join(tmp, 'link.pass'), 'link passphrase\n');
    const s = await loadLinkSide(enc, { passFile: path.join(tmp, 'link.pass') });
    expect(s.chain[0]!.spki.publicKey).toEqual((await loadLinkSide(path.join(tmp, 'orchard'))).chain[0]!.spki.publicKey);
    s.wipe();
    expect(await asyncCode(loadLinkSide(enc))).toBe('USAGE');
  });

  test('refuses a link key that is not the link certificate\'s (KEY_MISMATCH), and a directory without a link identity (IO)', async () => {
    const mixed = path.join(tmp, 'mixed');
    writeEnclaveDir(pki, 'harbor', mixed);
    writeLinkFixture(pki, 'harbor', mixed);
    fs.copyFileSync(linkPaths(path.join(tmp, 'orchard')).key, linkPaths(mixed).key);
    expect(await asyncCode(loadLinkSide(mixed))).toBe('KEY_MISMATCH');
    const bare = path.join(tmp, 'bare');
    writeEnclaveDir(pki, 'orchard', bare);
    expect(await asyncCode(loadLinkSide(bare))).toBe('IO');
    expect(await asyncCode(loadLinkSide(path.join(tmp, 'nowhere')))).toBe('IO');
  });
});

describe('platform detection', () => {
  const s = linkSupport();
  test('reports what is missing in words, by trying the features (not the version)', () => {
    expect(s.node).toBe(process.version);
    if (s.ok) {
      expect(s.missing).toEqual([]);
      expect(requireLinkSupport().ok).toBe(true);
    } else {
      expect(s.missing.length).toBeGreaterThan(0);
      const m = unsupportedMessage(s);
      expect(m).toMatch(/cannot run a post-quantum TLS link/);
      expect(m).toContain('Node.js 26');
      let code: string | undefined;
      try {
        requireLinkSupport();
      } catch (e) {
        code = (e as WritError).code;
      }
      expect(code).toBe('UNSUPPORTED_PLATFORM');
    }
  });

  test.runIf(!s.ok)(`on this Node.js (${process.version}) without the group, runLinkCheck refuses with UNSUPPORTED_PLATFORM before any socket`, async () => {
    expect(s.missing.join(' ')).toContain(LINK_GROUP);
    const a = await loadLinkSide(path.join(tmp, 'harbor'));
    const b = await loadLinkSide(path.join(tmp, 'orchard'));
    try {
      expect(await asyncCode(runLinkCheck(a, b, { now: NOW }))).toBe('UNSUPPORTED_PLATFORM');
    } finally {
      a.wipe();
      b.wipe();
    }
  });

  test.runIf(s.ok)(`on this Node.js (${process.version}) the in-process check negotiates ${LINK_GROUP}`, async () => {
    const a = await loadLinkSide(path.join(tmp, 'harbor'));
    const b = await loadLinkSide(path.join(tmp, 'orchard'));
    try {
      const r = await runLinkCheck(a, b, { now: NOW });
      expect(r.ok).toBe(true);
      expect(r.group).toBe(LINK_GROUP);
    } finally {
      a.wipe();
      b.wipe();
    }
  });
});

describe('link config', () => {
  const input: LinkConfigInput = {
    enclave: 'spiffe://harbor.north.writ.test',
    identity: 'spiffe://harbor.north.writ.test/link',
    certificate: '/srv/harbor/certs/link.pem',
    key: '/srv/harbor/keys/link.key',
    anchors: '/srv/harbor/trust/anchors.pem',
    crls: ['/srv/harbor/trust/crls/00.crl', '/srv/harbor/trust/crls/01.crl'],
    encryptedKey: true,
  };

  test('openssl: SSL_CONF section with TLS 1.3 only, the one group, ML-DSA sigalgs, cert, key, anchors and required peer verification', () => {
    const t = renderLinkConfig('openssl', input);
    for (const line of [
      'openssl_conf = writ_link_init',
      'MinProtocol = TLSv1.3',
      'MaxProtocol = TLSv1.3',
      'Groups = X25519MLKEM768',
      'SignatureAlgorithms = mldsa65:mldsa87:mldsa44',
      'Certificate = /srv/harbor/certs/link.pem',
      'PrivateKey = /srv/harbor/keys/link.key',
      'VerifyMode = Peer,Require',
      'VerifyCAFile = /srv/harbor/trust/anchors.pem',
    ]) {
      expect(t.split('\n')).toContain(line);
    }
    expect(t).toContain('/srv/harbor/trust/crls/01.crl');
    expect(t).toContain('spiffe://harbor.north.writ.test/link');
    expect(t).not.toMatch(/TLSv1\.2/);
  });

  test('nginx: server block with TLS 1.3 only, the one group, client verification against the anchors, and outbound proxy_ssl settings', () => {
    const t = renderLinkConfig('nginx', input);
    for (const re of [
      /^ {4}ssl_protocols +TLSv1\.3;$/m,
      /^ {4}ssl_ecdh_curve +X25519MLKEM768;$/m,
      /^ {4}ssl_certificate +\/srv\/harbor\/certs\/link\.pem;$/m,
      /^ {4}ssl_certificate_key +\/srv\/harbor\/keys\/link\.key;$/m,
      /^ {4}ssl_client_certificate +\/srv\/harbor\/trust\/anchors\.pem;$/m,
      /^ {4}ssl_verify_client +on;$/m,
      /^ {4}ssl_password_file /m,
      /^ {8}proxy_ssl_protocols +TLSv1\.3;$/m,
      /^ {8}proxy_ssl_conf_command +Groups X25519MLKEM768;$/m,
      /^ {8}proxy_ssl_verify +on;$/m,
    ]) {
      expect(t).toMatch(re);
    }
    expect(t.split('{').length).toBe(t.split('}').length);
    expect(renderLinkConfig('nginx', { ...input, encryptedKey: false })).not.toContain('ssl_password_file');
  });
});
