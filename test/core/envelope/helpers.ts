// Shared setup for envelope tests: the fixture PKI, harbor (north, restricted) and orchard (south, internal) as LocalEnclaves with a signed agreement and crossings, and an envelope crafter that skips seal's checks.
import { buildFixturePki, type FixtureEnclave, type FixturePki } from '../../../src/fixtures/pki.js';
import { fixtureCrossingAuthority } from '../../../src/enclave/fixture.js';
import { makeAgreement, signAgreement, verifyAgreement, type PolicyState, type QueryShape } from '../../../src/core/policy/agreement.js';
import { makeCrossing, signCrossing, verifyCrossing, type VerifiedCrossing } from '../../../src/core/policy/crossing.js';
import { makeWithdrawal, verifyWithdrawal } from '../../../src/core/policy/withdrawal.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import type { JsonValue } from '../../../src/core/json/canonical.js';
import { sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { CMS_OID } from '../../../src/core/cms/common.js';
import { signEnvelopeContent, type LocalEnclave } from '../../../src/core/envelope/envelope.js';
import type { EnvelopeHeader } from '../../../src/core/envelope/header.js';
import { buildManifest } from '../../../src/core/envelope/manifest.js';
import { attestRecords, type Attestation, type NewRecord, type ProvenancedRecord } from '../../../src/core/envelope/records.js';
import type { KemAlgName } from '../../../src/core/crypto/types.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import { seededRng } from '../../helpers/index.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const DAY = 86_400_000;
export const SCOPE = 'research.aggregate';
export const SHAPE: QueryShape = {
  id: 'count-by-year',
  schema: { type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } }, required: ['year'], additionalProperties: false },
};

export interface World {
  pki: FixturePki;
  agreementId: string;
  harbor: LocalEnclave;
  orchard: LocalEnclave;
  /** Policy pieces to build variants of a state. */
  parts: { agreement: PolicyState['agreements'][number]; crossings: VerifiedCrossing[]; withdrawal: PolicyState['withdrawals'][number] };
  kem: (name: 'harbor' | 'orchard') => { alg: KemAlgName; privateKey: Uint8Array; cert: Certificate };
}

let cached: World | undefined;

function local(pki: FixturePki, e: FixtureEnclave, policy: PolicyState): LocalEnclave {
  const region = pki.regions[e.region as 'north' | 'south'];
  return {
    id: `spiffe://${e.host}`,
    level: LEVELS[e.level],
    signer: e.signing.signer!,
    cert: e.signing.cert,
    chain: [e.ca.der, region.ca.der],
    trust: { anchors: [{ cert: pki.root.cert }], crls: [pki.rootCrl.crl, pki.regions.north.crl.crl, pki.regions.south.crl.crl] },
    policy,
  };
}

export function world(): World {
  if (cached) return cached;
  const pki = buildFixturePki('envelope-tests', NOW);
  const { harbor: h, orchard: o } = pki.enclaves;
  const hid = `spiffe://${h.host}`;
  const oid = `spiffe://${o.host}`;
  const trust = { anchors: [{ cert: pki.root.cert }], now: NOW };
  const body = makeAgreement({
    parties: [hid, oid],
    layers: ['data', 'models'],
    scopes: [SCOPE, 'health.records'],
    queryShapes: [SHAPE],
    levels: ['internal', 'restricted'],
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 30 * DAY),
  });
  const chainOf = (e: FixtureEnclave): Uint8Array[] => [e.ca.der, pki.regions[e.region as 'north' | 'south'].ca.der];
  let signed = signAgreement(body, { party: hid, signer: h.signing.signer!, cert: h.signing.cert, chain: chainOf(h), signingTime: NOW });
  signed = signAgreement(signed, { party: oid, signer: o.signing.signer!, cert: o.signing.cert, chain: chainOf(o), signingTime: NOW });
  const agreement = verifyAgreement(signed, trust, { requireComplete: true });
  const auth = fixtureCrossingAuthority(pki);
  const crossing = (from: string, to: string, fromLevel: string, toLevel: string): VerifiedCrossing =>
    verifyCrossing(
      signCrossing(makeCrossing({ sender: from, recipient: to, scope: SCOPE, fromLevel, toLevel, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 30 * DAY) }), {
        signer: auth.signer,
        cert: auth.cert,
        signingTime: NOW,
      }),
      { authorities: [auth.cert], now: NOW },
    );
  const crossings = [crossing(hid, oid, 'restricted', 'internal'), crossing(oid, hid, 'internal', 'restricted')];
  const withdrawal = verifyWithdrawal(makeWithdrawal(agreement.agreement, { party: oid, signer: o.signing.signer!, cert: o.signing.cert, chain: chainOf(o), now: NOW }), trust);
  cached = {
    pki,
    agreementId: agreement.agreement.id,
    harbor: local(pki, h, { self: hid, agreements: [agreement], withdrawals: [], crossings }),
    orchard: local(pki, o, { self: oid, agreements: [agreement], withdrawals: [], crossings }),
    parts: { agreement, crossings, withdrawal },
    kem: (name) => {
      const e = pki.enclaves[name];
      return { alg: e.kem.key.alg as KemAlgName, privateKey: e.kem.key.seed, cert: e.kem.cert };
    },
  };
  return cached;
}

