// `writ link issue --as DIR`: the enclave CA issues the enclave's TLS link identity (keys/link.key, certs/link.pem); see src/link/issue.ts.
import { WritError } from '../../../core/errors.js';
import type { Ctx, CommandResult } from '../../context.js';
import { issueLinkForEnclave } from '../../../link/issue.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const dir = opts.as as string | undefined;
  if (!dir) throw new WritError('USAGE', 'give the enclave directory with --as DIR');
  const r = await issueLinkForEnclave(dir, {
    now: ctx.now(),
    rng: ctx.rng,
    note: ctx.note,
    ...(opts.passFile ? { passFile: opts.passFile as string } : {}),
    ...(opts.force ? { force: true } : {}),
    ...(opts.insecureNoPass ? { insecureNoPass: true } : {}),
  });
  return {
    text: [
      `link identity ${r.identity}`,
      `  certificate  ${r.files.chain}  (serial ${r.serial}, until ${r.notAfter})`,
      `  sha256       ${r.sha256}`,
      `  key          ${r.files.key}  (${r.keyEncrypted ? 'encrypted' : 'NOT encrypted'})`,
    ].join('\n'),
    data: { link: r },
  };
}
