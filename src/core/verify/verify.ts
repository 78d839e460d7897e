// The pure path validator: verify(input, trust, { now }) builds candidate paths and runs the named
// RFC 5280 §6.1 steps on each (RFC 5280 §6, RFC 5937 constrained anchors, DESIGN.md §1 and §6).
//
// It never reads a clock, never does I/O and never throws for a bad certificate: every failure becomes
// a VerifyIssue. It returns the first candidate path that passes every step; when none does, it reports
// the errors of the most preferred candidate. What it proves (identity, enclave, region, level) is only
// filled in for a valid path.
import { sha256 } from '../crypto/kdf.js';
import { levelName } from '../policy/levels.js';
import type { Certificate } from '../x509/types.js';
import { algorithmsStep } from './algorithms.js';
import { basicConstraintsStep } from './basic-constraints.js';
import { buildPaths } from './build-path.js';
import type { CandidatePath } from './build-path.js';
import type { PathContext } from './context.js';
import { criticalExtensionsStep } from './critical-extensions.js';
import { keyUsageStep } from './key-usage.js';
import { checkNamesAgainst, uriHost } from './name-constraints.js';
import { constraintSources, nameConstraintsStep } from './name-constraints-step.js';
import { policyStep } from './policy.js';
import type { PolicyProof } from './policy.js';
import { profileStep } from './profile.js';
import { revocationStep } from './revocation.js';
import { signaturesStep } from './signatures.js';
import type { PathEntry, StepName, TrustAnchor, VerifyInput, VerifyIssue, VerifyOptions, VerifyResult } from './types.js';
import { toHex } from '../crypto/bytes.js';
import { certLabel, issue, sameCert } from './util.js';
import { validityStep } from './validity.js';

export { ANY_POLICY } from './policy-tree.js';
export { EKU_OIDS, ANY_EXTENDED_KEY_USAGE } from './key-usage.js';

