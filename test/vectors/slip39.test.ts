// SLIP-0039 official test vectors (trezor/python-shamir-mnemonic vectors.json, passphrase "TREZOR"): all 45 recover or are refused with a specific code.
//
// Each vector is [description, mnemonics, master secret hex ("" = must fail), BIP-32 xprv]. Valid sets
// must give the exact master secret (and its BIP-32 master xprv, SLIP-0039 "Specification for backing up
// BIP-0032"); invalid sets must throw the WritError code the description names. Counts are printed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/core/crypto/bytes.js';
import { hmac, sha256 } from '../../src/core/crypto/kdf.js';
import { WritError } from '../../src/core/errors.js';
import { combineMnemonics } from '../../src/core/shares/slip39.js';
import { assertLoaded, requireVectors } from '../helpers/vectors.js';

const dir = requireVectors('slip39');

type Vector = [string, string[], string, string?];

/** The error code a failing vector's description calls for. */
function expectedCode(description: string): string {
  const d = description.toLowerCase();
  const rules: [RegExp, string][] = [
    [/invalid checksum/, 'SHARE_CHECKSUM'],
    [/invalid padding/, 'PARSE'],
    [/insufficient length/, 'PARSE'],
    [/invalid master secret length/, 'PARSE'],
    [/different identifiers/, 'SHARE_FOREIGN'],
    [/different iteration exponents/, 'SHARE_FOREIGN'],
    [/mismatching group thresholds/, 'SHARE_MISMATCH'],
    [/mismatching group counts/, 'SHARE_MISMATCH'],
    [/greater group threshold than group counts/, 'SHARE_MISMATCH'],
    [/duplicate member indices/, 'SHARE_DUPLICATE'],
    [/mismatching member thresholds/, 'SHARE_MISMATCH'],
    [/invalid digest/, 'SHARE_MISMATCH'],
    [/insufficient number of (groups|members)/, 'QUORUM'],
    // "Basic sharing 2-of-3" with a single mnemonic: below the member threshold.
    [/basic sharing 2-of-3/, 'QUORUM'],
  ];
  for (const [re, code] of rules) if (re.test(d)) return code;
  throw new Error(`no expected error code for failing vector "${description}"`);
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58check(payload: Uint8Array): string {
  const data = concat(payload, sha256(sha256(payload)).subarray(0, 4));
  let n = BigInt(`0x${toHex(data)}`);
  let s = '';
  while (n > 0n) {
    s = (B58[Number(n % 58n)] as string) + s;
    n /= 58n;
  }
  for (const b of data) {
    if (b !== 0) break;
    s = `1${s}`;
  }
  return s;
}

/** BIP-32 master extended private key (mainnet xprv) of a seed. */
function bip32Xprv(seed: Uint8Array): string {
  const i = hmac('sha512', new TextEncoder().encode('Bitcoin seed'), seed);
  const payload = concat(
    new Uint8Array([0x04, 0x88, 0xad, 0xe4, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    i.subarray(32),
    new Uint8Array([0]),
    i.subarray(0, 32),
  );
  return base58check(payload);
}

describe.skipIf(dir === undefined)('SLIP-0039 official vectors', () => {
  const vectors = dir === undefined ? [] : (JSON.parse(readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as Vector[]);

  it('all vectors behave as specified (15 recover, 30 are refused with their specific code)', () => {
    assertLoaded('slip39', vectors.length);
    let recovered = 0;
    let xprvChecked = 0;
    const rejected: Record<string, number> = {};
    const failures: string[] = [];
    for (const [description, mnemonics, secretHex, xprv] of vectors) {
      if (secretHex !== '') {
        try {
          const ms = combineMnemonics(mnemonics, 'TREZOR');
          if (toHex(ms) !== secretHex) failures.push(`${description}: wrong secret`);
          else recovered++;
          if (xprv) {
            if (bip32Xprv(ms) !== xprv) failures.push(`${description}: wrong xprv`);
            else xprvChecked++;
          }
        } catch (e) {
          failures.push(`${description}: threw ${e instanceof WritError ? e.code : ''} ${String(e)}`);
        }
      } else {
        const want = expectedCode(description);
        try {
          combineMnemonics(mnemonics, 'TREZOR');
          failures.push(`${description}: accepted, expected ${want}`);
        } catch (e) {
          const got = e instanceof WritError ? e.code : `not-writ:${String(e)}`;
          if (got !== want) failures.push(`${description}: ${got} (${String((e as Error).message)}), expected ${want}`);
          else rejected[got] = (rejected[got] ?? 0) + 1;
        }
      }
    }
    const nRejected = Object.values(rejected).reduce((a, b) => a + b, 0);
    console.log(
      `SLIP-39 vectors: ${vectors.length} loaded, ${recovered} recovered (${xprvChecked} BIP-32 xprv matched), ${nRejected} rejected ${JSON.stringify(rejected)}`,
    );
    expect(failures).toEqual([]);
    expect(vectors.length).toBe(45);
    expect(recovered).toBe(15);
    expect(nRejected).toBe(30);
  });

  it('a valid set with the wrong passphrase gives a different secret (no passphrase verification, SLIP-0039 "Passphrase")', () => {
    const v = vectors.find((x) => x[2] !== '');
    expect(v).toBeDefined();
    const [, mnemonics, secretHex] = v as Vector;
    expect(toHex(combineMnemonics(mnemonics, 'TREZOR'))).toBe(secretHex);
    expect(toHex(combineMnemonics(mnemonics, 'trezor'))).not.toBe(secretHex);
  });
});
