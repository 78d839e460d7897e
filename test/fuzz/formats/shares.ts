// Fuzz formats for SLIP-0039 share mnemonics (src/core/shares/slip39.ts): one share decoded, and a set of shares combined.
//
// Seeds: every mnemonic of the SLIP-0039 reference vectors (../shared/vectors/slip39, when present) that
// decodes, and deterministic splits of fixed secrets (seeded RNG). Checks (issue 8 "valid and
// semantically correct"):
//  - share-mnemonic: an accepted mnemonic re-encodes to the same words (each input token is a prefix
//    of at least 4 letters of the canonical word at its place, SLIP-0039 "Wordlist");
//  - share-set (one mnemonic per line, passphrase "TREZOR" as in the vectors): an accepted set
//    recovers a secret the seeds were made from for that identifier; anything else must be refused
//    with a SHARE_* / QUORUM / PARSE / LIMIT code (the harness enforces "WritError with a code").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FuzzFormat } from '../harness.js';
import { combineMnemonics, decodeMnemonic, encodeMnemonic, splitSecret } from '../../../src/core/shares/slip39.js';
import type { Slip39Share } from '../../../src/core/shares/slip39.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { seededRng } from '../../helpers/rng.js';
import { vectorsDir } from '../../helpers/vectors.js';
import { expectThat, lossy, utf8 } from '../format-helpers.js';

const PASSPHRASE = 'TREZOR';

interface SeedSet {
  mnemonics: string[];
  secret: string; // hex
}

let cache: SeedSet[] | undefined;

function setKey(s: Pick<Slip39Share, 'identifier' | 'extendable' | 'iterationExponent'>): string {
  return `${s.identifier}/${s.extendable ? 1 : 0}/${s.iterationExponent}`;
}

/** Valid share sets: reference vectors with a master secret, then deterministic splits (128 and 256 bits). */
function seedSets(): SeedSet[] {
  if (cache) return cache;
  const out: SeedSet[] = [];
  const dir = vectorsDir();
  if (dir !== undefined) {
    try {
      const v = JSON.parse(readFileSync(path.join(dir, 'slip39', 'vectors.json'), 'utf8')) as [string, string[], string, string][];
      for (const [, mnemonics, secret] of v) if (secret !== '') out.push({ mnemonics, secret });
    } catch {
      // no slip39 vectors: the deterministic splits below still give seeds
    }
  }
  const plans = [
    { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }] },
    { groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }, { threshold: 3, count: 5 }] },
    { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }] },
  ];
  [16, 32].forEach((len, li) =>
    plans.forEach((plan, pi) => {
      const rng = seededRng(`fuzz-shares:${len}:${pi}`);
      const secret = rng(len).slice();
      const groups = splitSecret(secret, { ...plan, passphrase: PASSPHRASE, iterationExponent: 0, extendable: (li + pi) % 2 === 0, rng });
      // Exactly the thresholds: the first `threshold` members of the first `groupThreshold` groups...
      const need = groups.slice(0, plan.groupThreshold).flatMap((g, gi) => g.slice(0, plan.groups[gi]!.threshold));
      out.push({ mnemonics: need, secret: toHex(secret) });
      // ...and every share of every group (extra shares are checked, not ignored).
      out.push({ mnemonics: groups.flat(), secret: toHex(secret) });
    }),
  );
  cache = out;
  return out;
}

let secretsById: Map<string, Set<string>> | undefined;
function knownSecrets(): Map<string, Set<string>> {
  if (secretsById) return secretsById;
  const m = new Map<string, Set<string>>();
  for (const s of seedSets()) {
    const k = setKey(decodeMnemonic(s.mnemonics[0]!));
    m.set(k, (m.get(k) ?? new Set()).add(s.secret));
  }
  secretsById = m;
  return m;
}

const shareMnemonic: FuzzFormat = {
  name: 'share-mnemonic',
  kind: 'text',
  seeds() {
    const all = [...new Set(seedSets().flatMap((s) => s.mnemonics))];
    return all.map((m) => utf8.encode(m));
  },
  parse(input) {
    return decodeMnemonic(lossy(input));
  },
  check(input, result) {
    const share = result as Slip39Share;
    const tokens = lossy(input).trim().toLowerCase().split(/\s+/).filter((t) => t.length > 0);
    const words = encodeMnemonic(share).split(' ');
    expectThat(tokens.length === words.length, `accepted ${tokens.length} words but the share re-encodes to ${words.length}`);
    tokens.forEach((t, i) => expectThat(t.length >= 4 && words[i]!.startsWith(t), `word ${i + 1} accepted but is not a prefix of the canonical word`));
    const again = decodeMnemonic(words.join(' '));
    expectThat(toHex(again.value) === toHex(share.value) && setKey(again) === setKey(share), 'share does not round-trip');
  },
};

const shareSet: FuzzFormat = {
  name: 'share-set',
  kind: 'text',
  seeds() {
    return seedSets().map((s) => utf8.encode(`${s.mnemonics.join('\n')}\n`));
  },
  parse(input) {
    const lines = lossy(input)
      .split('\n')
      .filter((l) => l.trim() !== '');
    return combineMnemonics(lines, PASSPHRASE);
  },
  check(input, result) {
    expectThat(result instanceof Uint8Array, 'combine returned no bytes');
    const first = lossy(input)
      .split('\n')
      .find((l) => l.trim() !== '')!;
    const ids = knownSecrets().get(setKey(decodeMnemonic(first)));
    expectThat(ids !== undefined && ids.has(toHex(result)), 'an accepted share set recovered a secret none of the seeds were split from (false accept)');
  },
};

export default [shareMnemonic, shareSet];
