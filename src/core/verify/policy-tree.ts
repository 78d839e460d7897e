// RFC 5280 §6.1 certificate policy processing: the valid_policy_tree with the explicit_policy,
// policy_mapping and inhibit_anyPolicy counters (§6.1.2 (a)(d)(e)(f), §6.1.3 (d)-(f), §6.1.4 (a)(b)(h)-(j),
// §6.1.5 (a)(b)(g)).
//
// The tree can grow exponentially with crafted policyMappings (CVE-2023-0464), so node creation is
// bounded by `maxNodes`; exceeding it fails the path rather than exhausting memory.
import type { PolicyConstraints, PolicyInformation, PolicyMapping } from '../x509/types.js';
import { MAX_POLICY_NODES } from '../limits.js';

export const ANY_POLICY = '2.5.29.32.0';
export const DEFAULT_MAX_POLICY_NODES = MAX_POLICY_NODES;

/** What policy processing needs from each certificate on the path. */
export interface PolicyCert {
  policies?: readonly PolicyInformation[];
  policyMappings?: readonly PolicyMapping[];
  policyConstraints?: PolicyConstraints;
  inhibitAnyPolicy?: number;
  /** Issuer and subject Name DER are equal (§6.1: "self-issued"). */
  selfIssued: boolean;
}

export interface PolicyInputs {
  /** user-initial-policy-set; undefined (or containing anyPolicy) means any-policy. */
  initialPolicySet?: readonly string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
  maxNodes?: number;
}

export type PolicyOutcome =
  | {
      ok: true;
      /**
       * Policies the path is valid for, in the user's (trust anchor's) domain: for each leaf-depth node,
       * its top-most non-anyPolicy ancestor. Contains ANY_POLICY when the whole chain asserted anyPolicy
       * and the user accepted any policy. Empty when the tree is NULL (allowed when explicit_policy > 0).
       */
      policies: string[];
      /** The leaf-depth valid_policy values (leaf's own domain, after any mappings). */
      leafPolicies: string[];
      explicitPolicyRequired: boolean;
    }
  | { ok: false; /** 0-based index into the certs array (anchor side first), or certs.length for wrap-up. */ index: number; message: string };

interface Node {
  validPolicy: string;
  expected: Set<string>;
  parent: Node | undefined;
  children: Node[];
  depth: number;
  deleted: boolean;
}

class PolicyLimit extends Error {}

/**
 * Runs §6.1 policy processing over `certs`, ordered from the certificate issued by the trust anchor
 * (certificate 1 in RFC terms) down to the target certificate (certificate n).
 */
export function processPolicies(certs: readonly PolicyCert[], inputs: PolicyInputs = {}): PolicyOutcome {
  try {
    return run(certs, inputs);
  } catch (e) {
    if (e instanceof PolicyLimit) return { ok: false, index: -1, message: e.message };
    throw e;
  }
}

