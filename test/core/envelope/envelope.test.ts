// Seal and open (issue 4): the happy path, every refusal code of the open pipeline and of seal, queries and answers, re-sharing, and byte-flip tampering.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WritError } from '../../../src/core/errors.js';
import { openEnvelope, sealEnvelope, type LocalEnclave, type OpenRequest, type SealRequest } from '../../../src/core/envelope/envelope.js';
import { attestRecords, compactRecords, verifyRecords } from '../../../src/core/envelope/records.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { errCode, seededRng } from '../../helpers/index.js';
import { craft, DAY, NOW, RECORDS, SCOPE, SHAPE, variant, world } from './helpers.js';

function seal(o: Partial<SealRequest> = {}): ReturnType<typeof sealEnvelope> {
  const w = world();
  return sealEnvelope({
    kind: 'records',
    sender: w.harbor,
    recipientCert: w.pki.enclaves.orchard.kem.cert,
    recipientChain: [w.pki.enclaves.orchard.ca.cert, w.pki.regions.south.ca.cert],
    agreementId: w.agreementId,
    scope: SCOPE,
    newRecords: RECORDS,
    expiresAt: new Date(NOW.getTime() + DAY),
    now: NOW,
    rng: seededRng('seal'),
    ...o,
  });
}

function open(der: Uint8Array, o: Partial<OpenRequest> & { self?: LocalEnclave } = {}): ReturnType<typeof openEnvelope> {
  const w = world();
  const self = o.self ?? w.orchard;
  return openEnvelope({ der, self, kem: w.kem(self === w.harbor || self.id === w.harbor.id ? 'harbor' : 'orchard'), opened: () => false, now: NOW, ...o });
}

function openCode(der: Uint8Array, o: Parameters<typeof open>[1] = {}): string | undefined {
  return errCode(() => open(der, o));
}

describe('seal then open', () => {
  it('delivers the records with verified provenance, guardianship and the signed header', () => {
    const w = world();
    const s = seal();
    expect(s.header.sender).toBe(w.harbor.id);
    expect(s.header.recipient).toBe(w.orchard.id);
    expect(s.decision.crossing?.crossing.direction).toEqual({ from: LEVELS.restricted, to: LEVELS.internal });
    const r = open(s.der);
    expect(r.header.envelopeId).toBe(s.header.envelopeId);
    expect(r.header.manifest).toEqual(s.header.manifest);
    expect(r.records.map((x) => x.data)).toEqual(RECORDS.map((x) => x.data));
    expect(r.records.map((x) => x.provenance.guardianship)).toEqual(RECORDS.map((x) => x.guardianship));
    expect(r.records.every((x) => x.provenance.origin === w.harbor.id)).toBe(true);
    expect(r.senderIdentity).toBe(`${w.harbor.id}/gateway`);
    expect(r.senderLevel).toBe(LEVELS.restricted);
    expect(r.senderRegion).toBe('north');
    expect(r.verifiedAttestations).toHaveLength(1);
    expect(r.signedHash).toMatch(/^[0-9a-f]{128}$/);
    // The opened attestations carry the origin chain again, so the records verify on their own.
    expect(r.attestations[0]!.chain).toHaveLength(3);
    // The envelope carried the batch without inclusion paths; open rebuilt them (3 leaves: 2 levels).
    expect(r.records.map((x) => x.provenance.path.length)).toEqual([2, 2, 1]);
  });

  it('exported records verify outside the federation with only the root as trust anchor', () => {
    const w = world();
    const r = open(seal().der);
    const verified = verifyRecords(r.records, r.attestations, { anchors: [{ cert: w.pki.root.cert }], now: new Date(NOW.getTime() + 400 * DAY) });
    expect([...verified.values()][0]!.origin).toBe(w.harbor.id);
    // A guardianship change by an operator along the way is detected.
    const edited = r.records.map((x, i) => (i === 1 ? { ...x, provenance: { ...x.provenance, guardianship: { ...x.provenance.guardianship, terms: 'anything goes' } } } : x));
    expect(errCode(() => verifyRecords(edited, r.attestations, { anchors: [{ cert: w.pki.root.cert }], now: NOW }))).toBe('PROVENANCE');
    // And against another root, nothing verifies.
    const other = buildFixturePki('someone-else', NOW);
    expect(errCode(() => verifyRecords(r.records, r.attestations, { anchors: [{ cert: other.root.cert }], now: NOW }))).toBe('PROVENANCE');
  });

  it('re-shares records with their original provenance (origin harbor, forwarded by orchard)', () => {
    const w = world();
    const got = open(seal().der);
    const back = sealEnvelope({
      kind: 'records',
      sender: w.orchard,
      recipientCert: w.pki.enclaves.harbor.kem.cert,
      recipientChain: [w.pki.enclaves.harbor.ca.cert, w.pki.regions.north.ca.cert],
      agreementId: w.agreementId,
      scope: SCOPE,
      reshared: { records: got.records.slice(0, 2), attestations: got.attestations },
      newRecords: [{ data: { orchard: 'apples', tonnes: 4 }, guardianship: { kaitiaki: 'Orchard growers', terms: 'research only' } }],
      expiresAt: new Date(NOW.getTime() + DAY),
      now: NOW,
      rng: seededRng('reshare'),
    });
    const r = open(back.der, { self: w.harbor });
    expect(r.records.map((x) => x.provenance.origin)).toEqual([w.harbor.id, w.harbor.id, w.orchard.id]);
    expect(r.verifiedAttestations.map((a) => a.origin).sort()).toEqual([w.harbor.id, w.orchard.id].sort());
    // A forwarder cannot pass on records whose provenance was edited: seal refuses first.
    const forged = got.records.map((x) => ({ ...x, data: { ...(x.data as object), cases: 999 } }));
    expect(
      errCode(() =>
        sealEnvelope({
          kind: 'records',
          sender: w.orchard,
          recipientCert: w.pki.enclaves.harbor.kem.cert,
          recipientChain: [w.pki.enclaves.harbor.ca.cert, w.pki.regions.north.ca.cert],
          agreementId: w.agreementId,
          scope: SCOPE,
          reshared: { records: forged, attestations: got.attestations },
          expiresAt: new Date(NOW.getTime() + DAY),
          now: NOW,
          rng: seededRng('reshare2'),
        }),
      ),
    ).toBe('PROVENANCE');
  });
});

