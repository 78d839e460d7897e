// `writ link config --as DIR --format openssl|nginx`: prints a ready TLS 1.3 / X25519MLKEM768 configuration for the enclave's link identity (see src/link/config.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../../../core/errors.js';
import type { Ctx, CommandResult } from '../../context.js';
import { enclavePaths, readConfig } from '../../../enclave/layout.js';
import { linkIdentity, linkPaths } from '../../../link/identity.js';
import { LINK_CONFIG_FORMATS, renderLinkConfig, type LinkConfigFormat } from '../../../link/config.js';
import { LINK_GROUP } from '../../../link/platform.js';
import { readBlocks } from '../../load.js';

export function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): CommandResult {
  const dir = opts.as as string | undefined;
  if (!dir) throw new WritError('USAGE', 'give the enclave directory with --as DIR');
  const format = opts.format as LinkConfigFormat;
  if (!(LINK_CONFIG_FORMATS as readonly string[]).includes(format)) throw new WritError('USAGE', `--format must be one of ${LINK_CONFIG_FORMATS.join(', ')}`);
  const p = enclavePaths(dir);
  if (!fs.existsSync(p.config)) throw new WritError('IO', `${p.root} is not an enclave directory (no enclave.json)`);
  const config = readConfig(p.config);
  const lp = linkPaths(dir);
  for (const f of [lp.chain, lp.key, p.anchors]) if (!fs.existsSync(f)) throw new WritError('IO', `${f} is missing: the enclave has no link identity or trust anchors yet`);
  const crls = fs.existsSync(p.crlDir)
    ? fs
        .readdirSync(p.crlDir)
        .filter((f) => f.endsWith('.crl') || f.endsWith('.pem'))
        .sort()
        .map((f) => path.join(p.crlDir, f))
    : [];
  // Whether the key is encrypted, from its PEM label alone (nothing is decrypted here).
  const blocks = readBlocks(lp.key);
  const encryptedKey = blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY');
  blocks.forEach((b) => b.der.fill(0));
  if (config.fixtureKeys) ctx.note('writ: warning: this is a FIXTURE enclave (unencrypted keys): never deploy this configuration');
  const input = { enclave: config.identity, identity: linkIdentity(config.identity), certificate: lp.chain, key: lp.key, anchors: p.anchors, crls, encryptedKey };
  const text = renderLinkConfig(format, input);
  return {
    text,
    data: { format, ...input, protocol: 'TLSv1.3', group: LINK_GROUP, config: text },
  };
}
