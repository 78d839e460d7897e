// `writ trust remove` (issue 5): takes a partner anchor out of the enclave's signed store.
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from '../enclave/_time.js';
import { loadEnclave } from '../../../enclave/layout.js';
import { removeAnchor, writeTrustStore } from '../../../enclave/trust.js';
import { publicTrust } from './_store.js';

export async function run(ctx0: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const ctx = clock(ctx0, opts);
  const dir = opts.as as string;
  const t = publicTrust(dir);
  const { body, removed } = removeAnchor(t.store, args[0] as string);
  const now = ctx.now();
  const e = await loadEnclave(dir, { now, rng: ctx.rng, note: ctx.note, noKem: true, ...(opts.passFile ? { passFile: opts.passFile as string } : {}) });
  try {
    writeTrustStore(e.paths.partners, body, { signer: e.signer, cert: e.signingCert, chain: e.chain.slice(1).map((c) => c.der), now });
    e.audit.append({ event: 'withdraw', decision: 'record', subject: `partner-anchor:${removed.id}`, digests: { anchor: removed.sha256 }, details: { version: body.version } });
  } finally {
    e.wipe();
  }
  return { text: `removed partner anchor ${removed.id} (${removed.label}); store version ${body.version}`, data: { removed: removed.id, version: body.version } };
}
