// Tests for the audit log: appending, the no-secrets rule, and the tamper suite with one exact code per tampering.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { errCode } from '../../helpers/index.js';
import {
  emptyHead,
  headOfLines,
  makeCheckpoint,
  nextAuditEntry,
  parseAuditLine,
  verifyAuditLog,
  type AuditHead,
  type AuditInput,
} from '../../../src/core/audit/log.js';
import { canonicalize } from '../../../src/core/json/canonical.js';
import { fixture, NOW } from '../policy/helpers.js';

const HEX = 'ab'.repeat(32);

function inputs(n: number): AuditInput[] {
  const { O } = fixture();
  const kinds: AuditInput[] = [
    { event: 'seal', decision: 'allow', layer: 'data', subject: 'env-1', peer: O, digests: { envelope: HEX }, details: { scope: 'weather', records: 3 } },
    { event: 'open', decision: 'refuse', code: 'REFUSED_WITHDRAWN', layer: 'data', subject: 'env-2', peer: O },
    { event: 'import', decision: 'allow', subject: 'agr-0123', digests: { body: 'cd'.repeat(64) } },
    { event: 'issue', decision: 'record', subject: '1f2e' },
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]!);
}

/** A log of n entries with a checkpoint after every `every` entries and one at the end. */
function build(n: number, every = 4): { lines: string[]; checkpoints: string[]; enclave: string } {
  const { harbor, H } = fixture();
  let head: AuditHead = emptyHead(H);
  const lines: string[] = [];
  const checkpoints: string[] = [];
  const cp = (): void => {
    const { line } = makeCheckpoint({ enclave: H, head, ...(checkpoints.length ? { prevLine: checkpoints[checkpoints.length - 1]! } : {}), now: NOW, signer: harbor.signing.signer!, cert: harbor.signing.cert });
    checkpoints.push(line);
  };
  inputs(n).forEach((inp, i) => {
    const r = nextAuditEntry(head, inp, new Date(NOW.getTime() + i * 1000));
    lines.push(r.line);
    head = r.head;
    if (head.count % every === 0) cp();
  });
  if (head.count % every !== 0) cp();
  return { lines, checkpoints, enclave: H };
}

function check(l: { lines: string[]; checkpoints: string[]; enclave: string }) {
  return verifyAuditLog({ ...l, signers: [fixture().harbor.signing.cert] });
}
const codes = (r: ReturnType<typeof check>): string[] => [...new Set(r.errors.map((e) => e.code))];

/** Changes one member of entry i and re-serialises it canonically (a careful forger). */
function editLine(line: string): string {
  const v = JSON.parse(line) as Record<string, unknown>;
  v.decision = v.decision === 'allow' ? 'refuse' : 'allow';
  if (v.decision === 'refuse') v.code = 'REFUSED_SCOPE';
  else delete v.code;
  return canonicalize(v);
}

const { lines: GOLD_LINES, checkpoints: GOLD_CPS, enclave: GOLD_ENCLAVE } = (() => build(10))();
const gold = () => ({ lines: [...GOLD_LINES], checkpoints: [...GOLD_CPS], enclave: GOLD_ENCLAVE });

describe('appending', () => {
  test('entries chain from the genesis hash and reopen at the right head', () => {
    const g = gold();
    expect(g.lines).toHaveLength(10);
    const first = parseAuditLine(g.lines[0]!);
    expect('entry' in first && first.entry.seq).toBe(0);
    expect(headOfLines(g.enclave, g.lines).count).toBe(10);
    const r = check(g);
    expect(r).toMatchObject({ ok: true, entries: 10, checkpoints: 3, covered: 10, unsealed: 0 });
    expect(r.errors).toEqual([]);
  });

  test('holds digests and decisions only: contents and secret-like names are refused', () => {
    const h = emptyHead(fixture().H);
    const bad = (i: Partial<AuditInput>) => errCode(() => nextAuditEntry(h, { event: 'seal', decision: 'allow', ...i } as AuditInput, NOW));
    expect(bad({ details: { passphrase: 'x' } })).toBe('INSECURE');
    expect(bad({ digests: { seedHash: HEX } })).toBe('INSECURE');
    expect(bad({ details: { content: 'the record itself' } })).toBe('INSECURE');
    expect(bad({ details: { note: 'x'.repeat(201) } })).toBe('USAGE');
    expect(bad({ details: { nested: { a: 1 } as unknown as string } })).toBe('USAGE');
    expect(bad({ digests: { envelope: 'not-hex' } })).toBe('USAGE');
    expect(bad({ decision: 'refuse' })).toBe('USAGE'); // a refusal needs its code
    expect(bad({ event: 'delete' as AuditInput['event'] })).toBe('USAGE');
    expect(bad({ details: { records: 3, scope: 'weather' } })).toBeUndefined();
    // digests and details are objects of named members, never a string, array or null (bug 17)
    for (const v of ['yyyy', ['a'], null, 7]) {
      expect(bad({ details: v as unknown as Record<string, string> })).toBe('USAGE');
      expect(bad({ digests: v as unknown as Record<string, string> })).toBe('USAGE');
    }
  });

  test('unsealed entries after the last checkpoint are counted, not failed', () => {
    const g = gold();
    const { line } = nextAuditEntry(headOfLines(g.enclave, g.lines), { event: 'issue', decision: 'record' }, NOW);
    const r = check({ ...g, lines: [...g.lines, line] });
    expect(r.ok).toBe(true);
    expect(r.unsealed).toBe(1);
  });
});

