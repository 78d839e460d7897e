// Limits on whole inputs and line-oriented files (src/core/limits.ts, docs/limits.md): sizes refused before reading, line lengths and counts, records, manifests, batch lists.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as L from '../../src/core/limits.js';
import { readFileLimited, readPassFile } from '../../src/cli/io.js';
import { loadAnswersFile, loadScriptFile } from '../../src/ceremony/files.js';
import { readEnvelopeFile, readRecordsFile } from '../../src/cli/commands/envelope/common.js';
import { readLines } from '../../src/enclave/audit.js';
import { splitTranscript } from '../../src/core/transcript/verify.js';
import { decodeManifest, encodeManifest } from '../../src/core/envelope/manifest.js';
import { manifestRoot } from '../../src/core/envelope/manifest.js';
import { expandInput } from '../../src/batch/items.js';
import { toHex } from '../../src/core/crypto/bytes.js';
import { errCode } from '../helpers/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-limits-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A sparse file of `size` bytes (no disk used): proves the reader refuses on size without reading. */
function sparse(size: number): string {
  const f = path.join(dir, `sparse-${n++}`);
  fs.writeFileSync(f, '');
  fs.truncateSync(f, size);
  return f;
}
function file(text: string | Uint8Array): string {
  const f = path.join(dir, `f-${n++}`);
  fs.writeFileSync(f, text);
  return f;
}
function limitNamed(f: () => unknown, name: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect((err as { code?: string } | undefined)?.code).toBe('LIMIT');
  expect((err as Error).message).toContain(name);
}

describe('MAX_INPUT_BYTES (the CLI reader, stat first then a bounded read)', () => {
  it(`a file of exactly ${L.MAX_INPUT_BYTES} bytes is read; one byte more is LIMIT`, () => {
    expect(readFileLimited(sparse(L.MAX_INPUT_BYTES)).length).toBe(L.MAX_INPUT_BYTES);
    limitNamed(() => readFileLimited(sparse(L.MAX_INPUT_BYTES + 1)), 'MAX_INPUT_BYTES');
  });
  it('a 64 GiB (sparse) file is refused from its size alone, never read', () => {
    limitNamed(() => readFileLimited(sparse(64 * 2 ** 30)), 'MAX_INPUT_BYTES');
  });
});

describe('each reader refuses an oversize file by name, before reading it', () => {
  const cases: [string, number, (f: string) => unknown, string][] = [
    ['MAX_CEREMONY_FILE_BYTES', L.MAX_CEREMONY_FILE_BYTES, (f) => loadScriptFile(f), 'ceremony script'],
    ['MAX_CEREMONY_FILE_BYTES', L.MAX_CEREMONY_FILE_BYTES, (f) => loadAnswersFile(f), 'answers file'],
    ['MAX_ENVELOPE_BYTES', L.MAX_ENVELOPE_BYTES, (f) => readEnvelopeFile(f), 'envelope'],
    ['MAX_ENVELOPE_BYTES', L.MAX_ENVELOPE_BYTES, (f) => readRecordsFile(f), 'records file'],
    ['MAX_AUDIT_LOG_BYTES', L.MAX_AUDIT_LOG_BYTES, (f) => readLines(f), 'audit log'],
    ['MAX_PASSPHRASE_FILE_BYTES', L.MAX_PASSPHRASE_FILE_BYTES, (f) => readPassFile(f), 'pass file'],
    ['MAX_BATCH_LIST_BYTES', L.MAX_BATCH_LIST_BYTES, (f) => expandInput(f), 'batch list'],
  ];
  for (const [name, value, read, what] of cases) {
    it(`${what}: ${name} + 1 is LIMIT; a small one is not`, () => {
      limitNamed(() => read(sparse(value + 1)), name);
      expect(errCode(() => read(file('x\n')))).not.toBe('LIMIT');
    });
  }
  it('the pass file at exactly MAX_PASSPHRASE_FILE_BYTES is read', () => {
    expect(readPassFile(file('p'.repeat(L.MAX_PASSPHRASE_FILE_BYTES))).length).toBe(L.MAX_PASSPHRASE_FILE_BYTES);
  });
});

describe('lines of transcripts and audit logs', () => {
  it(`MAX_JSONL_LINE_BYTES: a transcript line of ${L.MAX_JSONL_LINE_BYTES} characters splits; one more is LIMIT`, () => {
    expect(splitTranscript(`${'x'.repeat(L.MAX_JSONL_LINE_BYTES)}\n`)).toHaveLength(1);
    limitNamed(() => splitTranscript(`${'x'.repeat(L.MAX_JSONL_LINE_BYTES + 1)}\n`), 'MAX_JSONL_LINE_BYTES');
  });
  it(`MAX_LOG_LINES: a transcript of ${L.MAX_LOG_LINES} lines splits; one more is LIMIT`, () => {
    expect(splitTranscript('x\n'.repeat(L.MAX_LOG_LINES))).toHaveLength(L.MAX_LOG_LINES);
    limitNamed(() => splitTranscript('x\n'.repeat(L.MAX_LOG_LINES + 1)), 'MAX_LOG_LINES');
  });
  it(`MAX_LOG_LINES / MAX_JSONL_LINE_BYTES: the audit log reader too`, () => {
    expect(readLines(file('x\n'.repeat(L.MAX_LOG_LINES)))).toHaveLength(L.MAX_LOG_LINES);
    limitNamed(() => readLines(file('x\n'.repeat(L.MAX_LOG_LINES + 1))), 'MAX_LOG_LINES');
    expect(readLines(file(`${'x'.repeat(L.MAX_JSONL_LINE_BYTES)}\n`))).toHaveLength(1);
    limitNamed(() => readLines(file(`${'x'.repeat(L.MAX_JSONL_LINE_BYTES + 1)}\n`)), 'MAX_JSONL_LINE_BYTES');
  });
});

