// Shared test helper for policy tests: one fixture PKI, trust context and signed agreements between harbor and orchard.
import { buildFixturePki, type FixturePki, type FixtureEnclave } from '../../../src/fixtures/pki.js';
import { fixtureCrossingAuthority, type FixtureAuthority } from '../../../src/enclave/fixture.js';
import { makeAgreement, signAgreement, type AgreementInput, type SignedAgreement } from '../../../src/core/policy/agreement.js';
import type { TrustContext } from '../../../src/core/policy/signed.js';

export const NOW = new Date('2026-03-01T12:00:00Z');
export const DAY = 86_400_000;

let cached: { pki: FixturePki; authority: FixtureAuthority } | undefined;

export function fixture(): { pki: FixturePki; authority: FixtureAuthority; harbor: FixtureEnclave; orchard: FixtureEnclave; H: string; O: string } {
  cached ??= (() => {
    const pki = buildFixturePki('policy-tests', NOW);
    return { pki, authority: fixtureCrossingAuthority(pki) };
  })();
  const { pki, authority } = cached;
  return {
    pki,
    authority,
    harbor: pki.enclaves.harbor,
    orchard: pki.enclaves.orchard,
    H: `spiffe://${pki.enclaves.harbor.host}`,
    O: `spiffe://${pki.enclaves.orchard.host}`,
  };
}

export function trust(now = NOW, crls = true): TrustContext {
  const { pki } = fixture();
  return {
    anchors: [{ cert: pki.root.cert }],
    now,
    ...(crls ? { crls: [pki.rootCrl.crl, pki.regions.north.crl.crl, pki.regions.south.crl.crl] } : {}),
  };
}

export function chainOf(e: FixtureEnclave): Uint8Array[] {
  const { pki } = fixture();
  const region = e.region === 'north' ? pki.regions.north : pki.regions.south;
  return [e.ca.der, region.ca.der];
}

export function sign(doc: Parameters<typeof signAgreement>[0], e: FixtureEnclave, party?: string): SignedAgreement {
  return signAgreement(doc, { party: party ?? `spiffe://${e.host}`, signer: e.signing.signer!, cert: e.signing.cert, chain: chainOf(e) });
}

export function terms(over: Partial<AgreementInput> = {}): AgreementInput {
  const { H, O } = fixture();
  return {
    parties: [H, O],
    layers: ['data', 'models'],
    scopes: ['health.records', 'weather'],
    queryShapes: [
      {
        id: 'count-by-region',
        schema: { type: 'object', properties: { region: { type: 'string' }, year: { type: 'integer' } }, required: ['region'], additionalProperties: false },
      },
    ],
    levels: ['internal', 'restricted'],
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 30 * DAY),
    ...over,
  };
}

/** A fully signed agreement (harbor proposes, orchard countersigns). */
export function fullySigned(over: Partial<AgreementInput> = {}): SignedAgreement {
  const { harbor, orchard } = fixture();
  return sign(sign(makeAgreement(terms(over)), harbor), orchard);
}
