// Share files: one custodian's SLIP-0039 share encrypted under the custodian's own passphrase (scrypt, RFC 7914; AES-256-GCM, NIST SP 800-38D).
//
// Format (documented in docs/formats.md, "Share files"): one RFC 8785 canonical JSON object, UTF-8:
//   {
//     "type": "writ-share-file", "version": 1,
//     "ceremony": "<ceremony id>", "custodian": "<custodian name>", "rootFingerprint": "<hex or text as given>",
//     "kdf": { "name": "scrypt", "salt": "<hex, 16 bytes>", "N": 131072, "r": 8, "p": 1 },
//     "cipher": { "name": "aes-256-gcm", "nonce": "<hex, 12 bytes>" },
//     "ciphertext": "<hex: AES-256-GCM(mnemonic as UTF-8) || 16-byte tag>"
//   }
// The key is scrypt(passphrase (UTF-8, NFC), salt, N, r, p, 32 bytes). The additional authenticated data
// is the canonical JSON (RFC 8785) of the object WITHOUT "ciphertext": ceremony, custodian, root
// fingerprint and the KDF/cipher parameters are readable without the passphrase, and any change to them
// makes decryption fail. A wrong passphrase and a tampered file are indistinguishable by design
// (GCM authentication): both are BAD_PASSPHRASE; a file that is not this structure is PARSE.
import { WritError } from '../errors.js';
import { aes256GcmDecrypt, aes256GcmEncrypt } from '../crypto/aead.js';
import { drawRandom, fromHex, toHex, wipe } from '../crypto/bytes.js';
import { scrypt } from '../crypto/kdf.js';
import type { Rng } from '../crypto/types.js';
import { canonicalBytes } from '../json/canonical.js';
import { decodeMnemonic, encodeMnemonic } from './slip39.js';
import { MAX_SCRYPT_P, MAX_SHARE_FILE_BYTES, MAX_SHARE_SALT_BYTES, MAX_SHARE_SCRYPT_WORK_BYTES, checkJsonDepth } from '../limits.js';

export const SHARE_FILE_TYPE = 'writ-share-file';
export const SHARE_FILE_VERSION = 1;

