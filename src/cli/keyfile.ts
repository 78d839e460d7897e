// Reading PKCS#8 private keys (RFC 5958), encrypted (PBES2, RFC 8018) or not; the caller wipes the returned seed.
import { WritError } from '../core/errors.js';
import { decodePrivateKey, decryptPrivateKey, isEncryptedPrivateKey } from '../core/asn1/pkcs8.js';
import type { KeyAlgName } from '../core/crypto/types.js';
import { readPassFile } from './io.js';
import { canPrompt, readSecret } from './prompt.js';
import { readBlocks, withFile } from './load.js';

export interface LoadedKey {
  alg: KeyAlgName;
  /** The seed (private!). Undefined for an expandedKey-only PKCS#8. Wipe when done. */
  seed?: Uint8Array;
  publicKey: Uint8Array;
  form: 'seed' | 'expandedKey' | 'both';
  encrypted: boolean;
}

/** Gets the passphrase for an encrypted key: from a file, else from the terminal, else a usage error. */
export async function passphraseFor(file: string, passFile: string | undefined): Promise<Uint8Array> {
  if (passFile) return readPassFile(passFile);
  if (canPrompt()) return readSecret(`Passphrase for ${file}: `);
  throw new WritError('USAGE', `${file} is encrypted: give its passphrase with --pass-file`);
}

/** Reads a PKCS#8 private key (PEM "PRIVATE KEY" / "ENCRYPTED PRIVATE KEY", or DER). */
export async function readPrivateKey(file: string, passFile: string | undefined, note?: (m: string) => void): Promise<LoadedKey> {
  const blocks = readBlocks(file);
  if (blocks.length !== 1) throw new WritError('USAGE', `${file} holds ${blocks.length} PEM blocks; expected one private key`);
  const b = blocks[0]!;
  if (b.label !== undefined && b.label !== 'PRIVATE KEY' && b.label !== 'ENCRYPTED PRIVATE KEY') {
    throw new WritError('PARSE', `${file}: expected a PRIVATE KEY PEM block, found "${b.label}"`);
  }
  let der = b.der;
  const encrypted = b.label === 'ENCRYPTED PRIVATE KEY' || (b.label === undefined && isEncryptedPrivateKey(der));
  if (encrypted) {
    const pass = await passphraseFor(file, passFile);
    try {
      der = decryptPrivateKey(b.der, pass);
    } finally {
      pass.fill(0);
    }
  } else if (note) {
    note(`warning: ${file} is not encrypted`);
  }
  try {
    const k = withFile(file, () => decodePrivateKey(der));
    return { alg: k.alg, seed: k.seed?.slice(), publicKey: k.publicKey, form: k.form, encrypted };
  } finally {
    der.fill(0);
    b.der.fill(0);
  }
}
