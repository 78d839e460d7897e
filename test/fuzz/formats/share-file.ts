// Fuzz format for share files (src/core/shares/share-file.ts): scrypt + AES-256-GCM over one SLIP-0039 share, read with decryptShareFile.
//
// Seeds are written with the smallest costs the reader accepts (N = 2, r = 1, p = 1), so a case costs
// microseconds of scrypt; a mutation that raises N, r, p or the salt size past the reader's limits must
// be refused with LIMIT before any scrypt work (issue 8: one input < 1 s, < 256 MiB). Check: an accepted
// file (the passphrase is the seeds') decrypts to exactly the share and header fields it was written
// with: AES-GCM's tag over the header (as AAD) and the ciphertext must let nothing else through.
import type { FuzzFormat } from '../harness.js';
import { decryptShareFile, encryptShareFile } from '../../../src/core/shares/share-file.js';
import type { ShareFileContent } from '../../../src/core/shares/share-file.js';
import { splitSecret } from '../../../src/core/shares/slip39.js';
import { seededRng } from '../../helpers/rng.js';
import { expectThat } from '../format-helpers.js';

const PASSPHRASE = 'correct horse battery staple';

let cache: { bytes: Uint8Array; content: ShareFileContent }[] | undefined;

function seedFiles(): { bytes: Uint8Array; content: ShareFileContent }[] {
  if (cache) return cache;
  const rng = seededRng('fuzz-share-file');
  const out: { bytes: Uint8Array; content: ShareFileContent }[] = [];
  [16, 32].forEach((len, i) => {
    const shares = splitSecret(rng(len).slice(), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0, rng });
    shares[0]!.forEach((mnemonic, k) => {
      const content: ShareFileContent = {
        mnemonic,
        ceremony: `rkg-2026-11-22-${i}`,
        custodian: ['ana', 'bo', 'chen'][k]!,
        rootFingerprint: 'ab'.repeat(32),
      };
      out.push({ bytes: encryptShareFile(content, PASSPHRASE, { rng, costs: { N: 2, r: 1, p: 1 } }), content });
    });
  });
  cache = out;
  return out;
}

const shareFile: FuzzFormat = {
  name: 'share-file',
  kind: 'json',
  seeds() {
    return seedFiles().map((s) => s.bytes);
  },
  parse(input) {
    return decryptShareFile(input, PASSPHRASE);
  },
  check(_input, result) {
    const r = result as ShareFileContent;
    const match = seedFiles().find((s) => s.content.mnemonic === r.mnemonic);
    expectThat(match !== undefined, 'an accepted share file decrypted to a share no seed holds');
    const c = match.content;
    expectThat(
      c.ceremony === r.ceremony && c.custodian === r.custodian && c.rootFingerprint === r.rootFingerprint,
      'an accepted share file carries header fields other than the ones it was encrypted with (AAD not binding)',
    );
  },
};

export default shareFile;