function checkArgs(input: VerifyInput, trust: readonly TrustAnchor[], options: VerifyOptions): void {
  if (typeof input !== 'object' || input === null || typeof input.leaf !== 'object' || input.leaf === null) {
    throw new TypeError('verify: input.leaf must be a parsed Certificate');
  }
  if (!Array.isArray(trust)) throw new TypeError('verify: trust must be an array of TrustAnchor');
  if (typeof options !== 'object' || options === null || !(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new TypeError('verify: options.now must be a valid Date (the core never reads a clock)');
  }
  if (options.maxIntermediates !== undefined && (!Number.isInteger(options.maxIntermediates) || options.maxIntermediates < 0)) {
    throw new RangeError('verify: options.maxIntermediates must be a non-negative integer');
  }
}

function pathEntry(c: Certificate, trustAnchor: boolean, options: VerifyOptions): PathEntry {
  return {
    subject: c.subject.text,
    issuer: c.issuer.text,
    serial: c.serialHex,
    fingerprint: options.signatureMemo?.sha256Hex?.(c.der) ?? toHex(sha256(c.der)),
    notAfter: c.notAfter.toISOString(),
    trustAnchor,
  };
}

function spiffeIds(leaf: Certificate): string[] {
  return (leaf.subjectAltNames ?? []).flatMap((n) => (n.type === 'uri' && n.value.startsWith('spiffe://') ? [n.value] : []));
}

/** options.identity: the leaf must carry exactly this URI SAN. */
function identityStep(ctx: PathContext): VerifyIssue[] {
  const want = ctx.options.identity;
  if (want === undefined) return [];
  const leaf = ctx.chain[ctx.chain.length - 1] as Certificate;
  const uris = (leaf.subjectAltNames ?? []).flatMap((n) => (n.type === 'uri' ? [n.value] : []));
  if (uris.includes(want)) return [];
  return [issue('IDENTITY', certLabel(leaf), `the leaf's identity is ${uris.length ? uris.join(', ') : 'absent'}, not ${want}`)];
}

/**
 * Enclave and region as proved by the path's name constraints (src/core/policy/names.ts): an enclave
 * CA is constrained to exactly one URI host "<enclave>.<region>.<domain>", a regional CA to exactly one
 * subtree ".<region>.<domain>". A constraint counts only when it lies inside every constraint above it.
 */
function provedPlaces(ctx: PathContext): { enclave?: string; region?: string } {
  const sources = constraintSources(ctx);
  const inside = (host: string, index: number): boolean =>
    sources.every((s) => s.from >= index || checkNamesAgainst([{ type: 'uri', value: `spiffe://${host}/` }], s.nc, s.label).ok);
  let enclave: string | undefined;
  let region: string | undefined;
  const certs = ctx.chain;
  for (let i = certs.length - 1; i >= 0; i--) {
    const c = certs[i] as Certificate;
    if (!c.basicConstraints?.ca) continue;
    const uris = (c.nameConstraints?.permitted ?? []).flatMap((s) => (s.base.type === 'uri' ? [s.base.value] : []));
    if (uris.length !== 1) continue;
    const base = (uris[0] as string).toLowerCase();
    if (!base.startsWith('.') && enclave === undefined) {
      const labels = base.split('.');
      if (labels.length >= 3 && inside(base, i)) {
        enclave = labels[0];
        // The enclave host also names its region: <enclave>.<region>.<domain>.
        region ??= labels[1];
      }
    } else if (base.startsWith('.') && region === undefined) {
      const labels = base.slice(1).split('.');
      if (labels.length >= 2 && inside(`probe${base}`, i)) region = labels[0];
    }
  }
  const out: { enclave?: string; region?: string } = {};
  if (enclave !== undefined) out.enclave = enclave;
  if (region !== undefined) out.region = region;
  return out;
}

/** Runs every step on one candidate path; fills in what was proved when all pass. */
function evaluate(candidate: CandidatePath, input: VerifyInput, options: VerifyOptions): VerifyResult {
  // RFC 5280 order: chain[0] is issued by the anchor, the target last.
  const chain = [...candidate.certs].reverse();
  const ctx: PathContext = { chain, anchor: candidate.anchor, crls: input.crls ?? [], options };
  const proof: { value?: PolicyProof } = {};
  const steps: { name: StepName; run: () => VerifyIssue[] }[] = [
    { name: 'signatures', run: () => signaturesStep(ctx) },
    { name: 'validity', run: () => validityStep(ctx) },
    { name: 'basic-constraints', run: () => basicConstraintsStep(ctx) },
    { name: 'key-usage', run: () => keyUsageStep(ctx) },
    { name: 'name-constraints', run: () => [...nameConstraintsStep(ctx), ...identityStep(ctx)] },
    { name: 'policy', run: () => policyStep(ctx, proof) },
    { name: 'revocation', run: () => revocationStep(ctx) },
    { name: 'algorithms', run: () => algorithmsStep(ctx) },
    { name: 'critical-extensions', run: () => criticalExtensionsStep(ctx) },
  ];
  if (options.strict) steps.push({ name: 'profile', run: () => profileStep(ctx) });

  const errors: VerifyIssue[] = [];
  const stepResults: VerifyResult['steps'] = [{ name: 'build-path', ok: true }];
  for (const s of steps) {
    const found = s.run();
    errors.push(...found);
    stepResults.push({ name: s.name, ok: found.length === 0 });
  }

  const anchorCert = candidate.anchor.cert;
  const anchorIsTarget = chain.length === 1 && sameCert(chain[0] as Certificate, anchorCert);
  const path = anchorIsTarget ? [pathEntry(anchorCert, true, options)] : [...candidate.certs.map((c) => pathEntry(c, false, options)), pathEntry(anchorCert, true, options)];
  const result: VerifyResult = { ok: errors.length === 0, path, steps: stepResults, errors };
  if (result.ok) {
    const ids = spiffeIds(input.leaf);
    if (options.identity !== undefined) result.identity = options.identity;
    else if (ids.length === 1 && uriHost(ids[0] as string) !== undefined) result.identity = ids[0];
    Object.assign(result, provedPlaces(ctx));
    const level = proof.value?.level;
    if (level !== undefined) {
      result.level = level;
      const name = levelName(level);
      if (name !== undefined) result.levelName = name;
    }
  }
  return result;
}

/**
 * Validates `input.leaf` against `trust` at `options.now`. Tries candidate paths best first and returns
 * the first that passes every step; otherwise the most preferred candidate's errors (NO_PATH when no
 * candidate exists). Throws only for programming errors (TypeError/RangeError on wrong arguments).
 */
export function verify(input: VerifyInput, trust: readonly TrustAnchor[], options: VerifyOptions): VerifyResult {
  checkArgs(input, trust, options);
  const built = buildPaths(input.leaf, input.untrusted ?? [], trust, options.maxIntermediates);
  if (built.candidates.length === 0) {
    return {
      ok: false,
      path: [],
      steps: [{ name: 'build-path', ok: false }],
      errors: [issue('NO_PATH', certLabel(input.leaf), built.reason ?? 'no path to a trust anchor')],
    };
  }
  let first: VerifyResult | undefined;
  for (const c of built.candidates) {
    const result = evaluate(c, input, options);
    if (result.ok) return result;
    first ??= result;
  }
  return first as VerifyResult;
}
