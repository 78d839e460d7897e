// Shared test helper: flattens a fixture PKI (src/fixtures/pki.ts) into named certificates, keys and CRLs with their issuers.
//
// Used by bulk cross-checks (OpenSSL interop) that must cover every certificate, key and CRL writ issues.
import type { KeyAlgName } from '../../src/core/crypto/types.js';
import type { FixturePki } from '../../src/fixtures/pki.js';

export type ProfileName = 'root' | 'regional' | 'enclave-ca' | 'enclave-signing' | 'enclave-kem' | 'workload';

export interface MaterialCert {
  name: string;
  profile: ProfileName;
  der: Uint8Array;
  /** Name of the issuing certificate (the root names itself). */
  issuer: string;
}
export interface MaterialKey {
  name: string;
  alg: KeyAlgName;
  seed: Uint8Array;
  /** Name of the certificate holding this key's public key. */
  cert: string;
}
export interface MaterialCrl {
  name: string;
  der: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  /** Name of the certificate whose key signed the CRL. */
  issuer: string;
}

/** Every certificate, private key and CRL of a fixture PKI, names prefixed with `prefix`. */
export function fixtureMaterial(pki: FixturePki, prefix = ''): { certs: MaterialCert[]; keys: MaterialKey[]; crls: MaterialCrl[] } {
  const certs: MaterialCert[] = [];
  const keys: MaterialKey[] = [];
  const crls: MaterialCrl[] = [];
  const n = (s: string): string => `${prefix}${s}`;
  const add = (name: string, profile: ProfileName, issuer: string, f: { der: Uint8Array; key: { alg: KeyAlgName; seed: Uint8Array } }): void => {
    certs.push({ name: n(name), profile, der: f.der, issuer: n(issuer) });
    keys.push({ name: n(name), alg: f.key.alg, seed: f.key.seed, cert: n(name) });
  };
  const addCrl = (name: string, issuer: string, c: { der: Uint8Array; crl: { tbs: Uint8Array; signature: Uint8Array } }): void => {
    crls.push({ name: n(name), der: c.der, tbs: c.crl.tbs, signature: c.crl.signature, issuer: n(issuer) });
  };

  add('root', 'root', 'root', pki.root);
  addCrl('root.crl', 'root', pki.rootCrl);
  for (const r of Object.values(pki.regions)) {
    add(`region:${r.name}`, 'regional', 'root', r.ca);
    addCrl(`region:${r.name}.crl`, `region:${r.name}`, r.crl);
  }
  addCrl('region:north.crl-revoking-harbor', 'region:north', pki.northCrlRevokingHarbor);
  for (const e of Object.values(pki.enclaves)) {
    const ca = `${e.name}:ca`;
    add(ca, 'enclave-ca', `region:${e.region}`, e.ca);
    add(`${e.name}:signing`, 'enclave-signing', ca, e.signing);
    add(`${e.name}:kem`, 'enclave-kem', ca, e.kem);
    add(`${e.name}:workload`, 'workload', ca, e.workload);
    addCrl(`${ca}.crl`, ca, e.crl);
  }
  return { certs, keys, crls };
}
