// Fuzz formats for the enclave's files an attacker could hand over: trust/partners.json (src/enclave/trust.ts), enclave.json (src/enclave/layout.ts), signed baselines (src/enclave/diff.ts, src/core/policy/baseline.ts), SHA256SUMS of provisioning bundles (src/enclave/issue.ts).
//
// Each input is written to a temp file and read with the same function the CLI uses (bounded read,
// then parse and checks). Seeds come from the fixture PKI (test/core/policy/helpers.ts) and the
// example baseline docs/examples/enclave-baseline.json. Checks: a trust store that reads is the body
// harbor signed (same canonical body digest) and its anchors parse; a profile that reads names an
// identity consistent with its labels and a level OID; a signed baseline that reads is the body the
// authority signed; SHA256SUMS that parses re-serialises to the same lines.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FuzzFormat } from '../harness.js';
import { WritError } from '../../../src/core/errors.js';
import { addAnchor, emptyStore, partnerAnchors, readTrustStore, writeTrustStore } from '../../../src/enclave/trust.js';
import type { TrustStoreBody } from '../../../src/enclave/trust.js';
import { readConfig } from '../../../src/enclave/layout.js';
import type { EnclaveConfig } from '../../../src/enclave/layout.js';
import { writeEnclaveDir } from '../../../src/enclave/fixture.js';
import { readSignedBaseline } from '../../../src/enclave/diff.js';
import { parseBaseline, signBaseline } from '../../../src/core/policy/baseline.js';
import type { Baseline } from '../../../src/core/policy/baseline.js';
import { bodyDigest } from '../../../src/core/policy/signed.js';
import { parseSums, sumsText } from '../../../src/enclave/issue.js';
import { enclaveHost } from '../../../src/core/policy/names.js';
import { levelName } from '../../../src/core/policy/levels.js';
import { REPO_ROOT } from '../../helpers/vectors.js';
import { chainOf, fixture, NOW } from '../../core/policy/helpers.js';
import { MAX_DOCUMENT_BYTES, MAX_PROFILE_BYTES, MAX_TRUST_STORE_BYTES } from '../../../src/core/limits.js';
import { expectThat, utf8, writeInputFile } from '../format-helpers.js';

let dir: string | undefined;
function tmp(name: string): string {
  dir ??= mkdtempSync(path.join(tmpdir(), 'writ-fuzz-enclave-'));
  return path.join(dir, name);
}
function viaFile<T>(name: string, input: Uint8Array, limit: number, read: (file: string) => T): T {
  const file = tmp(name);
  writeInputFile(file, input, limit);
  return read(file);
}

// ---- trust/partners.json ------------------------------------------------------------------------

let stores: { bytes: Uint8Array; digest: string }[] | undefined;
function trustSeeds(): { bytes: Uint8Array; digest: string }[] {
  if (stores) return stores;
  const { pki, harbor, H } = fixture();
  const own = [pki.root.cert];
  let body: TrustStoreBody = emptyStore(H);
  const out: { bytes: Uint8Array; digest: string }[] = [];
  const write = (b: TrustStoreBody, i: number): void => {
    const file = tmp(`seed-partners-${i}.json`);
    writeTrustStore(file, b, { signer: harbor.signing.signer!, cert: harbor.signing.cert, chain: chainOf(harbor), now: NOW });
    out.push({ bytes: new Uint8Array(readFileSync(file)), digest: bodyDigest(b) });
  };
  write(body, 0);
  body = addAnchor(body, { cert: pki.regions.south.ca.cert, permittedUris: ['orchard.south.writ.test'], levels: ['internal'], maxPathLen: 1, now: NOW }, own).body;
  body = addAnchor(body, { cert: pki.regions.north.ca.cert, permittedUris: ['.north.writ.test'], levels: ['internal', 'restricted'], label: 'north partners', now: NOW }, own).body;
  write(body, 1);
  stores = out;
  return out;
}

const trustStore: FuzzFormat = {
  name: 'trust-store',
  kind: 'json',
  seeds: () => trustSeeds().map((s) => s.bytes),
  parse(input) {
    const { harbor, H } = fixture();
    return viaFile('partners.json', input, MAX_TRUST_STORE_BYTES, (file) => {
      const body = readTrustStore(file, { identity: H, signingCert: harbor.signing.cert });
      return { body, anchors: partnerAnchors(body) };
    });
  },
  check(_input, result) {
    const r = result as { body: TrustStoreBody; anchors: unknown[] };
    expectThat(trustSeeds().some((s) => s.digest === bodyDigest(r.body)), 'a trust store harbor never signed was read (false accept)');
    expectThat(r.anchors.length === r.body.anchors.length, 'anchors lost');
  },
};

