// AES: GCM through node:crypto (NIST SP 800-38D, RFC 5084); CBC with PKCS#7 padding (RFC 5652 §6.3) and key wrap (RFC 3394) over @noble/ciphers; any-key-size readers for CMS.
//
// Why GCM runs in node:crypto: an envelope's content is up to the in-memory limit, and @noble's pure-JS
// GCM took ~530 ms for an 8 MB content (fuzz run, issue 8) against a few ms with OpenSSL's AES-NI.
// Nothing random happens here either way: the key and nonce are passed in. CBC and key wrap only ever
// see a key or a few kilobytes, so they stay in audited pure JavaScript.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { aeskw, cbc } from '@noble/ciphers/aes.js';
import { WritError } from '../errors.js';
import { checkBytes } from './bytes.js';

export const AES_GCM_TAG_LENGTH = 16;

/** AES-256-GCM encryption with a 12-byte nonce; returns ciphertext || 16-byte tag. Never reuse a (key, nonce) pair. */
export function aes256GcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkBytes('key', key, 32);
  checkBytes('nonce', nonce, 12);
  checkBytes('plaintext', plaintext);
  if (aad !== undefined) checkBytes('aad', aad);
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: AES_GCM_TAG_LENGTH });
  if (aad !== undefined) c.setAAD(aad);
  const out = new Uint8Array(plaintext.length + AES_GCM_TAG_LENGTH);
  const body = c.update(plaintext);
  const rest = c.final();
  // GCM is a stream mode: update returns every byte, final none (SP 800-38D §7.1).
  if (body.length !== plaintext.length || rest.length !== 0) throw new Error('AES-GCM produced an unexpected length');
  out.set(body, 0);
  out.set(c.getAuthTag(), plaintext.length);
  return out;
}

/** AES-256-GCM decryption of ciphertext || tag; WritError PARSE when authentication fails (tampered or wrong key). */
export function aes256GcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array {
  return gcmDecrypt('AES-256-GCM', [32], key, nonce, ciphertext, aad);
}

/** AES-256-CBC with PKCS#7 padding (RFC 8018 §6.2.1 step 4 / RFC 5652 §6.3). */
export function aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkBytes('key', key, 32);
  checkBytes('iv', iv, 16);
  checkBytes('plaintext', plaintext);
  return cbc(key, iv).encrypt(plaintext);
}

/** AES-256-CBC decryption; WritError PARSE when the length or the PKCS#7 padding is wrong (often: wrong key). */
export function aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return cbcDecrypt('AES-256-CBC', [32], key, iv, ciphertext);
}

/** AES-256 key wrap (RFC 3394 §2.2.1), e.g. for CMS KEMRecipientInfo (RFC 9629 §5). */
export function aes256KeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array {
  return keyWrap([32], kek, key);
}

/** AES-256 key unwrap (RFC 3394 §2.2.2); WritError PARSE when the integrity check fails. */
export function aes256KeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  return keyUnwrap([32], kek, wrapped);
}

// ---- Any AES key size, for reading CMS written by others (RFC 3565 AES-CBC, RFC 5084 AES-GCM, RFC 3394 wrap).
// writ itself writes only AES-256; these accept 16-, 24- and 32-byte keys so that envelopes from other
// tools (AES-128 key wrap, AES-128/192-GCM content) can be opened. Failures are WritError PARSE, as above.

const AES_KEY_LENGTHS = [16, 24, 32] as const;

/** AES-GCM (any key size) decryption of ciphertext || 16-byte tag; the nonce is 12 bytes (RFC 5084 §3.2 recommends 12). */
export function aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array {
  return gcmDecrypt('AES-GCM', AES_KEY_LENGTHS, key, nonce, ciphertext, aad);
}

/** AES-CBC (any key size) decryption with PKCS#7 padding removal; PARSE on a bad length or padding. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return cbcDecrypt('AES-CBC', AES_KEY_LENGTHS, key, iv, ciphertext);
}

/** AES key wrap (RFC 3394 §2.2.1) under a 16-, 24- or 32-byte KEK. */
export function aesKeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array {
  return keyWrap(AES_KEY_LENGTHS, kek, key);
}

/** AES key unwrap (RFC 3394 §2.2.2) under a 16-, 24- or 32-byte KEK; PARSE when the integrity check fails. */
export function aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  return keyUnwrap(AES_KEY_LENGTHS, kek, wrapped);
}

// ---- Shared bodies: the AES-256 functions above and the any-key-size readers differ only in the key
// lengths they accept and the name in their error messages.

function gcmDecrypt(label: string, keyLengths: readonly number[], key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
  checkBytes('key', key, ...keyLengths);
  checkBytes('nonce', nonce, 12);
  checkBytes('ciphertext', ciphertext);
  if (aad !== undefined) checkBytes('aad', aad);
  if (ciphertext.length < AES_GCM_TAG_LENGTH) throw new WritError('PARSE', `${label} ciphertext shorter than its tag`);
  const split = ciphertext.length - AES_GCM_TAG_LENGTH;
  const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, nonce, { authTagLength: AES_GCM_TAG_LENGTH });
  if (aad !== undefined) d.setAAD(aad);
  d.setAuthTag(ciphertext.subarray(split));
  // The plaintext is not authentic until final() passes: copy it out of node's Buffer (which may sit in
  // a shared pool) and wipe both copies if the tag is wrong.
  const body = d.update(ciphertext.subarray(0, split));
  const out = new Uint8Array(body);
  body.fill(0);
  try {
    d.final();
  } catch (e) {
    out.fill(0);
    throw new WritError('PARSE', `${label} authentication failed`, { cause: e });
  }
  return out;
}

function cbcDecrypt(label: string, keyLengths: readonly number[], key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkBytes('key', key, ...keyLengths);
  checkBytes('iv', iv, 16);
  checkBytes('ciphertext', ciphertext);
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new WritError('PARSE', `${label} ciphertext is not a positive multiple of 16 bytes`);
  try {
    return cbc(key, iv).decrypt(ciphertext);
  } catch (e) {
    throw new WritError('PARSE', `${label} padding is invalid`, { cause: e });
  }
}

function keyWrap(kekLengths: readonly number[], kek: Uint8Array, key: Uint8Array): Uint8Array {
  checkBytes('kek', kek, ...kekLengths);
  checkBytes('key', key);
  if (key.length < 16 || key.length % 8 !== 0) throw new RangeError(`key must be a multiple of 8 bytes, at least 16, got ${key.length}`);
  return aeskw(kek).encrypt(key);
}

function keyUnwrap(kekLengths: readonly number[], kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  checkBytes('kek', kek, ...kekLengths);
  checkBytes('wrapped', wrapped);
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) throw new WritError('PARSE', 'wrapped key has an invalid length');
  try {
    return aeskw(kek).decrypt(wrapped);
  } catch (e) {
    throw new WritError('PARSE', 'AES key unwrap integrity check failed', { cause: e });
  }
}
