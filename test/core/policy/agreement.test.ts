// Tests for federation agreements: normal form, both parties' CMS signatures, the wrong party, chains, and validity windows.
import { describe, expect, test } from 'vitest';
import { errCode } from '../../helpers/index.js';
import { makeAgreement, parseAgreement, signAgreement, verifyAgreement, LAYERS } from '../../../src/core/policy/agreement.js';
import { decodeSignedDocument, encodeSignedDocument } from '../../../src/core/policy/signed.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import { chainOf, DAY, fixture, fullySigned, NOW, sign, terms, trust } from './helpers.js';

describe('makeAgreement', () => {
  test('every layer is off unless named', () => {
    const a = makeAgreement(terms({ layers: ['data'], queryShapes: [] }));
    expect(a.layers).toEqual({ identity: false, network: false, data: true, models: false });
    expect(Object.keys(a.layers).sort()).toEqual([...LAYERS].sort());
  });

  test('normalises: parties sorted as enclave ids, levels as OIDs, whole-second times; id names the terms', () => {
    const { H, O } = fixture();
    const a = makeAgreement(terms({ parties: [`${O}/gateway`, `${H}/kem`], levels: ['restricted', LEVELS.internal] }));
    expect(a.parties).toEqual([H, O].sort());
    expect(a.levels).toEqual([LEVELS.internal, LEVELS.restricted].sort());
    expect(a.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.id).toMatch(/^agr-[0-9a-f]{32}$/);
    expect(makeAgreement(terms()).id).toBe(makeAgreement(terms()).id);
    expect(makeAgreement(terms({ scopes: ['weather'] })).id).not.toBe(makeAgreement(terms()).id);
  });

  test('refuses nonsense terms', () => {
    const { H } = fixture();
    expect(errCode(() => makeAgreement(terms({ parties: [H, `${H}/gateway`] })))).toBe('USAGE');
    expect(errCode(() => makeAgreement(terms({ layers: [] })))).toBe('USAGE');
    expect(errCode(() => makeAgreement(terms({ layers: ['data'] })))).toBe('USAGE'); // query shapes without models
    expect(errCode(() => makeAgreement(terms({ levels: [] })))).toBe('USAGE');
    expect(errCode(() => makeAgreement(terms({ levels: ['secret-ish'] })))).toBe('USAGE');
    expect(errCode(() => makeAgreement(terms({ notAfter: new Date(NOW.getTime() - 2 * DAY) })))).toBe('USAGE');
    expect(errCode(() => makeAgreement(terms({ queryShapes: [{ id: 'q', schema: { type: 'no-such-type' } }] })))).toBe('USAGE');
  });
});

describe('query shapes', () => {
  test('JSON Schema draft 2020-12, strict; oversized schemas are refused', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { n: { type: 'integer', minimum: 1 } } };
    expect(makeAgreement(terms({ queryShapes: [{ id: 'q', schema }] })).queryShapes[0]!.schema).toEqual(schema);
    expect(errCode(() => makeAgreement(terms({ queryShapes: [{ id: 'q', schema: { type: 'object', frobnicate: true } }] })))).toBe('USAGE');
    const big = { type: 'object', description: 'x'.repeat(17 * 1024) };
    expect(errCode(() => makeAgreement(terms({ queryShapes: [{ id: 'q', schema: big }] })))).toBe('LIMIT');
  });
});

describe('parseAgreement', () => {
  test('round-trips and refuses anything not in normal form', () => {
    const a = makeAgreement(terms());
    expect(parseAgreement(JSON.parse(JSON.stringify(a)))).toEqual(a);
    expect(errCode(() => parseAgreement({ ...a, extra: 1 }))).toBe('PARSE');
    expect(errCode(() => parseAgreement({ ...a, id: 'agr-00000000000000000000000000000000' }))).toBe('PARSE');
    expect(errCode(() => parseAgreement({ ...a, scopes: [...a.scopes].reverse() }))).toBe('PARSE');
    expect(errCode(() => parseAgreement({ ...a, layers: { ...a.layers, identity: 'yes' } }))).toBe('PARSE');
    expect(errCode(() => parseAgreement({ ...a, notAfter: 'tomorrow' }))).toBe('PARSE');
    expect(errCode(() => parseAgreement([a]))).toBe('PARSE');
  });
});

