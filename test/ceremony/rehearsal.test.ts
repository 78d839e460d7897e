// Full rehearsals of every shipped ceremony script, chained as a root's life: generation, regional issuance, CRL, drill, custodian rotation, drill again.
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rehearse, tmpDir, verifyDir, entries } from './helpers.js';
import { writeCsrs } from './csrs.js';
import { pemDecodeAll } from '../../src/core/asn1/pem.js';
import { parseCertificate, parseCrl } from '../../src/core/x509/parse.js';
import { verifySignature } from '../../src/core/crypto/signature.js';
import { BUILTIN_SCRIPTS } from '../../src/ceremony/files.js';
import { decryptShareFile } from '../../src/core/shares/share-file.js';
import { rehearsalPass } from '../../src/ceremony/rehearsal.js';
import { planRegionals } from '../../src/ceremony/plan.js';
import type { RunResult } from '../../src/ceremony/runner.js';

const base = tmpDir();
const rootDir = path.join(base, 'root');
const ran = new Set<string>();
let root: RunResult;

function cert(file: string) {
  return parseCertificate(pemDecodeAll(fs.readFileSync(file, 'utf8'))[0]!.der);
}

beforeAll(async () => {
  root = (await rehearse('root-key-generation', { out: rootDir })).result;
  ran.add('root-key-generation');
});

describe('root-key-generation', () => {
  it('writes the root, the enrolment, keys and share files, and a transcript that verifies', () => {
    const files = fs.readdirSync(rootDir).sort();
    expect(files).toEqual(['enrolment.json', 'keys', 'root.pem', 'rotation.json', 'shares', 'transcript.jsonl']);
    expect(fs.readdirSync(path.join(rootDir, 'shares')).sort()).toEqual(['Aroha.share.json', 'Ben.share.json', 'Chen.share.json', 'Dana.share.json', 'Eru.share.json']);
    expect(fs.readdirSync(path.join(rootDir, 'keys'))).toHaveLength(7);
    const v = verifyDir(rootDir);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.rehearsal).toBe(true);
    expect(v.approvals).toHaveLength(1);
    expect(v.approvals[0]!.custodians).toEqual(['Aroha', 'Ben', 'Chen']);
    expect(v.closingSigners.map((s) => s.role)).toEqual(['root', 'administrator', 'witness']);
    const c = cert(path.join(rootDir, 'root.pem'));
    expect(verifySignature(c.signatureAlgorithm, c.spki, c.tbs, c.signature)).toBe(true);
    expect(c.basicConstraints?.ca).toBe(true);
  });

  it('never writes a seed, share words or a private key in the clear', () => {
    const t = fs.readFileSync(path.join(rootDir, 'transcript.jsonl'), 'utf8');
    expect(t).not.toContain('PRIVATE KEY');
    for (const c of ['Aroha', 'Ben', 'Chen', 'Dana', 'Eru']) {
      const words = decryptShareFile(new Uint8Array(fs.readFileSync(path.join(rootDir, 'shares', `${c}.share.json`))), rehearsalPass(c)).mnemonic.split(' ');
      expect(t).not.toContain(words.slice(4, 8).join(' ')); // the share's value words never appear
    }
    for (const f of fs.readdirSync(path.join(rootDir, 'keys'))) expect(fs.readFileSync(path.join(rootDir, 'keys', f), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect((fs.statSync(path.join(rootDir, 'keys', 'Aroha.key')).mode & 0o777).toString(8)).toBe('600');
    const ev = entries(path.join(rootDir, 'transcript.jsonl')).map((e) => e.event);
    expect(ev).toContain('recovery-proved');
    expect(ev).toContain('wiped');
    expect(ev[ev.length - 1]).toBe('close');
  });

  it('proves recovery with custodians other than the approvers', () => {
    const e = entries(path.join(rootDir, 'transcript.jsonl')).find((x) => x.event === 'recovery-proved')!;
    expect(e.data.presenters).toEqual(['Chen', 'Dana', 'Eru']);
  });
});

describe('regional-issuance', () => {
  it('issues north and south under the rotation schedule after 3 approvals per digest', async () => {
    const inDir = tmpDir();
    const csrs = writeCsrs(inDir);
    const out = path.join(rootDir, 'ceremonies', 'regional-1');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const r = await rehearse('regional-issuance', { out, rootDir, inputs: csrs });
    ran.add('regional-issuance');
    expect(Object.keys(r.result.artifacts).sort()).toEqual(['regionals/north.pem', 'regionals/south.pem']);
    const v = verifyDir(out);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.approvals.map((a) => a.label).sort()).toEqual(['regional CA north', 'regional CA south']);
    const north = cert(path.join(out, 'regionals', 'north.pem'));
    const rc = cert(path.join(rootDir, 'root.pem'));
    expect(verifySignature(north.signatureAlgorithm, rc.spki, north.tbs, north.signature)).toBe(true);
    expect((north.notAfter.getTime() - north.notBefore.getTime()) / 86_400_000).toBe(730);
    // the plan now sees both, fine at issuance, due inside the overlap window, overdue after expiry
    const at0 = planRegionals(rootDir, new Date('2026-06-02T00:00:00Z'));
    expect(at0.map((x) => `${x.region}:${x.status}`)).toEqual(['north:fine', 'south:fine']);
    expect(planRegionals(rootDir, new Date('2028-04-15T00:00:00Z')).map((x) => x.status)).toEqual(['due', 'due']);
    expect(planRegionals(rootDir, new Date('2028-06-02T00:00:00Z')).map((x) => x.status)).toEqual(['overdue', 'overdue']);
  });
});

