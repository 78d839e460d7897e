// `writ crl issue`: an X.509 v2 CRL (RFC 5280 §5) with reasons, nextUpdate, cRLNumber and AKI, carried as a file.
import { WritError } from '../../../core/errors.js';
import { issueCrl } from '../../../core/x509/issue.js';
import type { CrlEntryRequest } from '../../../core/x509/issue.js';
import { parseCrl } from '../../../core/x509/parse.js';
import { CRL_REASONS as REASONS } from '../../../core/x509/types.js';
import type { CrlReason } from '../../../core/x509/types.js';
import { pemEncode } from '../../../core/asn1/pem.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import { readCert } from '../../load.js';
import { loadSigner } from '../../signing.js';
import { crlJson, crlSummary } from '../../render.js';


/** "SERIAL[:REASON]" with SERIAL in hex (colons allowed, as inspect prints it). */
export function parseRevoke(s: string): CrlEntryRequest {
  const i = s.lastIndexOf(':');
  const maybeReason = i >= 0 ? s.slice(i + 1) : '';
  let serial = s;
  let reason: CrlReason | undefined;
  if ((REASONS as readonly string[]).includes(maybeReason)) {
    serial = s.slice(0, i);
    reason = maybeReason as CrlReason;
  } else if (/^[A-Za-z]+$/.test(maybeReason)) {
    throw new WritError('USAGE', `unknown revocation reason "${maybeReason}": use one of ${REASONS.join(', ')}`);
  }
  serial = serial.replace(/:/g, '').toLowerCase().replace(/^0x/, '');
  // At most 20 octets once DER-encoded as a positive INTEGER (RFC 5280 §4.1.2.2): 40 hex digits only when the top bit is clear.
  const tooLong = serial.replace(/^0+/, '').length > 40 || (serial.replace(/^0+/, '').length === 40 && /^[89a-f]/.test(serial.replace(/^0+/, '')));
  if (!/^[0-9a-f]{1,40}$/.test(serial) || /^0+$/.test(serial) || tooLong) {
    throw new WritError('USAGE', `--revoke "${s}": expected SERIAL:REASON with a positive hex serial of at most 20 octets`);
  }
  return reason ? { serial, reason } : { serial };
}

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string;
  const force = Boolean(opts.force);
  const revoked = ((opts.revoke as string[] | undefined) ?? []).map(parseRevoke);
  let crlNumber: bigint | undefined;
  if (opts.crlNumber !== undefined) {
    if (!/^[0-9]{1,48}$/.test(opts.crlNumber as string)) throw new WritError('USAGE', '--crl-number must be a non-negative whole number');
    crlNumber = BigInt(opts.crlNumber as string);
    // RFC 5280 §5.2.3: at most 20 octets, i.e. below 2^159 as a non-negative INTEGER.
    if (crlNumber >= 2n ** 159n) throw new WritError('USAGE', '--crl-number must fit in 20 octets (below 2^159)');
  }
  checkWritable(out, force);
  const issuerCert = readCert(opts.caCert as string);
  const signer = await loadSigner(ctx, opts.caKey as string, opts.passFile as string | undefined);
  let der: Uint8Array;
  try {
    der = issueCrl(
      { issuerCert, issuerSigner: signer, revoked, nextUpdateDays: opts.nextUpdate as number, ...(crlNumber !== undefined ? { crlNumber } : {}) },
      { now: ctx.now() },
    );
  } finally {
    signer.wipe();
  }
  writeFileAtomic(out, pemEncode('X509 CRL', der), { force });
  const crl = parseCrl(der);
  ctx.note(`wrote ${out}: CRL with ${crl.revoked.length} revoked certificate(s)`);
  return { text: crlSummary(crl), data: { file: out, crl: crlJson(crl) } };
}
