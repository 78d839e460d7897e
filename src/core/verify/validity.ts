// Step 3, validity: every certificate on the path, the trust anchor's included, at `now` (RFC 5280 §4.1.2.5,
// §6.1.3 (a)(2)); notBefore and notAfter are both inclusive, compared at the granularity of the encoding (seconds).
import type { Certificate } from '../x509/types.js';
import type { PathContext } from './context.js';
import type { VerifyIssue } from './types.js';
import { certLabel, issue } from './util.js';

export function checkValidity(cert: Certificate, now: Date, who: string): VerifyIssue | undefined {
  // Certificate times carry whole seconds; floor `now` so 00:00:00.999 is still 00:00:00 (x509-limbo
  // "notbefore-fractional"/"notafter-fractional" cases).
  const t = Math.floor(now.getTime() / 1000) * 1000;
  if (t < cert.notBefore.getTime()) {
    return issue('NOT_YET_VALID', who, `not valid before ${cert.notBefore.toISOString()} (checked at ${now.toISOString()})`);
  }
  if (t > cert.notAfter.getTime()) {
    return issue('EXPIRED', who, `expired at ${cert.notAfter.toISOString()} (checked at ${now.toISOString()})`);
  }
  return undefined;
}

export function validityStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  // RFC 5280 does not require checking the anchor, but RFC 5937 lets a relying party do so and an
  // expired root is a signal nobody should ignore.
  const a = checkValidity(ctx.anchor.cert, ctx.options.now, certLabel(ctx.anchor.cert));
  if (a) out.push({ ...a, message: `trust anchor ${a.message}` });
  for (const c of ctx.chain) {
    const r = checkValidity(c, ctx.options.now, certLabel(c));
    if (r) out.push(r);
  }
  return out;
}
