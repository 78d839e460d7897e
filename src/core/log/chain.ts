// The one hash-chain primitive of writ's signed logs (DESIGN.md §2 transcripts, issue 4 audit logs): RFC 8785 canonical lines, SHA-512 links, genesis, and the link classifier.
//
// Each line is its own RFC 8785 canonical JSON form and holds `seq` (0, 1, 2, ...) and `prev`: the hex
// SHA-512 of the previous line's bytes (the first line: of a genesis string naming the log). Both the
// ceremony transcript (src/core/transcript/verify.ts) and the enclave audit log (src/core/audit/log.ts)
// classify damage here, with the codes of src/core/errors.ts LogCode. The hash links are the
// cryptographic truth; seq numbers only say where a gap is:
//  - CHAIN_EDITED: a line is not a well-formed canonical entry; or a line's `prev` matches no line while
//    its seq follows its neighbour's (the neighbour's content changed, or this `prev` did); or a line
//    links to its neighbour by hash but its seq does not follow (its own seq was changed); or the first
//    line does not chain from the genesis (or is not the kind of line a log starts with).
//  - CHAIN_REORDERED: some line's predecessor (by hash) is not the line just above it: the lines are
//    there, in another order (a repeated line counts too). The order the hashes give is rebuilt and the
//    other checks run on it, so a reordering hides no other damage.
//  - CHAIN_DELETED: a line's `prev` matches no line and its seq jumps past the seq of a sound line above
//    it (one whose own link and seq check out): lines are missing in between (or at the start).
//  - CHAIN_TRUNCATED / CHAIN_APPENDED (only for logs that end with a closing record): no closing record
//    (lines missing at the end), or lines after it. Logs without one detect truncation otherwise (the
//    audit log: signed checkpoints).
// A deleted line whose neighbours were renumbered reads as an edit: renumbering IS editing, and the
// classifier reports what the evidence shows rather than guess.
import { canonicalize } from '../json/canonical.js';
import { sha512 } from '../crypto/kdf.js';
import { toHex } from '../crypto/bytes.js';
import { MAX_JSON_DEPTH, checkJsonDepth } from '../limits.js';

const enc = new TextEncoder();

/** Hex SHA-512 of a line's UTF-8 bytes (lines are checked canonical on read, so this is the hash of its RFC 8785 form). */
export function chainLineHash(line: string): string {
  return toHex(sha512(enc.encode(line)));
}

/** A genesis string: "<kind> genesis\n<label>: <id>", e.g. "writ-audit/1 genesis\nenclave: spiffe://...". */
export function chainGenesis(kind: string, label: string, id: string): string {
  return `${kind} genesis\n${label}: ${id}`;
}

/** Hex SHA-512 of a genesis string: the `prev` of a log's first line. */
export function chainGenesisHash(genesis: string): string {
  return chainLineHash(genesis);
}

/**
 * Reads one line as a JSON object that is exactly its own RFC 8785 canonical form (so "the hash of the
 * line" and "the hash of its canonical bytes" agree, and whitespace or member-order edits cannot hide).
 * `shape` checks the log's own schema and returns a reason, or undefined when the object fits.
 */
export function parseCanonicalLine(line: string, shape: (v: Record<string, unknown>) => string | undefined): { value: Record<string, unknown> } | { error: string } {
  let v: unknown;
  try {
    // Depth first: no schema check (whose messages may String() a value) ever walks a deeply nested one.
    checkJsonDepth(line, 'line');
  } catch {
    return { error: `nests deeper than MAX_JSON_DEPTH (${MAX_JSON_DEPTH})` };
  }
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'not JSON' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  try {
    const bad = shape(o);
    if (bad !== undefined) return { error: bad };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'does not fit the entry schema' };
  }
  let canon: string;
  try {
    canon = canonicalize(o);
  } catch {
    return { error: 'has no canonical form' };
  }
  if (canon !== line) return { error: 'is not in RFC 8785 canonical form' };
  return { value: o };
}

export type ChainCode = 'CHAIN_EDITED' | 'CHAIN_REORDERED' | 'CHAIN_DELETED' | 'CHAIN_TRUNCATED' | 'CHAIN_APPENDED';

