// Tests of the low-level CLI handlers `writ envelope open --key` (open-raw.ts) and `writ envelope verify` (verify.ts), called directly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { sealAuthEnveloped } from '../../src/core/cms/enveloped.js';
import { signCms } from '../../src/core/cms/signed-data.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { run as openRaw } from '../../src/cli/commands/envelope/open-raw.js';
import { run as verifyRun } from '../../src/cli/commands/envelope/verify.js';
import type { Ctx } from '../../src/cli/context.js';
import { requireVectors, seededRng } from '../helpers/index.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const enc = new TextEncoder();
let pki: FixturePki;
let dir: string;
const notes: string[] = [];
const ctx: Ctx = { json: false, note: (m) => notes.push(m), now: () => NOW, rng: seededRng('cli') };

beforeAll(() => {
  pki = buildFixturePki('cli-raw', NOW);
  dir = mkdtempSync(path.join(tmpdir(), 'writ-h4-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const put = (name: string, data: Uint8Array | string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

describe('envelope open --key', () => {
  it('decrypts a writ AuthEnvelopedData (PEM "CMS") with a PKCS#8 key and reports the algorithms', async () => {
    const kem = pki.enclaves.harbor.kem;
    const env = sealAuthEnveloped({ content: enc.encode('hello raw open'), recipient: kem.cert, rng: seededRng('e') });
    const file = put('e1.pem', pemEncode('CMS', env));
    const key = put('kem.key', pemEncode('PRIVATE KEY', encodePrivateKey('ml-kem-1024', kem.key.seed)));
    const cert = put('kem.pem', pemEncode('CERTIFICATE', kem.der));
    const r = await openRaw(ctx, [file], { key, cert });
    expect(r.exitCode ?? 0).toBe(0);
    expect(r.data).toMatchObject({ structure: 'AuthEnvelopedData', contentTypeName: 'id-data', contentText: 'hello raw open', contentLength: 14 });
    expect(r.data.algorithms).toMatchObject({ kem: 'ML-KEM-1024', kdf: 'HKDF-SHA256', wrap: 'AES-256-WRAP', contentEncryption: 'AES-256-GCM' });
    expect(r.text).toContain('hello raw open');
    const out = path.join(dir, 'out.bin');
    const r2 = await openRaw(ctx, [file], { key, out });
    expect(r2.data.out).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe('hello raw open');
    expect(await errCodeAsync(() => openRaw(ctx, [file], { key, out }))).toBe('EXISTS');
  });

  it('wrong key -> DECRYPT; key not matching --cert -> KEY_MISMATCH', async () => {
    const env = sealAuthEnveloped({ content: enc.encode('x'), recipient: pki.enclaves.harbor.kem.cert, rng: seededRng('f') });
    const file = put('e2.der', env);
    const other = put('other.key', encodePrivateKey('ml-kem-1024', new Uint8Array(64).fill(1)));
    expect(await errCodeAsync(() => openRaw(ctx, [file], { key: other }))).toBe('DECRYPT');
    const cert = put('kem2.pem', pemEncode('CERTIFICATE', pki.enclaves.harbor.kem.der));
    expect(await errCodeAsync(() => openRaw(ctx, [file], { key: other, cert }))).toBe('KEY_MISMATCH');
  });

  const vec = requireVectors('pqc-certificates');
  it.skipIf(vec === undefined)('decrypts a CryptoNext ML-KEM-512 EnvelopedData with its expandedKey-form key (cms_v3)', async () => {
    const d = path.join(vec!, 'cms_v3', 'cryptonext');
    const r = await openRaw(ctx, [path.join(d, 'ML-KEM-512-2.16.840.1.101.3.4.4.1_kemri_ukm.der')], {
      key: path.join(d, 'ML-KEM-512-2.16.840.1.101.3.4.4.1_expandedkey_priv.der'),
      cert: path.join(d, 'ML-KEM-512-2.16.840.1.101.3.4.4.1_ee.der'),
    });
    expect(r.data.contentText).toBe(readFileSync(path.join(d, 'expected_plaintext.txt'), 'utf8'));
    expect(r.data.algorithms).toMatchObject({ structure: 'EnvelopedData', kem: 'ML-KEM-512', ukm: '34 bytes', contentEncryption: 'AES-256-CBC' });
    expect(notes.some((n) => n.includes('no integrity protection'))).toBe(true);
  });
});

describe('envelope verify', () => {
  it('valid with the root as trust anchor (chain built from the embedded certificates); detached via --content', () => {
    const s = pki.enclaves.harbor.signing;
    const e = pki.enclaves.harbor;
    const regional = pki.regions.north.ca.der;
    const content = enc.encode('signed doc');
    const sd = put('s1.p7s', signCms({ content, signers: [{ signer: s.signer!, cert: s.cert }], certificates: [e.ca.der, regional], signingTime: NOW }));
    const root = put('root.pem', pemEncode('CERTIFICATE', pki.root.der));
    const r = verifyRun(ctx, [sd], { trust: [root] });
    expect(r.exitCode).toBe(0);
    expect(r.data.valid).toBe(true);
    const signers = r.data.signers as { chain: { ok: boolean; identity?: string }; signatureAlgorithm: string; digestAlgorithm: string }[];
    expect(signers[0]).toMatchObject({ signatureAlgorithm: 'ML-DSA-65', digestAlgorithm: 'SHA-512', chain: { ok: true } });

    const det = put('s2.p7s', signCms({ content, detached: true, signers: [{ signer: s.signer!, cert: s.cert }], certificates: [e.ca.der, regional] }));
    const cfile = put('doc.bin', content);
    expect(verifyRun(ctx, [det], { trust: [root], content: cfile }).exitCode).toBe(0);
    const noContent = verifyRun(ctx, [det], { trust: [root] });
    expect(noContent.exitCode).toBe(1);
    expect(noContent.data.code).toBe('SIGNATURE');
    const wrong = put('doc2.bin', enc.encode('other doc'));
    expect(verifyRun(ctx, [det], { trust: [root], content: wrong }).data.code).toBe('SIGNATURE');
  });

  it('a chain to another root -> exit 1 with the path code; a tampered signature -> SIGNATURE', () => {
    const s = pki.enclaves.harbor.signing;
    const der = signCms({ content: enc.encode('x'), signers: [{ signer: s.signer!, cert: s.cert }] });
    const otherRoot = put('other-root.pem', pemEncode('CERTIFICATE', buildFixturePki('another', NOW).root.der));
    const sd = put('s3.der', der);
    const r = verifyRun(ctx, [sd], { trust: [otherRoot] });
    expect(r.exitCode).toBe(1);
    expect(r.data.code).toBe('NO_PATH');
    const t = Uint8Array.from(der);
    t[t.length - 10]! ^= 1;
    const r2 = verifyRun(ctx, [put('s4.der', t)], { trust: [otherRoot] });
    expect(r2.data.code).toBe('SIGNATURE');
  });
});

async function errCodeAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? `not-writ:${String(e)}`;
  }
}
