// Fuzz formats for ceremony inputs (src/ceremony): scripts (YAML 1.2, parseScript via loadScriptFile), answers files (loadAnswersFile), enrolment records (parseEnrolment), rotation schedules (readRotationFile).
//
// Each input goes through the reader the CLI uses (a temp file where the reader takes a path). Seeds:
// the five shipped scripts (ceremonies/*.yaml), the rehearsal answers as YAML and as JSON, an
// enrolment record built from seeded ML-DSA keys, and a rotation schedule. Scripts refuse with SCRIPT
// (schema or rule) and answers with USAGE by design. Checks: an accepted script's digest is the
// SHA-256 of exactly the input text and its steps have ids; an accepted answers file has its
// participants as strings; an accepted enrolment's key ids match its public keys (re-derived); an
// accepted rotation schedule has integer day counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { FuzzFormat } from '../harness.js';
import { BUILTIN_SCRIPT_TEXT } from '../../../src/ceremony/builtin.js';
import { loadAnswersFile, loadScriptFile } from '../../../src/ceremony/files.js';
import type { LoadedScript } from '../../../src/ceremony/script.js';
import type { AnswersFile } from '../../../src/ceremony/people.js';
import { rehearsalAnswers } from '../../../src/ceremony/rehearsal.js';
import { ENROLMENT_TYPE, parseEnrolment, publicKeyRecord } from '../../../src/ceremony/enrolment.js';
import type { Enrolment } from '../../../src/ceremony/enrolment.js';
import { readRotationFile } from '../../../src/ceremony/plan.js';
import { keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { seededRng } from '../../helpers/rng.js';
import { MAX_CEREMONY_FILE_BYTES, MAX_DOCUMENT_BYTES } from '../../../src/core/limits.js';
import { expectThat, lossy, utf8, writeInputFile } from '../format-helpers.js';

let dir: string | undefined;
function viaFile<T>(name: string, input: Uint8Array, limit: number, read: (file: string) => T): T {
  dir ??= mkdtempSync(path.join(tmpdir(), 'writ-fuzz-ceremony-'));
  const file = path.join(dir, name);
  writeInputFile(file, input, limit);
  return read(file);
}

const script: FuzzFormat = {
  name: 'ceremony-script',
  kind: 'text',
  seeds: () => Object.values(BUILTIN_SCRIPT_TEXT).map((t) => utf8.encode(t)),
  parse: (input) => viaFile('script.yaml', input, MAX_CEREMONY_FILE_BYTES, loadScriptFile),
  check(input, result) {
    const l = result as LoadedScript;
    expectThat(l.digest === toHex(sha256(utf8.encode(lossy(input)))), 'the script digest is not the SHA-256 of the text read');
    expectThat(Array.isArray(l.script.steps) && l.script.steps.length > 0 && l.script.steps.every((s) => typeof s.id === 'string'), 'steps without ids');
  },
};

const answers: FuzzFormat = {
  name: 'ceremony-answers',
  kind: 'text',
  seeds: () => {
    const a = rehearsalAnswers({ ceremonyId: 'rkg-fuzz', clock: '2026-11-22T09:00:00Z', rngSeed: 'fuzz' });
    return [utf8.encode(stringify(a)), utf8.encode(`${JSON.stringify(a, null, 2)}\n`)];
  },
  parse: (input) => viaFile('answers.yaml', input, MAX_CEREMONY_FILE_BYTES, loadAnswersFile),
  check(_input, result) {
    const a = result as AnswersFile;
    const p = a.participants;
    expectThat(typeof p.administrator === 'string' && typeof p.witness === 'string' && p.custodians.every((c) => typeof c === 'string'), 'participants');
    expectThat(typeof a.answers === 'object' && a.answers !== null && !Array.isArray(a.answers), 'answers is not a mapping');
  },
};

let enrolments: Uint8Array[] | undefined;
function enrolmentSeeds(): Uint8Array[] {
  if (enrolments) return enrolments;
  const rng = seededRng('fuzz-enrolment');
  const rec = (name: string) => publicKeyRecord(name, 'ml-dsa-44', keyPairFromSeed('ml-dsa-44', rng(32)).publicKey);
  const custodians = ['ana', 'bo', 'chen'].map(rec);
  const e: Enrolment = {
    type: ENROLMENT_TYPE,
    version: 1,
    ceremony: 'rkg-2026-11-22',
    root: { alg: 'ml-dsa-87', keyFingerprint: 'ab'.repeat(32) },
    shares: {
      identifier: 1234,
      threshold: 2,
      count: 3,
      iterationExponent: 1,
      extendable: true,
      salt: 'cd'.repeat(16),
      custodians: custodians.map((c, i) => ({ name: c.name, memberIndex: i, commitment: 'ef'.repeat(32) })),
    },
    custodians,
    officers: [rec('alice-admin'), rec('wade-witness')],
  };
  enrolments = [utf8.encode(`${JSON.stringify(e, null, 2)}\n`)];
  return enrolments;
}

const enrolment: FuzzFormat = {
  name: 'ceremony-enrolment',
  kind: 'json',
  seeds: enrolmentSeeds,
  // As the runner reads enrolment.json: lossy UTF-8 text, then parseEnrolment.
  parse: (input) => parseEnrolment(lossy(input), 'enrolment.json'),
  check(_input, result) {
    const e = result as Enrolment;
    for (const r of [...e.custodians, ...e.officers]) {
      const again = publicKeyRecord(r.name, r.alg, Uint8Array.from(Buffer.from(r.publicKey, 'base64')));
      expectThat(again.keyId === r.keyId, `key id of ${String(r.name)} does not match its key`);
    }
  },
};

const rotation: FuzzFormat = {
  name: 'rotation-schedule',
  kind: 'json',
  seeds: () => [utf8.encode('{"regional":{"validityDays":730,"overlapDays":90}}\n'), utf8.encode('{\n  "regional": { "validityDays": 365, "overlapDays": 30 }\n}\n')],
  parse: (input) =>
    viaFile('rotation.json', input, MAX_DOCUMENT_BYTES, (file) => readRotationFile(path.dirname(file))),
  check(_input, result) {
    const r = result as ReturnType<typeof readRotationFile>;
    expectThat(Number.isInteger(r.validityDays) && Number.isInteger(r.overlapDays), 'day counts are not integers');
  },
};

export default [script, answers, enrolment, rotation];
