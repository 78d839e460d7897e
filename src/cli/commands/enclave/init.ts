// `writ enclave init` (issue 5): a new enclave directory at the site: CA, gateway signing and KEM keys (encrypted), the requests for the region, enclave.json.
import * as fs from 'node:fs';
import { WritError } from '../../../core/errors.js';
import type { KemAlgName } from '../../../core/crypto/types.js';
import { sha256 } from '../../../core/crypto/kdf.js';
import { toHex } from '../../../core/crypto/bytes.js';
import { caScope } from '../../../core/x509/issue.js';
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from './_time.js';
import { readPassFile } from '../../io.js';
import { readCert } from '../../load.js';
import { canPrompt, readNewSecret } from '../../prompt.js';
import { initEnclave } from '../../../enclave/init.js';

export async function run(ctx0: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const ctx = clock(ctx0, opts);
  const out = opts.out as string;
  const passFile = opts.passFile as string | undefined;
  const insecure = Boolean(opts.insecureNoPass);
  if (passFile && insecure) throw new WritError('USAGE', '--pass-file and --insecure-no-pass exclude each other');
  if (!passFile && !insecure && !canPrompt()) throw new WritError('INSECURE', 'refusing to write unencrypted enclave keys: give --pass-file FILE, or --insecure-no-pass to accept the risk');
  let domain = opts.domain as string | undefined;
  let rootSha256: string | undefined;
  if (opts.anchor) {
    const root = readCert(opts.anchor as string);
    rootSha256 = toHex(sha256(root.der));
    const d = caScope(root).domain;
    if (domain && d && d !== domain) throw new WritError('USAGE', `--domain ${domain} differs from the root's trust domain ${d}`);
    domain = domain ?? d;
  }
  if (!domain) throw new WritError('USAGE', 'give the trust domain with --domain D (or --anchor ROOT.pem, whose SAN names it)');
  if (!opts.force && fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new WritError('EXISTS', `${out} exists and is not empty; use --force to start over`);
  const pass = insecure ? undefined : passFile ? readPassFile(passFile) : await readNewSecret(`${out}/keys`);
  try {
    const r = initEnclave(out, {
      enclave: opts.id as string,
      region: opts.region as string,
      domain,
      level: opts.level as string,
      kemAlg: ((opts.kem as string | undefined) ?? 'ml-kem-1024') as KemAlgName,
      now: ctx.now(),
      rng: ctx.rng,
      ...(pass ? { pass } : {}),
      ...(rootSha256 ? { rootSha256 } : {}),
      force: Boolean(opts.force),
    });
    ctx.note(`wrote ${out}: keys/ (${r.encrypted ? 'encrypted, PBES2 scrypt' : 'UNENCRYPTED (--insecure-no-pass)'}), request/, enclave.json`);
    if (!rootSha256) ctx.note('note: no --anchor given: writ enclave install will need --anchor ROOT.pem to know which root to trust');
    const text = [
      `enclave  ${r.identity}`,
      `level    ${r.levelName ?? r.level}    KEM ${r.kemAlg}`,
      `send     ${out}/request/ to the regional authority (public material only)`,
      'read out these public-key SHA-256s to the regional authority over a second channel:',
      `  enclave CA      ${r.publicKeys.ca}`,
      `  gateway signing ${r.publicKeys.signing}`,
      `  KEM             ${r.publicKeys.kem}`,
    ].join('\n');
    return { text, data: { ...r, ...(rootSha256 ? { rootSha256 } : {}) } };
  } finally {
    pass?.fill(0);
  }
}
