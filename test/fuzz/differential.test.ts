// Differential fuzzing (issue 8): writ's certificate and CMS parsers against OpenSSL — Node 26's X509Certificate (OpenSSL 3.5) and the `openssl cms` CLI.
//
// Inputs are the fixture seeds plus the fuzz harness's structure-aware mutants (same fast-check
// generator as fuzz.test.ts). WRIT_DIFF_CASES sets the number of mutants (default 2,000 certificates,
// 300 per CMS kind). Every disagreement is classified; docs/fuzzing.md explains each class. A class where
// writ ACCEPTS and OpenSSL rejects fails the test unless it is listed (with its reason) in WRIT_LAX below.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WritError } from '../../src/core/errors.js';
import { describeEnveloped } from '../../src/core/cms/enveloped.js';
import { verifyCms } from '../../src/core/cms/signed-data.js';
import { parseCertificate } from '../../src/core/x509/parse.js';
import { requireNode26, runNode26Json } from '../helpers/node26.js';
import { sampleInputs, type FuzzFormat } from './harness.js';
import certificateFormat from './formats/certificate.js';
import cmsSignedFormat from './formats/cms-signed.js';
import envelopedFormats from './formats/cms-enveloped.js';

const CASES = Number(process.env.WRIT_DIFF_CASES ?? 2000);
// One openssl process per CMS input (the CLI reads one object per run): 15% of the certificate count.
const CMS_CASES = Math.max(50, Math.round(CASES * 0.15));
const SEED = Number(process.env.WRIT_FUZZ_SEED ?? 0xd1ff);

/**
 * Classes where writ accepts and OpenSSL rejects that were examined and are not writ bugs (reason in
 * docs/fuzzing.md). Keyed by the class name that classify() prints.
 */
const WRIT_LAX: Record<string, string> = {
  // X.501 AttributeValue is ANY DEFINED BY the type; for types writ does not know it keeps the value and
  // shows it as #hex (RFC 4514 §2.4). OpenSSL decodes every X509_NAME_ENTRY value as ASN1_PRINTABLE (a
  // fixed set of universal string types) whatever the type, so it is stricter than the standard here.
  // (For the types writ does know, a non-string value is PARSE since bug 4.)
  'writ: a Name value of an unknown attribute type is not a string (X.501 ANY)': 'OpenSSL stricter than X.501',
  // OpenSSL before PR #31695 (3.0.19 here) decodes AuthEnvelopedData.authAttrs as [2] instead of RFC 5083
  // §2.1's [1], so it trips over writ's (and any RFC-conformant) authAttrs and fails at `mac`
  // (openssl/openssl#26101, #31635). writ's encoding is the RFC's; OpenSSL is wrong.
  'openssl: wrong tag @ mac in CMS_AuthEnvelopedData': 'OpenSSL 3.0 authAttrs tag bug (openssl#26101)',
};

type Verdict = { ok: true; info?: Record<string, string> } | { ok: false; why: string };

/** A disagreement class: the rejecting side's reason with numbers, hex and quoted text blanked out. */
function normalise(why: string): string {
  return why
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b[0-9a-f]{8,}\b/gi, 'HEX')
    .replace(/\d+(\.\d+)*/g, 'N')
    .slice(0, 140);
}

function writVerdict(parse: (b: Uint8Array) => Record<string, string> | undefined, input: Uint8Array): Verdict {
  try {
    const info = parse(input);
    return info ? { ok: true, info } : { ok: true };
  } catch (e) {
    if (e instanceof WritError) return { ok: false, why: `${e.code}: ${e.message}` };
    throw e; // anything else is a fuzz failure, caught by fuzz.test.ts too
  }
}

interface Tally {
  both: number;
  neither: number;
  writOnly: Map<string, { n: number; example: string }>;
  opensslOnly: Map<string, { n: number; example: string }>;
  fieldMismatches: string[];
}

function tally(): Tally {
  return { both: 0, neither: 0, writOnly: new Map(), opensslOnly: new Map(), fieldMismatches: [] };
}

/** WRIT_DIFF_DUMP=<dir>: write every disagreeing input there (<side>-<n>.der) for a closer look. */
const DUMP = process.env.WRIT_DIFF_DUMP;
let dumped = 0;

function add(m: Map<string, { n: number; example: string }>, key: string, input: Uint8Array): void {
  if (DUMP !== undefined && DUMP !== '') {
    mkdirSync(DUMP, { recursive: true });
    writeFileSync(path.join(DUMP, `${key.startsWith('openssl:') ? 'writ-accepts' : 'openssl-accepts'}-${dumped++}.der`), input);
  }
  const cur = m.get(key);
  if (cur) cur.n++;
  else m.set(key, { n: 1, example: Buffer.from(input.subarray(0, 64)).toString('hex') });
}

