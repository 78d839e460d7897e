// The envelope header as CMS signed attributes: DER round trip (property), and strict decoding of missing, repeated or malformed fields.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeHeader, encodeHeader, headerJson, type EnvelopeHeader } from '../../../src/core/envelope/header.js';
import { buildManifest } from '../../../src/core/envelope/manifest.js';
import { ENVELOPE_OIDS, LEVELS } from '../../../src/core/policy/levels.js';
import { utf8String } from '../../../src/core/asn1/der.js';
import { errCode } from '../../helpers/index.js';

const base: EnvelopeHeader = {
  envelopeId: `env-${'0f'.repeat(16)}`,
  kind: 'records',
  sender: 'spiffe://harbor.north.writ.test',
  recipient: 'spiffe://orchard.south.writ.test',
  scope: 'research.aggregate',
  consentRef: 'consent:board/2026-03',
  agreementId: `agr-${'1'.repeat(32)}`,
  level: LEVELS.restricted,
  issuedAt: new Date('2026-06-01T12:00:00Z'),
  expiresAt: new Date('2026-06-02T12:00:00Z'),
  manifest: buildManifest([{ a: 1 }, { b: [2, 3] }]),
};

describe('envelope header', () => {
  it('round-trips every field, including the optional ones (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom('records', 'query', 'answer') as fc.Arbitrary<EnvelopeHeader['kind']>,
          scope: fc.string({ minLength: 1, maxLength: 40 }),
          consentRef: fc.string({ minLength: 1, maxLength: 60 }),
          level: fc.constantFrom(...Object.values(LEVELS)),
          issued: fc.integer({ min: 0, max: 2_000_000_000 }),
          life: fc.integer({ min: 1, max: 10_000_000 }),
          queryShape: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
          inReplyTo: fc.option(fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex')), { nil: undefined }),
          records: fc.array(fc.integer(), { maxLength: 5 }),
        }),
        (v) => {
          const h: EnvelopeHeader = {
            ...base,
            kind: v.kind,
            scope: v.scope,
            consentRef: v.consentRef,
            level: v.level,
            issuedAt: new Date(1_700_000_000_000 + v.issued * 1000),
            expiresAt: new Date(1_700_000_000_000 + (v.issued + v.life) * 1000),
            manifest: buildManifest(v.records),
            ...(v.queryShape !== undefined ? { queryShape: v.queryShape } : {}),
            ...(v.inReplyTo !== undefined ? { inReplyTo: v.inReplyTo } : {}),
          };
          expect(decodeHeader(encodeHeader(h))).toEqual(h);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('refuses a missing field, a repeated field, a second value, a wrong type and a malformed id (PARSE)', () => {
    const attrs = encodeHeader(base);
    expect(errCode(() => decodeHeader(attrs.filter((a) => a.oid !== ENVELOPE_OIDS.scope)))).toBe('PARSE');
    expect(errCode(() => decodeHeader([...attrs, { oid: ENVELOPE_OIDS.scope, values: [utf8String('other')] }]))).toBe('PARSE');
    expect(errCode(() => decodeHeader(attrs.map((a) => (a.oid === ENVELOPE_OIDS.scope ? { ...a, values: [utf8String('x'), utf8String('y')] } : a))))).toBe('PARSE');
    expect(errCode(() => decodeHeader(attrs.map((a) => (a.oid === ENVELOPE_OIDS.level ? { ...a, values: [utf8String('restricted')] } : a))))).toBe('PARSE');
    expect(errCode(() => decodeHeader(attrs.map((a) => (a.oid === ENVELOPE_OIDS.kind ? { ...a, values: [utf8String('bulk')] } : a))))).toBe('PARSE');
    expect(errCode(() => decodeHeader(encodeHeader({ ...base, envelopeId: 'env-1' })))).toBe('PARSE');
  });

  it('summarises the manifest in JSON unless asked for all of it', () => {
    expect(headerJson(base)).toMatchObject({ issuedAt: '2026-06-01T12:00:00Z', manifest: { records: 2, root: base.manifest.root } });
    expect((headerJson(base, true).manifest as { recordHashes: string[] }).recordHashes).toHaveLength(2);
  });
});
