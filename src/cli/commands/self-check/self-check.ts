// `writ self-check [--sums FILE] [--licenses] [--json]`: the running bundle's SHA-256 (hex and words), runtime and air-gap report (issue 7).
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LICENSE_TEXT, PACKAGES } from 'writ:third-party-licenses';
import pkg from '../../../../package.json';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { readFileLimited } from '../../io.js';
import { hex, sha256 } from '../../render.js';
import { fingerprintWords } from '../../../core/words.js';
import { airGapLook, findSum, parseSums } from './checks.js';
import { activeCryptoBackend, activeCryptoBackends, cryptoBackendMode, nativeUnavailableReason, NATIVE_OPERATIONS } from '../../../core/crypto/backend.js';
import { MAX_BUNDLE_BYTES } from '../../../core/limits.js';

/** The bundle is one file of about 1.5 MB; anything far larger is not writ. */
const BUNDLE_READ_LIMIT = MAX_BUNDLE_BYTES;

export function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): CommandResult {
  // In the bundle, import.meta.url is dist/writ.mjs itself: the file that is running is the file hashed.
  const file = fileURLToPath(import.meta.url);
  const bytes = readFileLimited(file, BUNDLE_READ_LIMIT, 'MAX_BUNDLE_BYTES');
  const digest = sha256(bytes);
  const sha = hex(digest);
  const words = fingerprintWords(digest);

  let sums: { file: string; listedAs?: string; expected?: string; match: boolean } | undefined;
  if (opts.sums !== undefined) {
    const sumsFile = opts.sums as string;
    const entries = parseSums(new TextDecoder().decode(readFileLimited(sumsFile)));
    const e = findSum(entries, path.basename(file));
    sums = e ? { file: sumsFile, listedAs: e.name, expected: e.sha256, match: e.sha256 === sha } : { file: sumsFile, match: false };
  }

  const noble = PACKAGES.filter((p) => p.name.startsWith('@noble/')).map((p) => `${p.name}@${p.version}`);
  // Runs the (cached, key-free) feature probe of node:crypto, also when noble is pinned (to report it).
  const active = activeCryptoBackend();
  const unavailable = nativeUnavailableReason();
  const crypto = {
    backend: active,
    mode: cryptoBackendMode(),
    families: activeCryptoBackends(),
    nativeAvailable: unavailable === undefined,
    ...(unavailable === undefined ? {} : { nativeUnavailable: unavailable }),
    nativeOperations: active === 'native' ? [...NATIVE_OPERATIONS.native] : [],
    nobleOperations: active === 'native' ? [...NATIVE_OPERATIONS.noble] : ['all'],
    packages: noble,
    note:
      active === 'native'
        ? 'ML-DSA verify, public keys from seeds, ML-KEM / X-Wing decapsulation and the X25519 half of X-Wing encapsulation run in node:crypto (OpenSSL); signing, ML-KEM encapsulation and the rest run in audited pure JavaScript (@noble), because node:crypto cannot take their randomness from writ.'
        : 'ML-DSA, ML-KEM, AES-CBC, AES key wrap and SHA-2/3 run in audited pure JavaScript (@noble); node:crypto (OpenSSL) runs AES-GCM, PBKDF2, scrypt, X-Wing\'s X25519, streaming SHA-512 and classical signature checks, none of which draws randomness.',
  };
  const air = airGapLook(os.networkInterfaces());
  const runtime = { node: process.versions.node, openssl: process.versions.openssl ?? 'none', platform: `${process.platform}-${process.arch}` };
  const ok = sums === undefined || sums.match;

  const lines = [
    `writ ${pkg.version}  ${file}  (${bytes.length} bytes)`,
    `SHA-256  ${sha}`,
    'words    ' + words.join('\n         '),
  ];
  if (sums) {
    if (sums.match) lines.push(`SHA256SUMS  OK: matches the entry "${sums.listedAs}" in ${sums.file}`);
    else if (sums.expected) lines.push(`SHA256SUMS  MISMATCH: ${sums.file} lists ${sums.expected} for "${sums.listedAs}" — do not use this copy`);
    else lines.push(`SHA256SUMS  MISMATCH: ${sums.file} has no entry for ${path.basename(file)}`);
  }
  lines.push(
    `crypto   ${crypto.backend} backend (--crypto-backend ${crypto.mode}); ${
      crypto.backend === 'native'
        ? `node:crypto (OpenSSL ${process.versions.openssl ?? '?'}) for ML-DSA verify, public keys from seeds, ML-KEM / X-Wing decapsulation and X-Wing's X25519; ${noble.join(', ')} for the rest`
        : `${noble.join(', ')}${unavailable === undefined ? '' : `; native unavailable: ${unavailable}`}`
    }`,
    `runtime  Node.js ${runtime.node}, OpenSSL ${runtime.openssl}, ${runtime.platform}`,
    air.airGapped ? 'network  looks air-gapped: no interface other than loopback has an address' : `network  WARNING: not air-gapped, interfaces up: ${air.up.join(', ')}`,
    `licences ${PACKAGES.length} bundled packages (${[...new Set(PACKAGES.map((p) => p.license))].sort().join(', ')}); \`writ self-check --licenses\` prints their texts`,
  );
  // The text output says it already; with --json the warning still reaches a person on stderr.
  if (!air.airGapped && ctx.json) ctx.note(`writ: warning: network interfaces are up (${air.up.join(', ')}); a ceremony machine should have none`);
  if (opts.licenses) lines.push('', LICENSE_TEXT.trimEnd());

  return {
    text: lines.join('\n'),
    data: {
      version: pkg.version,
      bundle: { file, size: bytes.length, sha256: sha, words },
      ...(sums ? { sums } : {}),
      crypto,
      runtime,
      network: { airGapped: air.airGapped, interfacesUp: air.up, warnings: air.up.map((u) => `interface up: ${u}`) },
      licenses: { packages: PACKAGES, ...(opts.licenses ? { text: LICENSE_TEXT } : {}) },
    },
    exitCode: ok ? EXIT.OK : EXIT.FAILED,
  };
}
