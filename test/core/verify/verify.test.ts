// Path validation against the deterministic fixture PKI: the golden chains, then one-field mutations
// asserting the exact VerifyCode (RFC 5280 §6.1, RFC 5937 anchors, DESIGN.md §1).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { seededRng } from '../../../src/fixtures/drbg.js';
import { verify } from '../../../src/core/verify/verify.js';
import type { TrustAnchor, VerifyInput, VerifyOptions, VerifyResult } from '../../../src/core/verify/types.js';
import { createCsr, issueCertificate, issueCrl } from '../../../src/core/x509/issue.js';
import { parseCertificate, parseCrl } from '../../../src/core/x509/parse.js';
import { parseDn } from '../../../src/core/asn1/name.js';
import { KEY_ALG_OIDS } from '../../../src/core/crypto/algs.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import type { Certificate, Crl } from '../../../src/core/x509/types.js';
import { OIDS, encodeExtension, ext, resign, setExtension, setIssuer } from './helpers.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const DAY = 86_400_000;
let pki: FixturePki;

beforeAll(() => {
  pki = buildFixturePki('verify-tests', NOW);
});

const harbor = () => pki.enclaves.harbor;
const north = () => pki.regions.north;
const anchors = (): TrustAnchor[] => [{ cert: pki.root.cert }];
const allCrls = (): Crl[] => [pki.rootCrl.crl, pki.regions.north.crl.crl, pki.regions.south.crl.crl, pki.enclaves.harbor.crl.crl, pki.enclaves.orchard.crl.crl];

/** The harbor workload chain with optional replacements. */
function harborInput(over: Partial<{ leaf: Certificate; enclaveCa: Certificate; region: Certificate; crls: Crl[] }> = {}): VerifyInput {
  return {
    leaf: over.leaf ?? harbor().workload.cert,
    untrusted: [over.region ?? north().ca.cert, over.enclaveCa ?? harbor().ca.cert],
    crls: over.crls ?? allCrls(),
  };
}

function run(input: VerifyInput, opts: Partial<VerifyOptions> = {}, trust: TrustAnchor[] = anchors()): VerifyResult {
  return verify(input, trust, { now: NOW, ...opts });
}

const codes = (r: VerifyResult) => r.errors.map((e) => e.code);

