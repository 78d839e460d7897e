// `writ federation crossing`: a crossing authority signs an approval (CMS, RFC 5652/9882) naming one exact flow between two levels.
import { makeCrossing, signCrossing } from '../../../core/policy/crossing.js';
import { encodeSignedDocument } from '../../../core/policy/signed.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import { readCert } from '../../load.js';
import { loadSigner } from '../../signing.js';
import type { Ctx, CommandResult } from '../../context.js';
import { WritError } from '../../../core/errors.js';
import { bytesEqual } from '../../../core/crypto/bytes.js';
import { parseWhen } from './_enclave.js';
import { levelName } from '../../../core/policy/levels.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string;
  checkWritable(out, Boolean(opts.force));
  const now = ctx.now();
  const c = makeCrossing({
    sender: opts.sender as string,
    recipient: opts.recipient as string,
    scope: opts.scope as string,
    fromLevel: opts.fromLevel as string,
    toLevel: opts.toLevel as string,
    notBefore: opts.notBefore ? parseWhen(opts.notBefore, now, '--not-before') : now,
    notAfter: parseWhen(opts.notAfter, now, '--not-after'),
  });
  const cert = readCert(opts.authorityCert as string);
  const signer = await loadSigner(ctx, opts.authorityKey as string, opts.passFile as string | undefined);
  try {
    if (!bytesEqual(signer.publicKey, cert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${String(opts.authorityKey)} does not match ${String(opts.authorityCert)}`);
    const doc = signCrossing(c, { signer, cert, signingTime: now });
    writeFileAtomic(out, encodeSignedDocument(doc), { force: Boolean(opts.force) });
  } finally {
    signer.wipe();
  }
  ctx.note(`wrote ${out}: crossing ${c.id}; both enclaves import it with writ federation import`);
  return { text: `${c.id}\n${c.sender} -> ${c.recipient}, scope ${c.scope}, ${levelName(c.direction.from) ?? c.direction.from} -> ${levelName(c.direction.to) ?? c.direction.to}, until ${c.notAfter}`, data: { file: out, crossing: c } };
}
