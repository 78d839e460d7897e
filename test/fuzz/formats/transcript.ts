// Fuzz format for ceremony transcripts (src/core/transcript/verify.ts verifyTranscript over splitTranscript): JSON lines, hash-chained (src/core/log/chain.ts), closed by CMS signatures.
//
// Seed: the reference closed ceremony of test/core/transcript/ceremony-fixture.ts (11 lines, 3-of-5
// approvals, root + administrator + witness signatures) with its artifacts. The input is the file's
// bytes; like `writ ceremony verify` they are read as UTF-8 text (bad bytes become U+FFFD, which no
// canonical line survives). verifyTranscript returns findings instead of throwing: the first finding's
// code is the outcome (every finding must carry a code of the closed union). Check: a transcript that
// verifies is line for line the genuine one: no edit, swap, drop, duplicate or append may verify.
import type { FuzzFormat } from '../harness.js';
import { splitTranscript, verifyTranscript } from '../../../src/core/transcript/verify.js';
import type { TranscriptVerifyResult } from '../../../src/core/transcript/types.js';
import { buildTranscript } from '../../core/transcript/ceremony-fixture.js';
import type { Built } from '../../core/transcript/ceremony-fixture.js';
import { expectThat, findingsOutcome, lossy, utf8 } from '../format-helpers.js';

let built: Built | undefined;
const ref = (): Built => (built ??= buildTranscript());

const transcript: FuzzFormat = {
  name: 'transcript',
  kind: 'jsonl',
  seeds() {
    return [utf8.encode(`${ref().lines.join('\n')}\n`)];
  },
  parse(input) {
    const r = verifyTranscript(splitTranscript(lossy(input)), { artifacts: ref().artifacts });
    return findingsOutcome(r, 'transcript');
  },
  check(input, result) {
    const r = result as TranscriptVerifyResult;
    expectThat(r.ok && r.status === 'complete', `a transcript with status ${r.status} and no findings`);
    const lines = splitTranscript(lossy(input));
    const want = ref().lines;
    expectThat(lines.length === want.length && lines.every((l, i) => l === want[i]), 'a transcript that differs from the genuine one verified (false accept)');
  },
};

export default transcript;
