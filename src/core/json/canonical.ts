// RFC 8785 JSON Canonicalization Scheme (JCS): the one serialisation that writ hashes and signs.
//
// RFC 8785 §3.2: no whitespace; object members sorted by their names as arrays of UTF-16 code units
// (§3.2.3); strings escaped as ECMAScript JSON.stringify does (§3.2.2.2); numbers serialised as
// ECMAScript Number.prototype.toString (§3.2.2.3), which JSON.stringify also uses for finite numbers.
import { WritError } from '../errors.js';
import { MAX_JSON_DEPTH } from '../limits.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused: canonical documents in writ are shallow, attackers' need not be. */
export const MAX_DEPTH = MAX_JSON_DEPTH;

/** Lone surrogates cannot be represented in I-JSON (RFC 7493 §2.1), which RFC 8785 §3.1 requires. */
function checkString(s: string, where: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw new WritError('PARSE', `canonical JSON: lone surrogate in ${where}`);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new WritError('PARSE', `canonical JSON: lone surrogate in ${where}`);
    }
  }
}

/** UTF-16 code-unit order (RFC 8785 §3.2.3), which is what JS string comparison already does. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(v: unknown, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) throw new WritError('LIMIT', `canonical JSON: nesting deeper than MAX_JSON_DEPTH (${MAX_DEPTH})`);
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'number':
      // RFC 8785 §3.2.2.3: NaN and the infinities have no JSON form.
      if (!Number.isFinite(v)) throw new WritError('PARSE', 'canonical JSON: numbers must be finite');
      out.push(JSON.stringify(v)); // -0 becomes "0", as §3.2.2.3 requires
      return;
    case 'string':
      checkString(v, 'a string');
      out.push(JSON.stringify(v));
      return;
    case 'object': {
      if (Array.isArray(v)) {
        out.push('[');
        v.forEach((item, i) => {
          if (i > 0) out.push(',');
          write(item === undefined ? null : item, depth + 1, out);
        });
        out.push(']');
        return;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new WritError('PARSE', 'canonical JSON: only plain objects, arrays, strings, finite numbers, booleans and null');
      }
      const keys = Object.keys(v as object)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort(compareKeys);
      out.push('{');
      keys.forEach((k, i) => {
        checkString(k, 'a member name');
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        write((v as Record<string, unknown>)[k], depth + 1, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new WritError('PARSE', `canonical JSON: a ${typeof v} has no JSON form`);
  }
}

/** The RFC 8785 canonical form of a JSON value, as a string. Members whose value is undefined are left out. */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}

/** The canonical form as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}
