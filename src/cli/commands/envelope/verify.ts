// `writ envelope verify FILE --trust ROOTS`: verify a plain CMS SignedData (RFC 5652 §5.6, RFC 9882) and each signer's chain (RFC 5280 §6 via verify()).
//
// Exit 0 only when there is at least one signer and every signer's signature verifies and its
// certificate chains to one of the trust anchors; otherwise exit 1 with the first failure's code
// (SIGNATURE for a bad signature or an unresolvable signer, the path-validation code for a chain).
import { WritError } from '../../../core/errors.js';
import { verifyCms } from '../../../core/cms/signed-data.js';
import { CMS_OID } from '../../../core/cms/common.js';
import { verify } from '../../../core/verify/verify.js';
import type { TrustAnchor, VerifyResult } from '../../../core/verify/types.js';
import type { Certificate } from '../../../core/x509/types.js';
import { toHex } from '../../../core/crypto/bytes.js';
import { OID_NAMES } from '../../../core/crypto/algs.js';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { readFileLimited } from '../../io.js';
import { readCerts, withFile } from '../../load.js';
import { readCmsFile } from './open-raw.js';
import { parseRfc3339 } from '../verify/chain.js';

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

interface SignerReport {
  signer: string;
  subject?: string;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  signingTime?: string;
  signature: boolean;
  chain?: { ok: boolean; identity?: string; level?: string; errors: { code: string; message: string }[] };
  code?: string;
  error?: string;
}

export function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const file = args[0];
  if (file === undefined) throw new WritError('USAGE', 'give the SignedData FILE');
  const trustFiles = (opts.trust as string[] | undefined) ?? [];
  if (trustFiles.length === 0) throw new WritError('USAGE', 'give at least one --trust file');
  const der = withFile(file, () => readCmsFile(file));
  const anchors: TrustAnchor[] = [];
  for (const f of trustFiles) for (const cert of readCerts(f)) anchors.push({ cert });
  const untrusted: Certificate[] = [];
  for (const f of (opts.untrusted as string[] | undefined) ?? []) untrusted.push(...readCerts(f));
  const detached = opts.content !== undefined ? readFileLimited(opts.content as string) : undefined;
  const now = opts.at !== undefined ? parseRfc3339(opts.at as string) : ctx.now();

  const r = withFile(file, () => verifyCms(der, { ...(detached ? { detachedContent: detached } : {}), extraCerts: untrusted }));
  const reports: SignerReport[] = r.signers.map((s) => {
    const rep: SignerReport = {
      signer: s.keyId !== undefined ? `subjectKeyIdentifier ${toHex(s.keyId)}` : `issuer "${s.issuerSerial!.issuer.text}" serial ${s.issuerSerial!.serialHex}`,
      digestAlgorithm: DIGESTS[s.digestAlgorithm] ?? s.digestAlgorithm,
      signatureAlgorithm: OID_NAMES[s.signatureAlgorithm.oid] ?? s.signatureAlgorithm.oid,
      signature: s.ok,
    };
    if (s.cert) rep.subject = s.cert.subject.text;
    if (s.signingTime) rep.signingTime = s.signingTime.toISOString();
    if (!s.ok) {
      rep.code = 'SIGNATURE';
      rep.error = s.error ?? 'signature does not verify';
      return rep;
    }
    if (s.cert === undefined) {
      rep.code = 'NO_PATH';
      rep.error = 'the signer has no certificate (key-only signer): nothing to chain to the trust anchors';
      return rep;
    }
    const v: VerifyResult = verify({ leaf: s.cert, untrusted: [...r.certificates, ...untrusted] }, anchors, { now, keyUsage: ['digitalSignature'] });
    rep.chain = { ok: v.ok, errors: v.errors.map((e) => ({ code: e.code, message: e.message })) };
    if (v.identity) rep.chain.identity = v.identity;
    if (v.levelName ?? v.level) rep.chain.level = (v.levelName ?? v.level)!;
    if (!v.ok) {
      rep.code = v.errors[0]?.code ?? 'NO_PATH';
      rep.error = v.errors[0]?.message ?? 'the signer certificate does not chain to a trust anchor';
    }
    return rep;
  });
  const failed = reports.find((x) => x.code !== undefined);
  const ok = reports.length > 0 && failed === undefined;
  const code = reports.length === 0 ? 'SIGNATURE' : failed?.code;
  const ctName = r.contentType === CMS_OID.data ? 'id-data' : r.contentType;
  const lines = [
    ok ? `valid SignedData: ${reports.length} signer(s), content ${ctName}, ${r.content.length} bytes` : `INVALID SignedData (${code}): ${reports.length === 0 ? 'no signers' : failed!.error}`,
    ...reports.map(
      (x) =>
        `  ${x.code ? 'FAIL' : 'ok  '} ${x.subject ?? x.signer}: ${x.signatureAlgorithm} over ${x.digestAlgorithm}${x.signingTime ? `, signed ${x.signingTime}` : ''}` +
        `${x.chain?.ok ? `, chain ok${x.chain.identity ? ` (${x.chain.identity})` : ''}` : ''}${x.code ? ` [${x.code}] ${x.error}` : ''}`,
    ),
  ];
  const data: Record<string, unknown> = {
    valid: ok,
    contentType: r.contentType,
    contentLength: r.content.length,
    detached: detached !== undefined,
    certificates: r.certificates.map((c) => c.subject.text),
    signers: reports,
  };
  if (code !== undefined) data.code = code;
  return { text: lines.join('\n'), data, exitCode: ok ? EXIT.OK : EXIT.FAILED };
}
