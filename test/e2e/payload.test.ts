// Payload envelopes through the built CLI (issue 6 target 4): `envelope seal --payload` and `envelope open --out` of a few MiB, atomic output, --force rules, refusals that leave no output and no temp file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { drbgBytes } from '../../src/fixtures/drbg.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { fixtureCrossingAuthority } from '../../src/enclave/fixture.js';
import { openEnveloped, sealAuthEnveloped } from '../../src/core/cms/enveloped.js';
import { CMS_OID } from '../../src/core/cms/common.js';
import { oid } from '../../src/core/asn1/der.js';
import { ENVELOPE_OIDS } from '../../src/core/policy/levels.js';
import type { KemAlgName } from '../../src/core/crypto/types.js';
import { ensureBundle, runWrit, seededRng, type Run } from '../helpers/index.js';

const SCOPE = 'research.aggregate';
const H = 'harbor';
const O = 'orchard';
const toOrchard = ['--to', `${O}/certs/kem.pem`, '--untrusted', `${O}/certs/chain.pem`];
const SIZE = 3 * 1024 * 1024 + 12345; // a few MiB, not a multiple of the 1 MiB chunk

let dir = '';
let pki: FixturePki;
let agreementId = '';
const f = (name: string): string => path.join(dir, name);

function writ(...args: string[]): Run {
  return runWrit(args, { cwd: dir });
}
function ok(...args: string[]): Run {
  const r = writ(...args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r;
}
function refused(code: string, ...args: string[]): Run {
  const r = writ(...args, '--json');
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).not.toBe(0);
  expect(r.json()).toMatchObject({ ok: false, error: { code } });
  return r;
}
/** No temp files (".NAME.<hex>.tmp") left in the work directory. */
function noTemps(): void {
  expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}
const sha512 = (b: Uint8Array): string => createHash('sha512').update(b).digest('hex');