// ---- enclave.json ---------------------------------------------------------------------------------

let profiles: Uint8Array[] | undefined;
function profileSeeds(): Uint8Array[] {
  if (profiles) return profiles;
  const { pki } = fixture();
  profiles = (['harbor', 'orchard'] as const).map((name) => {
    const p = writeEnclaveDir(pki, name, tmp(`enclave-${name}`), { force: true, checkpointEvery: name === 'harbor' ? 16 : 3 });
    return new Uint8Array(readFileSync(path.join(path.dirname(p.auditLog), '..', 'enclave.json')));
  });
  return profiles;
}

const enclaveProfile: FuzzFormat = {
  name: 'enclave-profile',
  kind: 'json',
  seeds: profileSeeds,
  parse: (input) => viaFile('enclave.json', input, MAX_PROFILE_BYTES, readConfig),
  check(_input, result) {
    const c = result as EnclaveConfig;
    expectThat(c.identity === `spiffe://${enclaveHost(c.enclave, c.region, c.domain)}`, 'identity does not match the labels');
    // A level is one of writ's names (stored as its OID) or any policy OID (levelOid, src/core/policy/levels.ts).
    expectThat(/^[0-2](\.(0|[1-9][0-9]*))+$/.test(c.level) || levelName(c.level) !== undefined, `level ${c.level} is not an OID`);
    expectThat(Number.isInteger(c.checkpointEvery) && c.checkpointEvery >= 1, 'checkpointEvery');
  },
};

// ---- signed baselines -----------------------------------------------------------------------------

let baselines: { bytes: Uint8Array; digest: string }[] | undefined;
function baselineSeeds(): { bytes: Uint8Array; digest: string }[] {
  if (baselines) return baselines;
  const { authority } = fixture();
  const example = parseBaseline(JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'enclave-baseline.json'), 'utf8')));
  const strict: Baseline = { ...example, name: 'fuzz: strict', rules: { ...example.rules, levels: ['restricted'] } };
  baselines = [example, parseBaseline(strict)].map((b) => ({ bytes: utf8.encode(signBaseline(b, { signer: authority.signer, cert: authority.cert, signingTime: NOW })), digest: bodyDigest(b) }));
  return baselines;
}

const signedBaseline: FuzzFormat = {
  name: 'signed-baseline',
  kind: 'json',
  seeds: () => baselineSeeds().map((s) => s.bytes),
  parse(input) {
    const { authority } = fixture();
    return viaFile('baseline.signed.json', input, MAX_DOCUMENT_BYTES, (file) => readSignedBaseline(file, [authority.cert], NOW));
  },
  check(_input, result) {
    const r = result as { baseline: Baseline };
    expectThat(baselineSeeds().some((s) => s.digest === bodyDigest(r.baseline)), 'a baseline the authority never signed was read (false accept)');
  },
};

// ---- SHA256SUMS -----------------------------------------------------------------------------------

const sums: FuzzFormat = {
  name: 'bundle-sums',
  kind: 'text',
  seeds: () => [
    utf8.encode(sumsText([['enclave.json', utf8.encode('{}')], ['keys/signing.pem', utf8.encode('x')], ['trust/anchors.pem', utf8.encode('y')], ['crl/root.crl', new Uint8Array(3)]])),
    utf8.encode(sumsText([['a', new Uint8Array(0)]])),
  ],
  // As checkBundle (src/enclave/install.ts) reads it: bounded bytes, lossy UTF-8, then parseSums.
  parse: (input) => {
    if (input.length > MAX_DOCUMENT_BYTES) throw new WritError('LIMIT', 'MAX_DOCUMENT_BYTES'); // readFileLimited's stat
    return parseSums(new TextDecoder().decode(input));
  },
  check(input, result) {
    const m = result as Map<string, string>;
    const lines = new TextDecoder()
      .decode(input)
      .split('\n')
      .filter((l) => l !== '');
    expectThat(lines.length === m.size && lines.every((l) => m.get(l.slice(66)) === l.slice(0, 64)), 'SHA256SUMS entries lost or altered');
    for (const name of m.keys()) expectThat(!name.split('/').some((s) => s === '..' || s === '.' || s === ''), `unsafe name ${name} accepted`);
  },
};

export default [trustStore, enclaveProfile, signedBaseline, sums];
