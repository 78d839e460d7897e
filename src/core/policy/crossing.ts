// Level crossings (DESIGN.md §1 "Levels"): a signed approval (RFC 8785 body, CMS RFC 5652/9882) naming one exact flow between two levels.
//
// Information never moves between levels unless a crossing approval names that exact sender, recipient,
// scope and direction (from level -> to level), signed by a crossing authority the local trust store
// names. Crossings are explicit, time-bounded and off by default.
import { WritError } from '../errors.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate } from '../x509/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { sha256 } from '../crypto/kdf.js';
import { canonicalBytes } from '../json/canonical.js';
import { levelOid } from './levels.js';
import { bodyDigest, checkSignature, enclaveIdOf, isObj, parseTimeField, signBody, timeField, type DocSignature, type SignedDocument } from './signed.js';

export interface Crossing {
  type: 'writ-crossing';
  version: 1;
  /** "crx-" + 32 hex of SHA-256 over the canonical body without id. */
  id: string;
  /** Enclave ids. */
  sender: string;
  recipient: string;
  scope: string;
  /** Level OIDs: the sender's level and the recipient's level. */
  direction: { from: string; to: string };
  notBefore: string;
  notAfter: string;
}

export type SignedCrossing = SignedDocument<Crossing>;

export interface VerifiedCrossing {
  crossing: Crossing;
  digest: string;
  /** Subject text of the authority certificate that signed. */
  authority: string;
}

export interface CrossingInput {
  sender: string;
  recipient: string;
  scope: string;
  /** Level names or OIDs. */
  fromLevel: string;
  toLevel: string;
  notBefore: Date;
  notAfter: Date;
}

export function makeCrossing(i: CrossingInput): Crossing {
  const sender = enclaveIdOf(i.sender);
  const recipient = enclaveIdOf(i.recipient);
  if (sender === recipient) throw new WritError('USAGE', 'a crossing names two different enclaves');
  const from = levelOid(i.fromLevel);
  const to = levelOid(i.toLevel);
  if (from === to) throw new WritError('USAGE', 'a crossing is between two different levels');
  if (!(i.notAfter.getTime() > i.notBefore.getTime())) throw new WritError('USAGE', 'notAfter must be after notBefore');
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(i.scope)) throw new WritError('USAGE', `invalid scope "${i.scope}"`);
  const body: Omit<Crossing, 'id'> = {
    type: 'writ-crossing',
    version: 1,
    sender,
    recipient,
    scope: i.scope,
    direction: { from, to },
    notBefore: timeField(i.notBefore),
    notAfter: timeField(i.notAfter),
  };
  return { ...body, id: `crx-${toHex(sha256(canonicalBytes(body))).slice(0, 32)}` } as Crossing;
}

export function parseCrossing(v: unknown): Crossing {
  const bad = (m: string): never => {
    throw new WritError('PARSE', `crossing: ${m}`);
  };
  if (!isObj(v)) return bad('not an object');
  if (v.type !== 'writ-crossing' || v.version !== 1) bad('type must be "writ-crossing", version 1');
  if (!isObj(v.direction) || typeof v.direction.from !== 'string' || typeof v.direction.to !== 'string') return bad('direction must be {from, to}');
  if (typeof v.sender !== 'string' || typeof v.recipient !== 'string' || typeof v.scope !== 'string') bad('sender, recipient and scope must be strings');
  let rebuilt: Crossing;
  try {
    rebuilt = makeCrossing({
      sender: v.sender as string,
      recipient: v.recipient as string,
      scope: v.scope as string,
      fromLevel: v.direction.from,
      toLevel: v.direction.to,
      notBefore: parseTimeField(v.notBefore, 'notBefore'),
      notAfter: parseTimeField(v.notAfter, 'notAfter'),
    });
  } catch (e) {
    if (e instanceof WritError && e.code === 'PARSE') throw e;
    return bad(e instanceof Error ? e.message : String(e));
  }
  if (bodyDigest(rebuilt) !== bodyDigest(v)) bad('not in normal form (or an id that does not match)');
  return rebuilt;
}

/** Signs a crossing with an authority key; `cert` is the authority certificate the trust store names. */
export function signCrossing(c: Crossing, o: { signer: Signer; cert: Certificate; signingTime?: Date }): SignedCrossing {
  return { type: 'writ-signed', body: c, signatures: [{ signer: o.cert.subject.text, cms: signBody(c, o) }] };
}

/**
 * Verifies a crossing approval: one signature whose signer certificate is (same SPKI as) one of the
 * crossing `authorities` from the local trust store (CHECKPOINT-free: SIGNATURE when the CMS fails,
 * IDENTITY when the signer is not a named authority, EXPIRED / NOT_YET_VALID for the authority cert).
 */
export function verifyCrossing(doc: { body: unknown; signatures: DocSignature[] }, o: { authorities: Certificate[]; now: Date }): VerifiedCrossing {
  const crossing = parseCrossing(doc.body);
  const what = `crossing ${crossing.id}`;
  if (doc.signatures.length !== 1) throw new WritError('SIGNATURE', `${what} must carry exactly one signature`);
  const checked = checkSignature(crossing, doc.signatures[0]!, undefined, what);
  const auth = o.authorities.find((a) => bytesEqual(a.spki.der, checked.cert.spki.der));
  if (!auth) throw new WritError('IDENTITY', `${what} is not signed by a crossing authority named in the trust store`);
  if (o.now.getTime() < auth.notBefore.getTime()) throw new WritError('NOT_YET_VALID', `${what}: the authority certificate is not yet valid`);
  if (o.now.getTime() > auth.notAfter.getTime()) throw new WritError('EXPIRED', `${what}: the authority certificate has expired`);
  return { crossing, digest: bodyDigest(crossing), authority: auth.subject.text };
}

/** Does this approval cover exactly this flow at `now`? */
export function crossingCovers(
  x: VerifiedCrossing,
  f: { sender: string; recipient: string; scope: string; fromLevel: string; toLevel: string; now: Date },
): boolean {
  const c = x.crossing;
  const t = f.now.getTime();
  return (
    c.sender === f.sender &&
    c.recipient === f.recipient &&
    c.scope === f.scope &&
    c.direction.from === f.fromLevel &&
    c.direction.to === f.toLevel &&
    Date.parse(c.notBefore) <= t &&
    t < Date.parse(c.notAfter)
  );
}
