// Fuzz format for record bundles (*.jsonl records with provenance, src/core/envelope/records.ts): read by the CLI's readRecordsFile, then verifyRecords.
//
// A record bundle is what `writ envelope open` writes and `writ envelope seal --records` re-shares:
// "writ-attestation" lines (the origin's CMS-signed Merkle root over a batch) and "writ-record" lines
// (data, provenance: origin, record hash, guardianship, index, RFC 9162 inclusion path). The input is
// written to a temp file and read with the CLI's own reader (src/cli/commands/envelope/common.ts
// readRecordsFile), then the re-shared records are verified against the orchard enclave's trust at
// the fixture's time. Seeds: the batch of test/core/envelope/helpers.ts attested by harbor, whole,
// compact (paths dropped: rebuilt by completeRecords) and as a subset. Check: every record accepted
// as verified is one the origin attested, with the same data, origin and guardianship.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FuzzFormat } from '../harness.js';
import { attestRecords, compactRecords, recordHash, verifyRecords } from '../../../src/core/envelope/records.js';
import type { ProvenancedRecord } from '../../../src/core/envelope/records.js';
import { canonicalize } from '../../../src/core/json/canonical.js';
import { ENVELOPE_READ_LIMIT, bundleLines, readRecordsFile } from '../../../src/cli/commands/envelope/common.js';
import { NOW, RECORDS, world } from '../../core/envelope/helpers.js';
import { expectThat, utf8, writeInputFile } from '../format-helpers.js';

let cache: { bundles: string[]; attested: Set<string> } | undefined;

const recordKey = (r: ProvenancedRecord): string =>
  canonicalize({ recordHash: recordHash(r.data), origin: r.provenance.origin, guardianship: r.provenance.guardianship } as never);

function build(): { bundles: string[]; attested: Set<string> } {
  if (cache) return cache;
  const w = world();
  const a = attestRecords(RECORDS, { origin: w.harbor.id, signer: w.harbor.signer, cert: w.harbor.cert, chain: w.harbor.chain, attestedAt: NOW });
  const bundles = [
    bundleLines(a.records, [a.attestation]),
    bundleLines(compactRecords(a.records), [a.attestation]),
    bundleLines(a.records.slice(1, 2), [a.attestation]),
  ];
  cache = { bundles, attested: new Set(a.records.map(recordKey)) };
  return cache;
}

let dir: string | undefined;
function tempFile(): string {
  dir ??= mkdtempSync(path.join(tmpdir(), 'writ-fuzz-records-'));
  return path.join(dir, 'records.jsonl');
}

const records: FuzzFormat = {
  name: 'record-bundle',
  kind: 'jsonl',
  seeds() {
    return build().bundles.map((b) => utf8.encode(b));
  },
  parse(input) {
    const file = tempFile();
    writeInputFile(file, input, ENVELOPE_READ_LIMIT);
    const r = readRecordsFile(file);
    const w = world();
    verifyRecords(r.reshared.records, r.reshared.attestations, { ...w.orchard.trust, now: NOW });
    return r;
  },
  check(_input, result) {
    const r = result as ReturnType<typeof readRecordsFile>;
    for (const rec of r.reshared.records) expectThat(build().attested.has(recordKey(rec)), 'a record the origin never attested verified (false accept)');
  },
};

export default records;
