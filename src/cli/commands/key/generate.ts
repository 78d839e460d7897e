// `writ key generate`: a fresh key pair, written as PEM PKCS#8 in the RFC 9881 seed form, PBES2-encrypted by default.
import { WritError } from '../../../core/errors.js';
import type { KeyAlgName } from '../../../core/crypto/types.js';
import { generateKeyPair } from '../../../core/crypto/keys.js';
import { encodePrivateKey, encryptPrivateKey } from '../../../core/asn1/pkcs8.js';
import { encodeSpki } from '../../../core/asn1/spki.js';
import { pemEncode } from '../../../core/asn1/pem.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, readPassFile, writeFileAtomic } from '../../io.js';
import { canPrompt, readNewSecret } from '../../prompt.js';
import { fingerprint, hexColon } from '../../render.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const alg = opts.alg as KeyAlgName;
  const out = opts.out as string;
  const passFile = opts.passFile as string | undefined;
  const insecure = Boolean(opts.insecureNoPass);
  const kdf = (opts.kdf as 'scrypt' | 'pbkdf2' | undefined) ?? 'scrypt';
  if (passFile && insecure) throw new WritError('USAGE', '--pass-file and --insecure-no-pass exclude each other');
  if (!passFile && !insecure && !canPrompt()) {
    throw new WritError('INSECURE', 'refusing to write an unencrypted private key: give --pass-file FILE, or --insecure-no-pass to accept the risk');
  }
  checkWritable(out, Boolean(opts.force)); // fail before the passphrase prompt and key generation

  let pass: Uint8Array | undefined;
  if (!insecure) pass = passFile ? readPassFile(passFile) : await readNewSecret(out);
  const kp = generateKeyPair(alg, ctx.rng);
  let der: Uint8Array | undefined;
  let pem: string;
  try {
    der = encodePrivateKey(alg, kp.seed);
    if (pass) {
      const enc = encryptPrivateKey(der, pass, { kdf, rng: ctx.rng });
      pem = pemEncode('ENCRYPTED PRIVATE KEY', enc);
    } else {
      pem = pemEncode('PRIVATE KEY', der);
    }
    writeFileAtomic(out, pem, { force: Boolean(opts.force), mode: 0o600 });
  } finally {
    kp.seed.fill(0);
    der?.fill(0);
    pass?.fill(0);
  }
  pem = '';

  const spki = encodeSpki(alg, kp.publicKey);
  const fp = fingerprint(spki);
  ctx.note(`wrote ${out}: ${alg} private key, ${insecure ? 'UNENCRYPTED (--insecure-no-pass)' : `encrypted (PBES2, ${kdf}, AES-256-CBC)`}, mode 0600`);
  return {
    text: [`public key SHA-256: ${hexColon(fp.sha256)}`, `words: ${fp.words.join(' / ')}`].join('\n'),
    data: { file: out, alg, encrypted: !insecure, kdf: insecure ? null : kdf, publicKeyFingerprint: fp },
  };
}
