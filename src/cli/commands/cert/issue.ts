// `writ cert issue`: one certificate of a writ profile (DESIGN.md §1) under a CA, or a self-signed root.
import { WritError } from '../../../core/errors.js';
import { issueCertificate } from '../../../core/x509/issue.js';
import type { IssueRequest, Profile } from '../../../core/x509/issue.js';
import { parseCertificate } from '../../../core/x509/parse.js';
import { pemEncode } from '../../../core/asn1/pem.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import { readCert, readCsr } from '../../load.js';
import { loadSigner } from '../../signing.js';
import { certJson, certSummary } from '../../render.js';

/** Trust domain given to a root when --domain is absent; everything below inherits the root's. */
export const DEFAULT_DOMAIN = 'writ.example';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const profile = opts.profile as Profile;
  const out = opts.out as string;
  const force = Boolean(opts.force);
  const selfSigned = Boolean(opts.selfSigned);

  if (selfSigned) {
    if (profile !== 'root') throw new WritError('USAGE', '--self-signed is only for --profile root');
    if (!opts.key) throw new WritError('USAGE', '--self-signed needs --key (the root private key)');
    if (opts.csr || opts.caCert || opts.caKey) throw new WritError('USAGE', '--self-signed excludes --csr, --ca-cert and --ca-key');
  } else {
    if (profile === 'root') throw new WritError('USAGE', 'a root is self-signed: use --self-signed --key K --subject DN');
    if (!opts.csr) throw new WritError('USAGE', 'give --csr FILE (or --self-signed --key K for a root)');
    if (!opts.caCert || !opts.caKey) throw new WritError('USAGE', 'issuing under a CA needs --ca-cert and --ca-key');
    if (opts.key) throw new WritError('USAGE', '--key is only used with --self-signed; the subject key comes from the CSR');
  }
  checkWritable(out, force);

  const req: Omit<IssueRequest, 'issuerSigner'> = { profile };
  if (!selfSigned) {
    req.issuerCert = readCert(opts.caCert as string);
    req.csr = readCsr(opts.csr as string);
  }
  if (opts.subject) req.subject = opts.subject as string;
  if (opts.domain) req.domain = opts.domain as string;
  else if (profile === 'root') req.domain = DEFAULT_DOMAIN;
  if (opts.region) req.region = opts.region as string;
  if (opts.enclave) req.enclave = opts.enclave as string;
  if (opts.level) req.levels = opts.level as string[];
  if (opts.identity) req.identity = opts.identity as string;
  if (opts.days) req.validityDays = opts.days as number;
  if (opts.signerCert) req.signingCert = readCert(opts.signerCert as string);
  if (profile === 'enclave-kem' && !req.signingCert) {
    throw new WritError('USAGE', 'an enclave-kem certificate needs --signer-cert: the enclave signing certificate that signed the CSR');
  }

  const signer = await loadSigner(ctx, (selfSigned ? opts.key : opts.caKey) as string, opts.passFile as string | undefined);
  let der: Uint8Array;
  try {
    der = issueCertificate({ ...req, issuerSigner: signer }, { now: ctx.now(), rng: ctx.rng });
  } finally {
    signer.wipe();
  }
  writeFileAtomic(out, pemEncode('CERTIFICATE', der), { force });
  const cert = parseCertificate(der);
  ctx.note(`wrote ${out}: ${profile} certificate, serial ${cert.serialHex}`);
  return { text: certSummary(cert), data: { file: out, certificate: certJson(cert) } };
}