function compare(t: Tally, input: Uint8Array, w: Verdict, o: Verdict): void {
  if (w.ok && o.ok) {
    t.both++;
    for (const [k, v] of Object.entries(w.info ?? {})) {
      if (k.startsWith('_')) continue;
      const ov = o.info?.[k];
      if (ov !== undefined && ov !== v && t.fieldMismatches.length < 20) t.fieldMismatches.push(`${k}: writ ${v} / openssl ${ov} (${Buffer.from(input.subarray(0, 32)).toString('hex')}…)`);
    }
  } else if (!w.ok && !o.ok) t.neither++;
  else if (w.ok && !o.ok) add(t.writOnly, w.info?._class ?? `openssl: ${normalise(o.why)}`, input);
  else if (!w.ok) add(t.opensslOnly, `writ: ${normalise(w.why)}`, input);
}

function report(name: string, t: Tally, total: number): void {
  const lines = [`differential ${name}: inputs=${total} both-accept=${t.both} both-reject=${t.neither} writ-only=${[...t.writOnly.values()].reduce((a, b) => a + b.n, 0)} openssl-only=${[...t.opensslOnly.values()].reduce((a, b) => a + b.n, 0)}`];
  for (const [k, v] of [...t.writOnly].sort((a, b) => b[1].n - a[1].n)) lines.push(`  WRIT ACCEPTS, OpenSSL rejects x${v.n}: ${k}  e.g. ${v.example}`);
  for (const [k, v] of [...t.opensslOnly].sort((a, b) => b[1].n - a[1].n)) lines.push(`  OpenSSL accepts, writ rejects x${v.n}: ${k}`);
  for (const f of t.fieldMismatches) lines.push(`  FIELD MISMATCH ${f}`);
  console.log(lines.join('\n'));
}

function inputsOf(f: FuzzFormat, n: number): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const x of [...f.seeds(), ...sampleInputs(f, n, SEED).map((s) => s.input)]) {
    // Only inputs OpenSSL is asked about in one batch: skip the multi-megabyte ones (they are PARSE/LIMIT in writ).
    if (x.length > 1_000_000) continue;
    const k = Buffer.from(x).toString('base64');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

const timeStr = (d: Date): string => d.toISOString().replace(/\.000Z$/, 'Z');

// Node 26 side: one process reads every input (hex, one a line) and prints one JSON verdict array.
const NODE26_X509 = `
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
const out = [];
for (const line of JSON.parse(readFileSync(process.argv[process.argv.length - 1], 'utf8'))) {
  try {
    const c = new X509Certificate(Buffer.from(line, 'hex'));
    const serial = c.serialNumber.toLowerCase().replace(/^(-?)0+(?=.)/, '$1');
    out.push({ ok: true, info: { serial, notBefore: c.validFromDate.toISOString().replace(/\\.000Z$/, 'Z'), notAfter: c.validToDate.toISOString().replace(/\\.000Z$/, 'Z'), der: Buffer.from(c.raw).toString('hex') === line ? 'same' : 'other' } });
  } catch (e) {
    out.push({ ok: false, why: String(e.code ?? '') + ' ' + String(e.message ?? e) });
  }
}
console.log(JSON.stringify(out));
`;

const node26 = requireNode26('differential fuzzing of certificates against OpenSSL (Node 26 X509Certificate)');

describe.skipIf(node26 === undefined)('certificates: writ parseCertificate vs Node 26 X509Certificate (OpenSSL 3.5)', () => {
  it(`agrees on ${CASES} mutated certificates, or the disagreement is a known class`, () => {
    const inputs = inputsOf(certificateFormat, CASES);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'writ-diff-'));
    try {
      const file = path.join(dir, 'certs.hex');
      writeFileSync(file, JSON.stringify(inputs.map((b) => Buffer.from(b).toString('hex'))));
      const theirs = runNode26Json<Verdict[]>(node26!, NODE26_X509, [file], 600_000);
      expect(theirs).toHaveLength(inputs.length);
      const t = tally();
      inputs.forEach((input, i) => {
        const w = writVerdict((b) => {
          const c = parseCertificate(b);
          const anyValue = [c.issuer, c.subject].some((n) => n.rdns.some((r) => r.some((a) => a.shortName === a.type && a.value.startsWith('#') && a.tag !== 12 && a.tag !== 19)));
          return {
            serial: c.serialHex.replace(/^(-?)0+(?=.)/, '$1'),
            notBefore: timeStr(c.notBefore),
            notAfter: timeStr(c.notAfter),
            der: 'same',
            ...(anyValue ? { _class: 'writ: a Name value of an unknown attribute type is not a string (X.501 ANY)' } : {}),
          };
        }, input);
        compare(t, input, w, theirs[i]!);
      });
      report('certificate', t, inputs.length);
      expect(t.both).toBeGreaterThan(0);
      expect(t.fieldMismatches).toEqual([]);
      const unexplained = [...t.writOnly.keys()].filter((k) => WRIT_LAX[k] === undefined);
      expect(unexplained, 'writ accepts what OpenSSL rejects: a bug until shown otherwise (docs/fuzzing.md)').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});

function opensslPath(): string | undefined {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? 'openssl' : undefined;
}
const openssl = opensslPath();
if (openssl === undefined) console.warn('!!! SKIPPING CMS differential fuzzing: no `openssl` CLI on PATH !!!');

/** "reason @ innermost Field=..., Type=..." from OpenSSL's error queue (numbers and addresses dropped). */
function opensslReason(err: string): string {
  const reason = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:|]*)/.exec(err)?.[1] ?? err.split('|')[0] ?? 'rejected';
  const field = /Field=([^,|]+), Type=([^|]+)/.exec(err);
  return field ? `${reason} @ ${field[1]} in ${field[2]}` : reason;
}