function run(certs: readonly PolicyCert[], inputs: PolicyInputs): PolicyOutcome {
  const n = certs.length;
  const maxNodes = inputs.maxNodes ?? DEFAULT_MAX_POLICY_NODES;
  let nodeCount = 0;
  const mk = (validPolicy: string, expected: Iterable<string>, parent: Node | undefined): Node => {
    if (++nodeCount > maxNodes) throw new PolicyLimit(`policy tree exceeds ${maxNodes} nodes (refusing a possible blow-up)`);
    const node: Node = { validPolicy, expected: new Set(expected), parent, children: [], depth: parent ? parent.depth + 1 : 0, deleted: false };
    parent?.children.push(node);
    return node;
  };

  // §6.1.2 (a), (d), (e), (f).
  let root: Node | undefined = mk(ANY_POLICY, [ANY_POLICY], undefined);
  // levels[d] = live nodes of depth d.
  let levels: Node[][] = [[root]];
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;

  const removeSubtree = (node: Node): void => {
    const stack = [node];
    while (stack.length) {
      const x = stack.pop() as Node;
      x.deleted = true;
      stack.push(...x.children);
    }
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
  };
  const refreshLevels = (): void => {
    levels = levels.map((lv) => lv.filter((x) => !x.deleted));
    if (root?.deleted) root = undefined;
    if (!root) levels = [];
  };
  /** Deletes, bottom-up, every node of depth < `depth` that has no children (§6.1.3 (d)(3)). */
  const prune = (depth: number): void => {
    for (let d = depth - 1; d >= 0; d--) {
      for (const x of levels[d] ?? []) if (!x.deleted && x.children.length === 0) removeSubtree(x);
      refreshLevels();
    }
  };

  for (let idx = 0; idx < n; idx++) {
    const i = idx + 1; // RFC depth of this certificate
    const cert = certs[idx] as PolicyCert;
    const isLast = i === n;
    const policies = cert.policies;

    // §6.1.3 (d): the certificate has a certificatePolicies extension and the tree is not NULL.
    if (policies !== undefined && root) {
      const prev = levels[i - 1] ?? [];
      const next: Node[] = [];
      const oids = policies.map((p) => p.oid);
      // (d)(1)
      for (const p of oids) {
        if (p === ANY_POLICY) continue;
        let matched = false;
        for (const parent of prev) {
          if (parent.expected.has(p)) {
            next.push(mk(p, [p], parent));
            matched = true;
          }
        }
        if (!matched) {
          for (const parent of prev) {
            if (parent.validPolicy === ANY_POLICY) next.push(mk(p, [p], parent));
          }
        }
      }
      // (d)(2): anyPolicy in the certificate, when not inhibited (self-issued intermediates exempt).
      if (oids.includes(ANY_POLICY) && (inhibitAnyPolicy > 0 || (!isLast && cert.selfIssued))) {
        for (const parent of prev) {
          const have = new Set(parent.children.map((c) => c.validPolicy));
          for (const e of parent.expected) {
            if (!have.has(e)) next.push(mk(e, [e], parent));
          }
        }
      }
      levels[i] = next;
      // (d)(3)
      prune(i);
    }
    // §6.1.3 (e): no certificatePolicies extension -> NULL tree.
    if (policies === undefined && root) {
      root = undefined;
      levels = [];
    }
    // §6.1.3 (f)
    if (!(explicitPolicy > 0 || root)) {
      return { ok: false, index: idx, message: 'no acceptable certificate policy (explicit policy required and the valid policy tree is empty)' };
    }

    if (isLast) break;

    // §6.1.4 (a), (b): policy mappings.
    const maps = cert.policyMappings;
    if (maps && maps.length > 0) {
      for (const m of maps) {
        if (m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY) {
          return { ok: false, index: idx, message: 'policyMappings maps to or from anyPolicy (RFC 5280 §6.1.4 (a))' };
        }
      }
      if (root) {
        const mapped = new Map<string, string[]>();
        for (const m of maps) {
          const list = mapped.get(m.issuerDomainPolicy) ?? [];
          if (!list.includes(m.subjectDomainPolicy)) list.push(m.subjectDomainPolicy);
          mapped.set(m.issuerDomainPolicy, list);
        }
        const here = levels[i] ?? [];
        if (policyMapping > 0) {
          // (b)(1)
          for (const [idp, sdps] of mapped) {
            const nodes = here.filter((x) => x.validPolicy === idp);
            if (nodes.length > 0) {
              for (const x of nodes) x.expected = new Set(sdps);
            } else {
              const anyNode = here.find((x) => x.validPolicy === ANY_POLICY);
              if (anyNode?.parent) here.push(mk(idp, sdps, anyNode.parent));
            }
          }
          levels[i] = here;
        } else {
          // (b)(2)
          for (const idp of mapped.keys()) {
            for (const x of here) if (x.validPolicy === idp && !x.deleted) removeSubtree(x);
          }
          refreshLevels();
          prune(i);
        }
      }
    }

    // §6.1.4 (h): counters decrease for every non-self-issued certificate.
    if (!cert.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
    }
    // §6.1.4 (i)
    const pc = cert.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < explicitPolicy) explicitPolicy = pc.requireExplicitPolicy;
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < policyMapping) policyMapping = pc.inhibitPolicyMapping;
    // §6.1.4 (j)
    if (cert.inhibitAnyPolicy !== undefined && cert.inhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = cert.inhibitAnyPolicy;
  }

  // §6.1.5 (a), (b)
  if (explicitPolicy > 0) explicitPolicy--;
  const leafPc = n > 0 ? (certs[n - 1] as PolicyCert).policyConstraints : undefined;
  if (leafPc?.requireExplicitPolicy === 0) explicitPolicy = 0;

  // §6.1.5 (g): intersection with the user-initial-policy-set.
  const user = inputs.initialPolicySet;
  const userAny = user === undefined || user.includes(ANY_POLICY);
  if (root && !userAny) {
    const userSet = new Set(user);
    // (g)(iii)(1): nodes whose parent is anyPolicy and which are not anyPolicy themselves.
    const vpns: Node[] = [];
    for (const lv of levels) for (const x of lv) if (x.parent && x.parent.validPolicy === ANY_POLICY && x.validPolicy !== ANY_POLICY) vpns.push(x);
    // (g)(iii)(2)
    for (const x of vpns) if (!userSet.has(x.validPolicy) && !x.deleted) removeSubtree(x);
    refreshLevels();
    // (g)(iii)(3)
    const leafLevel = levels[n] ?? [];
    const anyLeaf = leafLevel.find((x) => x.validPolicy === ANY_POLICY);
    if (anyLeaf && anyLeaf.parent) {
      const present = new Set(vpns.filter((x) => !x.deleted).map((x) => x.validPolicy));
      const created: Node[] = [];
      for (const p of userSet) if (!present.has(p)) created.push(mk(p, [p], anyLeaf.parent));
      removeSubtree(anyLeaf);
      levels[n] = [...leafLevel.filter((x) => x !== anyLeaf), ...created];
      refreshLevels();
    } else if (anyLeaf) {
      // Depth-0 anyPolicy only happens for an empty path: the user set itself is the answer.
      removeSubtree(anyLeaf);
      refreshLevels();
    }
    // (g)(iii)(4)
    if (root) prune(n);
  }

  if (!(explicitPolicy > 0 || root)) {
    return {
      ok: false,
      index: n,
      message: userAny
        ? 'no acceptable certificate policy (explicit policy required and the valid policy tree is empty)'
        : `no certificate policy in the acceptable set (${[...(user ?? [])].join(', ')}) is valid for this path`,
    };
  }

  const leafNodes = root ? (levels[n] ?? []) : [];
  const policies = new Set<string>();
  for (const x of leafNodes) {
    // Walk up to the top-most non-anyPolicy ancestor: that policy is expressed in the anchor's domain.
    let top: Node = x;
    let cur: Node | undefined = x;
    while (cur && cur.validPolicy !== ANY_POLICY) {
      top = cur;
      cur = cur.parent;
    }
    policies.add(top.validPolicy);
  }
  return {
    ok: true,
    policies: [...policies],
    leafPolicies: [...new Set(leafNodes.map((x) => x.validPolicy))],
    explicitPolicyRequired: explicitPolicy === 0,
  };
}
