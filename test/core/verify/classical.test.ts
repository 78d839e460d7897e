// Partner PKIs with classical keys (DESIGN.md §1 "Several roots"): ECDSA P-256 and RSA PKCS#1 v1.5 chains
// through the same verify() (RFC 5758 §3.2, RFC 4055), built from fixture TBS fields re-keyed and re-signed.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { verify } from '../../../src/core/verify/verify.js';
import { nullValue } from '../../../src/core/asn1/der.js';
import { algorithmIdentifier } from '../../../src/core/asn1/alg-id.js';
import { parseDn } from '../../../src/core/asn1/name.js';
import { CLASSICAL_OIDS } from '../../../src/core/crypto/algs.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import { OIDS, assemble, ext, setExtension, setIssuer, tbsFields } from './helpers.js';

const NOW = new Date('2026-01-15T12:00:00Z');
let pki: FixturePki;
beforeAll(() => {
  pki = buildFixturePki('verify-classical', NOW);
});

const AKI = '2.5.29.35';
const SKI = '2.5.29.14';

const kinds = [
  {
    name: 'ECDSA P-256',
    keys: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    sigAlg: algorithmIdentifier(CLASSICAL_OIDS.ecdsaWithSha256),
    keyOid: CLASSICAL_OIDS.ecPublicKey,
  },
  {
    name: 'RSA-2048 PKCS#1 v1.5',
    keys: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
    sigAlg: algorithmIdentifier(CLASSICAL_OIDS.sha256WithRsa, nullValue()),
    keyOid: CLASSICAL_OIDS.rsaEncryption,
  },
];

describe.each(kinds)('$name partner root', (kind) => {
  let root: Certificate;
  let leaf: Certificate;
  beforeAll(() => {
    const { publicKey, privateKey } = kind.keys();
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const signer = (tbs: Uint8Array) => new Uint8Array(nodeSign('sha256', tbs, privateKey));
    const name = parseDn(`O=partner, CN=${kind.name} root`);
    // Root: the writ root's TBS with a new name and key, key identifiers dropped, self-signed.
    let rf = tbsFields(pki.root.cert.tbs);
    rf[3] = name;
    rf[5] = name;
    rf[6] = spki;
    rf = setExtension(setExtension(rf, AKI, false, undefined), SKI, false, undefined);
    root = assemble(rf, kind.sigAlg, signer);
    // Leaf: the harbor workload (ML-DSA-65 key, SPIFFE SAN, level policy) issued by the partner root.
    const lf = setExtension(setIssuer(tbsFields(pki.enclaves.harbor.workload.cert.tbs), name), AKI, false, undefined);
    leaf = assemble(lf, kind.sigAlg, signer);
  });

  it('verifies and reports identity and level', () => {
    expect(root.spki.algorithm.oid).toBe(kind.keyOid);
    const r = verify({ leaf }, [{ cert: root }], { now: NOW, strict: false });
    expect(r.errors).toEqual([]);
    expect(r.identity).toBe(pki.enclaves.harbor.identity);
    expect(r.levelName).toBe('restricted');
  });

  it('a tampered TBS -> SIGNATURE', () => {
    // Re-assemble the leaf with one changed SAN but the ORIGINAL signature: the signature no longer covers it.
    const lf = setExtension(tbsFields(leaf.tbs), OIDS.subjectAltName, false, ext.sanUri('spiffe://harbor.north.writ.test/other'));
    const tampered = assemble(lf, kind.sigAlg, () => leaf.signature);
    const r = verify({ leaf: tampered }, [{ cert: root }], { now: NOW });
    expect(r.errors.map((e) => e.code)).toEqual(['SIGNATURE']);
  });

  it('the allow-list can exclude classical algorithms -> ALG_NOT_ALLOWED', () => {
    const r = verify({ leaf }, [{ cert: root }], { now: NOW, allowedAlgorithms: ['2.16.840.1.101.3.4.3.18', '2.16.840.1.101.3.4.3.19'] });
    expect(r.ok).toBe(false);
    expect(new Set(r.errors.map((e) => e.code))).toEqual(new Set(['ALG_NOT_ALLOWED']));
  });
});
