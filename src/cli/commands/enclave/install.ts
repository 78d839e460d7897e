// `writ enclave install` (issue 5): verifies a provisioning bundle against the site's keys and pinned root, installs it atomically, audits it.
import * as fs from 'node:fs';
import { WritError, isWritError } from '../../../core/errors.js';
import { sha256 } from '../../../core/crypto/kdf.js';
import { toHex } from '../../../core/crypto/bytes.js';
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from './_time.js';
import { readCert, readCerts } from '../../load.js';
import { enclaveDirs, enclavePaths, loadEnclave, readConfig } from '../../../enclave/layout.js';
import { recoverEnclaveDir } from '../../../enclave/recover.js';
import { checkBundle, checkKeys, installBundle, installSummary, type Pinned } from '../../../enclave/install.js';
import { MAX_PROFILE_BYTES } from '../../../core/limits.js';
import { readFileLimited } from '../../io.js';

/**
 * The root(s) this site trusts for the bundle: --anchor FILE (checked against the pin when there is
 * one), else the SHA-256 pinned at init (matched against the bundle's roots after its signature is
 * checked), else the enclave's installed anchors (renewal). A first install without any of these is
 * refused: trusting whatever root the bundle carries would let whoever hands over a bundle choose the
 * enclave's trust anchor.
 */
function pinnedRoots(dir: string, anchorFile: string | undefined): Pinned {
  const p = enclavePaths(dir);
  const cfg = JSON.parse(new TextDecoder().decode(readFileLimited(p.config, MAX_PROFILE_BYTES, 'MAX_PROFILE_BYTES'))) as { rootSha256?: string };
  if (anchorFile) {
    const c = readCert(anchorFile);
    if (cfg.rootSha256 && toHex(sha256(c.der)) !== cfg.rootSha256) throw new WritError('NO_PATH', `${anchorFile} is not the root pinned at init (${cfg.rootSha256.slice(0, 16)}…)`);
    return [c];
  }
  if (cfg.rootSha256) return { sha256: cfg.rootSha256 };
  if (fs.existsSync(p.anchors)) return readCerts(p.anchors);
  throw new WritError('USAGE', 'this enclave pinned no root at init: give --anchor ROOT.pem (obtained over a trusted channel)');
}

export async function run(ctx0: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const ctx = clock(ctx0, opts);
  const bundle = args[0] as string;
  const dir = opts.into as string;
  const p = enclavePaths(dir);
  if (!fs.existsSync(p.config)) throw new WritError('IO', `${dir} is not an enclave directory (no enclave.json): run writ enclave init first`);
  const self = readConfig(p.config);
  const now = ctx.now();
  const passFile = opts.passFile as string | undefined;
  // An install interrupted by a crash is rolled back (or finished) before this one looks at the directory.
  for (const m of recoverEnclaveDir(p.root, enclaveDirs(p))) ctx.note(`note: ${m}`);
  const wasInstalled = fs.existsSync(p.chain);
  try {
    const pinned = pinnedRoots(dir, opts.anchor as string | undefined);
    const b = checkBundle(bundle, self, pinned, now);
    await checkKeys(p, b, passFile);
    await installBundle(dir, b, async () => {
      const e = await loadEnclave(dir, { now, rng: ctx.rng, note: ctx.note, ...(passFile ? { passFile } : {}) });
      try {
        e.audit.append({ event: 'import', decision: 'allow', subject: 'provisioning-bundle', digests: { manifest: b.manifestSha256 }, details: { regionalCa: b.regionalCa.slice(0, 200), files: b.files.length } });
      } finally {
        e.wipe();
      }
    });
    const r = installSummary(b);
    ctx.note(`installed ${bundle} into ${dir}`);
    return {
      text: [`installed ${r.identity} at ${r.levelName ?? r.level}`, `  gateway signing until ${r.signingNotAfter}, enclave CA until ${r.enclaveCaNotAfter}, issued by ${r.regionalCa}`, `  manifest SHA-256 ${r.manifestSha256}`].join('\n'),
      data: { ...r, dir: p.root, bundle },
    };
  } catch (err) {
    // A refused re-install (renewal) is audited in the enclave that already runs; a first install has no log yet.
    if (wasInstalled && isWritError(err) && !['USAGE', 'IO', 'BAD_PASSPHRASE'].includes(err.code)) {
      try {
        const e = await loadEnclave(dir, { now, rng: ctx.rng, note: () => {}, noKem: true, ...(passFile ? { passFile } : {}) });
        try {
          e.audit.append({ event: 'refuse', decision: 'refuse', code: err.code, subject: 'provisioning-bundle', details: { act: 'install' } });
        } finally {
          e.wipe();
        }
      } catch (e2) {
        ctx.note(`writ: warning: the refusal is not audited: the installed enclave does not load (${isWritError(e2) ? e2.code : 'INTERNAL'})`);
      }
    }
    throw err;
  }
}
