// Fuzz formats: X.509 path validation input (RFC 5280 §6.1) — verify() with a fuzzed intermediate CA or a fuzzed leaf.
//
// The mutant is parsed with parseCertificate (the real reader) and then validated; a VerifyResult is a
// value (ok or not, with issues). Check: a path can only validate through the seed certificate itself.
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { verify } from '../../../src/core/verify/verify.js';
import type { VerifyResult } from '../../../src/core/verify/types.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzPki, FUZZ_NOW, hex } from './_fixture.js';

function run(which: 'intermediate' | 'leaf', input: Uint8Array): VerifyResult {
  const pki = fuzzPki();
  const h = pki.enclaves.harbor;
  const mutant = parseCertificate(input);
  const leaf = which === 'leaf' ? mutant : h.workload.cert;
  const untrusted = which === 'intermediate' ? [mutant, pki.regions.north.ca.cert] : [h.ca.cert, pki.regions.north.ca.cert];
  return verify({ leaf, untrusted, crls: [pki.rootCrl.crl, pki.regions.north.crl.crl, h.crl.crl] }, [{ cert: pki.root.cert }], { now: FUZZ_NOW, identity: h.identity });
}

function format(which: 'intermediate' | 'leaf'): FuzzFormat {
  const seed = (): Uint8Array => (which === 'leaf' ? fuzzPki().enclaves.harbor.workload.der : fuzzPki().enclaves.harbor.ca.der);
  return {
    name: `chain-${which}`,
    kind: 'der',
    seeds: () => [seed()],
    parse: (input) => run(which, input),
    check(input, result) {
      const r = result as VerifyResult;
      if (!r.ok) {
        if (r.path.length > 0 && r.steps.every((s) => s.ok)) throw new Error('not ok, yet every step passed');
        return;
      }
      // A validated path holds the seed certificate (by fingerprint), never another encoding of it.
      const fp = hex(sha256(seed()));
      if (!r.path.some((p) => p.fingerprint === fp)) throw new Error(`a path validated through a mutated ${which} (${hex(sha256(input)).slice(0, 16)})`);
    },
  };
}

export default [format('intermediate'), format('leaf')];
