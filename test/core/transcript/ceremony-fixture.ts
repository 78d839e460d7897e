// Test fixture: a small, real, closed ceremony transcript (ML-DSA keys, fixture root certificate, 3-of-5 approvals).
import { keyPairFromSeed, signerFromSeed } from '../../../src/core/crypto/keys.js';
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import type { SigAlgName, Signer } from '../../../src/core/crypto/types.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import type { FixturePki } from '../../../src/fixtures/pki.js';
import { TranscriptWriter, enrolKey, makeApproval, tbsDigest } from '../../../src/core/transcript/index.js';
import type { EnrolledKey, TranscriptWriterOptions } from '../../../src/core/transcript/index.js';
import { seededRng } from '../../helpers/index.js';

export const NOW = new Date('2026-11-21T09:00:00Z');
export const CEREMONY_ID = 'rkg-2026-11-21-rehearsal';
export const CUSTODIANS = ['ana', 'bo', 'chen', 'dara', 'eli'];
export const QUORUM = 3;
const ALG: SigAlgName = 'ml-dsa-44';

/** A clock that advances one second per call, from NOW. */
export function tickingClock(start = NOW): () => Date {
  let t = start.getTime();
  return () => new Date((t += 1000));
}

export interface Person {
  name: string;
  signer: Signer;
  key: EnrolledKey;
}

function person(role: EnrolledKey['role'], name: string, seed: string): Person {
  const s = seededRng(`transcript-fixture:${seed}`)(32);
  const kp = keyPairFromSeed(ALG, s);
  return { name, signer: signerFromSeed(ALG, kp.seed), key: enrolKey(role, name, ALG, kp.publicKey) };
}

export interface Cast {
  pki: FixturePki;
  admin: Person;
  witness: Person;
  custodians: Person[];
  stranger: Person;
}

let cast: Cast | undefined;
export function getCast(): Cast {
  cast ??= {
    pki: buildFixturePki('transcript-tests', NOW),
    admin: person('administrator', 'alice-admin', 'admin'),
    witness: person('witness', 'wade-witness', 'witness'),
    custodians: CUSTODIANS.map((n) => person('custodian', n, `custodian:${n}`)),
    stranger: person('custodian', 'ana', 'stranger'), // same name as a custodian, another key
  };
  return cast;
}

export function writerOptions(c: Cast, over: Partial<TranscriptWriterOptions> = {}): TranscriptWriterOptions {
  return {
    ceremonyId: CEREMONY_ID,
    rehearsal: true,
    now: tickingClock(),
    script: { name: 'root-key-generation', sha256: toHex(sha256(new TextEncoder().encode('script text'))) },
    roles: { administrator: c.admin.name, witness: c.witness.name, custodians: CUSTODIANS },
    quorum: QUORUM,
    keys: [c.admin.key, c.witness.key],
    ...over,
  };
}

export interface Built {
  lines: string[];
  artifacts: Record<string, Uint8Array>;
  digest: string;
}

/**
 * The reference ceremony: header, an announcement, custodian enrolment, a witness confirmation,
 * 3 approvals of the root TBS digest, the signing, an artifact note, the closing record (11 lines).
 * `writer` lets a test pass a subclass; `skipApproval` leaves out approval number k (0-based),
 * writing the signing event through the raw push (what a buggy or malicious runner would do).
 */
export function buildTranscript(opts: { writer?: (o: TranscriptWriterOptions) => TranscriptWriter; skipApproval?: number } = {}): Built {
  const c = getCast();
  const root = c.pki.root;
  const w = (opts.writer ?? ((o) => new TranscriptWriter(o)))(writerOptions(c));
  const digest = tbsDigest(root.cert.tbs);
  w.append({ step: 'generate-seed', role: 'administrator', actor: c.admin.name, event: 'announce', data: { rootFingerprint: toHex(sha256(root.cert.spki.der)) } });
  w.enrol({ step: 'enrol-custodians', role: 'administrator', actor: c.admin.name, keys: c.custodians.map((p) => p.key) });
  w.append({ step: 'enrol-custodians', role: 'witness', actor: c.witness.name, event: 'confirm', data: { confirmed: true } });
  c.custodians.slice(0, QUORUM).forEach((p, k) => {
    if (k === opts.skipApproval) return;
    const approval = makeApproval({ ceremonyId: CEREMONY_ID, digest, custodian: p.name, signer: p.signer });
    w.recordApproval({ step: 'self-sign-root', digest, approval });
  });
  if (opts.skipApproval === undefined) w.recordSigning({ step: 'self-sign-root', digest, label: 'root certificate' });
  else (w as unknown as { push(e: object): unknown }).push({ step: 'self-sign-root', role: 'administrator', actor: c.admin.name, event: 'sign', data: { digest, label: 'root certificate' } });
  const artifacts: Record<string, Uint8Array> = {
    'root.crt': root.der,
    'custodians.json': new TextEncoder().encode(JSON.stringify(c.custodians.map((p) => p.key))),
  };
  w.append({ step: 'stage-outputs', role: 'administrator', actor: c.admin.name, event: 'staged', data: { files: Object.keys(artifacts) } });
  const hashes = Object.fromEntries(Object.entries(artifacts).map(([k, v]) => [k, toHex(sha256(v))]));
  const lines = w.close({
    artifacts: hashes,
    signers: [{ signer: root.signer!, cert: root.cert }, { signer: c.admin.signer }, { signer: c.witness.signer }],
  });
  return { lines, artifacts, digest };
}