describe('tamper suite: one exact code per tampering', () => {
  test('an edited entry (re-serialised canonically) -> CHAIN_EDITED', () => {
    const g = gold();
    g.lines[3] = editLine(g.lines[3]!);
    expect(codes(check(g))).toEqual(['CHAIN_EDITED']);
    expect(check(g).errors[0]!.line).toBe(4);
  });

  test('an edited last entry (no line after it) -> CHAIN_EDITED via the checkpoint', () => {
    const g = gold();
    g.lines[9] = editLine(g.lines[9]!);
    expect(codes(check(g))).toEqual(['CHAIN_EDITED']);
  });

  test('a byte changed so the line is no longer an entry -> CHAIN_EDITED', () => {
    const g = gold();
    g.lines[2] = g.lines[2]!.replace('"seq":2', '"seq": 2');
    expect(codes(check(g))).toEqual(['CHAIN_EDITED']);
  });

  test('a deleted entry in the middle, or the first -> CHAIN_DELETED', () => {
    const g = gold();
    g.lines.splice(5, 1);
    expect(codes(check(g))).toEqual(['CHAIN_DELETED']);
    const h = gold();
    h.lines.shift();
    expect(codes(check(h))).toEqual(['CHAIN_DELETED']);
  });

  test('two entries swapped -> CHAIN_REORDERED', () => {
    const g = gold();
    [g.lines[4], g.lines[5]] = [g.lines[5]!, g.lines[4]!];
    expect(codes(check(g))).toEqual(['CHAIN_REORDERED']);
  });

  test('entries cut off the end -> CHAIN_TRUNCATED', () => {
    const g = gold();
    g.lines.splice(8);
    expect(codes(check(g))).toEqual(['CHAIN_TRUNCATED']);
  });

  test('a forged checkpoint (another key) -> CHECKPOINT', () => {
    const g = gold();
    const { orchard } = fixture();
    const { line } = makeCheckpoint({
      enclave: g.enclave,
      head: headOfLines(g.enclave, g.lines),
      prevLine: g.checkpoints[1]!,
      now: NOW,
      signer: orchard.signing.signer!,
      cert: orchard.signing.cert,
    });
    g.checkpoints[2] = line;
    expect(codes(check(g))).toEqual(['CHECKPOINT']);
  });

  test('a checkpoint whose count was raised after signing -> CHECKPOINT', () => {
    const g = gold();
    const v = JSON.parse(g.checkpoints[2]!) as Record<string, unknown>;
    v.count = 8;
    g.checkpoints[2] = canonicalize(v);
    expect(codes(check(g))).toEqual(['CHECKPOINT']);
  });

  test('a checkpoint removed from the middle -> CHECKPOINT; one of another enclave -> CHECKPOINT', () => {
    const g = gold();
    g.checkpoints.splice(1, 1);
    expect(codes(check(g))).toEqual(['CHECKPOINT']);
    expect(codes(check({ ...gold(), enclave: fixture().O }))).toContain('CHECKPOINT');
  });

  test('a whole log rewritten by a forger (valid chain, no key) -> CHAIN_EDITED against the signed head', () => {
    const g = gold();
    let head = emptyHead(g.enclave);
    const forged = g.lines.map((l, i) => {
      const inp = JSON.parse(i === 6 ? editLine(l) : l) as AuditInput & { seq?: number; time?: string; prev?: string };
      delete inp.seq;
      delete inp.prev;
      const t = new Date(inp.time!);
      delete inp.time;
      const r = nextAuditEntry(head, inp, t);
      head = r.head;
      return r.line;
    });
    expect(codes(check({ ...g, lines: forged }))).toEqual(['CHAIN_EDITED']);
  });
});

