// Withdrawal notices (issue 4): a party's signed statement (RFC 8785 body, CMS RFC 5652/9882) that an agreement no longer holds.
//
// A withdrawal takes effect the moment it is imported: checkFlow refuses every later flow under the
// agreement with REFUSED_WITHDRAWN. It carries no effective date in the future on purpose: withdrawal
// means refusal now, never "later" and never a fallback.
import { WritError } from '../errors.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate } from '../x509/types.js';
import type { Agreement } from './agreement.js';
import {
  bodyDigest,
  checkSignature,
  enclaveIdOf,
  isObj,
  parseTimeField,
  requireParty,
  signBody,
  timeField,
  type DocSignature,
  type SignedDocument,
  type TrustContext,
} from './signed.js';

export interface Withdrawal {
  type: 'writ-withdrawal';
  version: 1;
  agreementId: string;
  /** SHA-512 hex of the withdrawn agreement's canonical body. */
  agreementDigest: string;
  /** The withdrawing party's enclave id. */
  by: string;
  /** When the notice was signed (RFC 3339 UTC). */
  time: string;
  /** Optional human reason (no secrets). */
  reason?: string;
}

export type SignedWithdrawal = SignedDocument<Withdrawal>;

export interface VerifiedWithdrawal {
  withdrawal: Withdrawal;
  digest: string;
}

/** Builds and signs a withdrawal of `agreement` by `party` (USAGE when party is not a party). */
export function makeWithdrawal(
  agreement: Agreement,
  o: { party: string; signer: Signer; cert: Certificate; chain?: Uint8Array[]; now: Date; reason?: string },
): SignedWithdrawal {
  const by = enclaveIdOf(o.party);
  if (!agreement.parties.includes(by)) throw new WritError('USAGE', `${by} is not a party to agreement ${agreement.id}`);
  const body: Withdrawal = {
    type: 'writ-withdrawal',
    version: 1,
    agreementId: agreement.id,
    agreementDigest: bodyDigest(agreement),
    by,
    time: timeField(o.now),
    ...(o.reason ? { reason: o.reason } : {}),
  };
  return { type: 'writ-signed', body, signatures: [{ signer: by, cms: signBody(body, { ...o, signingTime: o.now }) }] };
}

export function parseWithdrawal(v: unknown): Withdrawal {
  const bad = (m: string): never => {
    throw new WritError('PARSE', `withdrawal: ${m}`);
  };
  if (!isObj(v)) return bad('not an object');
  for (const k of Object.keys(v)) if (!['type', 'version', 'agreementId', 'agreementDigest', 'by', 'time', 'reason'].includes(k)) bad(`unexpected member "${k}"`);
  if (v.type !== 'writ-withdrawal' || v.version !== 1) bad('type must be "writ-withdrawal", version 1');
  if (typeof v.agreementId !== 'string' || !/^agr-[0-9a-f]{32}$/.test(v.agreementId)) bad('agreementId');
  if (typeof v.agreementDigest !== 'string' || !/^[0-9a-f]{128}$/.test(v.agreementDigest)) bad('agreementDigest must be SHA-512 hex');
  if (typeof v.by !== 'string' || enclaveIdOf(v.by) !== v.by) bad('by must be an enclave id');
  parseTimeField(v.time, 'time');
  if (v.reason !== undefined && (typeof v.reason !== 'string' || v.reason.length > 512)) bad('reason must be a short string');
  return v as unknown as Withdrawal;
}

/**
 * Verifies a withdrawal: exactly one signature, by the party named in `by`, from its enclave gateway
 * signing cert whose chain verifies against `trust`. When the agreement is known it must match the
 * notice (id and digest) and `by` must be one of its parties (IDENTITY otherwise).
 */
export function verifyWithdrawal(doc: { body: unknown; signatures: DocSignature[] }, trust: TrustContext, o: { agreement?: Agreement } = {}): VerifiedWithdrawal {
  const withdrawal = parseWithdrawal(doc.body);
  const what = `withdrawal of ${withdrawal.agreementId}`;
  if (doc.signatures.length !== 1) throw new WritError('SIGNATURE', `${what} must carry exactly one signature`);
  const s = doc.signatures[0]!;
  if (s.signer !== withdrawal.by) throw new WritError('IDENTITY', `${what}: signed for ${s.signer}, but issued by ${withdrawal.by}`);
  requireParty(checkSignature(withdrawal, s, trust, what), withdrawal.by, what);
  if (o.agreement) {
    if (o.agreement.id !== withdrawal.agreementId || bodyDigest(o.agreement) !== withdrawal.agreementDigest) {
      throw new WritError('PARSE', `${what} names a different agreement body`);
    }
    if (!o.agreement.parties.includes(withdrawal.by)) throw new WritError('IDENTITY', `${what}: ${withdrawal.by} is not a party`);
  }
  return { withdrawal, digest: bodyDigest(withdrawal) };
}
