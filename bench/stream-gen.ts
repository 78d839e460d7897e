// Input generator for bench/stream.mjs (issue 6 target 4): two fixture enclave directories and the crossing authority from a seed; the payload file itself is written by stream-driver.mjs.
//
// bench/stream.mjs bundles this file with esbuild into its temp dir (as bench/batch.mjs does) and runs
// `node stream-gen.mjs DIR SEED`. The fixture PKI is issued "now" because the CLI reads the real clock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFixturePki } from '../src/fixtures/pki.js';
import { fixtureCrossingAuthority, writeEnclaveDir } from '../src/enclave/fixture.js';
import { drbgBytes } from '../src/fixtures/drbg.js';
import { encodePrivateKey } from '../src/core/asn1/pkcs8.js';
import { pemEncode } from '../src/core/asn1/pem.js';

const [dir, seed] = process.argv.slice(2);
if (!dir || !seed) throw new Error('usage: stream-gen DIR SEED');
const pki = buildFixturePki(`stream-bench:${seed}`, new Date());
writeEnclaveDir(pki, 'harbor', path.join(dir, 'harbor'));
writeEnclaveDir(pki, 'orchard', path.join(dir, 'orchard'));
const key = drbgBytes(pki.seed, 'key:crossing-authority', 32);
fs.writeFileSync(path.join(dir, 'authority.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', key)), { mode: 0o600 });
fs.writeFileSync(path.join(dir, 'authority.pem'), pemEncode('CERTIFICATE', fixtureCrossingAuthority(pki).der));
process.stdout.write(`${JSON.stringify({ harbor: `spiffe://${pki.enclaves.harbor.host}`, orchard: `spiffe://${pki.enclaves.orchard.host}` })}\n`);
