// The state shared by the path-validation steps for one candidate path (RFC 5280 §6.1.1 inputs).
import type { Certificate, Crl } from '../x509/types.js';
import type { TrustAnchor, VerifyIssue, VerifyOptions } from './types.js';

export interface PathContext {
  /** Certificates in RFC 5280 order: chain[0] is issued by the anchor, chain[n-1] is the target (leaf). */
  chain: Certificate[];
  anchor: TrustAnchor;
  crls: readonly Crl[];
  options: VerifyOptions;
}

/** The issuer of chain[i]: the next certificate toward the anchor, or the anchor's certificate. */
export function issuerOf(ctx: PathContext, i: number): Certificate {
  return i === 0 ? ctx.anchor.cert : (ctx.chain[i - 1] as Certificate);
}

export type Step = (ctx: PathContext) => VerifyIssue[];