describe('regional-issuance out of schedule', () => {
  it('a region that is not due gets a new certificate only on the administrator\'s explicit word, which is recorded', async () => {
    const csrs = writeCsrs(tmpDir(), 'regions-again');
    const out = path.join(rootDir, 'ceremonies', 'regional-2');
    await expect(rehearse('regional-issuance', { out, rootDir, inputs: csrs })).rejects.toThrow(/no answer for "load-csrs\.Ana\.out-of-schedule-north"/);
    expect(fs.existsSync(out)).toBe(false);
    const refused = path.join(base, 'regional-refused');
    await expect(rehearse('regional-issuance', { out: refused, rootDir, inputs: csrs, opts: { answers: { 'load-csrs.Ana.out-of-schedule-north': false } } })).rejects.toThrow(/region north is not due/);
    // (a ceremony filed outside the root directory leaves the plan unchanged; this one goes inside)
    await rehearse('regional-issuance', { out, rootDir, inputs: csrs, opts: { clock: '2026-09-01T09:00:00Z', answers: { '*.Ana.out-of-schedule-north': true, '*.Ana.out-of-schedule-south': true } } });
    expect(entries(path.join(out, 'transcript.jsonl')).filter((e) => e.event === 'out-of-schedule').map((e) => e.data.region)).toEqual(['north', 'south']);
    // the plan now counts the first pair as replaced
    expect(planRegionals(rootDir, new Date('2026-09-02T00:00:00Z')).map((x) => `${x.region}:${x.status}:${x.reason.startsWith('replaced')}`)).toEqual(['north:fine:true', 'north:fine:false', 'south:fine:true', 'south:fine:false']);
  });
});

describe('crl-issuance', () => {
  it('issues the root CRL revoking a listed serial', async () => {
    const inDir = tmpDir();
    const rev = path.join(inDir, 'revocations.yaml');
    fs.writeFileSync(rev, '- serial: 0a1b2c\n  reason: keyCompromise\n');
    const out = path.join(base, 'crl-1');
    await rehearse('crl-issuance', { out, rootDir, inputs: [rev] });
    ran.add('crl-issuance');
    const v = verifyDir(out);
    expect(v.errors).toEqual([]);
    const crl = parseCrl(pemDecodeAll(fs.readFileSync(path.join(out, 'root.crl'), 'utf8'))[0]!.der);
    expect(crl.revoked.map((e) => e.serialHex)).toEqual(['0a1b2c']);
  });
});