/** A copy of an enclave with another policy state (or other fields). */
export function variant(e: LocalEnclave, o: Partial<Omit<LocalEnclave, 'policy'>> & { policy?: Partial<PolicyState> }): LocalEnclave {
  const { policy, ...rest } = o;
  return { ...e, ...rest, policy: { ...e.policy, ...(policy ?? {}) } };
}

export const RECORDS: NewRecord[] = [
  { data: { region: 'north', year: 2025, cases: 17 }, guardianship: { kaitiaki: 'Harbor community board', terms: 'aggregate research only; no re-identification' } },
  { data: { region: 'north', year: 2024, cases: 11 }, guardianship: { kaitiaki: 'Harbor community board', terms: 'aggregate research only; no re-identification' } },
  { data: { note: 'tidal survey', values: [1, 2, 3] }, guardianship: { kaitiaki: 'Te Awa trust', terms: 'share within the agreement only', termsRef: 'urn:terms:te-awa:2026' } },
];

/**
 * Builds an envelope by hand, bypassing sealEnvelope's own checks, so open's refusals can be reached
 * one at a time: sign `content` with `signerOf` (default harbor's gateway) and encrypt to `to`.
 */
export function craft(o: {
  header?: Partial<EnvelopeHeader>;
  records?: ProvenancedRecord[];
  attestations?: Attestation[];
  query?: { shape: string; params: JsonValue };
  manifestOf?: ProvenancedRecord[];
  from?: 'harbor' | 'orchard';
  to?: 'harbor' | 'orchard';
  tamperSignature?: boolean;
}): Uint8Array {
  const w = world();
  const fromName = o.from ?? 'harbor';
  const toName = o.to ?? 'orchard';
  const from = w.pki.enclaves[fromName];
  const sender = fromName === 'harbor' ? w.harbor : w.orchard;
  let records = o.records;
  let attestations = o.attestations;
  if (!records) {
    const a = attestRecords(RECORDS, { origin: sender.id, signer: sender.signer, cert: sender.cert, chain: sender.chain, attestedAt: NOW });
    records = a.records;
    attestations = [a.attestation];
  }
  const header: EnvelopeHeader = {
    envelopeId: `env-${'ab'.repeat(16)}`,
    kind: 'records',
    sender: sender.id,
    recipient: `spiffe://${w.pki.enclaves[toName].host}`,
    scope: SCOPE,
    consentRef: 'consent:test',
    agreementId: w.agreementId,
    level: LEVELS[from.level],
    issuedAt: NOW,
    expiresAt: new Date(NOW.getTime() + DAY),
    manifest: buildManifest(o.manifestOf ?? records),
    ...o.header,
  };
  const content = { type: 'writ-envelope', version: 1, records, attestations: attestations ?? [], ...(o.query ? { query: o.query } : {}) };
  const signed = signEnvelopeContent(content, header, sender, NOW);
  if (o.tamperSignature) signed[signed.length - 10]! ^= 0x01; // inside the signature value (last field)
  return sealAuthEnveloped({ content: signed, contentType: CMS_OID.signedData, recipient: w.pki.enclaves[toName].kem.cert, rng: seededRng(`craft-${JSON.stringify(o.header ?? {})}`) });
}
