// Tests for checkFlow: every refusal code, in its order, plus the covered flows (with and without a crossing).
import { describe, expect, test } from 'vitest';
import { errCode } from '../../helpers/index.js';
import { checkFlow, makeAgreement, verifyAgreement, type FlowQuery, type PolicyState } from '../../../src/core/policy/agreement.js';
import { makeWithdrawal, verifyWithdrawal } from '../../../src/core/policy/withdrawal.js';
import { makeCrossing, signCrossing, verifyCrossing } from '../../../src/core/policy/crossing.js';
import { DAY, chainOf, fixture, fullySigned, NOW, sign, terms, trust } from './helpers.js';

function state(over: Partial<PolicyState> = {}): PolicyState {
  const { H } = fixture();
  return { self: H, agreements: [verifyAgreement(fullySigned(), trust())], withdrawals: [], crossings: [], ...over };
}

function flow(over: Partial<FlowQuery> = {}): FlowQuery {
  const { H, O } = fixture();
  return { sender: `${H}/gateway`, recipient: `${O}/kem`, layer: 'data', scope: 'health.records', level: 'internal', now: NOW, ...over };
}

function crossing(over: Partial<Parameters<typeof makeCrossing>[0]> = {}) {
  const { H, O, authority } = fixture();
  const c = makeCrossing({
    sender: H,
    recipient: O,
    scope: 'health.records',
    fromLevel: 'restricted',
    toLevel: 'internal',
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 7 * DAY),
    ...over,
  });
  return verifyCrossing(signCrossing(c, { signer: authority.signer, cert: authority.cert }), { authorities: [authority.cert], now: NOW });
}

describe('checkFlow: covered flows', () => {
  test('returns the covering agreement, in either direction, for any identity inside the two enclaves', () => {
    const s = state();
    const d = checkFlow(s, flow());
    expect(d.agreement.id).toBe(s.agreements[0]!.agreement.id);
    expect(d.crossing).toBeUndefined();
    const { H, O } = fixture();
    expect(checkFlow(s, flow({ sender: O, recipient: `${H}/workload/api` })).agreement.id).toBe(d.agreement.id);
    expect(checkFlow(s, flow({ agreementId: d.agreement.id })).agreement.id).toBe(d.agreement.id);
  });

  test('models layer with an allowed shape and fitting parameters', () => {
    const d = checkFlow(state(), flow({ layer: 'models', queryShape: 'count-by-region', params: { region: 'north', year: 2026 } }));
    expect(d.agreement.queryShapes.map((q) => q.id)).toContain('count-by-region');
  });

  test('levels that differ pass with a crossing naming this exact flow', () => {
    const x = crossing();
    const d = checkFlow(state({ crossings: [x] }), flow({ senderLevel: 'restricted', recipientLevel: 'internal' }));
    expect(d.crossing?.crossing.id).toBe(x.crossing.id);
  });
});