describe('share-drill', () => {
  it('checks every share against its commitment without rebuilding the key', async () => {
    const out = path.join(base, 'drill-1');
    const r = await rehearse('share-drill', { out, rootDir });
    ran.add('share-drill');
    expect(r.result.drillFailures).toEqual([]);
    const ev = entries(path.join(out, 'transcript.jsonl'));
    expect(ev.filter((e) => e.event === 'drill-ok')).toHaveLength(5);
    expect(ev.some((e) => e.event === 'root-rebuilt')).toBe(false);
    const v = verifyDir(out);
    expect(v.errors).toEqual([]);
  });
});

describe('custodian-rotation', () => {
  it('re-shares the same root key to a new set; old shares no longer fit, new ones drill fine', async () => {
    const out = path.join(base, 'root-2');
    const newCustodians = ['Chen', 'Dana', 'Eru', 'Fetu', 'Gina'];
    const participants = { administrator: 'Ana', witness: 'Wiremu', custodians: ['Aroha', 'Ben', 'Chen', 'Dana', 'Eru'], newCustodians };
    const r = await rehearse('custodian-rotation', { out, rootDir, opts: { participants } });
    ran.add('custodian-rotation');
    const v = verifyDir(out);
    expect(v.errors).toEqual([]);
    expect(r.result.rootKeyFingerprint).toBe(root.rootKeyFingerprint);
    expect(fs.readFileSync(path.join(out, 'root.pem'), 'utf8')).toBe(fs.readFileSync(path.join(rootDir, 'root.pem'), 'utf8'));
    const e1 = JSON.parse(fs.readFileSync(path.join(rootDir, 'enrolment.json'), 'utf8'));
    const e2 = JSON.parse(fs.readFileSync(path.join(out, 'enrolment.json'), 'utf8'));
    expect(e2.shares.identifier).not.toBe(e1.shares.identifier);
    expect(e2.custodians.map((c: { name: string }) => c.name)).toEqual(newCustodians);
    // continuing custodians keep their approval key; new ones got one
    expect(e2.custodians.find((c: { name: string }) => c.name === 'Chen').keyId).toBe(e1.custodians.find((c: { name: string }) => c.name === 'Chen').keyId);
    // new custodians got new keys; continuing custodians' and the officers' encrypted key files are carried over
    expect(fs.readdirSync(path.join(out, 'keys')).sort()).toEqual(['Ana.key', 'Chen.key', 'Dana.key', 'Eru.key', 'Fetu.key', 'Gina.key', 'Wiremu.key']);
    expect(fs.readFileSync(path.join(out, 'keys', 'Chen.key'))).toEqual(fs.readFileSync(path.join(rootDir, 'keys', 'Chen.key')));
    // an old share does not combine with the new set: drill the new directory with Aroha's old share file
    // standing in for Chen's (the old set's identifier differs)
    const d = await rehearse('share-drill', { out: path.join(base, 'drill-2'), rootDir: out, opts: { participants: { administrator: 'Ana', witness: 'Wiremu', custodians: newCustodians } } });
    expect(d.result.drillFailures).toEqual([]);
    const old = await rehearse('share-drill', {
      out: path.join(base, 'drill-3'),
      rootDir: out,
      opts: { participants: { administrator: 'Ana', witness: 'Wiremu', custodians: newCustodians }, answers: { 'drill.Chen.share-file': path.join(rootDir, 'shares', 'Chen.share.json') } },
    });
    expect(old.result.drillFailures!.map((f) => f.code)).toEqual(['SHARE_FOREIGN']);
    expect(old.result.drillFailures![0]!.message).toMatch(/the share file of Chen is for another root key|from another share set/);
  });
});

describe('coverage', () => {
  it('every shipped script was rehearsed', () => {
    expect([...ran].sort()).toEqual([...BUILTIN_SCRIPTS].sort());
  });
});
