// Shared plumbing of `writ trust`: the enclave's trust material read from public files (no key), and the signed partner store.
import * as fs from 'node:fs';
import { WritError } from '../../../core/errors.js';
import type { Certificate, Crl } from '../../../core/x509/types.js';
import type { TrustAnchor } from '../../../core/verify/types.js';
import { readCerts } from '../../load.js';
import { enclavePaths, readConfig, readCrlDir, type EnclaveConfig, type EnclavePaths } from '../../../enclave/layout.js';
import { partnerAnchors, readTrustStoreOrEmpty, type TrustStoreBody } from '../../../enclave/trust.js';

export interface PublicTrust {
  paths: EnclavePaths;
  config: EnclaveConfig;
  signingCert: Certificate;
  own: Certificate[];
  store: TrustStoreBody;
  anchors: TrustAnchor[];
  crls: Crl[];
}

/** Reads enclave.json, the signing cert, own anchors, CRLs and the verified partner store (SIGNATURE when edited). */
export function publicTrust(dir: string | undefined): PublicTrust {
  if (!dir) throw new WritError('USAGE', 'give the enclave directory with --as DIR');
  const paths = enclavePaths(dir);
  if (!fs.existsSync(paths.config) || !fs.existsSync(paths.chain)) throw new WritError('IO', `${paths.root} is not an installed enclave directory`);
  const config = readConfig(paths.config);
  const signingCert = readCerts(paths.chain)[0]!;
  const own = readCerts(paths.anchors);
  const store = readTrustStoreOrEmpty(paths.partners, { identity: config.identity, signingCert });
  const crls = readCrlDir(paths.crlDir);
  return { paths, config, signingCert, own, store, anchors: [...own.map((cert) => ({ cert })), ...partnerAnchors(store)], crls };
}
