// `--crypto-backend noble|native|auto` end to end (issue 6 target 3): self-check reports the backend; native is exit 5 where unsupported.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeUnavailableReason } from '../../src/core/crypto/backend.js';
import { ensureBundle, runWrit } from '../helpers/cli.js';
import { node26Path } from '../helpers/node26.js';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'writ-backend-'));
beforeAll(() => ensureBundle('--crypto-backend'));

describe('--crypto-backend', () => {
  it('noble pins noble, before or after the command', () => {
    for (const args of [['--crypto-backend', 'noble', 'self-check', '--json'], ['self-check', '--json', '--crypto-backend', 'noble']]) {
      const r = runWrit(args, { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().crypto).toMatchObject({ backend: 'noble', mode: 'noble', nobleOperations: ['all'] });
    }
  });

  it('an unknown backend is a usage error (exit 2)', () => {
    const r = runWrit(['--crypto-backend', 'openssl', 'self-check', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.json().error.code).toBe('USAGE');
  });

  it('native on this Node.js: exit 5 UNSUPPORTED_PLATFORM when the probe fails, else native', () => {
    const r = runWrit(['--crypto-backend', 'native', 'self-check', '--json'], { cwd });
    if (nativeUnavailableReason() === undefined) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().crypto.backend).toBe('native');
    } else {
      expect(r.code).toBe(5);
      expect(r.json().error.code).toBe('UNSUPPORTED_PLATFORM');
      expect(r.json().error.message).toMatch(/native crypto backend is not available/);
    }
  });

  const node26 = node26Path();
  it.skipIf(node26 === undefined)('under Node 26, auto selects native and lists which operations run there', () => {
    const r = runWrit(['self-check', '--json'], { cwd, node: node26 });
    expect(r.code, r.stderr).toBe(0);
    const c = r.json().crypto;
    expect(c).toMatchObject({ backend: 'native', mode: 'auto', nativeAvailable: true });
    expect(c.nativeOperations.join(' ')).toMatch(/ML-DSA-44\/65\/87 verify/);
    expect(c.nobleOperations.join(' ')).toMatch(/ML-DSA sign/);
    const n = runWrit(['--crypto-backend', 'native', 'self-check'], { cwd, node: node26 });
    expect(n.code, n.stderr).toBe(0);
    expect(n.stdout).toMatch(/crypto {3}native backend \(--crypto-backend native\)/);
  });
});
