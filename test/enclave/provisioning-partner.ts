// Test helpers for issue 5: outcome() (OK or the refusal code), and a classical partner PKI (ECDSA P-384 root, RSA-3072 issuing CA, ECDSA P-384 leaves) built with node:crypto keys and the system `openssl` CLI as the X.509 builder.
//
// writ's issuer (src/core/x509/issue.ts) certifies only post-quantum keys, so the classical
// certificates come from openssl; the keys are generated with node:crypto and handed to it as PEM.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEVELS } from '../../src/core/policy/levels.js';
import { WritError } from '../../src/core/errors.js';

/** Runs `f` and returns "OK" or the WritError code it threw (anything else is rethrown). */
export async function outcome(f: () => unknown): Promise<string> {
  try {
    await f();
    return 'OK';
  } catch (e) {
    if (e instanceof WritError) return e.code;
    throw e;
  }
}

export function hasOpenssl(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

export interface PartnerPki {
  dir: string;
  root: string;
  issuing: string;
  /** leaf name -> file: inside (alice, internal), outside-name (mallory), restricted (vault), no-policy (bare). */
  leaves: Record<'inside' | 'outsideName' | 'restricted' | 'noPolicy', string>;
}

/** Builds the partner PKI in `dir` (certificates valid from now, 10 years). */
export function buildPartnerPki(dir: string): PartnerPki {
  fs.mkdirSync(dir, { recursive: true });
  const writeKey = (name: string, k: ReturnType<typeof generateKeyPairSync>): string => {
    const f = path.join(dir, `${name}.key`);
    fs.writeFileSync(f, k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    return f;
  };
  const ec = (): ReturnType<typeof generateKeyPairSync> => generateKeyPairSync('ec', { namedCurve: 'P-384' });
  writeKey('root', ec());
  writeKey('issuing', generateKeyPairSync('rsa', { modulusLength: 3072 }));
  const ext = (name: string, lines: string[]): string => {
    const f = path.join(dir, `${name}.ext`);
    fs.writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  openssl(['req', '-x509', '-new', '-key', 'root.key', '-sha384', '-days', '3650', '-subj', '/O=Partner Cards/CN=Partner Cards Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'root.pem'], dir);
  openssl(['req', '-new', '-key', 'issuing.key', '-subj', '/O=Partner Cards/CN=Partner Cards Issuing CA', '-out', 'issuing.csr'], dir);
  const policies = `certificatePolicies=${LEVELS.internal},${LEVELS.restricted}`;
  openssl(['x509', '-req', '-in', 'issuing.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-sha384', '-days', '3650', '-extfile', ext('issuing', ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', policies]), '-out', 'issuing.pem'], dir);
  const leaf = (name: string, uri: string, policy: string | undefined): string => {
    writeKey(name, ec());
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/O=Partner Cards/CN=${name}`, '-out', `${name}.csr`], dir);
    const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', `subjectAltName=URI:${uri}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
    if (policy) lines.push(`certificatePolicies=${policy}`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'issuing.pem', '-CAkey', 'issuing.key', '-CAcreateserial', '-sha256', '-days', '365', '-extfile', ext(name, lines), '-out', `${name}.pem`], dir);
    return path.join(dir, `${name}.pem`);
  };
  return {
    dir,
    root: path.join(dir, 'root.pem'),
    issuing: path.join(dir, 'issuing.pem'),
    leaves: {
      inside: leaf('alice', 'spiffe://alice.cards.partner.example/card', LEVELS.internal),
      outsideName: leaf('mallory', 'spiffe://mallory.elsewhere.example/card', LEVELS.internal),
      restricted: leaf('vault', 'spiffe://vault.cards.partner.example/card', LEVELS.restricted),
      noPolicy: leaf('bare', 'spiffe://bare.cards.partner.example/card', undefined),
    },
  };
}
