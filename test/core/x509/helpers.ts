// Test helpers for x509 tests: deterministic signers and a small CA chain built with issueCertificate.
import { signerFromSeed, keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { encodeSpki } from '../../../src/core/asn1/spki.js';
import type { KeyAlgName, SigAlgName, Signer } from '../../../src/core/crypto/types.js';
import { seededRng, drbgBytes } from '../../../src/fixtures/drbg.js';

export const signerFor = (label: string, alg: SigAlgName = 'ml-dsa-65'): Signer => signerFromSeed(alg, drbgBytes('x509-tests', label, 32));

export function kemSpki(label: string, alg: KeyAlgName = 'ml-kem-1024'): Uint8Array {
  const kp = keyPairFromSeed(alg, drbgBytes('x509-tests', label, alg === 'x-wing' ? 32 : 64));
  return encodeSpki(alg, kp.publicKey);
}

export const testRng = (label = 'rng') => seededRng('x509-tests', label);
