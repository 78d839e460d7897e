// Tests for withdrawal notices and crossing approvals: who may sign them, and tampering.
import { describe, expect, test } from 'vitest';
import { errCode } from '../../helpers/index.js';
import { makeWithdrawal, parseWithdrawal, verifyWithdrawal } from '../../../src/core/policy/withdrawal.js';
import { makeCrossing, parseCrossing, signCrossing, verifyCrossing } from '../../../src/core/policy/crossing.js';
import { makeAgreement } from '../../../src/core/policy/agreement.js';
import { signBody } from '../../../src/core/policy/signed.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import { chainOf, DAY, fixture, fullySigned, NOW, terms, trust } from './helpers.js';

describe('withdrawal', () => {
  test('made and verified for either party; bound to the agreement body', () => {
    const { harbor, H } = fixture();
    const a = fullySigned().body;
    const w = makeWithdrawal(a, { party: H, signer: harbor.signing.signer!, cert: harbor.signing.cert, chain: chainOf(harbor), now: NOW, reason: 'consent withdrawn' });
    const v = verifyWithdrawal(w, trust(), { agreement: a });
    expect(v.withdrawal).toMatchObject({ agreementId: a.id, by: H, reason: 'consent withdrawn' });
    expect(parseWithdrawal(JSON.parse(JSON.stringify(w.body)))).toEqual(w.body);
    const other = makeAgreement(terms({ scopes: ['weather'] }));
    expect(errCode(() => verifyWithdrawal(w, trust(), { agreement: other }))).toBe('PARSE');
  });

  test('a non-party cannot withdraw; a notice signed by the other party for "by" is refused', () => {
    const { harbor, orchard, O } = fixture();
    const a = fullySigned().body;
    expect(errCode(() => makeWithdrawal(a, { party: 'spiffe://elsewhere.north.writ.test', signer: harbor.signing.signer!, cert: harbor.signing.cert, now: NOW }))).toBe('USAGE');
    const w = makeWithdrawal(a, { party: O, signer: orchard.signing.signer!, cert: orchard.signing.cert, chain: chainOf(orchard), now: NOW });
    // harbor signs a notice claiming to be orchard's
    const forged = { ...w, signatures: [{ signer: O, cms: signBody(w.body, { signer: harbor.signing.signer!, cert: harbor.signing.cert, chain: chainOf(harbor) }) }] };
    expect(errCode(() => verifyWithdrawal(forged, trust()))).toBe('IDENTITY');
    expect(errCode(() => verifyWithdrawal({ ...w, signatures: [] }, trust()))).toBe('SIGNATURE');
    expect(errCode(() => verifyWithdrawal({ ...w, body: { ...w.body, time: '2030-01-01T00:00:00Z' } }, trust()))).toBe('SIGNATURE');
  });
});

describe('crossing', () => {
  const input = () => {
    const { H, O } = fixture();
    return { sender: H, recipient: O, scope: 'health.records', fromLevel: 'restricted', toLevel: 'internal', notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY) };
  };

  test('names the exact flow, levels as OIDs', () => {
    const c = makeCrossing(input());
    expect(c.direction).toEqual({ from: LEVELS.restricted, to: LEVELS.internal });
    expect(c.id).toMatch(/^crx-[0-9a-f]{32}$/);
    expect(parseCrossing(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(errCode(() => makeCrossing({ ...input(), toLevel: 'restricted' }))).toBe('USAGE');
    expect(errCode(() => parseCrossing({ ...c, scope: 'weather' }))).toBe('PARSE');
  });

  test('only an authority named in the trust store may sign it', () => {
    const { authority, pki } = fixture();
    const c = makeCrossing(input());
    const good = signCrossing(c, { signer: authority.signer, cert: authority.cert });
    expect(verifyCrossing(good, { authorities: [authority.cert], now: NOW }).authority).toBe(authority.cert.subject.text);
    const byRoot = signCrossing(c, { signer: pki.root.signer!, cert: pki.root.cert });
    expect(errCode(() => verifyCrossing(byRoot, { authorities: [authority.cert], now: NOW }))).toBe('IDENTITY');
    expect(errCode(() => verifyCrossing(good, { authorities: [], now: NOW }))).toBe('IDENTITY');
    const changed = { ...good, body: makeCrossing({ ...input(), scope: 'weather' }) };
    expect(errCode(() => verifyCrossing(changed, { authorities: [authority.cert], now: NOW }))).toBe('SIGNATURE');
    expect(errCode(() => verifyCrossing(good, { authorities: [authority.cert], now: new Date(NOW.getTime() + 4000 * DAY) }))).toBe('EXPIRED');
  });
});
