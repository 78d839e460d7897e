// Algorithm names and OIDs: ML-DSA (RFC 9881 / FIPS 204), ML-KEM (RFC 9935 / FIPS 203), X-Wing, classical signatures.
import type { KeyAlgName, SigAlgName } from './types.js';

/** Key algorithm OIDs (also the signature OIDs for ML-DSA: RFC 9881 §2 uses one OID for both). */
export const KEY_ALG_OIDS: Record<KeyAlgName, string> = {
  'ml-dsa-44': '2.16.840.1.101.3.4.3.17',
  'ml-dsa-65': '2.16.840.1.101.3.4.3.18',
  'ml-dsa-87': '2.16.840.1.101.3.4.3.19',
  'ml-kem-768': '2.16.840.1.101.3.4.4.2',
  'ml-kem-1024': '2.16.840.1.101.3.4.4.3',
  // draft-connolly-cfrg-xwing-kem §"IANA": id-XWing under the author's PEN.
  'x-wing': '1.3.6.1.4.1.62253.25722',
};

const OID_TO_ALG: ReadonlyMap<string, KeyAlgName> = new Map(
  (Object.entries(KEY_ALG_OIDS) as [KeyAlgName, string][]).map(([a, o]) => [o, a]),
);

/** The post-quantum key algorithm for an OID, or undefined for any other OID. */
export function algFromOid(oid: string): KeyAlgName | undefined {
  return OID_TO_ALG.get(oid);
}

export function isSigAlg(alg: KeyAlgName): alg is SigAlgName {
  return alg === 'ml-dsa-44' || alg === 'ml-dsa-65' || alg === 'ml-dsa-87';
}

/** Byte sizes per algorithm (FIPS 204 Table 2, FIPS 203 Table 3, draft-connolly-cfrg-xwing-kem §5). */
export const KEY_SIZES: Record<KeyAlgName, { seed: number; publicKey: number; expandedKey: number }> = {
  'ml-dsa-44': { seed: 32, publicKey: 1312, expandedKey: 2560 },
  'ml-dsa-65': { seed: 32, publicKey: 1952, expandedKey: 4032 },
  'ml-dsa-87': { seed: 32, publicKey: 2592, expandedKey: 4896 },
  'ml-kem-768': { seed: 64, publicKey: 1184, expandedKey: 2400 },
  'ml-kem-1024': { seed: 64, publicKey: 1568, expandedKey: 3168 },
  // X-Wing has no expanded private key form: the 32-byte seed is the private key.
  'x-wing': { seed: 32, publicKey: 1216, expandedKey: 32 },
};

/** Classical algorithm OIDs understood by the verifier (RFC 5758, RFC 4055, RFC 8017, RFC 8410). */
export const CLASSICAL_OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ed25519: '1.3.101.112',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
} as const;

/** Human names for OIDs we know, for inspect output and error messages. */
export const OID_NAMES: Readonly<Record<string, string>> = {
  [KEY_ALG_OIDS['ml-dsa-44']]: 'ML-DSA-44',
  [KEY_ALG_OIDS['ml-dsa-65']]: 'ML-DSA-65',
  [KEY_ALG_OIDS['ml-dsa-87']]: 'ML-DSA-87',
  [KEY_ALG_OIDS['ml-kem-768']]: 'ML-KEM-768',
  [KEY_ALG_OIDS['ml-kem-1024']]: 'ML-KEM-1024',
  [KEY_ALG_OIDS['x-wing']]: 'X-Wing',
  [CLASSICAL_OIDS.ecPublicKey]: 'EC public key',
  [CLASSICAL_OIDS.rsaEncryption]: 'RSA',
  [CLASSICAL_OIDS.rsassaPss]: 'RSASSA-PSS',
  [CLASSICAL_OIDS.ed25519]: 'Ed25519',
  [CLASSICAL_OIDS.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [CLASSICAL_OIDS.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [CLASSICAL_OIDS.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [CLASSICAL_OIDS.sha1WithRsa]: 'sha1WithRSAEncryption',
  [CLASSICAL_OIDS.sha256WithRsa]: 'sha256WithRSAEncryption',
  [CLASSICAL_OIDS.sha384WithRsa]: 'sha384WithRSAEncryption',
  [CLASSICAL_OIDS.sha512WithRsa]: 'sha512WithRSAEncryption',
  [CLASSICAL_OIDS.secp256r1]: 'P-256',
  [CLASSICAL_OIDS.secp384r1]: 'P-384',
  [CLASSICAL_OIDS.secp521r1]: 'P-521',
};