/** scrypt costs: N a power of two. Defaults: N = 2^17, r = 8, p = 1 (128 MiB, about a second). */
export interface ShareFileCosts {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SHARE_FILE_COSTS: Readonly<ShareFileCosts> = { N: 2 ** 17, r: 8, p: 1 };
/**
 * Refused when reading and when writing (LIMIT): scrypt work above the default's (128 * N * r * p bytes
 * touched, i.e. 128 MiB at N = 2^17, r = 8, p = 1; about half a second), a salt over 64 bytes, or a file
 * over 64 KiB (a share is a few hundred bytes). The file names its own costs, so without these a
 * hostile file buys gigabytes and minutes of scrypt per read (issue 8: one input < 1 s, < 256 MiB).
 */
const MAX_SCRYPT_WORK = MAX_SHARE_SCRYPT_WORK_BYTES; // src/core/limits.ts: = 128 * N * r * p of DEFAULT_SHARE_FILE_COSTS
const MAX_P = MAX_SCRYPT_P;
const MAX_SALT_BYTES = MAX_SHARE_SALT_BYTES;
const MAX_FILE_BYTES = MAX_SHARE_FILE_BYTES;

function checkCosts(c: ShareFileCosts): void {
  if (128 * c.N * c.r * c.p > MAX_SCRYPT_WORK || c.p > MAX_P) {
    throw new WritError('LIMIT', `share-file scrypt costs exceed the limit (128 * N * r * p <= ${MAX_SCRYPT_WORK / 2 ** 20} MiB, p <= ${MAX_P})`);
  }
}

export interface ShareFileContent {
  /** The SLIP-0039 mnemonic (checked to decode before it is written and after it is read; stored canonically: full lower-case words, single spaces). */
  mnemonic: string;
  ceremony: string;
  custodian: string;
  rootFingerprint: string;
}

interface Header {
  type: string;
  version: number;
  ceremony: string;
  custodian: string;
  rootFingerprint: string;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  cipher: { name: 'aes-256-gcm'; nonce: string };
}

const utf8 = new TextEncoder();

function passBytes(passphrase: string | Uint8Array): Uint8Array {
  if (typeof passphrase === 'string') return utf8.encode(passphrase.normalize('NFC'));
  if (passphrase instanceof Uint8Array) return passphrase.slice();
  throw new TypeError('passphrase must be a string or a Uint8Array');
}

function deriveKey(passphrase: string | Uint8Array, salt: Uint8Array, c: ShareFileCosts): Uint8Array {
  const pw = passBytes(passphrase);
  try {
    return scrypt(pw, salt, { N: c.N, r: c.r, p: c.p, dkLen: 32 });
  } finally {
    wipe(pw);
  }
}

/** Encrypts one custodian's share into share-file bytes (canonical JSON). */
export function encryptShareFile(
  content: ShareFileContent,
  passphrase: string | Uint8Array,
  o: { rng: Rng; kdf?: 'scrypt'; costs?: ShareFileCosts },
): Uint8Array {
  for (const k of ['mnemonic', 'ceremony', 'custodian', 'rootFingerprint'] as const) {
    if (typeof content[k] !== 'string' || content[k].length === 0) throw new TypeError(`${k} must be a non-empty string`);
  }
  if (o.kdf !== undefined && o.kdf !== 'scrypt') throw new WritError('UNSUPPORTED', `share-file KDF ${String(o.kdf)} is not supported (scrypt only)`);
  const share = decodeMnemonic(content.mnemonic); // refuse to store something that is not a share
  const canonical = encodeMnemonic(share); // full lower-case words, single spaces
  wipe(share.value);
  const costs = o.costs ?? DEFAULT_SHARE_FILE_COSTS;
  checkCosts(costs); // never write a file the reader refuses
  const salt = drawRandom(o.rng, 16).slice();
  const nonce = drawRandom(o.rng, 12).slice();
  const header: Header = {
    type: SHARE_FILE_TYPE,
    version: SHARE_FILE_VERSION,
    ceremony: content.ceremony,
    custodian: content.custodian,
    rootFingerprint: content.rootFingerprint,
    kdf: { name: 'scrypt', salt: toHex(salt), N: costs.N, r: costs.r, p: costs.p },
    cipher: { name: 'aes-256-gcm', nonce: toHex(nonce) },
  };
  const key = deriveKey(passphrase, salt, costs);
  const plain = utf8.encode(canonical);
  const ct = aes256GcmEncrypt(key, nonce, plain, canonicalBytes(header));
  wipe(key, plain);
  return canonicalBytes({ ...header, ciphertext: toHex(ct) });
}

function bad(what: string): never {
  throw new WritError('PARSE', `not a writ share file: ${what}`);
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') bad(`"${k}" must be a string`);
  return v;
}

function int(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) bad(`"${k}" must be a positive integer`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function hex(o: Record<string, unknown>, k: string, len?: number): Uint8Array {
  const s = str(o, k);
  let b: Uint8Array;
  try {
    b = fromHex(s);
  } catch {
    bad(`"${k}" must be hex`);
  }
  if (len !== undefined && b.length !== len) bad(`"${k}" must be ${len} bytes`);
  return b;
}

/** Parses a share file's clear fields without the passphrase (for listing: who, which ceremony, which root). */
export function readShareFileHeader(bytes: Uint8Array): { ceremony: string; custodian: string; rootFingerprint: string } {
  const h = parseShareFile(bytes).header;
  return { ceremony: h.ceremony, custodian: h.custodian, rootFingerprint: h.rootFingerprint };
}

function parseShareFile(bytes: Uint8Array): { header: Header; salt: Uint8Array; nonce: Uint8Array; ct: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('share file must be a Uint8Array');
  if (bytes.length > MAX_FILE_BYTES) throw new WritError('LIMIT', `a share file is at most ${MAX_FILE_BYTES} bytes, this one has ${bytes.length}`);
  let doc: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new WritError('PARSE', 'not a writ share file: not UTF-8 JSON', { cause: e });
  }
  // A share file is two levels deep; deeper values would reach String() in the messages below and overflow the stack.
  checkJsonDepth(text, 'share file');
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new WritError('PARSE', 'not a writ share file: not UTF-8 JSON', { cause: e });
  }
  const d = obj(doc, 'the file');
  if (d.type !== SHARE_FILE_TYPE) bad(`"type" must be "${SHARE_FILE_TYPE}"`);
  if (d.version !== SHARE_FILE_VERSION) throw new WritError('UNSUPPORTED', `share file version ${String(d.version)} is not supported (expected ${SHARE_FILE_VERSION})`);
  const allowed = new Set(['type', 'version', 'ceremony', 'custodian', 'rootFingerprint', 'kdf', 'cipher', 'ciphertext']);
  for (const k of Object.keys(d)) if (!allowed.has(k)) bad(`unknown member "${k}"`);
  const kdf = obj(d.kdf, '"kdf"');
  if (kdf.name !== 'scrypt') throw new WritError('UNSUPPORTED', `share-file KDF ${String(kdf.name)} is not supported`);
  const cipher = obj(d.cipher, '"cipher"');
  if (cipher.name !== 'aes-256-gcm') throw new WritError('UNSUPPORTED', `share-file cipher ${String(cipher.name)} is not supported`);
  const N = int(kdf, 'N');
  const r = int(kdf, 'r');
  const p = int(kdf, 'p');
  if (N < 2 || (N & (N - 1)) !== 0) bad('"N" must be a power of two');
  checkCosts({ N, r, p });
  if (typeof kdf.salt === 'string' && kdf.salt.length > 2 * MAX_SALT_BYTES) throw new WritError('LIMIT', `the share-file salt is over ${MAX_SALT_BYTES} bytes`);
  const salt = hex(kdf, 'salt');
  if (salt.length < 16) bad('"salt" must be at least 16 bytes');
  const nonce = hex(cipher, 'nonce', 12);
  const ct = hex(d, 'ciphertext');
  const header: Header = {
    type: SHARE_FILE_TYPE,
    version: SHARE_FILE_VERSION,
    ceremony: str(d, 'ceremony'),
    custodian: str(d, 'custodian'),
    rootFingerprint: str(d, 'rootFingerprint'),
    kdf: { name: 'scrypt', salt: str(kdf, 'salt'), N, r, p },
    cipher: { name: 'aes-256-gcm', nonce: str(cipher, 'nonce') },
  };
  for (const k of Object.keys(kdf)) if (!['name', 'salt', 'N', 'r', 'p'].includes(k)) bad(`unknown member "kdf.${k}"`);
  for (const k of Object.keys(cipher)) if (!['name', 'nonce'].includes(k)) bad(`unknown member "cipher.${k}"`);
  return { header, salt, nonce, ct };
}

/** Decrypts a share file; BAD_PASSPHRASE when the passphrase is wrong or the file was altered. */
export function decryptShareFile(bytes: Uint8Array, passphrase: string | Uint8Array): ShareFileContent {
  const { header, salt, nonce, ct } = parseShareFile(bytes);
  const key = deriveKey(passphrase, salt, header.kdf);
  let plain: Uint8Array;
  try {
    plain = aes256GcmDecrypt(key, nonce, ct, canonicalBytes(header));
  } catch (e) {
    throw new WritError(
      'BAD_PASSPHRASE',
      `cannot open the share file of custodian "${header.custodian}" (ceremony ${header.ceremony}): wrong passphrase, or the file was altered`,
      { cause: e },
    );
  } finally {
    wipe(key);
  }
  let mnemonic: string;
  try {
    mnemonic = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch (e) {
    throw new WritError('PARSE', 'the share file decrypted to something that is not text', { cause: e });
  } finally {
    wipe(plain);
  }
  const share = decodeMnemonic(mnemonic); // a file whose content is not a valid share is refused
  wipe(share.value);
  return { mnemonic, ceremony: header.ceremony, custodian: header.custodian, rootFingerprint: header.rootFingerprint };
}
