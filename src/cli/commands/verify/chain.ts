// `writ verify chain`: offline RFC 5280 §6 path validation through the pure core verify(); exit 0 only when valid.
import { WritError } from '../../../core/errors.js';
import { verify } from '../../../core/verify/verify.js';
import type { TrustAnchor, VerifyOptions, VerifyResult } from '../../../core/verify/types.js';
import type { Certificate, Crl } from '../../../core/x509/types.js';
import { levelOid } from '../../../core/policy/levels.js';
import { KEY_ALG_OIDS } from '../../../core/crypto/algs.js';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { readCerts, readCrls } from '../../load.js';
import { verifyJson, verifyText } from '../../render.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 date-time (with an explicit offset); anything else is a usage error. */
export function parseRfc3339(s: string): Date {
  const m = RFC3339.exec(s);
  const d = m ? new Date(s.replace(' ', 'T')) : undefined;
  if (!m || !d || Number.isNaN(d.getTime())) {
    throw new WritError('USAGE', `--at "${s}" is not an RFC 3339 date-time such as 2027-01-31T12:00:00Z`);
  }
  return d;
}

/** What `writ verify chain` takes, as plain data (the demo runs the same path as the commands it prints). */
export interface ChainSpec {
  leaf: string;
  trust: string[];
  untrusted?: string[];
  crl?: string[];
  at?: Date;
  level?: string;
  identity?: string;
  requireCrl?: boolean;
  /** Algorithm names (ml-dsa-87, …) or OIDs; only these may appear on the path. */
  allowAlg?: string[];
}

/** Maps algorithm names to OIDs for the allow-list; dotted OIDs pass through. */
export function algorithmOids(names: readonly string[]): string[] {
  return names.map((n) => {
    const oid = (KEY_ALG_OIDS as Record<string, string>)[n.toLowerCase()];
    if (oid) return oid;
    if (/^[0-2](\.(0|[1-9][0-9]*))+$/.test(n)) return n;
    throw new WritError('USAGE', `--allow-alg "${n}": use one of ${Object.keys(KEY_ALG_OIDS).join(', ')} or a dotted OID`);
  });
}

/** Reads the files of a ChainSpec and runs the pure verifier on them. */
export function verifyFiles(spec: ChainSpec, now: Date): VerifyResult {
  const leafCerts = readCerts(spec.leaf);
  const leaf = leafCerts[0]!;
  const untrusted: Certificate[] = [...leafCerts.slice(1)];
  for (const f of spec.untrusted ?? []) untrusted.push(...readCerts(f));
  const trust: TrustAnchor[] = [];
  for (const f of spec.trust) for (const cert of readCerts(f)) trust.push({ cert });
  const crls: Crl[] = [];
  for (const f of spec.crl ?? []) crls.push(...readCrls(f));

  const options: VerifyOptions = { now: spec.at ?? now };
  if (spec.level) options.level = levelOid(spec.level);
  if (spec.identity) options.identity = spec.identity;
  if (spec.requireCrl) options.requireRevocationInfo = true;
  if (spec.allowAlg?.length) options.allowedAlgorithms = algorithmOids(spec.allowAlg);
  return verify({ leaf, untrusted, crls }, trust, options);
}

export function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const spec: ChainSpec = {
    leaf: args[0]!,
    trust: opts.trust as string[],
    untrusted: opts.untrusted as string[] | undefined,
    crl: opts.crl as string[] | undefined,
    level: opts.level as string | undefined,
    identity: opts.identity as string | undefined,
    requireCrl: Boolean(opts.requireCrl),
    allowAlg: opts.allowAlg as string[] | undefined,
  };
  if (opts.at) spec.at = parseRfc3339(opts.at as string);
  const result = verifyFiles(spec, ctx.now());
  return {
    text: verifyText(result),
    data: verifyJson(result),
    exitCode: result.ok ? EXIT.OK : EXIT.FAILED,
  };
}