describe('open refuses with exactly one code', () => {
  it('DECRYPT: addressed to another KEM key', () => {
    const w = world();
    expect(openCode(seal().der, { kem: w.kem('harbor') })).toBe('DECRYPT');
  });

  it('SIGNATURE: the inner signature does not verify', () => {
    expect(openCode(craft({ tamperSignature: true }))).toBe('SIGNATURE');
  });

  it('chain codes: the sender chain does not verify against the local trust store (SIGNATURE, REVOKED)', () => {
    const w = world();
    const der = seal().der;
    // A foreign root with the same names: the path builds, and its first signature fails.
    const other = buildFixturePki('another-root', NOW);
    expect(openCode(der, { self: variant(w.orchard, { trust: { anchors: [{ cert: other.root.cert }] } }) })).toBe('SIGNATURE');
    expect(openCode(der, { self: variant(w.orchard, { trust: { anchors: w.orchard.trust.anchors, crls: [w.pki.northCrlRevokingHarbor.crl] } }) })).toBe('REVOKED');
  });

  it('IDENTITY: the header names a sender other than the signer', () => {
    const w = world();
    expect(openCode(craft({ header: { sender: w.orchard.id, recipient: w.orchard.id } }))).toBe('IDENTITY');
  });

  it('REFUSED_NOT_RECIPIENT', () => {
    const w = world();
    expect(openCode(craft({ header: { recipient: w.harbor.id } }))).toBe('REFUSED_NOT_RECIPIENT');
  });

  it('REFUSED_EXPIRED: after expiresAt, and when dated in the future', () => {
    const der = seal().der;
    expect(openCode(der, { now: new Date(NOW.getTime() + DAY) })).toBe('REFUSED_EXPIRED');
    expect(openCode(der, { now: new Date(NOW.getTime() + DAY - 1000) })).toBeUndefined();
    expect(openCode(craft({ header: { issuedAt: new Date(NOW.getTime() + 3_600_000), expiresAt: new Date(NOW.getTime() + 2 * DAY) } }))).toBe('REFUSED_EXPIRED');
  });

  it('REFUSED_NO_AGREEMENT: no agreement in the recipient store, or another agreement named', () => {
    const w = world();
    const der = seal().der;
    expect(openCode(der, { self: variant(w.orchard, { policy: { agreements: [] } }) })).toBe('REFUSED_NO_AGREEMENT');
    expect(openCode(craft({ header: { agreementId: 'agr-00000000000000000000000000000000' } }))).toBe('REFUSED_NO_AGREEMENT');
  });

  it('REFUSED_WITHDRAWN: the agreement was withdrawn after sealing', () => {
    const w = world();
    const der = seal().der;
    expect(openCode(der, { self: variant(w.orchard, { policy: { withdrawals: [w.parts.withdrawal] } }) })).toBe('REFUSED_WITHDRAWN');
  });

  it('REFUSED_SCOPE', () => {
    expect(openCode(craft({ header: { scope: 'marketing' } }))).toBe('REFUSED_SCOPE');
  });

  it('REFUSED_LEVEL', () => {
    expect(openCode(craft({ header: { level: LEVELS.sensitive } }))).toBe('REFUSED_LEVEL');
  });

  it('REFUSED_QUERY_SHAPE: unknown shape, parameters that do not fit, or a query that does not match its header', () => {
    expect(openCode(craft({ header: { kind: 'query', queryShape: 'free-text' }, records: [], attestations: [], query: { shape: 'free-text', params: {} } }))).toBe('REFUSED_QUERY_SHAPE');
    expect(openCode(craft({ header: { kind: 'query', queryShape: SHAPE.id }, records: [], attestations: [], query: { shape: SHAPE.id, params: { year: 'all' } } }))).toBe('REFUSED_QUERY_SHAPE');
    expect(openCode(craft({ header: { kind: 'query', queryShape: SHAPE.id }, records: [], attestations: [], query: { shape: 'other', params: { year: 2025 } } }))).toBe('REFUSED_QUERY_SHAPE');
  });

  it('REFUSED_CROSSING: the levels differ and the recipient holds no crossing approval for this flow', () => {
    const w = world();
    const der = seal().der;
    expect(openCode(der, { self: variant(w.orchard, { policy: { crossings: [] } }) })).toBe('REFUSED_CROSSING');
    // The crossing for the other direction does not cover this one.
    expect(openCode(der, { self: variant(w.orchard, { policy: { crossings: [w.parts.crossings[1]!] } }) })).toBe('REFUSED_CROSSING');
  });

  it('REFUSED_REPLAY: the envelope id was opened before', () => {
    const s = seal();
    expect(openCode(s.der, { opened: (id) => id === s.header.envelopeId })).toBe('REFUSED_REPLAY');
  });

  it('PROVENANCE: records that do not match the manifest, or whose provenance was edited before signing', () => {
    const w = world();
    const a = attestRecords(RECORDS, { origin: w.harbor.id, signer: w.harbor.signer, cert: w.harbor.cert, chain: w.harbor.chain, attestedAt: NOW });
    expect(openCode(craft({ records: a.records, attestations: [a.attestation], manifestOf: a.records.slice(1) }))).toBe('PROVENANCE');
    const edited = a.records.map((r, i) => (i === 0 ? { ...r, provenance: { ...r.provenance, guardianship: { kaitiaki: 'Someone else', terms: 'sold' } } } : r));
    expect(openCode(craft({ records: edited, attestations: [a.attestation] }))).toBe('PROVENANCE');
    expect(openCode(craft({ records: a.records, attestations: [] }))).toBe('PROVENANCE');
    // Compact form (paths dropped) is only accepted for a whole batch: a subset cannot be re-proved.
    const compact = compactRecords(a.records);
    expect(open(craft({ records: compact, attestations: [a.attestation] })).records.map((r) => r.provenance.path)).toEqual(a.records.map((r) => r.provenance.path));
    expect(openCode(craft({ records: compact.slice(0, 2), attestations: [a.attestation] }))).toBe('PROVENANCE');
    // Records claiming harbor as origin but attested by orchard's key.
    const o = attestRecords(RECORDS, { origin: w.harbor.id, signer: w.orchard.signer, cert: w.orchard.cert, chain: w.orchard.chain, attestedAt: NOW });
    expect(openCode(craft({ records: o.records, attestations: [o.attestation] }))).toBe('PROVENANCE');
  });

  it('a refusal carries the envelope context for the audit log once the header was read', () => {
    const s = seal();
    try {
      open(s.der, { opened: () => true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WritError);
      expect((e as { envelope?: { envelopeId?: string } }).envelope?.envelopeId).toBe(s.header.envelopeId);
    }
  });
});

describe('seal refuses before producing anything', () => {
  const w = world();
  const cases: [string, Partial<SealRequest>][] = [
    ['REFUSED_NO_AGREEMENT', { sender: variant(w.harbor, { policy: { agreements: [] } }) }],
    ['REFUSED_WITHDRAWN', { sender: variant(w.harbor, { policy: { withdrawals: [w.parts.withdrawal] } }) }],
    // 40 days on the agreement has expired (the fixture CRLs too, so this sender checks without them).
    ['REFUSED_EXPIRED', { sender: variant(w.harbor, { trust: { anchors: w.harbor.trust.anchors } }), now: new Date(NOW.getTime() + 40 * DAY), expiresAt: new Date(NOW.getTime() + 41 * DAY) }],
    ['REFUSED_SCOPE', { scope: 'marketing' }],
    ['REFUSED_LEVEL', { level: 'public' }],
    ['REFUSED_CROSSING', { sender: variant(w.harbor, { policy: { crossings: [] } }) }],
    ['REFUSED_QUERY_SHAPE', { kind: 'query', newRecords: [], query: { shape: SHAPE.id, params: { year: 1850 } } }],
    ['REFUSED_QUERY_SHAPE', { kind: 'query', newRecords: [], query: { shape: 'not-allowed', params: {} } }],
    ['NO_PATH', { recipientChain: [] }],
    ['KEY_USAGE', { recipientCert: w.pki.enclaves.orchard.workload.cert }],
  ];
  for (const [code, o] of cases) {
    it(`${code} ${JSON.stringify(Object.keys(o))}`, () => {
      let calls = 0;
      const rng = (n: number): Uint8Array => {
        calls++;
        return seededRng('x')(n);
      };
      expect(errCode(() => seal({ ...o, rng }))).toBe(code);
      expect(calls).toBe(0); // refused before any randomness was drawn, i.e. before any envelope bytes
    });
  }
});

describe('queries and answers', () => {
  it('orchard queries harbor; harbor answers bound to the query hash; orchard opens the answer', () => {
    const w = world();
    const q = sealEnvelope({
      kind: 'query',
      sender: w.orchard,
      recipientCert: w.pki.enclaves.harbor.kem.cert,
      recipientChain: [w.pki.enclaves.harbor.ca.cert, w.pki.regions.north.ca.cert],
      agreementId: w.agreementId,
      scope: SCOPE,
      query: { shape: SHAPE.id, params: { year: 2025 } },
      expiresAt: new Date(NOW.getTime() + DAY),
      now: NOW,
      rng: seededRng('query'),
    });
    const got = open(q.der, { self: w.harbor });
    expect(got.query).toEqual({ shape: SHAPE.id, params: { year: 2025 } });
    expect(got.signedHash).toBe(q.signedHash);
    const answer = (queryHash: string, shape = SHAPE.id): Uint8Array =>
      sealEnvelope({
        kind: 'answer',
        sender: w.harbor,
        recipientCert: w.pki.enclaves.orchard.kem.cert,
        recipientChain: [w.pki.enclaves.orchard.ca.cert, w.pki.regions.south.ca.cert],
        agreementId: w.agreementId,
        scope: SCOPE,
        newRecords: [{ data: { year: 2025, count: 17 }, guardianship: RECORDS[0]!.guardianship }],
        answerTo: { queryHash, shape },
        expiresAt: new Date(NOW.getTime() + DAY),
        now: NOW,
        rng: seededRng(`answer-${queryHash}`),
      }).der;
    const sent = (h: string): { recipient: string; shape: string } | undefined => (h === q.signedHash ? { recipient: w.harbor.id, shape: SHAPE.id } : undefined);
    const a = open(answer(got.signedHash), { sentQuery: sent });
    expect(a.header.kind).toBe('answer');
    expect(a.header.inReplyTo).toBe(q.signedHash);
    expect(a.records[0]!.data).toEqual({ year: 2025, count: 17 });
    // Bound to a query orchard never sent: refused.
    expect(openCode(answer('0'.repeat(128)), { sentQuery: sent })).toBe('REFUSED_QUERY_SHAPE');
    expect(openCode(answer(got.signedHash))).toBe('REFUSED_QUERY_SHAPE');
  });
});

describe('tampering: a flipped byte anywhere never opens', () => {
  it('gives DECRYPT, SIGNATURE or PROVENANCE for every position tried', () => {
    const der = seal({ newRecords: RECORDS.slice(0, 1) }).der;
    const w = world();
    const kem = w.kem('orchard');
    const allowed = new Set(['DECRYPT', 'SIGNATURE', 'PROVENANCE']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const t = der.slice();
        t[pos]! ^= mask;
        const code = errCode(() => openEnvelope({ der: t, self: w.orchard, kem, opened: () => false, now: NOW }));
        expect(allowed.has(code ?? 'OPENED'), `byte ${pos} ^ ${mask}: ${code ?? 'OPENED'}`).toBe(true);
      }),
      { numRuns: 150 },
    );
    // Structural positions too: the first and last bytes, and every byte of the first 64.
    for (const pos of [...Array.from({ length: 64 }, (_, i) => i), der.length - 1, der.length - 17]) {
      const t = der.slice();
      t[pos]! ^= 0x01;
      expect(allowed.has(openCode(t) ?? 'OPENED'), `byte ${pos}`).toBe(true);
    }
  });
});
