// PEM text encoding of DER objects (RFC 7468 "textual encodings"; strict base64 within each block).
import { WritError } from '../errors.js';
import { decodeDer } from './der.js';

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

const BLOCK = /-----BEGIN ([^\r\n-]*(?:-[^\r\n-]+)*)-----\r?\n([\s\S]*?)-----END ([^\r\n-]*(?:-[^\r\n-]+)*)-----/g;

/**
 * Every PEM block in `text`, in order. Text between blocks (explanatory text, RFC 7468 §5.2) is
 * ignored; inside a block only base64 and whitespace are allowed (RFC 7468 §3 "lax" parsers accept
 * whitespace anywhere; headers like Proc-Type (RFC 1421) are refused). Throws PARSE on a mismatched
 * END label, bad base64, or a BEGIN without an END.
 */
export function pemDecodeAll(text: string): { label: string; der: Uint8Array }[] {
  if (typeof text !== 'string') throw new TypeError('text: expected string');
  const out: { label: string; der: Uint8Array }[] = [];
  BLOCK.lastIndex = 0;
  let m: RegExpExecArray | null;
  let consumedTo = 0;
  while ((m = BLOCK.exec(text)) !== null) {
    const [, begin, body, end] = m;
    if (begin !== end) throw new WritError('PARSE', `PEM block "BEGIN ${begin}" ends with "END ${end}"`);
    if (!LABEL.test(begin!)) throw new WritError('PARSE', `PEM label "${begin}" is invalid`);
    const b64 = body!.replace(/[ \t\r\n]/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) {
      throw new WritError('PARSE', `PEM block "${begin}" holds invalid base64`);
    }
    const buf = Buffer.from(b64, 'base64');
    out.push({ label: begin!, der: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice() });
    consumedTo = BLOCK.lastIndex;
  }
  if (text.indexOf('-----BEGIN ', consumedTo) !== -1) throw new WritError('PARSE', 'PEM block without a matching END line');
  return out;
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
