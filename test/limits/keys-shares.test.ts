// Limits on shares, share files and encrypted keys (src/core/limits.ts, docs/limits.md): counts, lengths and KDF costs, each just under and just over.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/core/limits.js';
import { combineMnemonics, decodeMnemonic, encodeMnemonic, splitSecret } from '../../src/core/shares/slip39.js';
import { decryptShareFile, encryptShareFile } from '../../src/core/shares/share-file.js';
import { decryptPrivateKey, encodePrivateKey, encryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { errCode, seededRng } from '../helpers/index.js';

const rng = seededRng('limits');
const code = errCode;

describe('SLIP-0039 shares', () => {
  const share = (e: number, member = 0): string =>
    encodeMnemonic({ identifier: 7, extendable: true, iterationExponent: e, groupIndex: 0, groupThreshold: 1, groupCount: 1, memberIndex: member, memberThreshold: 1, value: new Uint8Array(16).fill(3) });

  it(`MAX_SHARE_GROUPS / MAX_GROUP_MEMBERS: a split into ${L.MAX_SHARE_GROUPS} groups of ${L.MAX_GROUP_MEMBERS} works; 17 is refused (the format's 4-bit fields)`, () => {
    const all = splitSecret(new Uint8Array(16), { groupThreshold: 1, groups: Array.from({ length: L.MAX_SHARE_GROUPS }, () => ({ threshold: 2, count: L.MAX_GROUP_MEMBERS })), iterationExponent: 0, rng });
    expect(all.flat()).toHaveLength(L.MAX_SHARES_IN_SET);
    expect(() => splitSecret(new Uint8Array(16), { groupThreshold: 1, groups: [{ threshold: 2, count: L.MAX_GROUP_MEMBERS + 1 }], rng })).toThrow();
    expect(() => splitSecret(new Uint8Array(16), { groupThreshold: 1, groups: Array.from({ length: L.MAX_SHARE_GROUPS + 1 }, () => ({ threshold: 1, count: 1 })), rng })).toThrow();
  });

  it(`MAX_SHARES_IN_SET: ${L.MAX_SHARES_IN_SET} mnemonics are considered (not LIMIT); one more is LIMIT before any work`, () => {
    expect(code(() => combineMnemonics(Array.from({ length: L.MAX_SHARES_IN_SET }, () => share(0))))).not.toBe('LIMIT');
    expect(code(() => combineMnemonics(Array.from({ length: L.MAX_SHARES_IN_SET + 1 }, () => share(0))))).toBe('LIMIT');
  });

  it(`MAX_MNEMONIC_CHARS: ${L.MAX_MNEMONIC_CHARS} characters are read (a valid share padded with spaces); one more is LIMIT`, () => {
    const m = share(0);
    expect(decodeMnemonic(m + ' '.repeat(L.MAX_MNEMONIC_CHARS - m.length)).memberIndex).toBe(0);
    expect(code(() => decodeMnemonic(m + ' '.repeat(L.MAX_MNEMONIC_CHARS - m.length + 1)))).toBe('LIMIT');
  });

  it(`MAX_SLIP39_ITERATION_EXPONENT: exponent ${L.MAX_SLIP39_ITERATION_EXPONENT} is combined; ${L.MAX_SLIP39_ITERATION_EXPONENT + 1} is LIMIT before any PBKDF2`, () => {
    expect(combineMnemonics([share(L.MAX_SLIP39_ITERATION_EXPONENT)])).toHaveLength(16);
    expect(code(() => combineMnemonics([share(L.MAX_SLIP39_ITERATION_EXPONENT + 1)]))).toBe('LIMIT');
  });
});

describe('share files', () => {
  const content = { mnemonic: encodeMnemonic({ identifier: 7, extendable: true, iterationExponent: 0, groupIndex: 0, groupThreshold: 1, groupCount: 1, memberIndex: 0, memberThreshold: 1, value: new Uint8Array(16).fill(3) }), ceremony: 'c', custodian: 'Ana', rootFingerprint: 'f' };
  const te = new TextEncoder();
  const file = encryptShareFile(content, 'pw', { rng, costs: { N: 2 ** 10, r: 8, p: 1 } });
  const doc = JSON.parse(new TextDecoder().decode(file)) as { kdf: Record<string, unknown> };
  const withKdf = (kdf: Record<string, unknown>): Uint8Array => te.encode(JSON.stringify({ ...doc, kdf: { ...doc.kdf, ...kdf } }));

  it(`MAX_SHARE_SCRYPT_WORK_BYTES (${L.MAX_SHARE_SCRYPT_WORK_BYTES}): the default costs open; double the work is LIMIT before scrypt`, () => {
    // At the limit the KDF runs (the tag then fails: costs are bound as AAD), so the code is BAD_PASSPHRASE, not LIMIT.
    expect(code(() => decryptShareFile(withKdf({ N: 2 ** 17, r: 8, p: 1 }), 'pw'))).toBe('BAD_PASSPHRASE');
    expect(code(() => decryptShareFile(withKdf({ N: 2 ** 17, r: 8, p: 2 }), 'pw'))).toBe('LIMIT');
  });

  it(`MAX_SCRYPT_P (${L.MAX_SCRYPT_P}): p = ${L.MAX_SCRYPT_P} at small N is read; p = ${L.MAX_SCRYPT_P + 1} is LIMIT`, () => {
    expect(code(() => decryptShareFile(withKdf({ N: 2 ** 4, r: 1, p: L.MAX_SCRYPT_P }), 'pw'))).toBe('BAD_PASSPHRASE');
    expect(code(() => decryptShareFile(withKdf({ N: 2 ** 4, r: 1, p: L.MAX_SCRYPT_P + 1 }), 'pw'))).toBe('LIMIT');
  });

  it(`MAX_SHARE_SALT_BYTES (${L.MAX_SHARE_SALT_BYTES}): a ${L.MAX_SHARE_SALT_BYTES}-byte salt is read; one byte more is LIMIT`, () => {
    expect(code(() => decryptShareFile(withKdf({ salt: 'ab'.repeat(L.MAX_SHARE_SALT_BYTES) }), 'pw'))).toBe('BAD_PASSPHRASE');
    expect(code(() => decryptShareFile(withKdf({ salt: 'ab'.repeat(L.MAX_SHARE_SALT_BYTES + 1) }), 'pw'))).toBe('LIMIT');
  });

  it(`MAX_SHARE_FILE_BYTES (${L.MAX_SHARE_FILE_BYTES}): a file padded to the limit is read; one byte more is LIMIT`, () => {
    const pad = (n: number): Uint8Array => {
      const b = new Uint8Array(n).fill(0x20); // trailing JSON white space
      b.set(file);
      return b;
    };
    expect(decryptShareFile(pad(L.MAX_SHARE_FILE_BYTES), 'pw').custodian).toBe('Ana');
    expect(code(() => decryptShareFile(pad(L.MAX_SHARE_FILE_BYTES + 1), 'pw'))).toBe('LIMIT');
  });
});

describe('encrypted private keys', () => {
  const der = encodePrivateKey('ml-dsa-44', new Uint8Array(32).fill(9));
  const pass = te('limits pass');
  function te(s: string): Uint8Array {
    return new TextEncoder().encode(s);
  }

  it(`MAX_KEY_SCRYPT_WORK_BYTES (${L.MAX_KEY_SCRYPT_WORK_BYTES}): a key at the default scrypt cost opens; double the work is LIMIT before scrypt`, () => {
    const at = encryptPrivateKey(der, pass, { kdf: 'scrypt', rng, scrypt: { N: 2 ** 14, r: 8, p: 4 } });
    expect(decryptPrivateKey(at, pass)).toEqual(der);
    const over = encryptPrivateKey(der, pass, { kdf: 'scrypt', rng, scrypt: { N: 2 ** 14, r: 8, p: 8 } });
    expect(code(() => decryptPrivateKey(over, pass))).toBe('LIMIT');
  });

  it(`MAX_PBKDF2_ITERATIONS (${L.MAX_PBKDF2_ITERATIONS}): a key at the limit is read (the KDF runs); one iteration more is LIMIT before PBKDF2`, () => {
    // Encrypted cheaply at 65,536 iterations (INTEGER 01 00 00), then the count is patched in place to a
    // value of the same DER length: the limit is checked before the KDF, which is all this test needs to run once.
    const cheap = encryptPrivateKey(der, pass, { kdf: 'pbkdf2', rng, iterations: 0x010000 });
    const at = Buffer.from(cheap);
    const i = at.indexOf(Buffer.from([0x02, 0x03, 0x01, 0x00, 0x00]));
    expect(i).toBeGreaterThan(0);
    const patched = (n: number): Uint8Array => {
      const b = Buffer.from(at);
      b.writeUIntBE(n, i + 2, 3);
      return new Uint8Array(b);
    };
    expect(decryptPrivateKey(cheap, pass)).toEqual(der);
    expect(code(() => decryptPrivateKey(patched(L.MAX_PBKDF2_ITERATIONS), pass))).toBe('BAD_PASSPHRASE'); // derived, then the wrong key fails
    expect(code(() => decryptPrivateKey(patched(L.MAX_PBKDF2_ITERATIONS + 1), pass))).toBe('LIMIT');
  });
});
