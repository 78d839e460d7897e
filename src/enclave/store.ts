// The enclave's federation store (federation/{agreements,withdrawals,crossings}/): loading it verified, and importing signed documents (issue 4 "Federation and policy").
//
// Nothing enters the store until every check passes (go-tuf's rule): an import verifies signatures,
// chains (against this enclave's own trust anchors and CRLs) and party identities first, and only then
// writes the file. Loading re-verifies everything, so a file edited on disk is dropped, not trusted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { Certificate } from '../core/x509/types.js';
import { verifyAgreement, type PolicyState, type VerifiedAgreement } from '../core/policy/agreement.js';
import { parseWithdrawal, verifyWithdrawal, type VerifiedWithdrawal } from '../core/policy/withdrawal.js';
import { verifyCrossing, type VerifiedCrossing } from '../core/policy/crossing.js';
import { bodyDigest, decodeSignedDocument, encodeSignedDocument, type SignedDocument, type SignedKind, type TrustContext } from '../core/policy/signed.js';
import { parseSpiffeId } from '../core/policy/names.js';
import { readFileLimited, writeFileAtomic } from '../cli/io.js';
import type { EnclavePaths } from './layout.js';

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

export interface StoreContext {
  self: string;
  trust: TrustContext;
  crossingAuthorities: Certificate[];
  note?: (m: string) => void;
}

/** Loads and re-verifies the federation store. Files that no longer verify are skipped with a note. */
export function loadPolicyState(paths: Pick<EnclavePaths, 'agreementsDir' | 'withdrawalsDir' | 'crossingsDir'>, ctx: StoreContext): PolicyState {
  const note = ctx.note ?? (() => {});
  const agreements: VerifiedAgreement[] = [];
  for (const f of jsonFiles(paths.agreementsDir)) {
    try {
      const d = decodeSignedDocument(readFileLimited(f));
      agreements.push(verifyAgreement(d, ctx.trust));
    } catch (e) {
      note(`warning: ignoring ${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const withdrawals: VerifiedWithdrawal[] = [];
  for (const f of jsonFiles(paths.withdrawalsDir)) {
    try {
      withdrawals.push(verifyWithdrawal(decodeSignedDocument(readFileLimited(f)), ctx.trust));
    } catch (e) {
      // A withdrawal was fully verified when it was imported. If its signer's certificate has since
      // expired or been revoked it still withdrew the agreement: refusal never lapses. Keep any notice
      // whose body still parses; drop only garbage.
      try {
        const body = decodeSignedDocument(readFileLimited(f)).body;
        withdrawals.push({ withdrawal: parseWithdrawal(body), digest: bodyDigest(body) });
        note(`note: ${f} no longer verifies (${e instanceof Error ? e.message : String(e)}); its agreement stays withdrawn`);
      } catch {
        note(`warning: ignoring unreadable ${f}`);
      }
    }
  }
  const crossings: VerifiedCrossing[] = [];
  for (const f of jsonFiles(paths.crossingsDir)) {
    try {
      crossings.push(verifyCrossing(decodeSignedDocument(readFileLimited(f)), { authorities: ctx.crossingAuthorities, now: ctx.trust.now }));
    } catch (e) {
      note(`warning: ignoring ${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { self: ctx.self, agreements, withdrawals, crossings };
}

export interface Imported {
  kind: SignedKind;
  /** Agreement id, withdrawn agreement id, or crossing id. */
  id: string;
  /** SHA-512 hex of the canonical body. */
  digest: string;
  file: string;
  /** Agreements: whether both parties have signed. */
  complete?: boolean;
  agreement?: VerifiedAgreement;
  withdrawal?: VerifiedWithdrawal;
  crossing?: VerifiedCrossing;
}

function hostLabel(id: string): string {
  return parseSpiffeId(id).host;
}

/** Where a verified document is kept. */
export function storeFile(paths: Pick<EnclavePaths, 'agreementsDir' | 'withdrawalsDir' | 'crossingsDir'>, kind: SignedKind, id: string, by?: string): string {
  if (kind === 'writ-agreement') return path.join(paths.agreementsDir, `${id}.json`);
  if (kind === 'writ-withdrawal') return path.join(paths.withdrawalsDir, `${id}.${hostLabel(by ?? '')}.json`);
  return path.join(paths.crossingsDir, `${id}.json`);
}

/**
 * Verifies a signed document (agreement, withdrawal or crossing) against this enclave's trust store
 * and, only if it passes, writes it into the store. An agreement must name this enclave as a party
 * (IDENTITY otherwise); a newer copy of a stored agreement replaces it only when it carries more
 * signatures over the same body. Updates `state` in place.
 */
export function importSignedDocument(
  paths: Pick<EnclavePaths, 'agreementsDir' | 'withdrawalsDir' | 'crossingsDir'>,
  state: PolicyState,
  bytes: Uint8Array,
  ctx: StoreContext,
): Imported {
  const d = decodeSignedDocument(bytes);
  if (d.kind === 'writ-baseline' || d.kind === 'writ-trust-store') throw new WritError('USAGE', `a ${d.kind} document is not a federation document`);
  const doc = { type: 'writ-signed' as const, body: d.body, signatures: d.signatures } as SignedDocument<never>;
  if (d.kind === 'writ-agreement') {
    const v = verifyAgreement(d, ctx.trust);
    if (!v.agreement.parties.includes(ctx.self)) throw new WritError('IDENTITY', `agreement ${v.agreement.id} is between ${v.agreement.parties.join(' and ')}, not with ${ctx.self}`);
    const file = storeFile(paths, d.kind, v.agreement.id);
    const existing = state.agreements.find((a) => a.agreement.id === v.agreement.id);
    if (existing && existing.signedBy.length >= v.signedBy.length) {
      return { kind: d.kind, id: v.agreement.id, digest: v.digest, file, complete: existing.complete, agreement: existing };
    }
    writeFileAtomic(file, encodeSignedDocument(doc), { force: true });
    state.agreements = [...state.agreements.filter((a) => a.agreement.id !== v.agreement.id), v];
    return { kind: d.kind, id: v.agreement.id, digest: v.digest, file, complete: v.complete, agreement: v };
  }
  if (d.kind === 'writ-withdrawal') {
    const agreement = state.agreements.find((a) => a.agreement.id === (d.body as { agreementId?: string }).agreementId)?.agreement;
    const v = verifyWithdrawal(d, ctx.trust, agreement ? { agreement } : {});
    if (!agreement && !v.withdrawal.agreementId) throw new WritError('PARSE', 'withdrawal without agreement id');
    const file = storeFile(paths, d.kind, v.withdrawal.agreementId, v.withdrawal.by);
    if (!state.withdrawals.some((w) => w.digest === v.digest)) {
      writeFileAtomic(file, encodeSignedDocument(doc), { force: true });
      state.withdrawals = [...state.withdrawals, v];
    }
    return { kind: d.kind, id: v.withdrawal.agreementId, digest: v.digest, file, withdrawal: v };
  }
  const v = verifyCrossing(d, { authorities: ctx.crossingAuthorities, now: ctx.trust.now });
  const file = storeFile(paths, d.kind, v.crossing.id);
  if (!state.crossings.some((c) => c.crossing.id === v.crossing.id)) {
    writeFileAtomic(file, encodeSignedDocument(doc), { force: true });
    state.crossings = [...state.crossings, v];
  }
  return { kind: d.kind, id: v.crossing.id, digest: v.digest, file, crossing: v };
}
