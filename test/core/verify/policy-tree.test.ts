// Unit tests for RFC 5280 §6.1 policy processing (valid_policy_tree, mappings, anyPolicy, the three counters).
import { describe, expect, it } from 'vitest';
import { ANY_POLICY, processPolicies, type PolicyCert } from '../../../src/core/verify/policy-tree.js';

const P1 = '1.2.3.1';
const P2 = '1.2.3.2';
const Q1 = '1.2.4.1';
const Q2 = '1.2.4.2';

const c = (policies: string[] | undefined, extra: Partial<PolicyCert> = {}): PolicyCert => ({
  policies: policies?.map((oid) => ({ oid })),
  selfIssued: false,
  ...extra,
});

describe('valid_policy_tree basics (§6.1.3 (d)-(f))', () => {
  it('no policies anywhere: valid with a NULL tree unless explicit policy is required', () => {
    const r = processPolicies([c(undefined), c(undefined)]);
    expect(r).toMatchObject({ ok: true, policies: [] });
    expect(processPolicies([c(undefined), c(undefined)], { initialExplicitPolicy: true }).ok).toBe(false);
  });

  it('the same policy all the way down is proved', () => {
    expect(processPolicies([c([P1, P2]), c([P1])], { initialExplicitPolicy: true })).toMatchObject({ ok: true, policies: [P1] });
  });

  it('a policy the issuer does not assert is dropped (tree becomes NULL)', () => {
    const r = processPolicies([c([P1]), c([P2])]);
    expect(r).toMatchObject({ ok: true, policies: [] });
    expect(processPolicies([c([P1]), c([P2])], { initialExplicitPolicy: true }).ok).toBe(false);
  });

  it('anyPolicy in a CA lets the leaf choose', () => {
    expect(processPolicies([c([ANY_POLICY]), c([P2])])).toMatchObject({ ok: true, policies: [P2] });
  });

  it('anyPolicy in the leaf inherits every policy the issuer expects', () => {
    const r = processPolicies([c([P1, P2]), c([ANY_POLICY])]);
    expect(r.ok && [...r.policies].sort()).toEqual([P1, P2]);
  });

  it('anyPolicy throughout, any-policy user set: the path is valid for anyPolicy', () => {
    expect(processPolicies([c([ANY_POLICY]), c([ANY_POLICY])])).toMatchObject({ ok: true, policies: [ANY_POLICY] });
  });

  it('requireExplicitPolicy 0 in a CA makes a leaf without policies fail (§6.1.4 (i))', () => {
    const ca = c([P1], { policyConstraints: { requireExplicitPolicy: 0 } });
    expect(processPolicies([ca, c(undefined)]).ok).toBe(false);
    expect(processPolicies([ca, c([P1])])).toMatchObject({ ok: true, policies: [P1], explicitPolicyRequired: true });
  });

  it('requireExplicitPolicy 1 skips one certificate before taking effect', () => {
    const ca = c([P1], { policyConstraints: { requireExplicitPolicy: 1 } });
    // CA1 (req 1) -> CA2 (no policies) -> leaf: explicit_policy reaches 0 at the leaf -> fails.
    expect(processPolicies([ca, c(undefined), c(undefined)]).ok).toBe(false);
    // CA1 (req 1) -> leaf without policies: wrap-up decrement reaches 0 too.
    expect(processPolicies([ca, c(undefined)]).ok).toBe(false);
    // Self-issued intermediates do not count (§6.1.4 (h)).
    const r = processPolicies([c([P1], { policyConstraints: { requireExplicitPolicy: 2 } }), c(undefined, { selfIssued: true }), c(undefined)]);
    expect(r.ok).toBe(true);
  });

  it('the leaf itself may require explicit policy (§6.1.5 (b))', () => {
    expect(processPolicies([c(undefined), c(undefined, { policyConstraints: { requireExplicitPolicy: 0 } })]).ok).toBe(false);
  });
});

