// The replay store (issue 4 "no replay"): state/opened.jsonl lists every envelope id this enclave has opened.
//
// One canonical JSON line per opened envelope: {id, time, sender, digest}. `has` is checked before an
// open is accepted and `record` is called only after every other check has passed, so a refused
// envelope can be retried once the reason is fixed, but an accepted one never opens twice.
import { WritError } from '../core/errors.js';
import { canonicalize } from '../core/json/canonical.js';
import { readLines } from './audit.js';
import { appendLineDurable } from '../cli/io.js';

export interface OpenedRecord {
  /** Envelope id. */
  id: string;
  /** RFC 3339 UTC time of the open. */
  time: string;
  /** Sender enclave id. */
  sender: string;
  /** Hex digest of the envelope file (SHA-256 or SHA-512). */
  digest: string;
}

export class ReplayStore {
  constructor(readonly file: string) {}

  /** Every record in the store (malformed lines are a PARSE error: the store is trusted state). */
  all(): OpenedRecord[] {
    // A torn last line (an open killed while recording) was never committed: that open did not complete.
    return readLines(this.file, { dropTorn: true }).map((l, i) => {
      try {
        const v = JSON.parse(l) as OpenedRecord;
        if (typeof v.id !== 'string') throw new Error('id');
        return v;
      } catch (e) {
        throw new WritError('PARSE', `${this.file}: line ${i + 1} is not an opened-envelope record`, { cause: e });
      }
    });
  }

  has(id: string): boolean {
    return this.all().some((r) => r.id === id);
  }

  /** Records an opened envelope; REFUSED_REPLAY if the id is already there. */
  record(r: OpenedRecord): void {
    if (this.has(r.id)) throw new WritError('REFUSED_REPLAY', `envelope ${r.id} was already opened`);
    const line = canonicalize({ id: r.id, time: r.time, sender: r.sender, digest: r.digest });
    appendLineDurable(this.file, line);
  }
}