/** Runs `openssl cms -cmsout -noout` over every input in ONE shell process; returns a verdict per input. */
function opensslCms(inputs: Uint8Array[]): Verdict[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'writ-diff-cms-'));
  try {
    inputs.forEach((b, i) => writeFileSync(path.join(dir, `${String(i).padStart(6, '0')}.der`), b));
    const script = `for f in "$1"/*.der; do if err=$(openssl cms -cmsout -inform DER -in "$f" -noout 2>&1 >/dev/null); then echo "OK"; else echo "ERR $(printf '%s' "$err" | tr '\\n' '|')"; fi; done`;
    const r = spawnSync('bash', ['-c', script, 'x', dir], { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`openssl batch failed: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    return lines.map((l) => (l === 'OK' ? { ok: true } : { ok: false, why: opensslReason(l.slice(4)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * writ's structural verdict on an enveloped ContentInfo: describeEnveloped (what `envelope inspect` reads)
 * and then the real open with the fixture key, where a decryption failure (DECRYPT, KEY_MISMATCH) still
 * means the structure was accepted. openEnveloped decodes more than describeEnveloped (GCMParameters,
 * KEMRecipientInfo internals), so it is the fair counterpart of OpenSSL's full d2i.
 */
function openStructure(f: FuzzFormat, b: Uint8Array): void {
  describeEnveloped(b);
  try {
    f.parse(b);
  } catch (e) {
    if (e instanceof WritError && (e.code === 'DECRYPT' || e.code === 'KEY_MISMATCH')) return;
    throw e;
  }
}

describe.skipIf(openssl === undefined)('CMS: writ vs `openssl cms -cmsout` (OpenSSL 3.0 CLI)', () => {
  const kinds: { name: string; format: FuzzFormat; parse: (b: Uint8Array) => void }[] = [
    // Structure only on both sides: verifyCms returns for a well-formed SignedData whatever its signers' fate.
    { name: 'cms-signed', format: cmsSignedFormat, parse: (b) => void verifyCms(b) },
    { name: 'cms-auth-enveloped', format: envelopedFormats[0]!, parse: (b) => openStructure(envelopedFormats[0]!, b) },
    ...envelopedFormats.slice(2).map((f) => ({ name: f.name, format: f, parse: (b: Uint8Array) => openStructure(f, b) })),
  ];
  for (const k of kinds) {
    it(`${k.name}: agrees on ${CMS_CASES} mutants, or the disagreement is a known class`, () => {
      const inputs = inputsOf(k.format, CMS_CASES);
      const theirs = opensslCms(inputs);
      expect(theirs).toHaveLength(inputs.length);
      const t = tally();
      inputs.forEach((input, i) => compare(t, input, writVerdict((b) => (k.parse(b), undefined), input), theirs[i]!));
      report(k.name, t, inputs.length);
      expect(t.both).toBeGreaterThan(0);
      const unexplained = [...t.writOnly.keys()].filter((key) => WRIT_LAX[key] === undefined);
      expect(unexplained, 'writ accepts what OpenSSL rejects: a bug until shown otherwise (docs/fuzzing.md)').toEqual([]);
    }, 900_000);
  }
});
