// `writ enclave baseline new|sign` (issue 5): writes writ's recommended baseline body, and signs a baseline body with an authority key (src/core/policy/baseline.ts).
import { WritError } from '../../../core/errors.js';
import { bytesEqual } from '../../../core/crypto/bytes.js';
import { defaultBaseline, parseBaseline, signBaseline } from '../../../core/policy/baseline.js';
import type { Ctx, CommandResult } from '../../context.js';
import { readFileLimited, writeFileAtomic } from '../../io.js';
import { readCert } from '../../load.js';
import { loadSigner } from '../../signing.js';
import { MAX_DOCUMENT_BYTES } from '../../../core/limits.js';

export async function runNew(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const b = defaultBaseline((opts.name as string | undefined) ?? 'writ recommended baseline', ctx.now());
  writeFileAtomic(opts.out as string, `${JSON.stringify(b, null, 2)}\n`, { force: Boolean(opts.force) });
  return { text: `wrote ${opts.out as string}: edit it, then writ enclave baseline sign`, data: { file: opts.out, baseline: b } };
}

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(readFileLimited(args[0] as string, MAX_DOCUMENT_BYTES, 'MAX_DOCUMENT_BYTES')));
  } catch (e) {
    throw new WritError('PARSE', `${args[0] as string}: not JSON`, { cause: e });
  }
  const baseline = parseBaseline(body);
  const cert = readCert(opts.cert as string);
  const signer = await loadSigner(ctx, opts.key as string, opts.passFile as string | undefined);
  try {
    if (!bytesEqual(signer.publicKey, cert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${opts.key as string} is not the key of ${opts.cert as string}`);
    writeFileAtomic(opts.out as string, signBaseline(baseline, { signer, cert, signingTime: ctx.now() }), { force: Boolean(opts.force) });
  } finally {
    signer.wipe();
  }
  return { text: `signed baseline "${baseline.name}" -> ${opts.out as string} (signer ${cert.subject.text})`, data: { file: opts.out, name: baseline.name, signer: cert.subject.text } };
}