describe('records in an envelope', () => {
  const line = '{"data":1,"guardianship":{"kaitiaki":"k","terms":"t"}}\n';
  const lines = L.MAX_ENVELOPE_RECORDS + L.MAX_ATTESTATIONS;
  it(`a records file of ${lines} lines (MAX_ENVELOPE_RECORDS + MAX_ATTESTATIONS) is read; one more line is LIMIT`, () => {
    expect(readRecordsFile(file(line.repeat(lines))).newRecords).toHaveLength(lines);
    limitNamed(() => readRecordsFile(file(line.repeat(lines + 1))), 'MAX_ENVELOPE_RECORDS');
  });
  it(`a records line of more than MAX_JSONL_LINE_BYTES is LIMIT, and one nested deeper than MAX_JSON_DEPTH too`, () => {
    limitNamed(() => readRecordsFile(file(`{"data":"${'x'.repeat(L.MAX_JSONL_LINE_BYTES)}"}\n`)), 'MAX_JSONL_LINE_BYTES');
    limitNamed(() => readRecordsFile(file(`{"data":${'['.repeat(L.MAX_JSON_DEPTH)}${']'.repeat(L.MAX_JSON_DEPTH)}}\n`)), 'MAX_JSON_DEPTH');
  });
  it(`MAX_ENVELOPE_RECORDS: a manifest of ${L.MAX_ENVELOPE_RECORDS} record hashes decodes; one more is LIMIT`, () => {
    // The root is left wrong on purpose (computing 100,000 leaves' Merkle root twice is slow): at the limit the
    // manifest gets past the count to the root check (PARSE), one over stops at the count (LIMIT) before any hashing.
    const manifest = (count: number): Uint8Array =>
      encodeManifest({ hashAlgorithm: 'sha-512', recordHashes: Array.from({ length: count }, (_, i) => i.toString(16).padStart(128, '0')), root: '00'.repeat(64) });
    expect(errCode(() => decodeManifest(manifest(L.MAX_ENVELOPE_RECORDS)))).toBe('PARSE');
    limitNamed(() => decodeManifest(manifest(L.MAX_ENVELOPE_RECORDS + 1)), 'MAX_ENVELOPE_RECORDS');
    expect(decodeManifest(encodeManifest({ hashAlgorithm: 'sha-512', recordHashes: ['11'.repeat(64)], root: toHex(manifestRoot([new Uint8Array(64).fill(0x11)])) })).recordHashes).toHaveLength(1);
  });
});

describe('batch lists', () => {
  it(`MAX_BATCH_ITEMS: a list of ${L.MAX_BATCH_ITEMS} paths expands; one more is LIMIT`, () => {
    expect(expandInput(file('a.pem\n'.repeat(L.MAX_BATCH_ITEMS)))).toHaveLength(L.MAX_BATCH_ITEMS);
    limitNamed(() => expandInput(file('a.pem\n'.repeat(L.MAX_BATCH_ITEMS + 1))), 'MAX_BATCH_ITEMS');
  });
});

describe('every whole-file size limit, through the one bounded reader the CLI uses', () => {
  // Where each is wired is checked by table.test.ts (docs/limits.md names the files); here each value is
  // exercised at its edge. Files above MAX_INPUT_BYTES are only tested over the limit (sparse, never read).
  const sizes: [string, number][] = [
    ['MAX_BUNDLE_BYTES', L.MAX_BUNDLE_BYTES],
    ['MAX_SENT_QUERIES_BYTES', L.MAX_SENT_QUERIES_BYTES],
    ['MAX_PROFILE_BYTES', L.MAX_PROFILE_BYTES],
    ['MAX_DOCUMENT_BYTES', L.MAX_DOCUMENT_BYTES],
    ['MAX_SCHEMA_FILE_BYTES', L.MAX_SCHEMA_FILE_BYTES],
    ['MAX_TRUST_STORE_BYTES', L.MAX_TRUST_STORE_BYTES],
    ['MAX_CEREMONY_FILE_BYTES', L.MAX_CEREMONY_FILE_BYTES],
    ['MAX_AUDIT_LOG_BYTES', L.MAX_AUDIT_LOG_BYTES],
    ['MAX_ENVELOPE_BYTES', L.MAX_ENVELOPE_BYTES],
  ];
  for (const [name, value] of sizes) {
    it(`${name} (${value})`, () => {
      if (value <= L.MAX_INPUT_BYTES) expect(readFileLimited(sparse(value), value, name).length).toBe(value);
      limitNamed(() => readFileLimited(sparse(value + 1), value, name), name);
    });
  }
});
