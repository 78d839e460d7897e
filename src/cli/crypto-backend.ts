// The CLI side of crypto backend selection: `--crypto-backend noble|native|auto` and WRIT_CRYPTO_BACKEND (issue 6 target 3).
//
// The flag wins over the environment; the choice is written back to process.env so that worker threads
// (which inherit the environment) select the same backend by calling applyCryptoBackend(undefined).
// With neither given nothing is loaded here: the core's default is `auto` (probe at first use).
import { WritError } from '../core/errors.js';

export const CRYPTO_BACKEND_ENV = 'WRIT_CRYPTO_BACKEND';
const MODES = ['noble', 'native', 'auto'] as const;
type Mode = (typeof MODES)[number];

/** The backend the flag or the environment asks for, or undefined when neither does (USAGE for a bad value). */
export function requestedCryptoBackend(flag: unknown, env: NodeJS.ProcessEnv = process.env): Mode | undefined {
  const v = flag ?? (env[CRYPTO_BACKEND_ENV] === '' ? undefined : env[CRYPTO_BACKEND_ENV]);
  if (v === undefined) return undefined;
  if (!(MODES as readonly unknown[]).includes(v)) {
    throw new WritError('USAGE', `${flag === undefined ? CRYPTO_BACKEND_ENV : '--crypto-backend'} must be one of ${MODES.join(', ')}, got "${String(v)}"`);
  }
  return v as Mode;
}

/**
 * Applies the flag / WRIT_CRYPTO_BACKEND to this process (and, through process.env, to worker threads
 * started after it). `native` on a Node.js without ML-DSA / ML-KEM is UNSUPPORTED_PLATFORM (exit 5).
 */
export async function applyCryptoBackend(flag: unknown): Promise<void> {
  const mode = requestedCryptoBackend(flag);
  if (mode === undefined) return;
  const { setCryptoBackend } = await import('../core/crypto/backend.js');
  setCryptoBackend(mode);
  process.env[CRYPTO_BACKEND_ENV] = mode;
}