describe('policy mappings (§6.1.4 (a)(b))', () => {
  it('maps an issuer-domain policy to a subject-domain policy; the result is in the anchor domain', () => {
    const ca = c([P1], { policyMappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: Q1 }] });
    const r = processPolicies([ca, c([Q1])], { initialExplicitPolicy: true });
    expect(r).toMatchObject({ ok: true, policies: [P1], leafPolicies: [Q1] });
    // Without the mapping Q1 is not acceptable.
    expect(processPolicies([c([P1]), c([Q1])], { initialExplicitPolicy: true }).ok).toBe(false);
  });

  it('one policy mapped to two', () => {
    const ca = c([P1], {
      policyMappings: [
        { issuerDomainPolicy: P1, subjectDomainPolicy: Q1 },
        { issuerDomainPolicy: P1, subjectDomainPolicy: Q2 },
      ],
    });
    const r = processPolicies([ca, c([Q2])]);
    expect(r).toMatchObject({ ok: true, policies: [P1], leafPolicies: [Q2] });
  });

  it('a mapping from a policy asserted only through anyPolicy creates the node (§6.1.4 (b)(1))', () => {
    const ca = c([ANY_POLICY], { policyMappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: Q1 }] });
    expect(processPolicies([ca, c([Q1])])).toMatchObject({ ok: true, policies: [P1], leafPolicies: [Q1] });
  });

  it('mapping inhibited: mapped policies are deleted (§6.1.4 (b)(2))', () => {
    const ca = c([P1], { policyMappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: Q1 }] });
    expect(processPolicies([ca, c([Q1])], { initialPolicyMappingInhibit: true, initialExplicitPolicy: true }).ok).toBe(false);
    // inhibitPolicyMapping 0 in an earlier CA has the same effect on the next CA's mappings.
    const top = c([P1], { policyConstraints: { inhibitPolicyMapping: 0 } });
    expect(processPolicies([top, ca, c([Q1])], { initialExplicitPolicy: true }).ok).toBe(false);
    expect(processPolicies([c([P1]), ca, c([Q1])], { initialExplicitPolicy: true }).ok).toBe(true);
  });

  it('mapping to or from anyPolicy is an error (§6.1.4 (a))', () => {
    const bad = c([P1], { policyMappings: [{ issuerDomainPolicy: ANY_POLICY, subjectDomainPolicy: Q1 }] });
    expect(processPolicies([bad, c([Q1])]).ok).toBe(false);
    const bad2 = c([P1], { policyMappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: ANY_POLICY }] });
    expect(processPolicies([bad2, c([Q1])]).ok).toBe(false);
  });
});

describe('inhibit anyPolicy (§6.1.3 (d)(2), §6.1.4 (j))', () => {
  it('inhibitAnyPolicy 0 stops anyPolicy in the next CA', () => {
    const ca1 = c([ANY_POLICY], { inhibitAnyPolicy: 0 });
    expect(processPolicies([ca1, c([ANY_POLICY]), c([P1])], { initialExplicitPolicy: true }).ok).toBe(false);
    expect(processPolicies([c([ANY_POLICY]), c([ANY_POLICY]), c([P1])], { initialExplicitPolicy: true })).toMatchObject({ ok: true, policies: [P1] });
  });

  it('a self-issued intermediate may still use anyPolicy', () => {
    const ca1 = c([ANY_POLICY], { inhibitAnyPolicy: 0 });
    expect(processPolicies([ca1, c([ANY_POLICY], { selfIssued: true }), c([P1])], { initialExplicitPolicy: true }).ok).toBe(true);
  });

  it('initial-any-policy-inhibit ignores anyPolicy from the start', () => {
    expect(processPolicies([c([ANY_POLICY]), c([P1])], { initialAnyPolicyInhibit: true, initialExplicitPolicy: true }).ok).toBe(false);
  });
});

describe('user-initial-policy-set intersection (§6.1.5 (g))', () => {
  it('keeps only acceptable policies', () => {
    expect(processPolicies([c([P1, P2]), c([P1, P2])], { initialPolicySet: [P2] })).toMatchObject({ ok: true, policies: [P2] });
    const none = processPolicies([c([P1]), c([P1])], { initialPolicySet: [P2], initialExplicitPolicy: true });
    expect(none.ok).toBe(false);
  });

  it('anyPolicy all the way becomes exactly the user set', () => {
    const r = processPolicies([c([ANY_POLICY]), c([ANY_POLICY])], { initialPolicySet: [P1, P2] });
    expect(r.ok && [...r.policies].sort()).toEqual([P1, P2]);
  });

  it('judges mapped policies in the anchor domain', () => {
    const ca = c([P1], { policyMappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: Q1 }] });
    expect(processPolicies([ca, c([Q1])], { initialPolicySet: [P1] })).toMatchObject({ ok: true, policies: [P1] });
    expect(processPolicies([ca, c([Q1])], { initialPolicySet: [Q1], initialExplicitPolicy: true }).ok).toBe(false);
  });
});

describe('blow-up bound', () => {
  it('refuses a tree beyond maxNodes instead of growing without bound', () => {
    // Each CA asserts 8 policies and maps every one to all 8: the tree would multiply by 8 per level.
    const ps = Array.from({ length: 8 }, (_, i) => `1.2.9.${i}`);
    const maps = ps.flatMap((a) => ps.map((b) => ({ issuerDomainPolicy: a, subjectDomainPolicy: b })));
    const ca = c(ps, { policyMappings: maps });
    const chain = [ca, ca, ca, ca, ca, ca, c(ps)];
    const r = processPolicies(chain, { maxNodes: 500 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/exceeds 500 nodes/);
    // A small, legitimate tree is unaffected by the bound.
    expect(processPolicies([c(ps), c(ps)], { maxNodes: 500 }).ok).toBe(true);
  });
});
