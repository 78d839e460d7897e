// Envelope size overhead (issue 4 acceptance): bytes added to the records' own canonical JSON for 1 and 10,000 records, per KEM.
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from '../../../src/core/envelope/envelope.js';
import { canonicalBytes } from '../../../src/core/json/canonical.js';
import type { NewRecord } from '../../../src/core/envelope/records.js';
import { seededRng } from '../../helpers/index.js';
import { DAY, NOW, SCOPE, world } from './helpers.js';

const guardianship = { kaitiaki: 'Harbor community board', terms: 'aggregate research only; no re-identification' };

function records(n: number): NewRecord[] {
  return Array.from({ length: n }, (_, i) => ({ data: { id: i, region: 'north', year: 2000 + (i % 26), cases: (i * 7919) % 1000 }, guardianship }));
}

describe('envelope size overhead', () => {
  for (const n of [1, 10_000]) {
    it(`${n} record(s)`, () => {
      const w = world();
      const recs = records(n);
      const payload = recs.reduce((s, r) => s + canonicalBytes(r.data).length, 0);
      // 10,000 records once (ML-KEM-1024, the default KEM) to keep the suite quick; the KEM adds a
      // fixed amount only (X-Wing ciphertext 1,120 B vs ML-KEM-1024 1,568 B, plus certificate sizes).
      const pairs = [
        [w.orchard, 'harbor', 'ML-KEM-1024'],
        [w.harbor, 'orchard', 'X-Wing'],
      ] as const;
      for (const [from, to, kem] of n === 1 ? pairs : pairs.slice(0, 1)) {
        const e = w.pki.enclaves[to];
        const s = sealEnvelope({
          kind: 'records',
          sender: from,
          recipientCert: e.kem.cert,
          recipientChain: [e.ca.cert, w.pki.regions[e.region as 'north' | 'south'].ca.cert],
          agreementId: w.agreementId,
          scope: SCOPE,
          newRecords: recs,
          expiresAt: new Date(NOW.getTime() + DAY),
          now: NOW,
          rng: seededRng(`size-${n}-${kem}`),
        });
        const overhead = s.der.length - payload;
        // eslint-disable-next-line no-console
        console.log(
          `envelope size: ${n} record(s) to ${kem}: payload ${payload} B (canonical JSON of the data), envelope ${s.der.length} B, overhead ${overhead} B (${(overhead / n).toFixed(0)} B/record)`,
        );
        const self = to === 'orchard' ? w.orchard : w.harbor;
        const r = openEnvelope({ der: s.der, self, kem: w.kem(to), opened: () => false, now: NOW });
        expect(r.records).toHaveLength(n);
        // Fixed cost: two certificate chains' worth of signatures and keys; per record: hash, guardianship, Merkle path.
        expect(overhead).toBeLessThan(40_000 + n * 2_600);
      }
    });
  }
});
