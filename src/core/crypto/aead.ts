// AES over @noble/ciphers: AES-256 GCM (NIST SP 800-38D, RFC 5084), CBC with PKCS#7 padding (RFC 5652 §6.3), key wrap (RFC 3394); any-key-size readers for CMS.
import { aeskw, cbc, gcm } from '@noble/ciphers/aes.js';
import { WritError } from '../errors.js';
import { checkBytes } from './bytes.js';

export const AES_GCM_TAG_LENGTH = 16;

/** AES-256-GCM encryption with a 12-byte nonce; returns ciphertext || 16-byte tag. Never reuse a (key, nonce) pair. */
export function aes256GcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkBytes('key', key, 32);
  checkBytes('nonce', nonce, 12);
  checkBytes('plaintext', plaintext);
  if (aad !== undefined) checkBytes('aad', aad);
  return gcm(key, nonce, aad).encrypt(plaintext);
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
  try {
    return gcm(key, nonce, aad).decrypt(ciphertext);
  } catch (e) {
    throw new WritError('PARSE', `${label} authentication failed`, { cause: e });
  }
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
