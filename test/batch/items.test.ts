// Unit tests of batch item reading (src/batch/items.ts): the memoised PEM split equals pemDecodeAll (RFC 7468), and list/directory expansion.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInput, kindOf, pemBlocks } from '../../src/batch/items.js';
import { pemDecodeAll, pemEncode } from '../../src/core/asn1/pem.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-batch-items-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The outcome of a decoder as data: blocks (hex) or the error's code and message. */
function outcome(f: () => { label: string; der: Uint8Array }[]): unknown {
  try {
    return f().map((b) => [b.label, Buffer.from(b.der).toString('hex')]);
  } catch (e) {
    return { error: (e as { code?: string }).code, message: (e as Error).message };
  }
}

describe('pemBlocks', () => {
  const pieces = [
    pemEncode('CERTIFICATE', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)),
    pemEncode('CERTIFICATE', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x02)),
    pemEncode('X509 CRL', Uint8Array.of(0x30, 0x00)),
    '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CRL-----\n', // mismatched labels
    '-----BEGIN CERTIFICATE-----\nM@MCAQE=\n-----END CERTIFICATE-----\n', // bad base64
    '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n', // no END
    '-----END CERTIFICATE-----',
    '-----END A-B-----',
    '-----BEGIN A-B-----\nMAA=\n-----END A-B-----',
    'explanatory text\n',
    '-----',
    '\r\n',
    '-',
    'END ',
  ];

  it('equals pemDecodeAll on any concatenation (blocks, garbage, broken blocks), memo or not', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { maxLength: 7 }), (idx) => {
        const text = idx.map((i) => pieces[i]).join('');
        const want = outcome(() => pemDecodeAll(text));
        expect(outcome(() => pemBlocks(text))).toEqual(want);
        expect(outcome(() => pemBlocks(text))).toEqual(want); // second time: the tail comes from the memo
      }),
      { numRuns: 2000, seed: 6 },
    );
  });
});

describe('expandInput', () => {
  it('takes a directory\'s chain and envelope files, sorted by name, and nothing else', () => {
    const dir = path.join(tmp, 'd');
    fs.mkdirSync(path.join(dir, 'sub.pem'), { recursive: true });
    for (const f of ['b.pem', 'a.der', 'c.env', 'd.txt', 'e.CRT', 'f.p7s', 'A.cer']) fs.writeFileSync(path.join(dir, f), 'x');
    const items = expandInput(dir);
    expect(items.map((i) => path.basename(i.path))).toEqual(['A.cer', 'a.der', 'b.pem', 'c.env', 'e.CRT', 'f.p7s']);
    expect(items.map((i) => i.kind)).toEqual(['chain', 'chain', 'chain', 'envelope', 'chain', 'envelope']);
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads a list file relative to itself, skipping blanks and comments, keeping absolute paths', () => {
    const list = path.join(tmp, 'l', 'list.txt');
    fs.mkdirSync(path.dirname(list), { recursive: true });
    fs.writeFileSync(list, '# header\n\n  x/one.pem  \r\n/abs/two.env\n#three.pem\n');
    expect(expandInput(list).map((i) => [i.path, i.kind])).toEqual([
      [path.join(tmp, 'l', 'x/one.pem'), 'chain'],
      ['/abs/two.env', 'envelope'],
    ]);
  });

  it('refuses a missing input (IO) and an empty one (USAGE)', () => {
    expect(() => expandInput(path.join(tmp, 'missing'))).toThrow(expect.objectContaining({ code: 'IO' }));
    const empty = path.join(tmp, 'empty.txt');
    fs.writeFileSync(empty, '# nothing\n');
    expect(() => expandInput(empty)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('kindOf: envelopes by extension, everything else is a chain', () => {
    expect([kindOf('x.env'), kindOf('x.P7M'), kindOf('x.cms'), kindOf('x.pem'), kindOf('x')]).toEqual(['envelope', 'envelope', 'envelope', 'chain', 'chain']);
  });
});
