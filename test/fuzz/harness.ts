// Fuzz harness (issue 8 "Fuzzing"): fast-check driven, structure-aware (DER / text / JSON / JSON lines) and raw-bytes mutation of format seeds.
//
// Contract (team brief): each format default-exports a FuzzFormat; fuzzFormat() runs `cases` inputs and
// classifies every outcome. An input passes when the entry point returns a value (and `check` accepts
// it) or throws a WritError with a code. Anything else is a failure: another exception (TypeError,
// RangeError, stack overflow, ...), more than 1 s of CPU for one input, or a memory jump > 256 MiB.
//
// Replay: the property never fails inside fast-check (so every case runs and is counted); each failure
// records fast-check's `seed` and the run index as `path`, and replayInput()/replay() regenerate exactly
// that input (fc.sample is not used: fast-check's { seed, path } replay is what tells the same story).
import fc from 'fast-check';
import { WritError } from '../../src/core/errors.js';

export interface FuzzFormat {
  /** e.g. 'certificate', 'share-mnemonic'. */
  name: string;
  /** Picks the structure-aware mutators. */
  kind: 'der' | 'text' | 'json' | 'jsonl' | 'bytes';
  /** Valid inputs (deterministic; built from fixtures). */
  seeds(): Uint8Array[];
  /**
   * Test-side work that turns a generated input into what `parse` receives (e.g. re-sealing a mutated
   * inner SignedData). It runs before the CPU and memory measurement: the 1 s and 256 MiB ceilings are
   * writ's, not the harness's. Must not throw for any input.
   */
  prepare?(input: Uint8Array): Uint8Array;
  /** The real writ entry point; returns or throws. */
  parse(input: Uint8Array): unknown;
  /** Semantic check of an ACCEPTED input; throw if wrong. */
  check?(input: Uint8Array, result: unknown): void;
}

export interface FuzzFailure {
  /** fast-check seed of the run; replay with `replayInput(format, seed, path)` or fc.assert({ seed, path }). */
  seed: number;
  /** fast-check path (the run index). */
  path: string;
  /** Input as hex, truncated to 512 hex digits. */
  input: string;
  /** Input length in bytes. */
  length: number;
  /** What went wrong: the foreign exception, the timeout or the memory jump. */
  error: string;
}

export interface FuzzReport {
  format: string;
  /** fast-check seed of the whole run (every failure's replay needs it with its path). */
  seed: number;
  cases: number;
  accepted: number;
  /** Rejections per WritError code. */
  rejected: Record<string, number>;
  failures: FuzzFailure[];
  /** Mutator names that produced the cases (diagnostic, for docs/fuzzing.md). */
  mutators: Record<string, number>;
  /**
   * WritErrors whose cause chain holds a TypeError / RangeError (a catch-all turned a programming error
   * into a code): counted per message. Not a failure by the contract, but each is worth a look.
   */
  masked: Record<string, number>;
}

/** Per-input CPU ceiling (issue 8). CPU time, not wall time: the box is 2 cores shared by many jobs. */
export const CPU_CEILING_MS = 1000;
/** Per-input memory jump ceiling (issue 8): growth of rss or arrayBuffers across one input. */
export const MEMORY_CEILING_BYTES = 256 * 1024 * 1024;

/** Number of cases per format for this run. */
export function fuzzCases(): number {
  const n = Number(process.env.WRIT_FUZZ_CASES ?? 2000);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 2000;
}

// ---------------------------------------------------------------------------------------------------
// Mutation parameters: a plain record fast-check generates (and can shrink); mutators are pure
// functions of (seeds, params), so { seed, path } regenerates the same input.

interface Op {
  k: number;
  a: number;
  b: number;
  c: number;
  bytes: Uint8Array;
}
type Plan = { t: 'mut'; s: number; ops: Op[] } | { t: 'raw'; s: number; bytes: Uint8Array; mode: number };

const opArb: fc.Arbitrary<Op> = fc.record({
  k: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  bytes: fc.uint8Array({ maxLength: 48 }),
});

const planArb: fc.Arbitrary<Plan> = fc.oneof(
  // A seed plus one mutation (the issue's structure-aware generator).
  { weight: 14, arbitrary: fc.record({ t: fc.constant('mut' as const), s: fc.nat(), ops: fc.array(opArb, { minLength: 1, maxLength: 1 }) }) },
  // A few stacked mutations reach states one mutation cannot.
  { weight: 3, arbitrary: fc.record({ t: fc.constant('mut' as const), s: fc.nat(), ops: fc.array(opArb, { minLength: 2, maxLength: 4 }) }) },
  // The seed itself: proves valid inputs pass `check`.
  { weight: 1, arbitrary: fc.record({ t: fc.constant('mut' as const), s: fc.nat(), ops: fc.constant([] as Op[]) }) },
  // Raw bytes (the issue's raw-bytes generator), sometimes behind a plausible first byte.
  { weight: 4, arbitrary: fc.record({ t: fc.constant('raw' as const), s: fc.nat(), bytes: fc.uint8Array({ maxLength: 1024 }), mode: fc.nat() }) },
);

/** Growth one mutation may add (duplicates, nesting): inputs stay under MAX_INPUT_BYTES-sized territory. */
const MAX_GENERATED_GROWTH = 8 * 1024 * 1024;

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: false });

