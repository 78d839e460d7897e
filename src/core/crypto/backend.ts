// Crypto backend selection: @noble (pure JS) or node:crypto / OpenSSL 3.5 for FIPS 203/204, detected by feature (issue 6 target 3).
//
// Policy: `auto` (the default) uses native when a one-time, lazy probe of node:crypto succeeds; `noble`
// never touches it; `native` probes at once and fails with UNSUPPORTED_PLATFORM when it cannot. There are
// two probes, one per family (ML-DSA; ML-KEM and X-Wing), each run at the first operation of its family
// that could go native, never at import (cold start: `writ verify chain` never pays for the KEM probe),
// and cached. Which operations go native, and why the others cannot, is NATIVE_OPERATIONS below.
//
// Every native operation has the same result as noble's by construction (same FIPS function of the same
// inputs) and by test (test/interop/native-backend.test.ts); when node:crypto throws on an input (e.g.
// a key it refuses to import), the operation is redone with noble, so errors are noble's errors.
import { WritError } from '../errors.js';
import { probeNativeKems, probeNativeSignatures } from './native.js';

export type CryptoBackendMode = 'noble' | 'native' | 'auto';
export type CryptoBackendName = 'noble' | 'native';

export const CRYPTO_BACKEND_MODES: readonly CryptoBackendMode[] = ['noble', 'native', 'auto'];

/**
 * The operations the native backend performs, and those that stay on noble. node:crypto's ML-DSA sign
 * and ML-KEM encapsulate take their randomness from OpenSSL's RNG (no rnd / deterministic option, no m),
 * so they cannot honour writ's deterministic signing or the injected Rng: they always run on noble
 * (X-Wing encapsulation is split: X25519 with the caller's ephemeral scalar is deterministic, so native).
 */
export const NATIVE_OPERATIONS = {
  native: [
    'ML-DSA-44/65/87 verify (pure, empty context)',
    'ML-DSA public key from seed',
    'ML-KEM-768/1024 public key from seed',
    'ML-KEM-768/1024 decapsulate',
    'X-Wing public key from seed',
    'X-Wing decapsulate',
    'X-Wing encapsulate: the X25519 half (its ephemeral key is eseed[32:64] from the injected Rng)',
  ],
  noble: [
    'ML-DSA sign (deterministic or hedged with the injected Rng)',
    'ML-DSA verify with a non-empty context',
    'ML-DSA / ML-KEM expanded private key from seed (node:crypto cannot export it)',
    'ML-KEM encapsulate, and the ML-KEM-768 half of X-Wing encapsulate (m from the injected Rng)',
    'ML-KEM-512 (read-only)',
  ],
} as const;

let mode: CryptoBackendMode = 'auto';

/** An operation family, probed separately. */
export type CryptoFamily = 'signatures' | 'kems';

/** Per family: undefined = not probed yet; '' = native available; otherwise the reason it is not. */
const probed: Record<CryptoFamily, string | undefined> = { signatures: undefined, kems: undefined };

function probe(family: CryptoFamily): string {
  let r = probed[family];
  if (r === undefined) {
    r = (family === 'signatures' ? probeNativeSignatures() : probeNativeKems()) ?? '';
    probed[family] = r;
  }
  return r;
}

function isMode(v: unknown): v is CryptoBackendMode {
  return (CRYPTO_BACKEND_MODES as readonly unknown[]).includes(v);
}

/**
 * Selects the backend for this process (worker threads each select their own). `native` probes both
 * families now and throws UNSUPPORTED_PLATFORM when this Node.js lacks ML-DSA or ML-KEM; `auto` defers.
 */
export function setCryptoBackend(m: CryptoBackendMode): void {
  if (!isMode(m)) throw new WritError('USAGE', `unknown crypto backend "${String(m)}" (expected ${CRYPTO_BACKEND_MODES.join(', ')})`);
  if (m === 'native') {
    const why = nativeUnavailableReason();
    if (why !== undefined) throw new WritError('UNSUPPORTED_PLATFORM', `the native crypto backend is not available on this Node.js: ${why}`);
  }
  mode = m;
}

/** The selected mode (noble | native | auto), without probing. */
export function cryptoBackendMode(): CryptoBackendMode {
  return mode;
}

/** The backend each family runs on (under `auto` this runs the cached probes). */
export function activeCryptoBackends(): Record<CryptoFamily, CryptoBackendName> {
  const one = (f: CryptoFamily): CryptoBackendName => (mode !== 'noble' && probe(f) === '' ? 'native' : 'noble');
  return { signatures: one('signatures'), kems: one('kems') };
}

/** The backend in effect: native when both families run natively (under `auto` this runs the probes). */
export function activeCryptoBackend(): CryptoBackendName {
  const a = activeCryptoBackends();
  return a.signatures === 'native' && a.kems === 'native' ? 'native' : 'noble';
}

/** Why native is unavailable for either family (runs the cached probes), or undefined when it is available. */
export function nativeUnavailableReason(): string | undefined {
  const why = probe('signatures') || probe('kems');
  return why === '' ? undefined : why;
}

/** Hot-path check used by the primitives: true when an operation of `family` should try node:crypto first. */
export function useNative(family: CryptoFamily): boolean {
  if (mode === 'noble') return false;
  return (probed[family] ?? probe(family)) === '';
}