describe('reordering is classified by the hash links (src/core/log/chain.ts), not by seq numbers', () => {
  test('a line moved far from its place -> CHAIN_REORDERED at the line whose hash predecessor is elsewhere', () => {
    const g = gold();
    const [moved] = g.lines.splice(1, 1);
    g.lines.splice(7, 0, moved!); // entry 1 now stands at line 8
    const r = check(g);
    expect(codes(r)).toEqual(['CHAIN_REORDERED']);
    expect(r.errors[0]!.line).toBe(2); // entry 2, now line 2, names entry 1 (now line 8) by hash
    expect(r.errors[0]!.message).toMatch(/follows line 8 in the hash chain/);
  });

  test('a repeated entry -> CHAIN_REORDERED', () => {
    const g = gold();
    g.lines.splice(6, 0, g.lines[2]!);
    const r = check(g);
    expect(codes(r)).toEqual(['CHAIN_REORDERED']);
    expect(r.errors[0]!.message).toMatch(/repeats an earlier line/);
  });

  test('an entry whose seq was lowered is an edit, not a reordering: the hash links are intact around it', () => {
    const g = gold();
    g.lines[5] = canonicalize({ ...(JSON.parse(g.lines[5]!) as Record<string, unknown>), seq: 2 });
    const r = check(g);
    expect(codes(r)).toEqual(['CHAIN_EDITED']);
    expect(r.errors[0]!.line).toBe(6);
  });

  test('the true order is rebuilt, so a reordering hides no other damage', () => {
    const swapped = (): ReturnType<typeof gold> => {
      const g = gold();
      [g.lines[1], g.lines[2]] = [g.lines[2]!, g.lines[1]!];
      return g;
    };
    const del = swapped();
    del.lines.splice(6, 1);
    const rd = check(del);
    expect(codes(rd)).toEqual(['CHAIN_REORDERED', 'CHAIN_DELETED']);
    expect(rd.errors[1]!.line).toBe(7);
    const cut = swapped();
    cut.lines.splice(8);
    expect(codes(check(cut))).toEqual(['CHAIN_REORDERED', 'CHAIN_TRUNCATED']);
    const bad = swapped();
    bad.lines[7] = 'not json';
    const rb = check(bad);
    expect(codes(rb)).toEqual(['CHAIN_REORDERED', 'CHAIN_EDITED']);
    expect(rb.errors[1]!.line).toBe(8);
    const edited = swapped();
    edited.lines[9] = editLine(edited.lines[9]!); // the last entry: only its checkpoint can tell, checked in the rebuilt order
    expect(codes(check(edited))).toEqual(['CHAIN_REORDERED', 'CHAIN_EDITED']);
  });

  test('property: any transposition of two entries, near or far -> CHAIN_REORDERED and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (a, b) => {
        fc.pre(a !== b);
        const g = gold();
        [g.lines[a], g.lines[b]] = [g.lines[b]!, g.lines[a]!];
        const r = check(g);
        expect(r.ok).toBe(false);
        expect(codes(r)).toEqual(['CHAIN_REORDERED']);
      }),
      { numRuns: 40 },
    );
  });
});

describe('property: any single tampering is detected with its code', () => {
  const big = build(12, 3);
  test('delete / swap / edit / truncate', () => {
    fc.assert(
      fc.property(fc.constantFrom('delete', 'swap', 'edit', 'truncate'), fc.integer({ min: 0, max: 10 }), (op, i) => {
        const l = { ...big, lines: [...big.lines] };
        let want: string;
        if (op === 'delete') {
          l.lines.splice(i, 1);
          want = 'CHAIN_DELETED';
        } else if (op === 'swap') {
          [l.lines[i], l.lines[i + 1]] = [l.lines[i + 1]!, l.lines[i]!];
          want = 'CHAIN_REORDERED';
        } else if (op === 'edit') {
          l.lines[i] = editLine(l.lines[i]!);
          want = 'CHAIN_EDITED';
        } else {
          l.lines.splice(i + 1);
          want = 'CHAIN_TRUNCATED';
        }
        const r = check(l);
        expect(r.ok).toBe(false);
        expect(codes(r)).toEqual([want]);
      }),
      { numRuns: 60 },
    );
  });
});
