// Built-in rehearsal answers (for the demo and tests): a 3-of-5 room where everyone answers as a careful person would.
//
// Rehearsal only: the passphrases here are public, the RNG may be seeded and the clock fixed, and every
// transcript the runner writes from an answers file is marked "rehearsal".
import type { AnswersFile, AnswerValue, Participants } from './people.js';

export const REHEARSAL_PEOPLE: Participants = {
  administrator: 'Ana',
  witness: 'Wiremu',
  custodians: ['Aroha', 'Ben', 'Chen', 'Dana', 'Eru'],
};

/** scrypt cost for rehearsals (2^10): keeps a rehearsal to seconds; real ceremonies use the defaults. */
export const REHEARSAL_KDF = { N: 1024, r: 8, p: 1 } as const;

/** The (public!) rehearsal passphrase of a person. */
export function rehearsalPass(name: string): string {
  return `${name.toLowerCase()} rehearsal passphrase`;
}

export interface RehearsalOptions {
  ceremonyId?: string;
  clock?: string;
  rngSeed?: string;
  participants?: Participants;
  /** Custodians who approve (default: the first three). */
  approvers?: string[];
  /** Custodians who present shares (default: the last three, so recovery uses other shares than approval). */
  presenters?: string[];
  /** Extra or overriding answers. */
  answers?: Record<string, AnswerValue>;
  pauseBefore?: string;
}

function personal(p: Participants): Record<string, AnswerValue> {
  const a: Record<string, AnswerValue> = {};
  for (const n of [p.administrator, p.witness, ...p.custodians, ...(p.newCustodians ?? [])]) {
    a[`*.${n}.new-passphrase`] = rehearsalPass(n);
    a[`*.${n}.key-passphrase`] = rehearsalPass(n);
    a[`*.${n}.share-passphrase`] = rehearsalPass(n);
    a[`*.${n}.share-file`] = `shares/${n}.share.json`;
  }
  return a;
}

/** Answers for any shipped script: confirm everything, share files (no words on screen), key-file approvals. */
export function rehearsalAnswers(o: RehearsalOptions = {}): AnswersFile {
  const p = o.participants ?? REHEARSAL_PEOPLE;
  const approvers = o.approvers ?? p.custodians.slice(0, 3);
  const presenters = o.presenters ?? p.custodians.slice(-3);
  const admin = p.administrator;
  const answers: Record<string, AnswerValue> = {
    '*.*.confirm': true,
    '*.*.approve': true,
    '*.*.show-words': false,
    '*.*.want-share-file': true,
    '*.*.share-source': 'file',
    '*.*.approval-method': 'key',
    ...personal(p),
    [`make-root.${admin}.next-custodian`]: approvers,
    [`approve.${admin}.next-custodian`]: approvers,
    [`prove-recovery.${admin}.next-custodian`]: presenters,
    [`rebuild-root.${admin}.next-custodian`]: presenters,
    [`drill.${admin}.next-custodian`]: [...p.custodians, '(no more: end this step)'],
    ...(o.answers ?? {}),
  };
  return {
    ...(o.ceremonyId ? { ceremonyId: o.ceremonyId } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.rngSeed ? { rngSeed: o.rngSeed } : {}),
    ...(o.pauseBefore ? { pauseBefore: o.pauseBefore } : {}),
    kdfCost: { ...REHEARSAL_KDF },
    participants: p,
    answers,
  };
}