function pick<T>(xs: readonly T[], n: number): T {
  return xs[n % xs.length]!;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Generic byte-level mutations (used by every kind, and as the 'bytes' kind's own mutators). */
function byteMutate(buf: Uint8Array, op: Op): { out: Uint8Array; name: string } {
  const len = buf.length;
  switch (op.k % 8) {
    case 0: {
      if (len === 0) return { out: op.bytes, name: 'bytes:fill' };
      const out = buf.slice();
      const i = op.a % len;
      out[i] = out[i]! ^ (1 << (op.b % 8));
      return { out, name: 'bytes:flip' };
    }
    case 1:
      return { out: buf.slice(0, len === 0 ? 0 : op.a % len), name: 'bytes:truncate' };
    case 2: {
      const at = len === 0 ? 0 : op.a % (len + 1);
      return { out: cat(buf.subarray(0, at), op.bytes, buf.subarray(at)), name: 'bytes:insert' };
    }
    case 3: {
      // Overwrite a run with 0x00 / 0xff / 0x80 / random.
      const out = buf.slice();
      const fillers = [0x00, 0xff, 0x80, 0x7f];
      const start = len === 0 ? 0 : op.a % len;
      const n = 1 + (op.b % 16);
      for (let i = start; i < Math.min(len, start + n); i++) out[i] = op.c % 5 === 4 ? (op.bytes[i % Math.max(1, op.bytes.length)] ?? 0) : pick(fillers, op.c);
      return { out, name: 'bytes:overwrite' };
    }
    case 4: {
      // Delete a run.
      const start = len === 0 ? 0 : op.a % len;
      return { out: cat(buf.subarray(0, start), buf.subarray(start + 1 + (op.b % 64))), name: 'bytes:delete' };
    }
    case 5: {
      // Duplicate a chunk in place (repetition confuses counted structures).
      if (len === 0) return { out: buf, name: 'bytes:repeat' };
      const start = op.a % len;
      const end = Math.min(len, start + 1 + (op.b % 256));
      const reps = 1 + (op.c % 8);
      const chunk = buf.subarray(start, end);
      return { out: cat(buf.subarray(0, end), ...Array.from({ length: reps }, () => chunk), buf.subarray(end)), name: 'bytes:repeat' };
    }
    case 6:
      return { out: cat(buf, op.bytes), name: 'bytes:append' };
    default: {
      // Swap two chunks.
      if (len < 2) return { out: buf, name: 'bytes:swap' };
      const i = op.a % len;
      const j = op.b % len;
      const [x, y] = i < j ? [i, j] : [j, i];
      const n = Math.min(1 + (op.c % 32), y - x, len - y);
      if (n <= 0) return { out: buf, name: 'bytes:swap' };
      const out = buf.slice();
      out.set(buf.subarray(y, y + n), x);
      out.set(buf.subarray(x, x + n), y);
      return { out, name: 'bytes:swap' };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// DER: a lenient TLV tree (X.690 §8.1: identifier, length, contents) that re-encodes ancestors' lengths
// after a local mutation, so a mutation hits one field while the rest stays well-formed.

interface DerNode {
  id: Uint8Array;
  /** Set when the node is constructed (or an OCTET/BIT STRING whose content parsed as DER). */
  kids?: DerNode[];
  /** For a BIT STRING holding DER: the unused-bits octet kept in front of the children. */
  prefix?: Uint8Array;
  content: Uint8Array;
  /** A deliberately wrong length encoding (mutation 'length'). */
  lenOverride?: Uint8Array;
  /** Bytes appended after the content (e.g. end-of-contents for an indefinite length). */
  trailer?: Uint8Array;
}

function lenBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const b: number[] = [];
  let v = n;
  while (v > 0) {
    b.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return Uint8Array.of(0x80 | b.length, ...b);
}

function parseNodes(buf: Uint8Array, depth: number): DerNode[] | undefined {
  const out: DerNode[] = [];
  let p = 0;
  while (p < buf.length) {
    const start = p;
    const id0 = buf[p++]!;
    if ((id0 & 0x1f) === 0x1f) {
      while (p < buf.length && (buf[p]! & 0x80) !== 0) p++;
      p++;
    }
    if (p >= buf.length) return undefined;
    const idEnd = p;
    const l0 = buf[p++]!;
    let len = 0;
    if (l0 < 0x80) len = l0;
    else {
      const n = l0 & 0x7f;
      if (n === 0 || n > 4 || p + n > buf.length) return undefined;
      for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
    }
    if (len > buf.length - p) return undefined;
    const content = buf.subarray(p, p + len);
    p += len;
    const node: DerNode = { id: buf.subarray(start, idEnd), content };
    if (depth < 48) {
      if ((id0 & 0x20) !== 0) {
        const kids = parseNodes(content, depth + 1);
        if (kids) node.kids = kids;
      } else if (id0 === 0x04 && content.length >= 2 && (content[0] === 0x30 || content[0] === 0x31 || content[0] === 0x04 || content[0] === 0x03)) {
        // Encapsulated DER (extnValue, eContent, encrypted keys): walk into it too.
        const kids = parseNodes(content, depth + 1);
        if (kids && kids.length > 0) node.kids = kids;
      } else if (id0 === 0x03 && content.length >= 3 && content[0] === 0 && content[1] === 0x30) {
        const kids = parseNodes(content.subarray(1), depth + 1);
        if (kids && kids.length > 0) {
          node.kids = kids;
          node.prefix = content.subarray(0, 1);
        }
      }
    }
    out.push(node);
  }
  return out;
}

function serNode(n: DerNode): Uint8Array {
  const content = n.kids ? cat(n.prefix ?? new Uint8Array(0), ...n.kids.map(serNode)) : n.content;
  return cat(n.id, n.lenOverride ?? lenBytes(content.length), content, n.trailer ?? new Uint8Array(0));
}

interface Slot {
  parent: DerNode[];
  index: number;
  depth: number;
}

function slots(roots: DerNode[]): Slot[] {
  const out: Slot[] = [];
  const walk = (list: DerNode[], depth: number): void => {
    list.forEach((n, i) => {
      out.push({ parent: list, index: i, depth });
      if (n.kids) walk(n.kids, depth + 1);
    });
  };
  walk(roots, 0);
  return out;
}

function cloneTree(list: DerNode[]): DerNode[] {
  return list.map((n) => ({ ...n, kids: n.kids ? cloneTree(n.kids) : undefined }));
}

const INTERESTING_CONTENT: Uint8Array[] = [
  new Uint8Array(0),
  Uint8Array.of(0x00),
  Uint8Array.of(0xff),
  Uint8Array.of(0x80),
  Uint8Array.of(0x00, 0x00),
  Uint8Array.of(0x00, 0x80),
  Uint8Array.of(0x7f, 0xff, 0xff, 0xff),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), // OID arc overflow
  Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d), // truncated OID
  te.encode('991231235959Z'),
  te.encode('99991231235960Z'),
  te.encode('20260230000000Z'),
  te.encode('000101000000+0100'),
  te.encode('\u0000\uFEFF\u202E'),
  Uint8Array.of(0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff),
  new Uint8Array(4096).fill(0xff),
  new Uint8Array(70_000).fill(0x41),
];

/** Bogus length encodings (X.690 §8.1.3 forms DER forbids or that lie about the content). */
function badLength(actual: number, choice: number, extra: number): { len: Uint8Array; name: string; trailer?: Uint8Array } {
  switch (choice % 9) {
    case 0:
      return { len: lenBytes(Math.max(0, actual - 1 - (extra % 4))), name: 'der:length-shorter' };
    case 1:
      return { len: lenBytes(actual + 1 + (extra % 300)), name: 'der:length-longer' };
    case 2:
      return { len: Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff), name: 'der:length-huge' };
    case 3:
      return { len: Uint8Array.of(0x80), name: 'der:length-indefinite', trailer: extra % 2 === 0 ? Uint8Array.of(0, 0) : undefined };
    case 4: {
      // Long form where short form would do, or with leading zero octets (non-minimal).
      const l = lenBytes(actual);
      const body = l.length === 1 ? l : l.subarray(1);
      const pad = 1 + (extra % 3);
      return { len: cat(Uint8Array.of(0x80 | (body.length + pad)), new Uint8Array(pad), body), name: 'der:length-nonminimal' };
    }
    case 5:
      return { len: Uint8Array.of(0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0), name: 'der:length-9-octets' };
    case 6:
      return { len: Uint8Array.of(0xff), name: 'der:length-reserved' };
    case 7:
      return { len: Uint8Array.of(0x85, 0x01, 0x00, 0x00, 0x00, 0x00), name: 'der:length-5-octets' };
    default:
      return { len: Uint8Array.of(0x84, 0x7f, 0xff, 0xff, 0xff), name: 'der:length-2GiB' };
  }
}

function derMutate(seed: Uint8Array, op: Op, allSeeds: Uint8Array[]): { out: Uint8Array; name: string } {
  const roots = parseNodes(seed, 0);
  if (!roots || roots.length === 0) return byteMutate(seed, op);
  const tree = cloneTree(roots);
  const all = slots(tree);
  const slot = all[op.a % all.length]!;
  const node = slot.parent[slot.index]!;
  const ser = (): Uint8Array => cat(...tree.map(serNode));
  switch (op.k % 14) {
    case 0:
    case 1: {
      // Flip a bit inside the chosen field (identifier, length or content).
      const own = serNode(node);
      const flipped = own.slice();
      const at = op.b % own.length;
      flipped[at] = flipped[at]! ^ (1 << (op.c % 8));
      slot.parent[slot.index] = { id: new Uint8Array(0), content: flipped, lenOverride: new Uint8Array(0) };
      return { out: ser(), name: 'der:flip' };
    }
    case 2: {
      // Truncate: the field's contents (ancestors re-encoded), or the whole input mid-field.
      if (op.c % 2 === 0) {
        const own = serNode(node);
        const cut = own.subarray(0, own.length === 0 ? 0 : op.b % own.length);
        slot.parent[slot.index] = { id: new Uint8Array(0), content: cut, lenOverride: new Uint8Array(0) };
        return { out: ser(), name: 'der:truncate-field' };
      }
      const whole = ser();
      return { out: whole.subarray(0, whole.length === 0 ? 0 : op.b % whole.length), name: 'der:truncate' };
    }
    case 3: {
      // Extend: bytes after the field's content (inside it), or a stray element after it.
      if (op.c % 2 === 0 || !node.kids) {
        delete node.kids;
        delete node.prefix;
        node.content = cat(serNodeContent(node), op.bytes);
        return { out: ser(), name: 'der:extend-content' };
      }
      node.kids.push({ id: Uint8Array.of(op.b & 0xff), content: op.bytes });
      return { out: ser(), name: 'der:extend-child' };
    }
    case 4: {
      // Swap two sibling fields.
      const sib = slot.parent;
      if (sib.length < 2) return { out: ser(), name: 'der:swap-none' };
      const j = op.b % sib.length;
      const i = slot.index === j ? (j + 1) % sib.length : slot.index;
      [sib[i], sib[j]] = [sib[j]!, sib[i]!];
      return { out: ser(), name: 'der:swap' };
    }
    case 5:
    case 6: {
      // Change a length: shorter / longer / huge / indefinite / long-form non-minimal / reserved.
      const contentLen = serNodeContent(node).length;
      const bad = badLength(contentLen, op.b, op.c);
      node.lenOverride = bad.len;
      if (bad.trailer) node.trailer = bad.trailer;
      return { out: ser(), name: bad.name };
    }
    case 7: {
      // Change a tag: another universal tag, flip constructed, another class, high-tag form.
      const choices: { id: Uint8Array; name: string }[] = [
        { id: Uint8Array.of(op.b & 0xff), name: 'der:tag-random' },
        { id: Uint8Array.of((node.id[0] ?? 0) ^ 0x20, ...node.id.subarray(1)), name: 'der:tag-constructed' },
        { id: Uint8Array.of(((node.id[0] ?? 0) & 0x3f) | ((op.b % 4) << 6), ...node.id.subarray(1)), name: 'der:tag-class' },
        { id: Uint8Array.of(0x1f | ((node.id[0] ?? 0) & 0xe0), 0x80 | (op.b % 128), op.c % 128), name: 'der:tag-high' },
        { id: Uint8Array.of(0x1f | ((node.id[0] ?? 0) & 0xe0), (node.id[0] ?? 0) & 0x1f), name: 'der:tag-high-nonminimal' },
        { id: Uint8Array.of(0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f), name: 'der:tag-high-huge' },
        { id: Uint8Array.of(pick([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x30, 0x31, 0xa0, 0xa3, 0x80, 0x00], op.b)), name: 'der:tag-universal' },
      ];
      const ch = pick(choices, op.c);
      node.id = ch.id;
      return { out: ser(), name: ch.name };
    }
    case 8: {
      // Nest deeper: wrap the field in SEQUENCE / SET / [0] many levels.
      let inner = serNode(node);
      // Deep nesting of a big field costs depth x size to build: keep that under MAX_GENERATED_GROWTH * 4.
      const depth = Math.max(1, Math.min(pick([1, 2, 3, 8, 64, 256, 1000, 5000, 20000], op.b), Math.floor((4 * MAX_GENERATED_GROWTH) / Math.max(1, inner.length))));
      const wrapId = Uint8Array.of(pick([0x30, 0x31, 0xa0, 0x24], op.c));
      for (let i = 0; i < depth; i++) inner = cat(wrapId, lenBytes(inner.length), inner);
      slot.parent[slot.index] = { id: new Uint8Array(0), content: inner, lenOverride: new Uint8Array(0) };
      return { out: ser(), name: 'der:nest' };
    }
    case 9: {
      // Duplicate a field (e.g. a second extension with the same OID, two signatures).
      // At most ~8 MiB of copies: a 64 KB field times 2,000 made 129 MB inputs whose cost was the test's own re-sealing.
      const own = serNode(node).length;
      const copies = Math.max(1, Math.min(pick([1, 1, 2, 100, 2000], op.b), Math.floor(MAX_GENERATED_GROWTH / Math.max(1, own))));
      slot.parent.splice(slot.index + 1, 0, ...Array.from({ length: copies }, () => node));
      return { out: ser(), name: 'der:duplicate' };
    }
    case 10:
      slot.parent.splice(slot.index, 1);
      return { out: ser(), name: 'der:delete' };
    case 11: {
      // Replace the contents with an interesting value (empty, 0x00, huge, overflowing OID, bad time, bad UTF-8).
      delete node.kids;
      delete node.prefix;
      node.content = op.c % 4 === 3 ? op.bytes : pick(INTERESTING_CONTENT, op.b);
      return { out: ser(), name: 'der:content' };
    }
    case 12: {
      // Splice a field from another seed (same depth if possible): structure-valid but semantically foreign.
      const other = parseNodes(pick(allSeeds, op.b), 0);
      if (!other) return { out: ser(), name: 'der:splice-none' };
      const os = slots(other);
      const same = os.filter((s) => s.depth === slot.depth);
      const from = pick(same.length > 0 ? same : os, op.c);
      slot.parent[slot.index] = from.parent[from.index]!;
      return { out: ser(), name: 'der:splice' };
    }
    default: {
      const r = byteMutate(ser(), op);
      return { out: r.out, name: `der:${r.name}` };
    }
  }
}

function serNodeContent(node: DerNode): Uint8Array {
  return node.kids ? cat(node.prefix ?? new Uint8Array(0), ...node.kids.map(serNode)) : node.content;
}

// ---------------------------------------------------------------------------------------------------
// Text: token- and line-aware mutations, plus Unicode edge cases and long lines.

const EDGE_STRINGS: string[] = [
  '',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\u200B',
  '\u2028',
  'e\u0301',
  '\u00e9',
  '\u0130',
  '\u01C5',
  '\uD83D\uDE00',
  '\uFFFD',
  '\uFFFF',
  '\r',
  '\r\n',
  '\t',
  ' ',
  '-----',
  '=',
  '==',
  '"',
  '\\',
  '\\u0000',
  '{',
  '[',
  '-0',
  '0',
  '-1',
  '1e999',
  '9'.repeat(400),
  'NaN',
  'null',
  'true',
  '__proto__',
  'constructor',
  'A'.repeat(4096),
];
/** Byte sequences that are not UTF-8 (X.690 aside, RFC 3629 §3/§10): overlong, surrogate, > U+10FFFF, stray continuation. */
const BAD_UTF8: Uint8Array[] = [Uint8Array.of(0xff), Uint8Array.of(0xc0, 0x80), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xf4, 0x90, 0x80, 0x80), Uint8Array.of(0x80), Uint8Array.of(0xe2, 0x82)];

function longLine(n: number): string {
  return 'x'.repeat(pick([1_000, 70_000, 1_100_000, 5_000_000], n));
}

function textMutate(seed: Uint8Array, op: Op): { out: Uint8Array; name: string } {
  const text = td.decode(seed);
  const tokens = text.split(/(\s+|[,:;=\-{}[\]"'()|/.])/).filter((t) => t !== '');
  const lines = text.split('\n');
  const tokIdx = tokens.length === 0 ? 0 : op.a % tokens.length;
  const lineIdx = op.a % lines.length;
  const join = (t: string[]): Uint8Array => te.encode(t.join(''));
  const joinLines = (l: string[]): Uint8Array => te.encode(l.join('\n'));
  switch (op.k % 16) {
    case 0:
      tokens.splice(tokIdx, 1);
      return { out: join(tokens), name: 'text:drop-token' };
    case 1:
      tokens.splice(tokIdx, 0, tokens[tokIdx] ?? '');
      return { out: join(tokens), name: 'text:dup-token' };
    case 2: {
      const j = tokens.length === 0 ? 0 : op.b % tokens.length;
      [tokens[tokIdx], tokens[j]] = [tokens[j] ?? '', tokens[tokIdx] ?? ''];
      return { out: join(tokens), name: 'text:swap-tokens' };
    }
    case 3:
      tokens[tokIdx] = pick(EDGE_STRINGS, op.b);
      return { out: join(tokens), name: 'text:replace-token' };
    case 4:
      tokens.splice(tokIdx, 0, pick(EDGE_STRINGS, op.b));
      return { out: join(tokens), name: 'text:insert-edge' };
    case 5:
      lines.splice(lineIdx, 1);
      return { out: joinLines(lines), name: 'text:drop-line' };
    case 6:
      const line = lines[lineIdx] ?? '';
      const n = Math.max(1, Math.min(pick([1, 1, 2, 1000], op.b), Math.floor(MAX_GENERATED_GROWTH / Math.max(1, line.length))));
      lines.splice(lineIdx, 0, ...Array.from({ length: n }, () => line));
      return { out: joinLines(lines), name: 'text:dup-line' };
    case 7: {
      const j = op.b % lines.length;
      [lines[lineIdx], lines[j]] = [lines[j] ?? '', lines[lineIdx] ?? ''];
      return { out: joinLines(lines), name: 'text:swap-lines' };
    }
    case 8:
      lines.splice(lineIdx, 0, longLine(op.b));
      return { out: joinLines(lines), name: 'text:long-line' };
    case 9: {
      // Case change of one token (words lists, hex, labels are case-sensitive or not).
      const t = tokens[tokIdx] ?? '';
      tokens[tokIdx] = op.b % 2 === 0 ? t.toUpperCase() : t.toLowerCase();
      return { out: join(tokens), name: 'text:case' };
    }
    case 10:
      return { out: te.encode(op.b % 3 === 0 ? text.replace(/\n/g, '\r\n') : op.b % 3 === 1 ? `\uFEFF${text}` : text.replace(/\n/g, '\r')), name: 'text:line-endings-bom' };
    case 11: {
      // Invalid UTF-8 at a token boundary.
      const before = te.encode(tokens.slice(0, tokIdx).join(''));
      return { out: cat(before, pick(BAD_UTF8, op.b), te.encode(tokens.slice(tokIdx).join(''))), name: 'text:bad-utf8' };
    }
    case 12: {
      // Truncate at a token boundary (not mid-token; byte truncation covers that).
      return { out: join(tokens.slice(0, tokIdx)), name: 'text:truncate-token' };
    }
    case 13: {
      // A digit run changed into a huge / negative / zero number.
      const t = tokens[tokIdx] ?? '';
      tokens[tokIdx] = /^\d+$/.test(t) ? pick(['0', '-1', '99999999999999999999', '4294967296', '1e3', '08'], op.b) : t;
      return { out: join(tokens), name: 'text:number' };
    }
    default: {
      const r = byteMutate(seed, op);
      return { out: r.out, name: `text:${r.name}` };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// JSON: a tree that keeps object entries as a list (so keys can be duplicated) and primitives as raw
// JSON text (so numbers can be 1e999 or 30 digits without JSON.parse rounding them first).

type Jv = { t: 'obj'; e: [string, Jv][] } | { t: 'arr'; e: Jv[] } | { t: 'raw'; s: string };

function toJv(v: unknown, depth = 0): Jv {
  // Below depth 64 a subtree stays opaque: mutants of earlier deep-nesting mutations must not overflow the generator.
  if (depth > 64) return { t: 'raw', s: 'null' };
  if (Array.isArray(v)) return { t: 'arr', e: v.map((x) => toJv(x, depth + 1)) };
  if (v !== null && typeof v === 'object') return { t: 'obj', e: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJv(x, depth + 1)]) };
  return { t: 'raw', s: JSON.stringify(v) ?? 'null' };
}

function serJv(v: Jv, indent: number, level = 0): string {
  const nl = indent > 0 ? `\n${' '.repeat(indent * (level + 1))}` : '';
  const end = indent > 0 ? `\n${' '.repeat(indent * level)}` : '';
  const sep = indent > 0 ? ': ' : ':';
  if (v.t === 'raw') return v.s;
  if (v.t === 'arr') return v.e.length === 0 ? '[]' : `[${v.e.map((x) => nl + serJv(x, indent, level + 1)).join(',')}${end}]`;
  return v.e.length === 0 ? '{}' : `{${v.e.map(([k, x]) => `${nl}${JSON.stringify(k)}${sep}${serJv(x, indent, level + 1)}`).join(',')}${end}}`;
}

interface JvSlot {
  /** The container (object or array) and the index of an entry in it. */
  box: Jv & { t: 'obj' | 'arr' };
  index: number;
}

function jvSlots(v: Jv): JvSlot[] {
  const out: JvSlot[] = [];
  const walk = (x: Jv, depth: number): void => {
    if (x.t === 'raw' || depth > 64) return;
    x.e.forEach((entry, i) => {
      out.push({ box: x, index: i });
      walk(Array.isArray(entry) && x.t === 'obj' ? (entry as [string, Jv])[1] : (entry as Jv), depth + 1);
    });
  };
  walk(v, 0);
  return out;
}

function getAt(s: JvSlot): Jv {
  return s.box.t === 'obj' ? s.box.e[s.index]![1] : s.box.e[s.index]!;
}
function setAt(s: JvSlot, v: Jv): void {
  if (s.box.t === 'obj') s.box.e[s.index] = [s.box.e[s.index]![0], v];
  else s.box.e[s.index] = v;
}

const TYPE_CHANGES: string[] = [
  'null',
  'true',
  'false',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e999',
  '-1e999',
  '1e-400',
  '9007199254740993',
  '123456789012345678901234567890',
  '""',
  '"0"',
  '"x"',
  '"\\u0000"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\uFEFF"',
  '"e\u0301"',
  '"\u202E"',
  '[]',
  '{}',
  '[null]',
  '{"":null}',
  '{"__proto__":{"x":1}}',
];

function jsonMutateText(text: string, op: Op): { out: string; name: string } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = toJv(v);
  const indent = text.includes('\n  ') ? 2 : 0;
  const trail = text.endsWith('\n') ? '\n' : '';
  const all = jvSlots(root);
  const ser = (r: Jv = root): string => serJv(r, indent) + trail;
  if (all.length === 0) return { out: ser({ t: 'raw', s: pick(TYPE_CHANGES, op.b) }), name: 'json:replace-root' };
  const s = all[op.a % all.length]!;
  switch (op.k % 11) {
    case 0:
      s.box.e.splice(s.index, 1);
      return { out: ser(), name: 'json:drop-field' };
    case 1: {
      // Duplicate a field (same key twice: JSON.parse keeps the last one; RFC 8259 §4 says SHOULD be unique).
      const entry = s.box.e[s.index]!;
      s.box.e.splice(s.index + (op.b % 2), 0, entry as never);
      if (s.box.t === 'obj' && op.c % 2 === 0) s.box.e[s.index] = [s.box.e[s.index]![0], { t: 'raw', s: pick(TYPE_CHANGES, op.c) }];
      return { out: ser(), name: 'json:dup-field' };
    }
    case 2: {
      // Swap two fields' values (same container) or two fields' positions.
      const j = op.b % s.box.e.length;
      if (s.box.t === 'obj' && op.c % 2 === 0) {
        const a = s.box.e[s.index]!;
        const b = s.box.e[j]!;
        s.box.e[s.index] = [a[0], b[1]];
        s.box.e[j] = [b[0], a[1]];
      } else {
        const e = s.box.e as unknown[];
        [e[s.index], e[j]] = [e[j], e[s.index]];
      }
      return { out: ser(), name: 'json:swap-fields' };
    }
    case 3:
    case 4:
      setAt(s, { t: 'raw', s: pick(TYPE_CHANGES, op.b) });
      return { out: ser(), name: 'json:change-type' };
    case 5: {
      // Deep nesting around a value.
      const depth = pick([10, 100, 1000, 10_000, 100_000], op.b);
      const cur = serJv(getAt(s), 0);
      const [o, c] = op.c % 2 === 0 ? ['[', ']'] : ['{"a":', '}'];
      setAt(s, { t: 'raw', s: o.repeat(depth) + cur + c.repeat(depth) });
      return { out: ser(), name: 'json:deep-nest' };
    }
    case 6: {
      // Unicode edge cases and long strings in a string value.
      const cur = getAt(s);
      const base = cur.t === 'raw' && cur.s.startsWith('"') ? (JSON.parse(cur.s) as string) : '';
      const edge = op.c % 5 === 0 ? 'y'.repeat(pick([10_000, 1_100_000], op.b)) : pick(EDGE_STRINGS, op.b);
      const at = base.length === 0 ? 0 : op.c % (base.length + 1);
      setAt(s, { t: 'raw', s: JSON.stringify(base.slice(0, at) + edge + base.slice(at)) });
      return { out: ser(), name: 'json:unicode' };
    }
    case 7: {
      // Rename a key (unknown field, case change, look-alike, empty).
      if (s.box.t !== 'obj') return { out: ser(), name: 'json:rename-none' };
      const [k, x] = s.box.e[s.index]!;
      const nk = pick([k.toUpperCase(), `${k}_`, '', `${k}\u200B`, 'unknownField', '__proto__', k.replace(/[a-z]/, 'а')], op.b);
      s.box.e[s.index] = [nk, x];
      return { out: ser(), name: 'json:rename-key' };
    }
    case 8: {
      // Huge numbers / number edge cases in a numeric field.
      setAt(s, { t: 'raw', s: pick(['1e309', '-1e309', '1e-324', '9007199254740993', '18446744073709551616', '0.1', '-0', '1E2', '00', '1.0'], op.b) });
      return { out: ser(), name: 'json:huge-number' };
    }
    case 9: {
      // An array grows to many copies of one element.
      const cur = getAt(s);
      // Bounded output: stacked "many" ops multiplied 10,000 x 10,000 copies and ran the worker out of heap.
      const n = Math.min(pick([2, 100, 10_000], op.b), Math.max(2, Math.floor(2_000_000 / Math.max(1, serJv(cur, 0).length))));
      setAt(s, { t: 'arr', e: Array.from({ length: n }, () => cur) });
      return { out: ser(), name: 'json:many' };
    }
    default: {
      // A textual mutation of the JSON (trailing comma, comments, whitespace, truncation).
      const t = ser();
      const choices = [t.replace(/}(\s*)$/, ',}$1'), `${t}x`, `// c\n${t}`, t.replace(/:/, ' : '), t.slice(0, op.c % Math.max(1, t.length)), `${t}${t}`];
      return { out: pick(choices, op.b), name: 'json:text' };
    }
  }
}

function jsonMutate(seed: Uint8Array, op: Op): { out: Uint8Array; name: string } {
  if (op.k % 10 === 9) return textMutate(seed, { ...op, k: Math.floor(op.k / 10) });
  const r = jsonMutateText(td.decode(seed), op);
  if (!r) return textMutate(seed, op);
  return { out: te.encode(r.out), name: r.name };
}

function jsonlMutate(seed: Uint8Array, op: Op): { out: Uint8Array; name: string } {
  const text = td.decode(seed);
  const trail = text.endsWith('\n');
  const lines = (trail ? text.slice(0, -1) : text).split('\n');
  const i = op.a % lines.length;
  const join = (l: string[], t = trail): Uint8Array => te.encode(l.join('\n') + (t ? '\n' : ''));
  switch (op.k % 10) {
    case 0:
    case 1:
    case 2:
    case 3: {
      // A field-aware mutation of one line.
      const r = jsonMutateText(lines[i] ?? '', { ...op, a: op.c, k: Math.floor(op.k / 10) });
      if (!r) return textMutate(seed, op);
      lines[i] = r.out.replace(/\n/g, '');
      return { out: join(lines), name: `jsonl:line-${r.name}` };
    }
    case 4:
      lines.splice(i, 1);
      return { out: join(lines), name: 'jsonl:drop-line' };
    case 5:
      lines.splice(i, 0, lines[i] ?? '');
      return { out: join(lines), name: 'jsonl:dup-line' };
    case 6: {
      const j = op.b % lines.length;
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return { out: join(lines), name: 'jsonl:swap-lines' };
    }
    case 7: {
      const choices = [
        () => join(lines, !trail),
        () => join([...lines.slice(0, i), '', ...lines.slice(i)]),
        () => te.encode(lines.join('\r\n') + (trail ? '\r\n' : '')),
        () => join([...lines.slice(0, i), `{"x":"${longLine(op.c)}"}`, ...lines.slice(i)]),
        () => join([...lines, ...lines]),
      ];
      return { out: pick(choices, op.b)(), name: 'jsonl:lines' };
    }
    case 8: {
      const l = lines[i] ?? '';
      lines[i] = l.slice(0, l.length === 0 ? 0 : op.b % l.length);
      return { out: join(lines), name: 'jsonl:truncate-line' };
    }
    default:
      return textMutate(seed, op);
  }
}

function rawInput(seeds: Uint8Array[], plan: Extract<Plan, { t: 'raw' }>, kind: FuzzFormat['kind']): { out: Uint8Array; name: string } {
  const seed = seeds.length > 0 ? pick(seeds, plan.s) : new Uint8Array(0);
  switch (plan.mode % 4) {
    case 0:
    case 1:
      return { out: plan.bytes, name: 'raw:bytes' };
    case 2:
      // The seed's first bytes, then noise: gets past "is this even the right kind of file".
      return { out: cat(seed.subarray(0, Math.min(seed.length, 1 + (plan.s % 64))), plan.bytes), name: 'raw:seed-prefix' };
    default:
      if (kind === 'der') {
        // A SEQUENCE header claiming the noise as contents.
        return { out: cat(Uint8Array.of(0x30), lenBytes(plan.bytes.length), plan.bytes), name: 'raw:der-seq' };
      }
      // Printable-ish noise for text formats.
      return { out: te.encode(Array.from(plan.bytes, (b) => String.fromCharCode(0x20 + (b % 95))).join('')), name: 'raw:printable' };
  }
}

function buildInput(f: FuzzFormat, seeds: Uint8Array[], plan: Plan): { input: Uint8Array; name: string } {
  if (plan.t === 'raw' || seeds.length === 0) {
    const p = plan.t === 'raw' ? plan : { t: 'raw' as const, s: plan.s, bytes: new Uint8Array(0), mode: 0 };
    const r = rawInput(seeds, p, f.kind);
    return { input: r.out, name: r.name };
  }
  let cur = pick(seeds, plan.s);
  const names: string[] = [];
  for (const op of plan.ops) {
    const r = safeMutate(f.kind, cur, op, seeds);
    cur = r.out;
    names.push(r.name);
  }
  return { input: cur, name: names.length === 0 ? 'seed' : names.length === 1 ? names[0]! : 'stacked' };
}

/** One mutation; a generator that trips over its own input (e.g. JSON nested 100,000 deep by a previous op) falls back to bytes. */
function safeMutate(kind: FuzzFormat['kind'], cur: Uint8Array, op: Op, seeds: Uint8Array[]): { out: Uint8Array; name: string } {
  try {
    return kind === 'der'
      ? derMutate(cur, op, seeds)
      : kind === 'json'
        ? jsonMutate(cur, op)
        : kind === 'jsonl'
          ? jsonlMutate(cur, op)
          : kind === 'text'
              ? textMutate(cur, op)
              : byteMutate(cur, op);
  } catch {
    return byteMutate(cur, op);
  }
}

/** The fast-check arbitrary of a format's inputs (used by fuzzFormat and by the differential tests). */
export function inputArbitrary(f: FuzzFormat, seeds: Uint8Array[] = f.seeds()): fc.Arbitrary<{ input: Uint8Array; name: string }> {
  return planArb.map((plan) => buildInput(f, seeds, plan));
}

// ---------------------------------------------------------------------------------------------------
// Running one input and classifying the outcome.

export type Outcome = { ok: true } | { ok: false; code: string; masked?: string } | { ok: 'fail'; error: string };

function maskedCause(e: WritError): string | undefined {
  let c: unknown = e.cause;
  for (let i = 0; i < 8 && c !== undefined; i++) {
    // TextDecoder({ fatal: true }) reports bad UTF-8 as a TypeError: that one is input, not a bug.
    const decoding = (c as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
    if ((c instanceof TypeError || c instanceof RangeError) && !decoding) return `${c.name}: ${c.message}`.slice(0, 160);
    c = c instanceof Error ? c.cause : undefined;
  }
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 400);
  return `non-Error thrown: ${String(e)}`.slice(0, 400);
}

/** Runs parse (and check on accept) for one input; returns the outcome, timing and memory verdicts included. */
export function runOne(f: FuzzFormat, input: Uint8Array): Outcome {
  let parsed: Uint8Array;
  try {
    parsed = f.prepare === undefined ? input : f.prepare(input);
  } catch (e) {
    return { ok: 'fail', error: `the format's prepare step threw (a harness bug): ${describe(e)}` };
  }
  const m0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  let outcome: Outcome;
  try {
    const result = f.parse(parsed);
    try {
      f.check?.(input, result);
      outcome = { ok: true };
    } catch (e) {
      outcome = { ok: 'fail', error: `accepted but check failed: ${describe(e)}` };
    }
  } catch (e) {
    if (e instanceof WritError && typeof e.code === 'string' && e.code.length > 0) {
      const masked = maskedCause(e);
      outcome = masked === undefined ? { ok: false, code: e.code } : { ok: false, code: e.code, masked };
    }
    else outcome = { ok: 'fail', error: describe(e) };
  }
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  const m1 = process.memoryUsage();
  if (outcome.ok !== 'fail') {
    if (cpuMs > CPU_CEILING_MS) outcome = { ok: 'fail', error: `took ${cpuMs.toFixed(0)} ms of CPU (ceiling ${CPU_CEILING_MS} ms)` };
    const grew = Math.max(m1.rss - m0.rss, m1.arrayBuffers - m0.arrayBuffers);
    if (grew > MEMORY_CEILING_BYTES) outcome = { ok: 'fail', error: `memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB (ceiling 256 MiB)` };
  }
  return outcome;
}

function hexTrunc(b: Uint8Array): string {
  return Buffer.from(b.subarray(0, 256)).toString('hex');
}

/** Runs `cases` fuzz inputs for one format and returns its report (never throws for a bad input). */
export function fuzzFormat(f: FuzzFormat, opts: { cases?: number; seed?: number } = {}): FuzzReport {
  const cases = opts.cases ?? fuzzCases();
  const seed = opts.seed ?? Number(process.env.WRIT_FUZZ_SEED ?? 0x5eed);
  const seeds = f.seeds();
  const report: FuzzReport = { format: f.name, seed, cases: 0, accepted: 0, rejected: {}, failures: [], mutators: {}, masked: {} };
  let run = 0;
  const prop = fc.property(inputArbitrary(f, seeds), ({ input, name }) => {
    const path = String(run++);
    report.cases++;
    report.mutators[name] = (report.mutators[name] ?? 0) + 1;
    const o = runOne(f, input);
    if (o.ok === true) report.accepted++;
    else if (o.ok === false) {
      report.rejected[o.code] = (report.rejected[o.code] ?? 0) + 1;
      if (o.masked !== undefined) report.masked[o.masked] = (report.masked[o.masked] ?? 0) + 1;
    }
    else if (report.failures.length < 50) report.failures.push({ seed, path, input: hexTrunc(input), length: input.length, error: `[${name}] ${o.error}` });
    return true;
  });
  fc.check(prop, { numRuns: cases, seed });
  return report;
}

/** Regenerates the input of one recorded failure (fast-check { seed, path } replay). */
export function replayInput(f: FuzzFormat, seed: number, path: string): Uint8Array {
  let got: Uint8Array | undefined;
  fc.check(
    fc.property(inputArbitrary(f), ({ input }) => {
      got = input;
      return false; // stop at the replayed run
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (!got) throw new Error(`no input replayed for seed ${seed} path ${path}`);
  return got;
}

/** Deterministic sample of a format's fuzz inputs (for differential runs against another parser). */
export function sampleInputs(f: FuzzFormat, n: number, seed: number): { input: Uint8Array; name: string }[] {
  const out: { input: Uint8Array; name: string }[] = [];
  fc.check(
    fc.property(inputArbitrary(f), (x) => {
      out.push(x);
      return true;
    }),
    { numRuns: n, seed },
  );
  return out;
}

/** One line per format: cases, accepted, rejections per code (and failures). */
export function formatReportLine(r: FuzzReport): string {
  const rej = Object.entries(r.rejected)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}=${n}`)
    .join(' ');
  const masked = Object.values(r.masked).reduce((a, b) => a + b, 0);
  return `fuzz ${r.format}: cases=${r.cases} accepted=${r.accepted} rejected{${rej}} failures=${r.failures.length}${masked > 0 ? ` masked=${masked}` : ''}`;
}
