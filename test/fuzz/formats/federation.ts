// Fuzz format for federation documents (src/core/policy/signed.ts decodeSignedDocument, then agreement.ts / withdrawal.ts / crossing.ts verify*): what `writ federation import` reads.
//
// The input is a signed document file (canonical JSON, RFC 8785). It is read like importSignedDocument
// (src/enclave/store.ts) reads it, without the write: decode, refuse baselines and trust stores, then
// verify an agreement against the harbor enclave's trust (it must name harbor as a party), a
// withdrawal against the known agreement, a crossing against the fixture crossing authority. Seeds:
// a proposed (one signature) and a fully signed agreement, a withdrawal of it by orchard, and a
// crossing approval (test/core/policy/helpers.ts fixture PKI). Check: an accepted document's body is
// byte for byte a seed's body (same SHA-512 of its canonical form) and it carries no signer the seed
// did not (agreements, withdrawals): the CMS signatures must let nothing else through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FuzzFormat } from '../harness.js';
import { DEFAULT_READ_LIMIT, readFileLimited } from '../../../src/cli/io.js';
import { WritError } from '../../../src/core/errors.js';
import { bodyDigest, decodeSignedDocument, encodeSignedDocument } from '../../../src/core/policy/signed.js';
import type { DocSignature } from '../../../src/core/policy/signed.js';
import { makeAgreement, verifyAgreement } from '../../../src/core/policy/agreement.js';
import type { VerifiedAgreement } from '../../../src/core/policy/agreement.js';
import { makeWithdrawal, verifyWithdrawal } from '../../../src/core/policy/withdrawal.js';
import type { VerifiedWithdrawal } from '../../../src/core/policy/withdrawal.js';
import { makeCrossing, signCrossing, verifyCrossing } from '../../../src/core/policy/crossing.js';
import type { VerifiedCrossing } from '../../../src/core/policy/crossing.js';
import { DAY, chainOf, fixture, fullySigned, NOW, sign, terms, trust } from '../../core/policy/helpers.js';
import { expectThat, utf8, writeInputFile } from '../format-helpers.js';

interface Seed {
  text: string;
  digest: string;
  signers: string[];
}

let cache: { seeds: Seed[]; agreement: VerifiedAgreement } | undefined;

function build(): { seeds: Seed[]; agreement: VerifiedAgreement } {
  if (cache) return cache;
  const { harbor, orchard, authority, H, O } = fixture();
  const full = fullySigned();
  const proposed = sign(makeAgreement(terms({ scopes: ['weather'] })), harbor);
  const withdrawal = makeWithdrawal(full.body, { party: `spiffe://${orchard.host}`, signer: orchard.signing.signer!, cert: orchard.signing.cert, chain: chainOf(orchard), now: NOW, reason: 'fuzz' });
  const crossing = signCrossing(
    makeCrossing({ sender: H, recipient: O, scope: 'health.records', fromLevel: 'restricted', toLevel: 'internal', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 7 * DAY) }),
    { signer: authority.signer, cert: authority.cert },
  );
  const seeds = [full, proposed, withdrawal, crossing].map((d) => ({
    text: encodeSignedDocument(d as Parameters<typeof encodeSignedDocument>[0]),
    digest: bodyDigest(d.body),
    signers: (d.signatures as DocSignature[]).map((s) => s.signer),
  }));
  cache = { seeds, agreement: verifyAgreement(full, trust()) };
  return cache;
}

let dir: string | undefined;

type Verified = { kind: 'agreement'; v: VerifiedAgreement } | { kind: 'withdrawal'; v: VerifiedWithdrawal } | { kind: 'crossing'; v: VerifiedCrossing };

const federation: FuzzFormat = {
  name: 'federation-document',
  kind: 'json',
  seeds() {
    return build().seeds.map((s) => utf8.encode(s.text));
  },
  parse(input): Verified & { signers: string[] } {
    const { authority, H } = fixture();
    // As `writ federation import FILE` reads it: a bounded read (src/cli/io.ts), then the store's decoder.
    dir ??= mkdtempSync(path.join(tmpdir(), 'writ-fuzz-federation-'));
    const file = path.join(dir, 'document.json');
    writeInputFile(file, input, DEFAULT_READ_LIMIT);
    const d = decodeSignedDocument(readFileLimited(file));
    const signers = d.signatures.map((s) => s.signer);
    if (d.kind === 'writ-baseline' || d.kind === 'writ-trust-store') throw new WritError('USAGE', `a ${d.kind} document is not a federation document`);
    if (d.kind === 'writ-agreement') {
      const v = verifyAgreement(d, trust());
      if (!v.agreement.parties.includes(H)) throw new WritError('IDENTITY', 'not a party');
      return { kind: 'agreement', v, signers };
    }
    if (d.kind === 'writ-withdrawal') {
      const known = build().agreement.agreement;
      const agreement = (d.body as { agreementId?: unknown }).agreementId === known.id ? known : undefined;
      return { kind: 'withdrawal', v: verifyWithdrawal(d, trust(), agreement ? { agreement } : {}), signers };
    }
    return { kind: 'crossing', v: verifyCrossing(d, { authorities: [authority.cert], now: NOW }), signers };
  },
  check(_input, result) {
    const r = result as Verified & { signers: string[] };
    const seed = build().seeds.find((s) => s.digest === r.v.digest);
    expectThat(seed !== undefined, `an accepted ${r.kind} has a body no seed has (false accept)`);
    // The signer member of a crossing signature is a display label (signCrossing writes the authority's
    // subject; verifyCrossing names the authority from the trust store, never from the label), as for
    // baselines (signBaseline's `label`). For agreements and withdrawals it is bound: checked here.
    if (r.kind !== 'crossing') expectThat(r.signers.every((s) => seed.signers.includes(s)), `an accepted ${r.kind} carries a signer its seed did not`);
    if (r.kind === 'agreement') expectThat(!r.v.complete || seed.signers.length === 2, 'a proposal verified as complete');
  },
};

export default federation;
