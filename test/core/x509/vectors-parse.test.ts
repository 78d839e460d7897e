// Parser robustness against shared vectors: every certificate of x509-limbo and pqc-certificates parses or fails with PARSE only.
//
// Path validation outcomes are tested by the vector suites under test/vectors; here we only check that
// the parser accepts every certificate of a testcase limbo expects to validate, and that nothing
// escapes as a non-WritError.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertLoaded, requireVectors } from '../../helpers/index.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import { pemDecodeAll } from '../../../src/core/asn1/pem.js';
import { WritError } from '../../../src/core/errors.js';

interface LimboCase {
  id: string;
  expected_result: 'SUCCESS' | 'FAILURE';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
}

const limbo = requireVectors('x509-limbo');
const pqc = requireVectors('pqc-certificates');

describe.skipIf(limbo === undefined)('x509-limbo certificates parse', () => {
  it('every certificate of every SUCCESS testcase parses; others fail only with PARSE (or LIMIT)', () => {
    const file = readdirSync(limbo!).find((f) => f.endsWith('.json') && f.startsWith('limbo') && !f.includes('schema'));
    expect(file).toBeDefined();
    const cases = (JSON.parse(readFileSync(path.join(limbo!, file!), 'utf8')) as { testcases: LimboCase[] }).testcases;
    let parsed = 0;
    const failures: string[] = [];
    for (const tc of cases) {
      for (const pem of [...tc.trusted_certs, ...tc.untrusted_intermediates, tc.peer_certificate]) {
        for (const b of pemDecodeAll(pem)) {
          try {
            parseCertificate(b.der);
            parsed++;
          } catch (e) {
            expect(e).toBeInstanceOf(WritError);
            // PARSE, or LIMIT for the pathological::nc-dos-* cases (2,049 subtrees, 65-attribute names: src/core/limits.ts).
            expect(['PARSE', 'LIMIT']).toContain((e as WritError).code);
            if (tc.expected_result === 'SUCCESS') failures.push(`${tc.id}: ${(e as Error).message}`);
          }
        }
      }
    }
    assertLoaded('x509-limbo', parsed);
    expect(failures).toEqual([]);
  });
});

describe.skipIf(pqc === undefined)('pqc-certificates certificates parse', () => {
  it('every ta-cert and ee-cert in the manifest parses', () => {
    const rows = readFileSync(path.join(pqc!, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    let n = 0;
    for (const [, file, , kind] of rows) {
      if (kind !== 'ta-cert' && kind !== 'ee-cert') continue;
      const c = parseCertificate(new Uint8Array(readFileSync(path.join(pqc!, file!))));
      expect(c.version).toBe(3);
      n++;
    }
    assertLoaded('pqc-certificates', n);
  });
});
