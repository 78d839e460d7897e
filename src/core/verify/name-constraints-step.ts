// Step 6, name constraints along the path (RFC 5280 §6.1.3 (b)(c), §6.1.4 (g)), including the trust
// anchor's own nameConstraints and an RFC 5937 anchor constraint on URI host subtrees.
import type { Certificate, NameConstraints } from '../x509/types.js';
import type { PathContext } from './context.js';
import { checkNamesAgainst, constrainedNames } from './name-constraints.js';
import type { VerifyIssue } from './types.js';
import { certLabel, isSelfIssued, issue, sameCert } from './util.js';

interface Source {
  /** Constraints apply to chain[j] for j > from (from = -1: the anchor, applies to every certificate). */
  from: number;
  nc: NameConstraints;
  label: string;
}

export function constraintSources(ctx: PathContext): Source[] {
  const sources: Source[] = [];
  const { anchor, chain } = ctx;
  const uris = anchor.constraints?.permittedUris;
  if (uris !== undefined) {
    sources.push({
      from: -1,
      nc: { permitted: uris.map((u) => ({ base: { type: 'uri', value: u } })) },
      label: `trust anchor constraint of "${anchor.label ?? certLabel(anchor.cert)}"`,
    });
  }
  const anchorIsTarget = chain.length === 1 && sameCert(chain[0] as Certificate, anchor.cert);
  if (anchor.cert.nameConstraints && !anchorIsTarget) {
    sources.push({ from: -1, nc: anchor.cert.nameConstraints, label: `trust anchor "${certLabel(anchor.cert)}"` });
  }
  chain.forEach((c, i) => {
    if (c.nameConstraints && i < chain.length - 1) sources.push({ from: i, nc: c.nameConstraints, label: `"${certLabel(c)}"` });
  });
  return sources;
}

export function nameConstraintsStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const { chain } = ctx;
  const n = chain.length;
  const sources = constraintSources(ctx);
  if (sources.length === 0) return out;
  for (let j = 0; j < n; j++) {
    const cert = chain[j] as Certificate;
    // §6.1.3 (b)(c): self-issued intermediates are exempt; the target certificate never is.
    if (j < n - 1 && isSelfIssued(cert)) continue;
    const names = constrainedNames(cert);
    if (names.length === 0) continue;
    for (const s of sources) {
      if (s.from >= j) continue;
      const r = checkNamesAgainst(names, s.nc, s.label);
      if (!r.ok) {
        out.push(issue(r.code, certLabel(cert), r.message));
        break; // the first violation per certificate is enough
      }
    }
  }
  return out;
}
