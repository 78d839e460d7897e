// `writ audit verify DIR`: checks an enclave's audit log (hash chain, RFC 8785 lines, SHA-512) and its CMS-signed checkpoints (RFC 5652/9882).
import { WritError } from '../../../core/errors.js';
import { verify } from '../../../core/verify/verify.js';
import { enclavePaths, readConfig } from '../../../enclave/layout.js';
import { verifyAuditDir } from '../../../enclave/audit.js';
import { readCerts } from '../../load.js';
import type { Ctx, CommandResult } from '../../context.js';

export function run(ctx: Ctx, args: string[], _opts: Record<string, unknown>): CommandResult {
  const p = enclavePaths(args[0] as string);
  const config = readConfig(p.config);
  const chain = readCerts(p.chain);
  const signing = chain[0];
  if (!signing) throw new WritError('PARSE', `${p.chain} holds no certificate`);
  // The checkpoint key must be this enclave's gateway key, proved by its chain (not merely present in the folder).
  // The chain is judged at the first instant all of it is valid: a provisioned enclave's gateway cert is
  // signed at the site (init) before the region certifies the enclave CA (issue), so the leaf's own
  // notBefore would precede its issuer's.
  const at = new Date(Math.max(...chain.map((c) => c.notBefore.getTime())));
  const v = verify({ leaf: signing, untrusted: chain.slice(1) }, readCerts(p.anchors).map((cert) => ({ cert })), { now: at, identity: `${config.identity}/gateway` });
  if (!v.ok) throw new WritError(v.errors[0]?.code ?? 'NO_PATH', `${p.chain}: the gateway signing certificate does not verify: ${v.errors[0]?.message ?? ''}`);
  const r = verifyAuditDir(p, { enclave: config.identity, signers: [signing] });
  const text = r.ok
    ? `audit log of ${config.identity} verifies: ${r.entries} entries, ${r.checkpoints} checkpoints, ${r.covered} covered by a signed checkpoint${r.unsealed ? `, ${r.unsealed} after the last checkpoint (chained but not signed: a later checkpoint, or a copy kept off the machine, vouches for them)` : ''}`
    : [`audit log of ${config.identity} does NOT verify:`, ...r.errors.map((x) => `  ${x.code}  ${x.file}${x.line ? `:${x.line}` : ''}  ${x.message}`)].join('\n');
  if (!r.ok) ctx.note(`${r.errors.length} problem(s)`);
  return { text, data: { ...r }, ...(r.ok ? {} : { exitCode: 1 }) };
}