/** The chain members of a parsed line. */
export interface ChainLink {
  seq: number;
  prev: string;
}

/** A line in file order: its links, or the reason it is not an entry (reported as "line N <error>"). */
export type ChainLine = ChainLink | { error: string };

export interface ChainFinding {
  code: ChainCode;
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ClassifyChainInput {
  /** The lines in file order, parsed. */
  lines: readonly ChainLine[];
  /** chainLineHash of each line's text, same order. */
  hashes: readonly string[];
  /** The genesis hash the first line must chain from (undefined when it cannot be known, e.g. the header is damaged). */
  genesis: string | undefined;
  /** Whether line i (file index, parsed) is the kind of line a log starts with; default: its seq is 0. */
  isHead?: (i: number) => boolean;
  /** Whether line i is a closing record; when given, a missing close is CHAIN_TRUNCATED and lines after it CHAIN_APPENDED. */
  isClose?: (i: number) => boolean;
  /** Words for messages. */
  names?: { log?: string; head?: string; genesis?: string };
}

export interface ClassifyChainResult {
  /** File indices in the order the hash links give (repeated lines left out); the file order when nothing moved. */
  order: number[];
  /** How many positions of `order` belong to the log: up to and including the closing record when there is one. */
  end: number;
  /** File index of the closing record, when isClose was given and found one. */
  close: number | undefined;
  findings: ChainFinding[];
}

const isLink = (l: ChainLine | undefined): l is ChainLink => l !== undefined && !('error' in l);

/** Classifies the damage to a hash-chained log (see the file comment for the rules). Never throws on bad content. */
export function classifyChain(o: ClassifyChainInput): ClassifyChainResult {
  const { lines, hashes, genesis } = o;
  if (hashes.length !== lines.length) throw new RangeError('hashes must hold one hash per line');
  const logName = o.names?.log ?? 'log';
  const headName = o.names?.head ?? 'first entry';
  const genesisName = o.names?.genesis ?? `the ${logName}'s genesis`;
  const findings: ChainFinding[] = [];
  const add = (code: ChainCode, message: string, index: number): void => {
    findings.push({ code, line: index + 1, message });
  };
  const link = (i: number): ChainLink | undefined => {
    const l = lines[i];
    return isLink(l) ? l : undefined;
  };

  // ---- links: which line each line's `prev` points at
  // Linear bookkeeping throughout: a hostile file of many repeated lines must not cost O(n^2).
  const byHash = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    const at = byHash.get(h);
    if (at) at.push(i);
    else byHash.set(h, [i]);
  });
  const pred: (number | 'genesis' | undefined)[] = lines.map((_, i) => {
    const e = link(i);
    if (!e) return undefined;
    if (genesis !== undefined && e.prev === genesis) return 'genesis';
    if (i > 0 && hashes[i - 1] === e.prev) return i - 1;
    const c = byHash.get(e.prev);
    if (!c) return undefined;
    return c[0] !== i ? c[0] : c[1];
  });
  const misplaced = pred.findIndex((p, i) => (p === 'genesis' ? i !== 0 : p !== undefined && p !== i - 1));

  let order = lines.map((_, i) => i);
  if (misplaced >= 0) {
    // Rebuild the order the hashes give: from the genesis, follow each line to the one that names it.
    const succ = new Map<number | 'genesis', number[]>();
    pred.forEach((p, i) => {
      if (p === undefined) return;
      const at = succ.get(p);
      if (at) at.push(i);
      else succ.set(p, [i]);
    });
    const walk: number[] = [];
    const inWalk = new Set<number>();
    const cursor = new Map<number | 'genesis', number>();
    const follow = (from: number | 'genesis'): void => {
      for (let cur = from; ; ) {
        // A cursor per line skips successors already walked, so each is looked at once.
        const nexts = succ.get(cur) ?? [];
        let k = cursor.get(cur) ?? 0;
        while (k < nexts.length && inWalk.has(nexts[k]!)) k++;
        cursor.set(cur, k);
        const next = nexts[k];
        if (next === undefined) return;
        walk.push(next);
        inWalk.add(next);
        cur = next;
      }
    };
    follow('genesis');
    if (walk.length === 0 && succ.size > 0) {
      // No genesis line (deleted or edited): start from the earliest line nothing points back to.
      const start = pred.findIndex((p) => p === undefined);
      if (start >= 0) {
        walk.push(start);
        inWalk.add(start);
        follow(start);
      }
    }
    const rest = order.filter((i) => !inWalk.has(i));
    const walkHashes = new Set(walk.map((j) => hashes[j]));
    const repeats = rest.filter((i) => walkHashes.has(hashes[i]!));
    const isRepeat = new Set(repeats);
    const p = pred[misplaced];
    add(
      'CHAIN_REORDERED',
      repeats.length > 0
        ? `line ${repeats[0]! + 1} repeats an earlier line`
        : p === 'genesis'
          ? `line ${misplaced + 1} is the first line of the chain but is not at the top`
          : `line ${misplaced + 1} follows line ${(p as number) + 1} in the hash chain, not line ${misplaced}: lines are out of order`,
      misplaced,
    );
    order = [...walk, ...rest.filter((i) => !isRepeat.has(i))];
  }

  // ---- closing record position, then every line up to it
  const closeP = o.isClose ? order.findIndex((i) => link(i) !== undefined && o.isClose!(i)) : -1;
  let limit = order.length - 1;
  if (closeP >= 0 && closeP < order.length - 1) {
    add('CHAIN_APPENDED', `${order.length - 1 - closeP} line(s) after the closing record`, order[closeP + 1]!);
    limit = closeP;
  }
  const suspect = new Set<number>();
  const sound: boolean[] = [];
  for (let p = 0; p <= limit; p++) {
    const i = order[p]!;
    const e = link(i);
    sound[p] = false;
    if (!e) {
      add('CHAIN_EDITED', `line ${i + 1} ${(lines[i] as { error: string }).error}`, i);
      suspect.add(i);
      continue;
    }
    if (p === 0) {
      const head = o.isHead ? o.isHead(i) : e.seq === 0;
      if (e.seq !== 0 && !head) add('CHAIN_DELETED', `the first ${e.seq} line(s) are missing (the ${logName} starts at seq ${e.seq})`, i);
      else if (e.seq !== 0 || !head) add('CHAIN_EDITED', `line ${i + 1} should be the ${headName} at seq 0`, i);
      else if (genesis === undefined || e.prev !== genesis) add('CHAIN_EDITED', `line ${i + 1} does not chain from ${genesisName}`, i);
      else sound[p] = true;
      continue;
    }
    const q = order[p - 1]!;
    const eq = link(q);
    if (e.prev === hashes[q]) {
      if (eq && e.seq !== eq.seq + 1) {
        add('CHAIN_EDITED', `line ${i + 1} has seq ${e.seq} but follows seq ${eq.seq} in the hash chain`, i);
        suspect.add(i);
      } else sound[p] = eq !== undefined;
      continue;
    }
    if (suspect.has(q) || !eq) continue; // already explained by the line above
    if (e.seq === eq.seq + 1) {
      add('CHAIN_EDITED', `line ${q + 1} does not match the hash that line ${i + 1} holds (one of them was edited)`, q);
      suspect.add(q);
    } else if (e.seq > eq.seq + 1 && sound[p - 1]) {
      add('CHAIN_DELETED', `${e.seq - eq.seq - 1} line(s) missing between line ${q + 1} and line ${i + 1} (seq ${eq.seq + 1}..${e.seq - 1})`, i);
    } else {
      add('CHAIN_EDITED', `line ${i + 1} (seq ${e.seq}) does not chain from line ${q + 1} (seq ${eq.seq})`, i);
      suspect.add(i);
    }
  }
  const close = closeP >= 0 ? order[closeP]! : undefined;
  if (o.isClose && close === undefined && order.length > 0) {
    const last = order[order.length - 1]!;
    const e = link(last);
    if (e) add('CHAIN_TRUNCATED', `no closing record: the ${logName} ends at seq ${e.seq} (lines are missing at the end)`, last);
  }
  return { order, end: limit + 1, close, findings };
}
