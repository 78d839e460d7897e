// Unit tests for share files (src/core/shares/share-file.ts): clear header bound as AAD, BAD_PASSPHRASE, PARSE, limits.
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../../src/core/json/canonical.js';
import { decryptShareFile, encryptShareFile, readShareFileHeader } from '../../../src/core/shares/share-file.js';
import { splitSecret } from '../../../src/core/shares/slip39.js';
import { errCode, seededRng } from '../../helpers/index.js';

const FAST = { N: 16, r: 1, p: 1 };
const rng = seededRng('sf');
const mnemonic = splitSecret(rng(16), { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], iterationExponent: 0, rng })[0]![0]!;
const content = { mnemonic, ceremony: 'root-ksk-2026', custodian: 'alice', rootFingerprint: 'cd'.repeat(32) };
const file = encryptShareFile(content, 'hunter2 hunter2', { rng: seededRng('file'), costs: FAST });
const doc = JSON.parse(new TextDecoder().decode(file)) as Record<string, unknown>;
const reencode = (d: unknown): Uint8Array => canonicalBytes(d);

describe('share files', () => {
  it('are canonical JSON naming ceremony, custodian and root in clear, with no share words', () => {
    expect(new TextDecoder().decode(file)).toBe(new TextDecoder().decode(reencode(doc)));
    expect(doc).toMatchObject({
      type: 'writ-share-file',
      version: 1,
      ceremony: 'root-ksk-2026',
      custodian: 'alice',
      rootFingerprint: 'cd'.repeat(32),
      kdf: { name: 'scrypt', N: 16, r: 1, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(readShareFileHeader(file)).toEqual({ ceremony: 'root-ksk-2026', custodian: 'alice', rootFingerprint: 'cd'.repeat(32) });
    for (const w of mnemonic.split(' ').slice(4, 10)) expect(new TextDecoder().decode(file)).not.toContain(` ${w} `);
    expect(decryptShareFile(file, 'hunter2 hunter2')).toEqual(content);
  });

  it('bind the clear fields: changing custodian, ceremony, root or KDF parameters gives BAD_PASSPHRASE', () => {
    for (const change of [
      { custodian: 'mallory' },
      { ceremony: 'root-ksk-2027' },
      { rootFingerprint: 'ce'.repeat(32) },
      { kdf: { ...(doc.kdf as object), r: 2 } },
    ]) {
      expect(errCode(() => decryptShareFile(reencode({ ...doc, ...change }), 'hunter2 hunter2'))).toBe('BAD_PASSPHRASE');
    }
    expect(errCode(() => decryptShareFile(file, 'hunter3 hunter3'))).toBe('BAD_PASSPHRASE');
  });

  it('refuse malformed files with PARSE, unknown versions/algorithms with UNSUPPORTED, huge costs with LIMIT', () => {
    expect(errCode(() => decryptShareFile(new TextEncoder().encode('not json'), 'x'))).toBe('PARSE');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, type: 'other' }), 'x'))).toBe('PARSE');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, extra: 1 }), 'x'))).toBe('PARSE');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, ciphertext: 'zz' }), 'x'))).toBe('PARSE');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, kdf: { ...(doc.kdf as object), N: 17 } }), 'x'))).toBe('PARSE');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, version: 2 }), 'x'))).toBe('UNSUPPORTED');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, kdf: { ...(doc.kdf as object), name: 'argon2id' } }), 'x'))).toBe('UNSUPPORTED');
    expect(errCode(() => decryptShareFile(reencode({ ...doc, kdf: { ...(doc.kdf as object), N: 2 ** 24, r: 8 } }), 'x'))).toBe('LIMIT');
  });

  it('refuse to store something that is not a share', () => {
    expect(errCode(() => encryptShareFile({ ...content, mnemonic: 'academic acid acne' }, 'p', { rng, costs: FAST }))).toBe('PARSE');
  });

  it('use the default scrypt costs (N = 2^17, r = 8) unless told otherwise', () => {
    const d = JSON.parse(new TextDecoder().decode(encryptShareFile(content, 'p', { rng: seededRng('d') }))) as { kdf: { N: number; r: number; p: number } };
    expect(d.kdf).toMatchObject({ N: 131072, r: 8, p: 1 });
  });
});

describe('share files store the mnemonic canonically', () => {
  it('prefixes, case and spacing are normalised to full words', () => {
    const sloppy = ` ${mnemonic.split(' ').map((w) => w.slice(0, 4).toUpperCase()).join('  ')}\n`;
    const f = encryptShareFile({ ...content, mnemonic: sloppy }, 'p', { rng: seededRng('n'), costs: FAST });
    expect(decryptShareFile(f, 'p').mnemonic).toBe(mnemonic);
  });
});
