// PEM text encoding of DER objects (RFC 7468 "textual encodings"; strict base64 within each block).
import { WritError } from '../errors.js';
import { decodeDer } from './der.js';
import { MAX_PEM_BLOCKS, limitError } from '../limits.js';

const LABEL = /^[\x21-\x2c\x2e-\x7e](?:[\x21-\x2c\x2e-\x7e]|[ -](?=[\x21-\x2c\x2e-\x7e]))*$/;

/** RFC 7468 §3 standard form: 64 base64 characters per line, LF line ends, trailing newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  if (typeof label !== 'string' || !LABEL.test(label)) throw new RangeError('label: not a valid PEM label');
  if (!(der instanceof Uint8Array)) throw new TypeError('der: expected Uint8Array');
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

// The encapsulation boundaries, matched in place (sticky) at positions found with indexOf. One global
// regex with a lazy body used to rescan the rest of the text from every "-----BEGIN " that had no END:
// quadratic (16,000 BEGIN lines took 1.7 s, a 1 MB file minutes; found by the fuzzer, issue 8).
const BEGIN_LINE = /-----BEGIN ([^\r\n-]*(?:-[^\r\n-]+)*)-----\r?\n/y;
const END_LINE = /-----END ([^\r\n-]*(?:-[^\r\n-]+)*)-----/y;

/** The next block from `from`: like one exec of BEGIN (label) ... lazily ... END (label), in linear time. */
function nextBlock(text: string, from: number): { begin: string; body: string; end: string; next: number } | undefined {
  let pos = from;
  for (;;) {
    const b = text.indexOf('-----BEGIN ', pos);
    if (b === -1) return undefined;
    BEGIN_LINE.lastIndex = b;
    const h = BEGIN_LINE.exec(text);
    if (h === null) {
      pos = b + 1; // not a boundary line: keep looking, as a regex search would
      continue;
    }
    const bodyStart = BEGIN_LINE.lastIndex;
    let e = bodyStart;
    for (;;) {
      e = text.indexOf('-----END ', e);
      // No END line after this BEGIN: none after any later BEGIN either, so stop (the caller reports it).
      if (e === -1) return undefined;
      END_LINE.lastIndex = e;
      const t = END_LINE.exec(text);
      if (t !== null) return { begin: h[1]!, body: text.slice(bodyStart, e), end: t[1]!, next: END_LINE.lastIndex };
      e += 1;
    }
  }
}

/**
 * Every PEM block in `text`, in order. Text between blocks (explanatory text, RFC 7468 §5.2) is
 * ignored; inside a block only base64 and whitespace are allowed (RFC 7468 §3 "lax" parsers accept
 * whitespace anywhere; headers like Proc-Type (RFC 1421) are refused). Throws PARSE on a mismatched
 * END label, bad base64, or a BEGIN without an END.
 */
export function pemDecodeAll(text: string): { label: string; der: Uint8Array }[] {
  if (typeof text !== 'string') throw new TypeError('text: expected string');
  const out: { label: string; der: Uint8Array }[] = [];
  let consumedTo = 0;
  let m: ReturnType<typeof nextBlock>;
  while ((m = nextBlock(text, consumedTo)) !== undefined) {
    const { begin, body, end } = m;
    if (out.length >= MAX_PEM_BLOCKS) throw limitError('MAX_PEM_BLOCKS', MAX_PEM_BLOCKS, 'PEM blocks in one text');
    if (begin !== end) throw new WritError('PARSE', `PEM block "BEGIN ${begin}" ends with "END ${end}"`);
    if (!LABEL.test(begin!)) throw new WritError('PARSE', `PEM label "${begin}" is invalid`);
    const b64 = body!.replace(/[ \t\r\n]/g, '');
    if (!isBase64(b64)) {
      throw new WritError('PARSE', `PEM block "${begin}" holds invalid base64`);
    }
    const buf = Buffer.from(b64, 'base64');
    out.push({ label: begin!, der: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice() });
    consumedTo = m.next;
  }
  if (text.indexOf('-----BEGIN ', consumedTo) !== -1) throw new WritError('PARSE', 'PEM block without a matching END line');
  return out;
}

/**
 * Strict base64 (RFC 4648 §4): whole 4-character groups, "=" only as the last one or two characters.
 * Checked without a backtracking regex: /^(?:[A-Za-z0-9+/]{4})*...$/ overflowed V8's regexp stack on a
 * 5 MB body (RangeError, found by the fuzzer, issue 8).
 */
function isBase64(b64: string): boolean {
  if (b64.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(b64)) return false;
  const pad = b64.indexOf('=');
  return pad === -1 || (pad >= b64.length - 2 && (pad === b64.length - 1 || b64[pad + 1] === '='));
}

/** True when the bytes start (after optional whitespace / UTF-8 BOM) like PEM text rather than DER. */
export function looksLikePem(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  // DER of what we read is one SEQUENCE (0x30) filling the buffer; '0' text that happens to start a
  // file is told apart by trying the outer TLV header.
  if (bytes[0] === 0x30) {
    try {
      decodeDer(bytes);
      return false;
    } catch {
      // not a single DER element: fall through to the text check
    }
  }
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString('latin1');
  return head.includes('-----BEGIN ');
}
