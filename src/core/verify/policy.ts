// Step 7, certificate policies: RFC 5280 §6.1 policy processing over the path, with the user-initial-policy-set
// taken from the requested level, the caller's set and the anchor's RFC 5937 level constraint; it decides
// the level (policy OID) the path proves.
import { levelName } from '../policy/levels.js';
import type { Certificate } from '../x509/types.js';
import type { PathContext } from './context.js';
import { ANY_POLICY, processPolicies } from './policy-tree.js';
import type { VerifyIssue } from './types.js';
import { certLabel, isSelfIssued, issue } from './util.js';

export interface PolicyProof {
  /** Policies the path is valid for, in the anchor's domain (may contain anyPolicy). */
  policies: string[];
  /** The single level proved, when there is exactly one candidate. */
  level?: string;
}

/** Intersects the caller's and the anchor's policy sets; undefined = any-policy. */
function initialSet(ctx: PathContext): { set: readonly string[] | undefined; empty: boolean } {
  const sets: (readonly string[])[] = [];
  const o = ctx.options;
  if (o.initialPolicySet !== undefined) sets.push(o.initialPolicySet);
  if (ctx.anchor.constraints?.levels !== undefined) sets.push(ctx.anchor.constraints.levels);
  if (o.level !== undefined) sets.push([o.level]);
  let acc: string[] | undefined;
  for (const s of sets) {
    if (s.includes(ANY_POLICY)) continue;
    acc = acc === undefined ? [...s] : acc.filter((x) => s.includes(x));
  }
  return { set: acc, empty: acc !== undefined && acc.length === 0 };
}

export function policyStep(ctx: PathContext, proof: { value?: PolicyProof }): VerifyIssue[] {
  const { chain, options } = ctx;
  const leaf = chain[chain.length - 1] as Certificate;
  const { set, empty } = initialSet(ctx);
  if (empty) {
    const what = options.level !== undefined ? `level ${options.level}` : 'the requested policies';
    return [issue('POLICY', certLabel(leaf), `${what} is not among the levels the trust anchor may vouch for`)];
  }
  const outcome = processPolicies(
    chain.map((c) => ({
      policies: c.policies,
      policyMappings: c.policyMappings,
      policyConstraints: c.policyConstraints,
      inhibitAnyPolicy: c.inhibitAnyPolicy,
      selfIssued: isSelfIssued(c),
    })),
    {
      initialPolicySet: set,
      // A level requirement (from the caller or the anchor) means a policy must actually be proved.
      initialExplicitPolicy: options.initialExplicitPolicy === true || options.level !== undefined || ctx.anchor.constraints?.levels !== undefined,
      initialPolicyMappingInhibit: options.initialPolicyMappingInhibit,
      initialAnyPolicyInhibit: options.initialAnyPolicyInhibit,
    },
  );
  if (!outcome.ok) {
    const at = outcome.index >= 0 && outcome.index < chain.length ? (chain[outcome.index] as Certificate) : leaf;
    return [issue('POLICY', certLabel(at), outcome.message)];
  }
  const value: PolicyProof = { policies: outcome.policies };
  const specific = outcome.policies.filter((p) => p !== ANY_POLICY);
  if (options.level !== undefined) {
    if (!outcome.policies.includes(options.level)) {
      return [issue('POLICY', certLabel(leaf), `the path does not prove level ${levelName(options.level) ?? options.level}`)];
    }
    value.level = options.level;
  } else if (specific.length === 1) {
    value.level = specific[0];
  } else if (specific.length > 1) {
    const ours = specific.filter((p) => levelName(p) !== undefined);
    if (ours.length === 1) value.level = ours[0];
  }
  proof.value = value;
  return [];
}