describe('checkFlow: every refusal code', () => {
  test('REFUSED_NO_AGREEMENT: nothing shared by default', () => {
    expect(errCode(() => checkFlow(state({ agreements: [] }), flow()))).toBe('REFUSED_NO_AGREEMENT');
  });

  test('REFUSED_NO_AGREEMENT: a half-signed agreement covers nothing', () => {
    const { harbor } = fixture();
    const half = verifyAgreement(sign(makeAgreement(terms()), harbor), trust());
    expect(errCode(() => checkFlow(state({ agreements: [half] }), flow()))).toBe('REFUSED_NO_AGREEMENT');
  });

  test('REFUSED_NO_AGREEMENT: another agreement id, another pair, or a flow to oneself', () => {
    const { H } = fixture();
    expect(errCode(() => checkFlow(state(), flow({ agreementId: 'agr-00000000000000000000000000000000' })))).toBe('REFUSED_NO_AGREEMENT');
    expect(errCode(() => checkFlow(state(), flow({ recipient: 'spiffe://elsewhere.south.writ.test' })))).toBe('REFUSED_NO_AGREEMENT');
    expect(errCode(() => checkFlow(state(), flow({ recipient: H })))).toBe('REFUSED_NO_AGREEMENT');
  });

  test('REFUSED_NO_AGREEMENT: a layer that is off', () => {
    expect(errCode(() => checkFlow(state(), flow({ layer: 'network' })))).toBe('REFUSED_NO_AGREEMENT');
    expect(errCode(() => checkFlow(state(), flow({ layer: 'identity' })))).toBe('REFUSED_NO_AGREEMENT');
  });

  test('REFUSED_WITHDRAWN: after a withdrawal by either party', () => {
    const { harbor, orchard } = fixture();
    const s = state();
    const a = s.agreements[0]!.agreement;
    for (const e of [harbor, orchard]) {
      const w = makeWithdrawal(a, { party: `spiffe://${e.host}`, signer: e.signing.signer!, cert: e.signing.cert, chain: chainOf(e), now: NOW });
      const vw = verifyWithdrawal(w, trust(), { agreement: a });
      expect(errCode(() => checkFlow({ ...s, withdrawals: [vw] }, flow()))).toBe('REFUSED_WITHDRAWN');
    }
  });

  test('REFUSED_EXPIRED: after notAfter, and before notBefore', () => {
    const s = state();
    const a = s.agreements[0]!.agreement;
    expect(errCode(() => checkFlow(s, flow({ now: new Date(Date.parse(a.notAfter)) })))).toBe('REFUSED_EXPIRED');
    const future = state({ agreements: [verifyAgreement(fullySigned({ notBefore: new Date(NOW.getTime() + DAY), notAfter: new Date(NOW.getTime() + 9 * DAY) }), trust())] });
    expect(errCode(() => checkFlow(future, flow()))).toBe('REFUSED_EXPIRED');
  });

  test('REFUSED_SCOPE', () => {
    expect(errCode(() => checkFlow(state(), flow({ scope: 'finance' })))).toBe('REFUSED_SCOPE');
  });

  test('REFUSED_LEVEL: the envelope level, by name or OID', () => {
    expect(errCode(() => checkFlow(state(), flow({ level: 'sensitive' })))).toBe('REFUSED_LEVEL');
    expect(errCode(() => checkFlow(state(), flow({ level: 'public' })))).toBe('REFUSED_LEVEL');
  });

  test('REFUSED_QUERY_SHAPE: missing, not allowed, or parameters that do not fit', () => {
    expect(errCode(() => checkFlow(state(), flow({ layer: 'models' })))).toBe('REFUSED_QUERY_SHAPE');
    expect(errCode(() => checkFlow(state(), flow({ layer: 'models', queryShape: 'dump-everything' })))).toBe('REFUSED_QUERY_SHAPE');
    expect(errCode(() => checkFlow(state(), flow({ layer: 'models', queryShape: 'count-by-region', params: { year: 2026 } })))).toBe('REFUSED_QUERY_SHAPE');
    expect(errCode(() => checkFlow(state(), flow({ layer: 'models', queryShape: 'count-by-region', params: { region: 'n', sql: 'drop' } })))).toBe('REFUSED_QUERY_SHAPE');
  });

  test('REFUSED_CROSSING: levels differ and no approval names this flow', () => {
    const cross = { senderLevel: 'restricted', recipientLevel: 'internal' };
    expect(errCode(() => checkFlow(state(), flow(cross)))).toBe('REFUSED_CROSSING');
    // envelope level differs from the (equal) enclave levels
    expect(errCode(() => checkFlow(state(), flow({ level: 'restricted', senderLevel: 'internal', recipientLevel: 'internal' })))).toBe('REFUSED_CROSSING');
    const { H, O } = fixture();
    // approvals for another scope, the other direction, reversed parties, or expired
    for (const x of [
      crossing({ scope: 'weather' }),
      crossing({ fromLevel: 'internal', toLevel: 'restricted' }),
      crossing({ sender: O, recipient: H }),
    ]) {
      expect(errCode(() => checkFlow(state({ crossings: [x] }), flow(cross)))).toBe('REFUSED_CROSSING');
    }
    expect(errCode(() => checkFlow(state({ crossings: [crossing()] }), flow({ ...cross, now: new Date(NOW.getTime() + 8 * DAY) })))).toBe('REFUSED_CROSSING');
  });

  test('order: withdrawal wins over expiry, scope and level', () => {
    const { orchard } = fixture();
    const s = state();
    const a = s.agreements[0]!.agreement;
    const w = verifyWithdrawal(makeWithdrawal(a, { party: `spiffe://${orchard.host}`, signer: orchard.signing.signer!, cert: orchard.signing.cert, chain: chainOf(orchard), now: NOW }), trust());
    expect(errCode(() => checkFlow({ ...s, withdrawals: [w] }, flow({ scope: 'finance', level: 'public', now: new Date(NOW.getTime() + 99 * DAY) })))).toBe('REFUSED_WITHDRAWN');
  });

  test('a bad clock is a TypeError, not a decision', () => {
    expect(() => checkFlow(state(), flow({ now: new Date(Number.NaN) }))).toThrow(TypeError);
  });
});
