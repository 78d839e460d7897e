// `writ csr create`: a PKCS#10 request (RFC 2986) signed with ML-DSA; KEM keys are vouched for by the enclave signing key.
import { WritError } from '../../../core/errors.js';
import { createCsr } from '../../../core/x509/issue.js';
import { parseCsr } from '../../../core/x509/parse.js';
import { encodeSpki } from '../../../core/asn1/spki.js';
import { pemEncode } from '../../../core/asn1/pem.js';
import { isSigAlg } from '../../../core/crypto/algs.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import { readCert } from '../../load.js';
import { readPrivateKey } from '../../keyfile.js';
import { loadSigner } from '../../signing.js';
import { csrJson, csrSummary } from '../../render.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string;
  const force = Boolean(opts.force);
  checkWritable(out, force);
  const keyFile = opts.key as string;
  const passFile = opts.passFile as string | undefined;
  const signKeyFile = opts.signKey as string | undefined;

  let der: Uint8Array;
  if (signKeyFile) {
    // KEM request: the subject key is --key (only its public part is used); --sign-key signs.
    const k = await readPrivateKey(keyFile, passFile, ctx.note);
    k.seed?.fill(0);
    if (isSigAlg(k.alg)) throw new WritError('USAGE', `--sign-key is for KEM requests; ${keyFile} holds a ${k.alg} key, which signs its own request`);
    if (!opts.signerCert) throw new WritError('USAGE', 'a KEM request needs --signer-cert: the enclave signing certificate of --sign-key');
    const signingCert = readCert(opts.signerCert as string);
    const signer = await loadSigner(ctx, signKeyFile, (opts.signPassFile as string | undefined) ?? passFile);
    try {
      der = createCsr({
        signer,
        subject: opts.subject as string,
        subjectSpki: encodeSpki(k.alg, k.publicKey),
        identity: opts.identity as string | undefined,
        signingCert,
      });
    } finally {
      signer.wipe();
    }
  } else {
    const signer = await loadSigner(ctx, keyFile, passFile).catch((e: unknown) => {
      if (e instanceof WritError && e.code === 'USAGE' && /cannot sign/.test(e.message)) {
        throw new WritError('USAGE', `${keyFile} is a KEM key: its request must be signed by the enclave signing key (--sign-key and --signer-cert)`);
      }
      throw e;
    });
    try {
      der = createCsr({ signer, subject: opts.subject as string, identity: opts.identity as string | undefined });
    } finally {
      signer.wipe();
    }
  }
  writeFileAtomic(out, pemEncode('CERTIFICATE REQUEST', der), { force });
  const csr = parseCsr(der);
  ctx.note(`wrote ${out}`);
  return { text: csrSummary(csr), data: { file: out, csr: csrJson(csr) } };
}
