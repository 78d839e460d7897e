// Step 1, path building: candidate paths from the leaf up to a trust anchor (RFC 5280 §6.1 inputs,
// RFC 4158 ordering heuristics: names must chain; a matching AKI/SKI is preferred, a mismatching one tried last).
//
// The search is a bounded depth-first enumeration. It never revisits a (subject, key) pair on one path,
// so cross-signing cycles terminate, and it stops after a fixed budget of expansions so pathological
// inputs (100 same-subject CAs, mutual cross-signatures) cost bounded time.
import type { Certificate } from '../x509/types.js';
import type { TrustAnchor } from './types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { isSelfIssued, sameCert, sameName } from './util.js';
import { MAX_CANDIDATE_PATHS as LIMIT_MAX_CANDIDATE_PATHS, MAX_PATH_EXPANSIONS, MAX_PATH_INTERMEDIATES, MAX_PATH_SELF_ISSUED } from '../limits.js';

export const DEFAULT_MAX_INTERMEDIATES = MAX_PATH_INTERMEDIATES;
/** Self-issued intermediates (key rollover) do not count toward the limit, but are bounded too. */
const MAX_SELF_ISSUED = MAX_PATH_SELF_ISSUED;
export const MAX_CANDIDATE_PATHS = LIMIT_MAX_CANDIDATE_PATHS;
const EXPANSION_BUDGET = MAX_PATH_EXPANSIONS;

export interface CandidatePath {
  /** Leaf first; the anchor's certificate is NOT included. certs[certs.length-1] is issued by the anchor. */
  certs: Certificate[];
  anchor: TrustAnchor;
}

export interface BuildResult {
  candidates: CandidatePath[];
  /** Why nothing was found, when candidates is empty. */
  reason?: string;
  /** True when the search stopped on its budget rather than exhausting the graph. */
  truncated: boolean;
}

/** -1 when `child`'s AKI keyIdentifier equals `issuer`'s SKI (preferred), 1 when both exist and differ, else 0. */
function akiRank(child: Certificate, issuer: Certificate): number {
  const aki = child.authorityKeyId?.keyId;
  const ski = issuer.subjectKeyId;
  if (!aki || !ski) return 0;
  return bytesEqual(aki, ski) ? -1 : 1;
}

const keyCache = new WeakMap<Certificate, string>();

function keyOf(c: Certificate): string {
  // Subject DER + SPKI DER identify a logical CA key (RFC 4158 §5.2 loop detection).
  let s = keyCache.get(c);
  if (s === undefined) {
    s = `${toHex(c.subject.der)}|${toHex(c.spki.der)}`;
    keyCache.set(c, s);
  }
  return s;
}

/**
 * Enumerates candidate paths, best first. `maxIntermediates` bounds the number of certificates between
 * the leaf and the anchor.
 */
export function buildPaths(
  leaf: Certificate,
  untrusted: readonly Certificate[],
  anchors: readonly TrustAnchor[],
  maxIntermediates: number = DEFAULT_MAX_INTERMEDIATES,
): BuildResult {
  const candidates: CandidatePath[] = [];
  let expansions = 0;
  let truncated = false;
  let depthHit = false;
  // Untrusted copies of anchor certificates add nothing: the anchor branch covers them.
  const pool = untrusted.filter((u) => !anchors.some((a) => sameCert(a.cert, u)));

  const visit = (path: Certificate[], seen: Set<string>, counted: number, selfIssued: number): void => {
    if (candidates.length >= MAX_CANDIDATE_PATHS || truncated) return;
    if (++expansions > EXPANSION_BUDGET) {
      truncated = true;
      return;
    }
    const top = path[path.length - 1] as Certificate;
    type Option = { rank: number; anchor?: TrustAnchor; cert?: Certificate };
    const options: Option[] = [];
    for (const a of anchors) {
      if (sameName(a.cert.subject, top.issuer)) options.push({ rank: akiRank(top, a.cert) * 2 - 1, anchor: a });
    }
    for (const u of pool) {
      if (!sameName(u.subject, top.issuer)) continue;
      if (seen.has(keyOf(u)) || path.some((p) => sameCert(p, u))) continue;
      // RFC 5280 §6.1.4 (l) spirit: self-issued intermediates do not count toward the depth limit.
      if (isSelfIssued(u) ? selfIssued >= MAX_SELF_ISSUED : counted >= maxIntermediates) {
        depthHit = true;
        continue;
      }
      options.push({ rank: akiRank(top, u) * 2, cert: u });
    }
    // Stable sort: AKI match first; at equal rank anchors before intermediates (shorter paths first).
    options.sort((x, y) => x.rank - y.rank);
    for (const o of options) {
      if (candidates.length >= MAX_CANDIDATE_PATHS || truncated) return;
      if (o.anchor) {
        candidates.push({ certs: [...path], anchor: o.anchor });
      } else if (o.cert) {
        const k = keyOf(o.cert);
        seen.add(k);
        const si = isSelfIssued(o.cert);
        visit([...path, o.cert], seen, counted + (si ? 0 : 1), selfIssued + (si ? 1 : 0));
        seen.delete(k);
      }
    }
  };

  visit([leaf], new Set([keyOf(leaf)]), 0, 0);
  if (candidates.length > 0) return { candidates, truncated };
  let reason: string;
  if (truncated) reason = 'path search budget exhausted without reaching a trust anchor';
  else if (depthHit) reason = `no path to a trust anchor within ${maxIntermediates} intermediate certificates`;
  else {
    const known = anchors.some((a) => sameName(a.cert.subject, leaf.issuer)) || pool.some((u) => sameName(u.subject, leaf.issuer));
    reason = known
      ? 'no chain of issuers leads from the leaf to a trust anchor'
      : `issuer "${leaf.issuer.text}" is neither a trust anchor nor among the untrusted certificates`;
  }
  return { candidates, reason, truncated };
}
