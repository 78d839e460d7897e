// `writ enclave issue` (issue 5): at the regional authority, checks an enclave's request and writes its signed provisioning bundle.
import { WritError } from '../../../core/errors.js';
import { bytesEqual } from '../../../core/crypto/bytes.js';
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from './_time.js';
import { loadSigner } from '../../signing.js';
import { issueBundle, readRegionalPublic, regionalPaths } from '../../../enclave/issue.js';

export async function run(ctx0: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const ctx = clock(ctx0, opts);
  const caDir = opts.caDir as string;
  const ra = readRegionalPublic(caDir);
  const signer = await loadSigner(ctx, regionalPaths(caDir).key, opts.passFile as string | undefined);
  try {
    if (!bytesEqual(signer.publicKey, ra.cert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${regionalPaths(caDir).key} is not the key of ${regionalPaths(caDir).cert}`);
    const r = issueBundle(opts.request as string, { ...ra, signer }, opts.out as string, {
      now: ctx.now(),
      rng: ctx.rng,
      force: Boolean(opts.force),
      ...(opts.validityDays ? { validityDays: opts.validityDays as number } : {}),
    });
    ctx.note(`wrote bundle ${opts.out as string} (${r.files.length} files)`);
    const text = [
      `issued   enclave CA for ${r.identity} at ${r.levelName ?? r.level}, serial ${r.enclaveCa.serial}, until ${r.enclaveCa.notAfter}`,
      `checked  ca.csr, signing.csr (own keys), kem.csr (under signing.pem), signing.pem and kem.pem (by the enclave CA key)`,
      `bundle   ${opts.out as string}  SHA256SUMS ${r.manifestSha256.slice(0, 16)}… signed by the regional CA`,
    ].join('\n');
    return { text, data: { ...r } };
  } finally {
    signer.wipe();
  }
}