describe('golden chains', () => {
  it('harbor workload: proves identity, enclave, region and level', () => {
    const r = run(harborInput(), { requireRevocationInfo: true });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.identity).toBe(harbor().identity);
    expect(r.enclave).toBe('harbor');
    expect(r.region).toBe('north');
    expect(r.level).toBe(LEVELS.restricted);
    expect(r.levelName).toBe('restricted');
    expect(r.path.map((p) => p.subject)).toEqual([
      harbor().workload.cert.subject.text,
      harbor().ca.cert.subject.text,
      north().ca.cert.subject.text,
      pki.root.cert.subject.text,
    ]);
    expect(r.path.map((p) => p.trustAnchor)).toEqual([false, false, false, true]);
    expect(r.path[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(r.steps.map((s) => s.name)).toContain('policy');
  });

  it('orchard workload (other region, other level)', () => {
    const o = pki.enclaves.orchard;
    const r = run({ leaf: o.workload.cert, untrusted: [o.ca.cert, pki.regions.south.ca.cert], crls: allCrls() }, { requireRevocationInfo: true });
    expect(r.errors).toEqual([]);
    expect([r.identity, r.enclave, r.region, r.levelName]).toEqual([o.identity, 'orchard', 'south', 'internal']);
  });

  it('gateway signing and KEM certificates verify and prove their enclave', () => {
    for (const leaf of [harbor().signing.cert, harbor().kem.cert]) {
      const r = run(harborInput({ leaf }));
      expect(r.errors).toEqual([]);
      expect(r.enclave).toBe('harbor');
      expect(r.levelName).toBe('restricted');
    }
  });

  it('a CA as target: the regional CA proves its region but no single level', () => {
    const r = run({ leaf: north().ca.cert }, {});
    expect(r.ok).toBe(true);
    expect(r.region).toBe('north');
    expect(r.enclave).toBeUndefined();
    expect(r.level).toBeUndefined();
    // Asking for one of the region's levels proves it.
    const r2 = run({ leaf: north().ca.cert }, { level: LEVELS.internal });
    expect(r2.ok).toBe(true);
    expect(r2.levelName).toBe('internal');
  });

  it('intermediates may be given in any order, with decoys, and duplicates of the anchor', () => {
    const o = pki.enclaves.orchard;
    const r = run({ leaf: harbor().workload.cert, untrusted: [o.ca.cert, harbor().ca.cert, pki.root.cert, pki.regions.south.ca.cert, north().ca.cert] });
    expect(r.errors).toEqual([]);
    expect(r.path).toHaveLength(4);
  });

  it('identity and purpose options', () => {
    expect(run(harborInput(), { identity: harbor().identity }).ok).toBe(true);
    expect(codes(run(harborInput(), { identity: pki.enclaves.orchard.identity }))).toEqual(['IDENTITY']);
    expect(run(harborInput(), { purpose: 'serverAuth' }).ok).toBe(true);
    expect(run(harborInput(), { purpose: '1.3.6.1.5.5.7.3.2' }).ok).toBe(true);
    expect(codes(run(harborInput(), { purpose: 'codeSigning' }))).toEqual(['EKU']);
    expect(codes(run(harborInput(), { keyUsage: ['keyEncipherment'] }))).toEqual(['KEY_USAGE']);
  });
});

describe('one-field mutations give the exact code', () => {
  it('not a CA: the enclave CA re-signed with cA=FALSE -> NOT_CA', () => {
    const ca = resign(harbor().ca.cert, north().ca.signer!, (f) => setExtension(f, OIDS.basicConstraints, true, ext.basicConstraints(false)));
    expect(codes(run(harborInput({ enclaveCa: ca })))).toEqual(['NOT_CA']);
  });

  it('keyCertSign missing on the enclave CA -> NOT_CA', () => {
    const ku = Uint8Array.of(0x03, 0x02, 0x01, 0x02); // BIT STRING: cRLSign only
    const ca = resign(harbor().ca.cert, north().ca.signer!, (f) => setExtension(f, OIDS.keyUsage, true, ku));
    expect(codes(run(harborInput({ enclaveCa: ca })))).toEqual(['NOT_CA']);
  });

  it('pathLen exceeded: the regional CA re-signed with pathLen 0 -> PATH_LEN', () => {
    const reg = resign(north().ca.cert, pki.root.signer!, (f) => setExtension(f, OIDS.basicConstraints, true, ext.basicConstraints(true, 0)));
    const r = run(harborInput({ region: reg }), {}, anchors());
    expect(codes(r)).toEqual(['PATH_LEN']);
    expect(r.errors[0]?.cert).toBe(harbor().ca.cert.subject.text);
  });

  it('expired leaf -> EXPIRED; a leaf not yet valid -> NOT_YET_VALID', () => {
    const leaf = harbor().workload.cert;
    const after = new Date(leaf.notAfter.getTime() + 1000);
    const r = verify(harborInput({ crls: [] }), anchors(), { now: after });
    expect(codes(r)).toEqual(['EXPIRED']);
    expect(r.errors[0]?.cert).toBe(leaf.subject.text);
    // At exactly notAfter it is still valid (RFC 5280 §4.1.2.5: inclusive).
    expect(verify(harborInput({ crls: [] }), anchors(), { now: leaf.notAfter }).ok).toBe(true);

    // Re-issue the workload with notBefore tomorrow (B's issuance API, same CSR contents).
    const w = harbor().workload;
    const csr = createCsr({ signer: w.signer!, subject: w.cert.subject.text, identity: harbor().identity });
    const der = issueCertificate(
      { profile: 'workload', issuerCert: harbor().ca.cert, issuerSigner: harbor().ca.signer!, csr, notBefore: new Date(NOW.getTime() + DAY) },
      { now: NOW, rng: seededRng('verify-tests', 'nyv') },
    );
    expect(codes(run(harborInput({ leaf: parseCertificate(der) })))).toEqual(['NOT_YET_VALID']);
  });

  it('wrong issuer name -> NO_PATH; missing intermediate -> NO_PATH', () => {
    const leaf = resign(harbor().workload.cert, harbor().ca.signer!, (f) => setIssuer(f, parseDn('O=writ.test, OU=north, CN=nobody')));
    const r = run(harborInput({ leaf }));
    expect(codes(r)).toEqual(['NO_PATH']);
    expect(r.path).toEqual([]);
    expect(r.steps).toEqual([{ name: 'build-path', ok: false }]);
    expect(codes(run({ leaf: harbor().workload.cert, untrusted: [harbor().ca.cert] }))).toEqual(['NO_PATH']);
  });

  it('issuer name right, wrong key -> SIGNATURE', () => {
    const leaf = resign(harbor().workload.cert, pki.enclaves.orchard.ca.signer!);
    expect(codes(run(harborInput({ leaf })))).toEqual(['SIGNATURE']);
  });

  it('identity outside the enclave -> NAME_CONSTRAINT (and no identity is reported)', () => {
    const leaf = resign(harbor().workload.cert, harbor().ca.signer!, (f) =>
      setExtension(f, OIDS.subjectAltName, false, ext.sanUri('spiffe://orchard.south.writ.test/workload/api')),
    );
    const r = run(harborInput({ leaf }));
    expect(codes(r)).toEqual(['NAME_CONSTRAINT']);
    expect(r.identity).toBeUndefined();
    expect(r.enclave).toBeUndefined();
  });

  it('an identity in another enclave of the same region -> NAME_CONSTRAINT', () => {
    const leaf = resign(harbor().workload.cert, harbor().ca.signer!, (f) =>
      setExtension(f, OIDS.subjectAltName, false, ext.sanUri('spiffe://dock.north.writ.test/x')),
    );
    expect(codes(run(harborInput({ leaf })))).toEqual(['NAME_CONSTRAINT']);
  });

  it('an enclave CA constrained outside its region cannot vouch for its leaf -> NAME_CONSTRAINT', () => {
    const ca = resign(harbor().ca.cert, north().ca.signer!, (f) => setExtension(f, OIDS.nameConstraints, true, ext.ncPermittedUri('harbor.south.writ.test')));
    // Both the enclave CA's constraint (leaf outside) and nothing else.
    expect(codes(run(harborInput({ enclaveCa: ca })))).toEqual(['NAME_CONSTRAINT']);
  });

  it('level not allowed by the region: the enclave CA asserts "sensitive" -> POLICY', () => {
    const ca = resign(harbor().ca.cert, north().ca.signer!, (f) => setExtension(f, OIDS.certificatePolicies, false, ext.policies(LEVELS.sensitive)));
    expect(codes(run(harborInput({ enclaveCa: ca })))).toEqual(['POLICY']);
  });

  it('level not allowed by the region, issued through the API from a forged view of the region -> POLICY', () => {
    // The region's real key signs, but its certificate does not list "sensitive".
    const forgedView: Certificate = { ...north().ca.cert, policies: [...(north().ca.cert.policies ?? []), { oid: LEVELS.sensitive }] };
    const der = issueCertificate(
      { profile: 'enclave-ca', issuerCert: forgedView, issuerSigner: north().ca.signer!, subjectSpki: harbor().ca.key.spki, enclave: 'harbor', levels: ['sensitive'] },
      { now: NOW, rng: seededRng('verify-tests', 'sens') },
    );
    const r = run({ leaf: parseCertificate(der), untrusted: [north().ca.cert] });
    expect(codes(r)).toEqual(['POLICY']);
  });

  it('a level the path does not prove -> POLICY', () => {
    expect(codes(run(harborInput(), { level: LEVELS.internal }))).toEqual(['POLICY']);
    expect(run(harborInput(), { level: LEVELS.restricted }).ok).toBe(true);
  });

  it('leaf without certificatePolicies under requireExplicitPolicy -> POLICY', () => {
    const leaf = resign(harbor().workload.cert, harbor().ca.signer!, (f) => setExtension(f, OIDS.certificatePolicies, false, undefined));
    expect(codes(run(harborInput({ leaf })))).toEqual(['POLICY']);
  });

  it('revoked enclave CA -> REVOKED', () => {
    const r = run(harborInput({ crls: [...allCrls(), pki.northCrlRevokingHarbor.crl] }));
    expect(codes(r)).toEqual(['REVOKED']);
    expect(r.errors[0]?.cert).toBe(harbor().ca.cert.subject.text);
    // The other enclave is unaffected by north's CRL.
    const o = pki.enclaves.orchard;
    expect(run({ leaf: o.workload.cert, untrusted: [o.ca.cert, pki.regions.south.ca.cert], crls: [pki.northCrlRevokingHarbor.crl] }).ok).toBe(true);
  });

  it('a CRL signed by the wrong key -> CRL_SIGNATURE', () => {
    const forged: Certificate = { ...north().ca.cert, spki: pki.regions.south.ca.cert.spki };
    const der = issueCrl({ issuerCert: forged, issuerSigner: pki.regions.south.ca.signer!, thisUpdate: new Date(NOW.getTime() - DAY), nextUpdateDays: 7 }, { now: NOW });
    const crl = parseCrl(der);
    expect(crl.issuer.text).toBe(north().ca.cert.subject.text);
    expect(codes(run(harborInput({ crls: [crl] })))).toEqual(['CRL_SIGNATURE']);
  });

  it('a stale CRL -> CRL_STALE; a CRL not yet valid -> CRL_STALE', () => {
    const stale = parseCrl(
      issueCrl({ issuerCert: north().ca.cert, issuerSigner: north().ca.signer!, thisUpdate: new Date(NOW.getTime() - 40 * DAY), nextUpdateDays: 31 }, { now: NOW }),
    );
    expect(codes(run(harborInput({ crls: [stale] })))).toEqual(['CRL_STALE']);
    const future = parseCrl(
      issueCrl({ issuerCert: north().ca.cert, issuerSigner: north().ca.signer!, thisUpdate: new Date(NOW.getTime() + DAY), nextUpdateDays: 31 }, { now: NOW }),
    );
    expect(codes(run(harborInput({ crls: [future] })))).toEqual(['CRL_STALE']);
  });

  it('revocation info required but absent -> CRL_MISSING for each uncovered certificate', () => {
    const r = run(harborInput({ crls: [pki.regions.north.crl.crl] }), { requireRevocationInfo: true });
    expect(codes(r)).toEqual(['CRL_MISSING', 'CRL_MISSING']);
    expect(r.errors.map((e) => e.cert)).toEqual([north().ca.cert.subject.text, harbor().workload.cert.subject.text]);
  });

  it('a disallowed algorithm -> ALG_NOT_ALLOWED', () => {
    const only87 = [KEY_ALG_OIDS['ml-dsa-87']];
    const r = run(harborInput({ crls: [] }), { allowedAlgorithms: only87 });
    expect(codes(r)).toEqual(['ALG_NOT_ALLOWED']); // the workload's ML-DSA-65 key
    expect(r.errors[0]?.cert).toBe(harbor().workload.cert.subject.text);
    expect(run(harborInput({ crls: [] }), { allowedAlgorithms: [...only87, KEY_ALG_OIDS['ml-dsa-65']] }).ok).toBe(true);
  });

  it('an unknown critical extension -> CRITICAL_EXTENSION', () => {
    const leaf = resign(harbor().workload.cert, harbor().ca.signer!, (f) => setExtension(f, '1.3.6.1.4.1.55738.666.1', true, Uint8Array.of(0x05, 0x00)));
    expect(codes(run(harborInput({ leaf })))).toEqual(['CRITICAL_EXTENSION']);
    // The same extension non-critical is ignored (RFC 5280 §4.2).
    const leaf2 = resign(harbor().workload.cert, harbor().ca.signer!, (f) => setExtension(f, '1.3.6.1.4.1.55738.666.1', false, Uint8Array.of(0x05, 0x00)));
    expect(run(harborInput({ leaf: leaf2 })).ok).toBe(true);
  });

  it('inner and outer signature algorithms differ -> MALFORMED_CERT and SIGNATURE', () => {
    // Outer says ML-DSA-87, inner (and the real signature) ML-DSA-65 keys cannot verify: both reported.
    const w = harbor().workload.cert;
    const mutated: Certificate = { ...w, signatureAlgorithm: { oid: KEY_ALG_OIDS['ml-dsa-65'] } };
    expect(codes(run(harborInput({ leaf: mutated }))).sort()).toEqual(['MALFORMED_CERT', 'SIGNATURE']);
  });
});

describe('constrained trust anchors (RFC 5937)', () => {
  const constrained = (constraints: TrustAnchor['constraints']): TrustAnchor[] => [{ cert: pki.root.cert, label: 'partner root', constraints }];

  it('permittedUris: inside passes, outside -> NAME_CONSTRAINT', () => {
    expect(run(harborInput(), {}, constrained({ permittedUris: ['.north.writ.test'] })).ok).toBe(true);
    const r = run(harborInput(), {}, constrained({ permittedUris: ['.south.writ.test'] }));
    expect(codes(r)).toEqual(['NAME_CONSTRAINT']);
    expect(r.errors[0]?.message).toContain('partner root');
  });

  it('levels: allowed passes and is proved, not allowed -> POLICY', () => {
    const ok = run(harborInput(), {}, constrained({ levels: [LEVELS.restricted, LEVELS.public] }));
    expect(ok.ok).toBe(true);
    expect(ok.levelName).toBe('restricted');
    expect(codes(run(harborInput(), {}, constrained({ levels: [LEVELS.internal] })))).toEqual(['POLICY']);
    // A requested level outside the anchor's levels fails before policy processing.
    expect(codes(run(harborInput(), { level: LEVELS.restricted }, constrained({ levels: [LEVELS.public] })))).toEqual(['POLICY']);
  });

  it('maxPathLen: 2 passes, 1 -> PATH_LEN', () => {
    expect(run(harborInput(), {}, constrained({ maxPathLen: 2 })).ok).toBe(true);
    expect(codes(run(harborInput(), {}, constrained({ maxPathLen: 1 })))).toEqual(['PATH_LEN']);
    expect(run({ leaf: north().ca.cert }, {}, constrained({ maxPathLen: 0 })).ok).toBe(true);
  });

  it('two anchors with the same name: the one whose key verifies is chosen', () => {
    const impostor = resign(pki.root.cert, pki.regions.south.ca.signer!, (f) => {
      const g = [...f];
      g[6] = pki.regions.south.ca.cert.spki.der; // same name, another key
      return g;
    });
    const r = run(harborInput(), {}, [{ cert: impostor }, { cert: pki.root.cert }]);
    expect(r.errors).toEqual([]);
    expect(r.path[3]?.fingerprint).toBe(run(harborInput()).path[3]?.fingerprint);
    // Only the impostor: SIGNATURE (and, with CRLs given, the root's CRL does not verify under it either).
    expect(codes(run(harborInput({ crls: [] }), {}, [{ cert: impostor }]))).toEqual(['SIGNATURE']);
    expect(codes(run(harborInput(), {}, [{ cert: impostor }]))).toEqual(['SIGNATURE', 'CRL_SIGNATURE']);
  });
});

describe('argument errors are programming errors', () => {
  it('throws TypeError without a valid now', () => {
    expect(() => verify(harborInput(), anchors(), {} as VerifyOptions)).toThrow(TypeError);
    expect(() => verify(harborInput(), anchors(), { now: new Date(Number.NaN) })).toThrow(TypeError);
  });
});

void encodeExtension;

describe('path building', () => {
  const utc = (d: Date): Uint8Array => {
    const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    return Uint8Array.from([0x17, s.length, ...new TextEncoder().encode(s)]);
  };
  const withValidity = (f: Uint8Array[], from: Date, to: Date): Uint8Array[] => {
    const g = [...f];
    const body = new Uint8Array([...utc(from), ...utc(to)]);
    g[4] = Uint8Array.from([0x30, body.length, ...body]);
    return g;
  };

  it('an expired duplicate of an intermediate is skipped for the valid one ("chain of pain")', () => {
    const expired = resign(north().ca.cert, pki.root.signer!, (f) => withValidity(f, new Date(NOW.getTime() - 30 * DAY), new Date(NOW.getTime() - DAY)));
    const r = run({ leaf: harbor().workload.cert, untrusted: [expired, harbor().ca.cert, north().ca.cert] });
    expect(r.errors).toEqual([]);
    expect(r.path[2]?.serial).toBe(north().ca.cert.serialHex);
    // With only the expired one, its failure is what is reported.
    expect(codes(run({ leaf: harbor().workload.cert, untrusted: [expired, harbor().ca.cert] }))).toEqual(['EXPIRED']);
  });

  it('cross-signing cycles terminate', () => {
    // north' has north's name and key but is "issued" by the harbor enclave CA: harbor CA -> north' -> harbor CA ...
    const loop = resign(north().ca.cert, harbor().ca.signer!, (f) => setIssuer(f, harbor().ca.cert.subject.der));
    const r = run({ leaf: harbor().workload.cert, untrusted: [loop, harbor().ca.cert] });
    expect(codes(r)).toEqual(['NO_PATH']);
    const ok = run({ leaf: harbor().workload.cert, untrusted: [loop, harbor().ca.cert, north().ca.cert] });
    expect(ok.errors).toEqual([]);
  });

  it('maxIntermediates bounds the path', () => {
    expect(run(harborInput(), { maxIntermediates: 2 }).ok).toBe(true);
    expect(codes(run(harborInput(), { maxIntermediates: 1 }))).toEqual(['NO_PATH']);
  });

  it('a trust anchor given as the leaf verifies as a one-element path', () => {
    const r = run({ leaf: pki.root.cert });
    expect(r.ok).toBe(true);
    expect(r.path).toHaveLength(1);
    expect(r.path[0]?.trustAnchor).toBe(true);
  });
});

describe('CRL rules', () => {
  it('a CRL issuer whose keyUsage lacks cRLSign -> KEY_USAGE', () => {
    const ku = Uint8Array.of(0x03, 0x02, 0x02, 0x04); // BIT STRING: keyCertSign only
    const reg = resign(north().ca.cert, pki.root.signer!, (f) => setExtension(f, OIDS.keyUsage, true, ku));
    const r = run(harborInput({ region: reg, crls: [pki.regions.north.crl.crl] }));
    expect(codes(r)).toEqual(['KEY_USAGE']);
  });

  it('a CRL with an unhandled critical extension is rejected -> CRITICAL_EXTENSION', () => {
    const crl: Crl = { ...pki.regions.north.crl.crl, unhandledCritical: ['2.5.29.28'] };
    expect(codes(run(harborInput({ crls: [crl] })))).toEqual(['CRITICAL_EXTENSION']);
  });

  it('a CRL of another issuer that lists the same serial is ignored', () => {
    const o = pki.enclaves.orchard;
    const crl = parseCrl(
      issueCrl(
        { issuerCert: o.ca.cert, issuerSigner: o.ca.signer!, revoked: [{ serial: harbor().workload.cert.serialHex }], thisUpdate: NOW, nextUpdateDays: 7 },
        { now: NOW },
      ),
    );
    expect(run(harborInput({ crls: [crl] })).ok).toBe(true);
  });
});

describe('strict profile', () => {
  it('writ-issued chains pass the RFC 5280 profile checks', () => {
    const r = run(harborInput(), { strict: true, requireRevocationInfo: true });
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s) => s.name)).toContain('profile');
    for (const leaf of [harbor().signing.cert, harbor().kem.cert]) expect(run(harborInput({ leaf }), { strict: true }).errors).toEqual([]);
  });

  it('a non-critical basicConstraints on a CA -> MALFORMED_CERT only under strict', () => {
    const ca = resign(harbor().ca.cert, north().ca.signer!, (f) => setExtension(f, OIDS.basicConstraints, false, ext.basicConstraints(true, 0)));
    expect(run(harborInput({ enclaveCa: ca })).ok).toBe(true);
    expect(codes(run(harborInput({ enclaveCa: ca }), { strict: true }))).toEqual(['MALFORMED_CERT']);
  });
});