describe('signatures', () => {
  test('propose + countersign verifies as complete; one signature is not complete', () => {
    const { harbor, H, O } = fixture();
    const half = sign(makeAgreement(terms()), harbor);
    const v1 = verifyAgreement(half, trust());
    expect(v1.complete).toBe(false);
    expect(v1.signedBy).toEqual([H]);
    expect(errCode(() => verifyAgreement(half, trust(), { requireComplete: true }))).toBe('SIGNATURE');
    const full = fullySigned();
    const v2 = verifyAgreement(full, trust(), { requireComplete: true });
    expect(v2.complete).toBe(true);
    expect(v2.signedBy).toEqual([H, O].sort());
    expect(v2.digest).toMatch(/^[0-9a-f]{128}$/);
  });

  test('the file form round-trips through canonical JSON', () => {
    const full = fullySigned();
    const text = encodeSignedDocument(full);
    expect(text.endsWith('\n')).toBe(true);
    const back = decodeSignedDocument(new TextEncoder().encode(text));
    expect(back.kind).toBe('writ-agreement');
    expect(verifyAgreement(back, trust()).complete).toBe(true);
  });

  test('a party cannot sign twice, and a non-party cannot sign', () => {
    const { harbor, pki } = fixture();
    const half = sign(makeAgreement(terms()), harbor);
    expect(errCode(() => sign(half, harbor))).toBe('USAGE');
    expect(errCode(() => signAgreement(half, { party: 'spiffe://elsewhere.north.writ.test', signer: harbor.signing.signer!, cert: harbor.signing.cert }))).toBe('USAGE');
    void pki;
  });

  test("a signature by the wrong party's key is refused (IDENTITY)", () => {
    const { harbor, orchard, O } = fixture();
    // orchard's key and cert, but claiming to be harbor
    const forged = sign(makeAgreement(terms()), orchard, fixture().H);
    expect(errCode(() => verifyAgreement(forged, trust()))).toBe('IDENTITY');
    // a workload cert of the right enclave is not the gateway signing cert (no gateway-signing EKU)
    const wl = signAgreement(makeAgreement(terms()), { party: O, signer: orchard.workload.signer!, cert: orchard.workload.cert, chain: chainOf(orchard) });
    expect(errCode(() => verifyAgreement(wl, trust()))).toBe('EKU');
    // a signature entry naming someone who is not a party
    const full = fullySigned();
    const odd = { ...full, signatures: [...full.signatures, { signer: 'spiffe://elsewhere.north.writ.test', cms: full.signatures[0]!.cms }] };
    expect(errCode(() => verifyAgreement(odd, trust()))).toBe('IDENTITY');
    void harbor;
  });

  test('a body changed after signing fails (SIGNATURE); the same signature twice is refused', () => {
    const full = fullySigned();
    const changed = makeAgreement(terms({ scopes: ['health.records', 'weather', 'everything'] }));
    expect(errCode(() => verifyAgreement({ ...full, body: changed }, trust()))).toBe('SIGNATURE');
    const twice = { ...full, signatures: [full.signatures[0]!, full.signatures[0]!] };
    expect(errCode(() => verifyAgreement(twice, trust()))).toBe('SIGNATURE');
    const garbage = { ...full, signatures: [{ signer: full.signatures[0]!.signer, cms: 'AAAA' }] };
    expect(errCode(() => verifyAgreement(garbage, trust()))).toBe('SIGNATURE');
    expect(errCode(() => verifyAgreement({ ...full, signatures: [] }, trust()))).toBe('SIGNATURE');
  });

  test("the signer's chain must verify against the local trust anchors (NO_PATH, REVOKED, EXPIRED)", () => {
    const { pki } = fixture();
    const full = fullySigned();
    expect(errCode(() => verifyAgreement(full, { anchors: [], now: NOW }))).toBe('NO_PATH');
    expect(errCode(() => verifyAgreement(full, { anchors: [{ cert: pki.regions.south.ca.cert }], now: NOW }))).toBe('NO_PATH');
    expect(errCode(() => verifyAgreement(full, { ...trust(), crls: [pki.northCrlRevokingHarbor.crl] }))).toBe('REVOKED');
    expect(errCode(() => verifyAgreement(full, trust(new Date(NOW.getTime() + 400 * DAY), false)))).toBe('EXPIRED');
  });
});
