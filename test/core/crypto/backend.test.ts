// Crypto backend selection (issue 6 target 3): modes, feature probe outcome on this Node.js, and that noble stays reachable.
import { afterEach, describe, expect, it } from 'vitest';
import { activeCryptoBackend, cryptoBackendMode, nativeUnavailableReason, NATIVE_OPERATIONS, setCryptoBackend } from '../../../src/core/crypto/backend.js';
import type { CryptoBackendMode } from '../../../src/core/crypto/backend.js';
import { keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { mlDsaKeygen, mlDsaSign, mlDsaVerify } from '../../../src/core/crypto/ml-dsa.js';
import { isWritError } from '../../../src/core/errors.js';

afterEach(() => setCryptoBackend('auto'));

describe('crypto backend selection', () => {
  it('defaults to auto; auto resolves to native exactly when the probe succeeds', () => {
    expect(cryptoBackendMode()).toBe('auto');
    const why = nativeUnavailableReason();
    expect(activeCryptoBackend()).toBe(why === undefined ? 'native' : 'noble');
    if (why !== undefined) expect(why).toMatch(/node:crypto/);
  });

  it('noble pins noble; native is UNSUPPORTED_PLATFORM where the probe fails', () => {
    setCryptoBackend('noble');
    expect(activeCryptoBackend()).toBe('noble');
    setCryptoBackend('auto');
    if (nativeUnavailableReason() === undefined) {
      setCryptoBackend('native');
      expect(activeCryptoBackend()).toBe('native');
    } else {
      let code = '';
      try {
        setCryptoBackend('native');
      } catch (e) {
        code = isWritError(e) ? e.code : 'other';
      }
      expect(code).toBe('UNSUPPORTED_PLATFORM');
      expect(cryptoBackendMode()).toBe('auto'); // a failed pin changes nothing
    }
  });

  it('rejects an unknown mode with USAGE', () => {
    let code = '';
    try {
      setCryptoBackend('openssl' as CryptoBackendMode);
    } catch (e) {
      code = isWritError(e) ? e.code : 'other';
    }
    expect(code).toBe('USAGE');
  });

  it('gives the same key and verify results under noble and auto', () => {
    const seed = new Uint8Array(32).fill(7);
    const msg = new TextEncoder().encode('backend');
    const sk = mlDsaKeygen('ml-dsa-44', seed).secretKey;
    const sig = mlDsaSign('ml-dsa-44', sk, msg);
    const out: string[] = [];
    for (const m of ['noble', 'auto'] as const) {
      setCryptoBackend(m);
      const pk = keyPairFromSeed('ml-dsa-44', seed).publicKey;
      out.push(`${Buffer.from(pk).toString('hex')}:${mlDsaVerify('ml-dsa-44', pk, msg, sig)}:${mlDsaVerify('ml-dsa-44', pk, msg.subarray(1), sig)}`);
    }
    expect(out[0]).toBe(out[1]);
    expect(out[0]).toMatch(/:true:false$/);
  });

  it('documents that signing and encapsulation never go native', () => {
    expect(NATIVE_OPERATIONS.noble.join(' ')).toMatch(/sign/);
    expect(NATIVE_OPERATIONS.noble.join(' ')).toMatch(/encapsulate/);
    expect(NATIVE_OPERATIONS.native.join(' ')).toMatch(/verify/);
  });
});
