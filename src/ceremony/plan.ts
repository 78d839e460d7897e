// Regional rotation planning (DESIGN.md §2 "Rotation"): which regional certificates under a root are due, overdue or fine at a time T.
//
// A regional certificate is valid for `validityDays`; its successor is due once `at` enters the overlap
// window (the last `overlapDays` before notAfter), so both overlap while relying parties pick the new one
// up; it is overdue once it has expired without a successor. A certificate with a later successor for the
// same region is fine (replaced). Only certificates whose signature verifies under the root count.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import { pemDecodeAll } from '../core/asn1/pem.js';
import { parseCertificate } from '../core/x509/parse.js';
import { caScope } from '../core/x509/issue.js';
import { verifySignature } from '../core/crypto/signature.js';
import { bytesEqual, toHex } from '../core/crypto/bytes.js';
import { sha256 } from '../core/crypto/kdf.js';
import type { Certificate } from '../core/x509/types.js';
import type { Rotation } from './script.js';
import { MAX_DOCUMENT_BYTES } from '../core/limits.js';
import { readFileLimited } from '../cli/io.js';

export type PlanStatus = 'fine' | 'due' | 'overdue';

export interface PlanRow {
  region: string;
  file: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** When the successor is due: notAfter - overlap. */
  renewFrom: string;
  status: PlanStatus;
  reason: string;
  fingerprint: string;
}

const DAY = 86_400_000;

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function pemFiles(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 4) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue; // staging directories of running or crashed ceremonies
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pemFiles(p, depth + 1, out);
    else if (e.isFile() && e.name.endsWith('.pem')) out.push(p);
  }
  return out;
}

export function readRotationFile(rootDir: string): Rotation {
  const file = path.join(rootDir, 'rotation.json');
  let v: { regional?: Rotation };
  const text = new TextDecoder().decode(readFileLimited(file, MAX_DOCUMENT_BYTES, 'MAX_DOCUMENT_BYTES')); // IO / LIMIT before any parse
  try {
    v = JSON.parse(text) as { regional?: Rotation };
  } catch (e) {
    throw new WritError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'IO' : 'PARSE', `cannot read the rotation schedule ${file}`, { cause: e });
  }
  const r = v !== null && typeof v === 'object' ? v.regional : undefined; // JSON "null" is JSON too
  if (!r || !Number.isInteger(r.validityDays) || !Number.isInteger(r.overlapDays)) throw new WritError('PARSE', `${file}: expected {"regional": {"validityDays", "overlapDays"}}`);
  return r;
}

/** Lists every regional certificate under `rootDir` (recursively) with its rotation status at `at`. */
export function planRegionals(rootDir: string, at: Date, rotation?: Rotation): PlanRow[] {
  const rot = rotation ?? readRotationFile(rootDir);
  const rootFile = path.join(rootDir, 'root.pem');
  if (!fs.existsSync(rootFile)) throw new WritError('IO', `${rootFile}: no such file (is ${rootDir} a root directory?)`);
  const root = parseCertificate(pemDecodeAll(new TextDecoder().decode(readFileLimited(rootFile))).find((b) => b.label === 'CERTIFICATE')?.der ?? new Uint8Array());
  const found: { file: string; cert: Certificate; der: Uint8Array; region: string }[] = [];
  const seen = new Set<string>();
  for (const file of pemFiles(rootDir)) {
    for (const b of pemDecodeAll(new TextDecoder().decode(readFileLimited(file)))) {
      if (b.label !== 'CERTIFICATE') continue;
      let cert: Certificate;
      try {
        cert = parseCertificate(b.der);
      } catch {
        continue;
      }
      if (!bytesEqual(cert.issuer.der, root.subject.der) || bytesEqual(cert.subject.der, root.subject.der)) continue;
      if (!verifySignature(cert.signatureAlgorithm, root.spki, cert.tbs, cert.signature)) continue;
      const region = caScope(cert).region;
      const fp = toHex(sha256(b.der));
      if (!region || seen.has(fp)) continue;
      seen.add(fp);
      found.push({ file: path.relative(rootDir, file), cert, der: b.der, region });
    }
  }
  return found
    .map((f): PlanRow => {
      const renewFrom = new Date(f.cert.notAfter.getTime() - rot.overlapDays * DAY);
      const successor = found.find((g) => g.region === f.region && g.cert.notAfter > f.cert.notAfter);
      let status: PlanStatus;
      let reason: string;
      if (successor) {
        status = 'fine';
        reason = `replaced by ${successor.file} (valid until ${iso(successor.cert.notAfter)})`;
      } else if (at >= f.cert.notAfter) {
        status = 'overdue';
        reason = `expired ${iso(f.cert.notAfter)} with no successor`;
      } else if (at >= renewFrom) {
        status = 'due';
        reason = `in the ${rot.overlapDays}-day overlap window: issue the successor before ${iso(f.cert.notAfter)}`;
      } else {
        status = 'fine';
        const days = Math.floor((renewFrom.getTime() - at.getTime()) / DAY);
        reason = `successor due from ${iso(renewFrom)} (in ${days} days)`;
      }
      return { region: f.region, file: f.file, serial: f.cert.serialHex, notBefore: iso(f.cert.notBefore), notAfter: iso(f.cert.notAfter), renewFrom: iso(renewFrom), status, reason, fingerprint: toHex(sha256(f.der)) };
    })
    .sort((a, b) => a.region.localeCompare(b.region) || a.notAfter.localeCompare(b.notAfter));
}
