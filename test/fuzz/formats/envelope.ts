// Fuzz formats: a whole writ envelope (docs/formats.md "Envelopes": AuthEnvelopedData around a signed SignedData) through openEnvelope, the full open pipeline.
//
// 'envelope' mutates the outer AuthEnvelopedData (RFC 5083 / RFC 9629); 'envelope-signed' mutates the
// inner SignedData (RFC 5652 §5; header as signed attributes) and re-seals it to the recipient, so the
// mutants get past the AEAD and reach signature, chain, header, policy and provenance checks.
import { CMS_OID } from '../../../src/core/cms/common.js';
import { openEnveloped, sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { openEnvelope, type OpenedEnvelope } from '../../../src/core/envelope/envelope.js';
import { seededRng } from '../../../src/fixtures/drbg.js';
import type { FuzzFormat } from '../harness.js';
import { craft, NOW, world } from '../../core/envelope/helpers.js';

let seeds: Uint8Array[] | undefined;
function envelopeSeeds(): Uint8Array[] {
  seeds ??= [craft({}), craft({ query: { shape: 'count-by-year', params: { year: 2025 } }, header: { kind: 'query', envelopeId: `env-${'cd'.repeat(16)}` } })];
  return seeds;
}

function open(der: Uint8Array): OpenedEnvelope {
  const w = world();
  return openEnvelope({ der, self: w.orchard, kem: w.kem('orchard'), opened: () => false, now: NOW });
}

/** What an opened envelope says (header and records), for comparing a mutant with the seeds. */
function meaning(o: OpenedEnvelope): string {
  return JSON.stringify({ h: o.header, r: o.records }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

let seedMeanings: Set<string> | undefined;
function checkMeaning(result: unknown): void {
  seedMeanings ??= new Set(envelopeSeeds().flatMap((s) => {
    try {
      return [meaning(open(s))];
    } catch {
      return [];
    }
  }));
  if (seedMeanings.size === 0) throw new Error('no envelope seed opens: the fixture world is broken');
  // Everything that matters is signed (header attributes, content) and sealed (AEAD): a mutant that
  // opens must say exactly what a seed says.
  if (!seedMeanings.has(meaning(result as OpenedEnvelope))) throw new Error('a mutated envelope opened to a different header/records (false accept)');
}

const outer: FuzzFormat = {
  name: 'envelope',
  kind: 'der',
  seeds: envelopeSeeds,
  parse: open,
  check: (_i, r) => checkMeaning(r),
};

let inner: Uint8Array[] | undefined;
const signed: FuzzFormat = {
  name: 'envelope-signed',
  kind: 'der',
  seeds() {
    const w = world();
    inner ??= envelopeSeeds().map((s) => openEnveloped(s, w.kem('orchard')).content);
    return inner;
  },
  // Re-seal the mutated SignedData (test-side, trusted, outside the measured time), then open the
  // sealed envelope through the real pipeline.
  prepare: (input) => sealAuthEnveloped({ content: input, contentType: CMS_OID.signedData, recipient: world().pki.enclaves.orchard.kem.cert, rng: seededRng('fuzz-envelope-signed') }),
  parse: open,
  check: (_i, r) => checkMeaning(r),
};

export default [outer, signed];