beforeAll(() => {
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-payload-'));
  pki = buildFixturePki('payload-e2e', new Date());
  writeEnclaveDir(pki, 'harbor', f(H));
  writeEnclaveDir(pki, 'orchard', f(O));
  const seed = drbgBytes(pki.seed, 'key:crossing-authority', 32);
  fs.writeFileSync(f('authority.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', seed)), { mode: 0o600 });
  fs.writeFileSync(f('authority.pem'), pemEncode('CERTIFICATE', fixtureCrossingAuthority(pki).der));
  const payload = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) payload[i] = (i * 2654435761) >>> 24;
  fs.writeFileSync(f('survey.bin'), payload);
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('payload envelopes through the CLI', () => {
  it('sets up an agreement and crossings between harbor and orchard', () => {
    const p = ok('federation', 'propose', '--as', H, '--peer', `${O}/certs/chain.pem`, '--layers', 'data', '--scope', SCOPE, '--level', 'internal', '--level', 'restricted', '--not-after', '30d', '--out', 'proposal.json', '--json');
    agreementId = /agr-[0-9a-f]{32}/.exec(p.stdout)![0];
    ok('federation', 'countersign', 'proposal.json', '--as', O, '--out', 'agreement.json');
    ok('federation', 'import', 'agreement.json', '--as', H);
    const h = pki.enclaves.harbor.host;
    const o = pki.enclaves.orchard.host;
    ok('federation', 'crossing', '--authority-key', 'authority.key', '--authority-cert', 'authority.pem', '--sender', `spiffe://${h}`, '--recipient', `spiffe://${o}`, '--scope', SCOPE, '--from-level', 'restricted', '--to-level', 'internal', '--not-after', '7d', '--out', 'crossing.json');
    ok('federation', 'import', 'crossing.json', '--as', H);
    ok('federation', 'import', 'crossing.json', '--as', O);
  });

  const sealArgs = (out: string, ...more: string[]): string[] => [
    'envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--payload', 'survey.bin',
    '--kaitiaki', 'Harbor community board', '--terms', 'research only', '--expires', '1h', '--out', out, ...more,
  ];

  it('seals a payload of a few MiB and opens it to --out, byte for byte, with its provenance', () => {
    const s = ok(...sealArgs('p1.env'), '--json').json() as { bytes: number; payload: { size: number; sha512: string; name: string }; header: { envelopeId: string } };
    const want = sha512(fs.readFileSync(f('survey.bin')));
    expect(s.payload).toMatchObject({ name: 'survey.bin', size: SIZE, sha512: want });
    expect(fs.statSync(f('p1.env')).size).toBe(s.bytes);
    const r = ok('envelope', 'open', 'p1.env', '--as', O, '--out', 'got.bin', '--json').json() as { payload: { sha512: string; size: number }; provenance: { verified: boolean; kaitiaki: string[] }; header: { envelopeId: string } };
    expect(sha512(fs.readFileSync(f('got.bin')))).toBe(want);
    expect(r.payload).toMatchObject({ size: SIZE, sha512: want });
    expect(r.provenance).toMatchObject({ verified: true, kaitiaki: ['Harbor community board'] });
    expect(r.header.envelopeId).toBe(s.header.envelopeId);
    noTemps();
  });

  it('inspect shows a payload envelope\'s outline from its head and trailer, and says that open --out reveals the rest', () => {
    const bytes = fs.readFileSync(f('p1.env'));
    const r = ok('envelope', 'inspect', 'p1.env', '--json').json() as { bytes: number; sha512: string; payloadEnvelope: boolean; outline: { structure: string; contentEncryption: string; encryptedContentLength: number; recipients: { kem?: string }[]; authAttributes: string[] } };
    expect(r).toMatchObject({ bytes: bytes.length, sha512: sha512(bytes), payloadEnvelope: true });
    expect(r.outline).toMatchObject({ structure: 'AuthEnvelopedData', contentEncryption: 'AES-256-GCM', contentType: CMS_OID.signedData });
    expect(r.outline.encryptedContentLength).toBeGreaterThan(SIZE);
    expect(r.outline.encryptedContentLength).toBeLessThan(bytes.length);
    expect(r.outline.recipients).toHaveLength(1);
    expect(r.outline.authAttributes).toContain(ENVELOPE_OIDS.sealedContentType);
    const text = ok('envelope', 'inspect', 'p1.env', '--as', O).stdout;
    expect(text).toMatch(/payload envelope/);
    expect(text).toMatch(/envelope open p1\.env --as ENCLAVE_DIR --out FILE/);
  });

  it('opening again is REFUSED_REPLAY and writes nothing', () => {
    refused('REFUSED_REPLAY', 'envelope', 'open', 'p1.env', '--as', O, '--out', 'again.bin');
    expect(fs.existsSync(f('again.bin'))).toBe(false);
    noTemps();
  });

  it('--out is never overwritten without --force (seal and open)', () => {
    fs.writeFileSync(f('taken.env'), 'keep');
    refused('EXISTS', ...sealArgs('taken.env'));
    expect(fs.readFileSync(f('taken.env'), 'utf8')).toBe('keep');
    ok(...sealArgs('p2.env'));
    fs.writeFileSync(f('taken.bin'), 'keep');
    refused('EXISTS', 'envelope', 'open', 'p2.env', '--as', O, '--out', 'taken.bin');
    expect(fs.readFileSync(f('taken.bin'), 'utf8')).toBe('keep');
    ok('envelope', 'open', 'p2.env', '--as', O, '--out', 'taken.bin', '--force');
    expect(fs.statSync(f('taken.bin')).size).toBe(SIZE);
    noTemps();
  });

  it('a payload envelope needs --out to open, and the payload needs a guardianship to seal', () => {
    ok(...sealArgs('p3.env'));
    refused('USAGE', 'envelope', 'open', 'p3.env', '--as', O);
    refused('USAGE', 'envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--payload', 'survey.bin', '--expires', '1h', '--out', 'ng.env');
    expect(fs.existsSync(f('ng.env'))).toBe(false);
  });

  it('tampered and truncated envelopes are refused (DECRYPT) and leave no output and no temp file', () => {
    const env = fs.readFileSync(f('p3.env'));
    const cases: [string, Buffer][] = [
      ['flip-mid.env', Buffer.from(env)],
      ['flip-tag.env', Buffer.from(env)],
      ['trunc.env', env.subarray(0, env.length - 4096)],
    ];
    cases[0]![1][Math.floor(env.length / 2)]! ^= 0x01;
    cases[1]![1][env.length - 1]! ^= 0x01;
    for (const [name, bytes] of cases) {
      fs.writeFileSync(f(name), bytes);
      const out = `${name}.bin`;
      refused('DECRYPT', 'envelope', 'open', name, '--as', O, '--out', out);
      expect(fs.existsSync(f(out)), name).toBe(false);
      noTemps();
    }
    // The untouched envelope still opens (the refusals consumed no replay entry).
    ok('envelope', 'open', 'p3.env', '--as', O, '--out', 'p3.bin');
  });

  it('an authentic envelope whose signature was altered is SIGNATURE, after the whole payload streamed, and leaves nothing', () => {
    ok(...sealArgs('p4.env'));
    const o = pki.enclaves.orchard;
    const inner = openEnveloped(new Uint8Array(fs.readFileSync(f('p4.env'))), { alg: o.kem.key.alg as KemAlgName, privateKey: o.kem.key.seed, cert: o.kem.cert }).content.slice();
    inner[inner.length - 10]! ^= 0x01; // inside the SignerInfo signature value (the last field)
    const resealed = sealAuthEnveloped({
      content: inner,
      contentType: CMS_OID.signedData,
      recipient: o.kem.cert,
      rng: seededRng('e2e-reseal'),
      authAttributes: [{ oid: ENVELOPE_OIDS.sealedContentType, values: [oid(ENVELOPE_OIDS.payload)] }],
    });
    fs.writeFileSync(f('sig.env'), resealed);
    refused('SIGNATURE', 'envelope', 'open', 'sig.env', '--as', O, '--out', 'sig.bin');
    expect(fs.existsSync(f('sig.bin'))).toBe(false);
    noTemps();
  });

  it('seal refusals reach the CLI before anything is written', () => {
    refused('REFUSED_SCOPE', 'envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', 'marketing', '--payload', 'survey.bin', '--kaitiaki', 'k', '--terms', 't', '--expires', '1h', '--out', 'no.env');
    expect(fs.existsSync(f('no.env'))).toBe(false);
    noTemps();
  });

  it('records envelopes still open through the in-memory path', () => {
    fs.writeFileSync(f('records.jsonl'), `${JSON.stringify({ data: { n: 1 }, guardianship: { kaitiaki: 'k', terms: 't' } })}\n`);
    ok('envelope', 'seal', '--as', H, ...toOrchard, '--agreement', agreementId, '--scope', SCOPE, '--records', 'records.jsonl', '--expires', '1h', '--out', 'r.env');
    const r = ok('envelope', 'open', 'r.env', '--as', O, '--json').json() as { records: number };
    expect(r.records).toBe(1);
  });
});
