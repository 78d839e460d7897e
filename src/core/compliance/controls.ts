// The NIST SP 800-53 Rev 5 controls writ implements, as data: what it does for each, which command and module do it, which test shows it.
//
// This table is the single source for `writ oscal component-definition` (src/core/compliance/oscal.ts)
// and for docs/accreditation.md. Rule for adding a row: claim only what the code does today, point to
// files that exist (test/assurance/oscal.test.ts checks every path and command), and say in `remarks`
// where the control is met only in part or depends on the deploying organisation.

export interface ControlClaim {
  /** OSCAL control id in the SP 800-53 Rev 5 catalog: lower case, enhancements as "sc-12.3". */
  id: string;
  /** The control's title, as the catalog names it. */
  title: string;
  /** How writ implements it (markdown, one paragraph). */
  statement: string;
  /** `writ` commands that do it ("writ verify chain"); each maps to src/cli/commands/<noun>/<verb>.ts or <noun>/<noun>.ts. */
  commands: string[];
  /** Source files (repository-relative) that implement it. */
  modules: string[];
  /** Tests (repository-relative) that show it works. */
  tests: string[];
  /** Limits of the claim: what the organisation must still do, or what is met only in part. */
  remarks?: string;
}

export const CONTROL_CLAIMS: readonly ControlClaim[] = [
  {
    id: 'sc-12',
    title: 'Cryptographic Key Establishment and Management',
    statement:
      'Every key writ uses is generated, certified, rotated and revoked by writ itself under a written procedure: the root key is generated inside a scripted, multi-person ceremony, exists only in memory and is split into SLIP-39 shares held by custodians; regional, enclave, gateway and KEM keys are generated locally and certified against a CSR; regional certificates follow a rotation schedule; revocation is published as signed CRLs. Content-encryption keys are fresh per envelope and are established by ML-KEM (KEMRecipientInfo).',
    commands: ['writ ceremony run', 'writ key generate', 'writ cert issue', 'writ crl issue', 'writ regional plan'],
    modules: ['src/ceremony/runner.ts', 'src/core/shares/slip39.ts', 'src/core/crypto/keys.ts', 'src/core/x509/issue.ts', 'src/core/cms/kemri.ts'],
    tests: ['test/ceremony/rehearsal.test.ts', 'test/core/shares/slip39.test.ts', 'test/core/x509/issue.test.ts', 'test/core/cms/enveloped.test.ts'],
  },
  {
    id: 'sc-12.1',
    title: 'Availability',
    statement:
      'Loss of a custodian or a share does not lose the root key: the root seed is split with SLIP-39 into a quorum scheme (3-of-5 in the shipped script), each share encrypted to its custodian, and the share-drill ceremony proves periodically that a quorum still reconstructs the same root (its public-key fingerprint) without signing anything.',
    commands: ['writ ceremony run'],
    modules: ['src/core/shares/slip39.ts', 'src/core/shares/share-file.ts', 'ceremonies/share-drill.yaml'],
    tests: ['test/core/shares/slip39.property.test.ts', 'test/core/shares/share-file.test.ts', 'test/ceremony/rehearsal.test.ts'],
  },
  {
    id: 'sc-12.3',
    title: 'Asymmetric Keys',
    statement:
      'Asymmetric keys are produced, controlled and distributed as certificates issued under writ\'s own certificate profiles (root, regional, enclave-ca, enclave-signing, enclave-kem, workload): the profile fixes key usage, extended key usage, name constraints and level policies; a KEM certificate is issued only on a CSR signed by the same enclave\'s signing key; private keys are stored as PKCS#8 encrypted under a passphrase (PBES2) unless the operator explicitly asks otherwise.',
    commands: ['writ key generate', 'writ csr create', 'writ cert issue'],
    modules: ['src/core/x509/issue.ts', 'src/core/asn1/pkcs8.ts', 'src/cli/keyfile.ts'],
    tests: ['test/core/x509/issue.test.ts', 'test/core/x509/csr.test.ts', 'test/core/asn1/pkcs8.test.ts'],
    remarks:
      'Met for the "certificates issued in accordance with organization-defined requirements" option of the control parameter. writ\'s cryptographic module (@noble/post-quantum, @noble/ciphers, @noble/hashes) is not FIPS 140-3 validated; an organisation that selects "NSA-approved key management technology" must assess that separately.',
  },
  {
    id: 'sc-13',
    title: 'Cryptographic Protection',
    statement:
      'writ uses post-quantum algorithms for every signature and key establishment it makes: ML-DSA (FIPS 204) for certificates, CRLs, CSRs, CMS signatures, transcripts, agreements and audit checkpoints; ML-KEM-1024 (FIPS 203), or X-Wing where a hybrid is configured, for key establishment; AES-256-GCM for content, AES-256 key wrap, HKDF and SHA-2. `writ lint --profile cnsa2` checks artifacts against the CNSA 2.0 algorithm suite (ML-DSA-87, ML-KEM-1024, AES-256, SHA-384/512) and `writ verify chain --allow-alg` enforces an algorithm allow-list during path validation.',
    commands: ['writ lint', 'writ verify chain', 'writ envelope seal'],
    modules: ['src/core/crypto/ml-dsa.ts', 'src/core/crypto/ml-kem.ts', 'src/core/crypto/aead.ts', 'src/core/lint/lint.ts', 'src/core/verify/algorithms.ts'],
    tests: ['test/vectors/wycheproof.test.ts', 'test/vectors/keys.test.ts', 'test/core/crypto/ml-dsa.test.ts', 'test/assurance/lint.test.ts'],
    remarks:
      'The algorithms are NIST-approved; their implementation is not a FIPS 140-3 validated module. Where validation is required, the organisation must account for this. Enclave gateway keys default to ML-DSA-65 and X-Wing is used for hybrid KEM: `writ lint --profile cnsa2` flags both, so a CNSA 2.0 deployment must choose ML-DSA-87 and ML-KEM-1024 for those keys.',
  },
  {
    id: 'sc-17',
    title: 'Public Key Infrastructure Certificates',
    statement:
      'writ is the PKI: it issues X.509 v3 certificates (RFC 5280) under its certificate profiles and level policies (certificatePolicies OIDs per level), from an offline root created in a witnessed ceremony, through regional CAs constrained to their region and levels, down to enclave CAs constrained to one enclave and one level. Only trust anchors named by the enclave (its trust/anchors.pem) are accepted.',
    commands: ['writ ceremony run', 'writ cert issue', 'writ crl issue', 'writ verify chain'],
    modules: ['src/core/x509/issue.ts', 'src/core/policy/levels.ts', 'src/core/verify/verify.ts', 'src/enclave/layout.ts'],
    tests: ['test/core/x509/issue.test.ts', 'test/core/verify/verify.test.ts', 'test/fixtures/pki.test.ts'],
  },
  {
    id: 'ia-5.2',
    title: 'Public Key-based Authentication',
    statement:
      'Certificates are validated by building a path to an accepted trust anchor with RFC 5280 §6 processing, including signature, validity, basic constraints, key usage, name constraints, policy (level) processing and revocation against CRLs (`--require-crl` fails closed when a CRL is missing); access to private keys is enforced by passphrase-encrypted PKCS#8; the authenticated identity is mapped to a SPIFFE id, enclave, region and level; CRLs are kept locally in the enclave trust store so that validation works with no network.',
    commands: ['writ verify chain', 'writ envelope verify', 'writ inspect'],
    modules: ['src/core/verify/verify.ts', 'src/core/verify/revocation.ts', 'src/core/verify/name-constraints.ts', 'src/core/asn1/pkcs8.ts'],
    tests: ['test/core/verify/verify.test.ts', 'test/vectors/limbo.test.ts', 'test/core/verify/bitflip.property.test.ts', 'test/core/verify/name-constraints.test.ts'],
  },
  {
    id: 'ac-4',
    title: 'Information Flow Enforcement',
    statement:
      'An envelope leaves or enters an enclave only when a signed bilateral agreement covers the exact flow (parties, layer, scope, level, query shape, validity) and has not been withdrawn; flows between different levels additionally need a crossing approval, signed by a crossing authority named in the enclave trust store, for that exact sender, recipient, scope and direction. There is no default path: anything not covered is refused with one REFUSED_* code before anything is written, and the refusal is audited.',
    commands: ['writ envelope seal', 'writ envelope open', 'writ federation propose', 'writ federation countersign', 'writ federation import', 'writ federation crossing'],
    modules: ['src/core/policy/agreement.ts', 'src/core/policy/crossing.ts', 'src/core/policy/withdrawal.ts', 'src/core/envelope/envelope.ts'],
    tests: ['test/core/policy/check-flow.test.ts', 'test/core/policy/agreement.property.test.ts', 'test/core/envelope/envelope.test.ts', 'test/e2e/federation.test.ts'],
    remarks: 'writ enforces flows between enclaves that exchange writ envelopes; it does not control other channels (network, removable media) out of an enclave.',
  },
  {
    id: 'ac-4.17',
    title: 'Domain Authentication',
    statement:
      'Source and destination of every transfer are authenticated by domain: the sender by its gateway signing certificate (ML-DSA, chain to the trust anchor, name-constrained SPIFFE id of the enclave, its level policy), the recipient by its KEM certificate validated the same way before sealing; the opened envelope\'s signed header must name this enclave as the recipient (REFUSED_NOT_RECIPIENT), and every record carries a provenance attestation signed by its origin enclave.',
    commands: ['writ envelope seal', 'writ envelope open', 'writ verify chain'],
    modules: ['src/core/envelope/envelope.ts', 'src/core/envelope/header.ts', 'src/core/policy/signed.ts', 'src/core/policy/names.ts'],
    tests: ['test/core/envelope/envelope.test.ts', 'test/core/envelope/header.test.ts', 'test/core/verify/name-constraints.test.ts'],
  },
  {
    id: 'ac-21',
    title: 'Information Sharing',
    statement:
      'Sharing decisions are made from signed, machine-checked terms: an agreement lists the scopes, levels, layers and query shapes a partner may receive, each record carries its guardianship (kaitiaki and terms of sharing) and consent reference, and `writ federation status` shows which agreements are in force, pending, withdrawn or expired. A withdrawal takes effect at once for every later seal or open.',
    commands: ['writ federation propose', 'writ federation withdraw', 'writ federation status'],
    modules: ['src/core/policy/agreement.ts', 'src/core/policy/withdrawal.ts', 'src/core/envelope/records.ts'],
    tests: ['test/core/policy/agreement.test.ts', 'test/core/policy/withdrawal-crossing.test.ts', 'test/enclave/federation-cli.test.ts'],
  },
  {
    id: 'sc-8',
    title: 'Transmission Confidentiality and Integrity',
    statement:
      'Information exchanged between enclaves travels as a sealed envelope: CMS SignedData (ML-DSA, signed header and per-record manifest) inside AuthEnvelopedData (AES-256-GCM under a key established with ML-KEM), so confidentiality and integrity do not depend on the transport or the carrier.',
    commands: ['writ envelope seal', 'writ envelope open', 'writ envelope inspect'],
    modules: ['src/core/cms/enveloped.ts', 'src/core/cms/signed-data.ts', 'src/core/envelope/envelope.ts'],
    tests: ['test/core/cms/enveloped.test.ts', 'test/core/cms/signed-data.test.ts', 'test/vectors/cms.test.ts'],
  },
  {
    id: 'sc-8.1',
    title: 'Cryptographic Protection',
    statement:
      'The protection in transit is cryptographic: AES-256-GCM authenticated encryption with the content-type bound by the tag, ML-KEM key establishment per recipient (RFC 9629 KEMRecipientInfo), and an ML-DSA signature over the header and the Merkle root of the records; any alteration fails with DECRYPT, SIGNATURE or PROVENANCE.',
    commands: ['writ envelope seal', 'writ envelope open'],
    modules: ['src/core/cms/enveloped.ts', 'src/core/cms/kemri.ts', 'src/core/envelope/manifest.ts'],
    tests: ['test/core/cms/enveloped.test.ts', 'test/core/envelope/merkle-manifest.test.ts'],
  },
  {
    id: 'au-9.3',
    title: 'Cryptographic Protection',
    statement:
      'Audit records are protected cryptographically: each enclave audit log is a hash chain (SHA-512 over RFC 8785 canonical lines) with periodic checkpoints signed by the enclave\'s ML-DSA key, and each ceremony transcript is hash-chained and closed by a record signed by the root key and co-signed by the administrator and the witness. `writ audit verify` and `writ ceremony verify` detect edited, deleted, reordered, truncated or appended entries and forged checkpoints.',
    commands: ['writ audit verify', 'writ ceremony verify'],
    modules: ['src/core/audit/log.ts', 'src/core/log/chain.ts', 'src/core/transcript/verify.ts', 'src/enclave/audit.ts'],
    tests: ['test/core/audit/log.test.ts', 'test/core/transcript/tamper.test.ts'],
    remarks: 'Detects modification; it does not prevent deletion of the whole log. Keeping copies (for example on write-once media) is the organisation\'s procedure.',
  },
  {
    id: 'au-10',
    title: 'Non-repudiation',
    statement:
      'Actions that matter are signed by the key of the party that took them: agreements and withdrawals by each enclave\'s gateway signing key, crossing approvals by the crossing authority, every envelope by its sender, every record attestation by its origin enclave, custodian approvals by each custodian\'s enrolled ML-DSA key before the root signs, and ceremony transcripts by the root, the administrator and the witness. Signatures are verifiable offline by anyone holding the trust anchor.',
    commands: ['writ federation countersign', 'writ envelope open', 'writ ceremony verify', 'writ envelope verify'],
    modules: ['src/core/policy/signed.ts', 'src/core/transcript/approvals.ts', 'src/core/envelope/records.ts', 'src/core/cms/signed-data.ts'],
    tests: ['test/core/transcript/approvals.test.ts', 'test/core/policy/agreement.test.ts', 'test/core/envelope/envelope.test.ts'],
  },
  {
    id: 'cm-14',
    title: 'Signed Components',
    statement:
      'Components carried into an enclave are checked for a signature before use: signed policy documents (agreements, withdrawals, crossing approvals) are stored only after every signature and chain verifies (`writ federation import`), and a release\'s SHA256SUMS signed as a detached CMS signature can be checked against the organisation\'s trust anchors with `writ envelope verify --content SHA256SUMS`.',
    commands: ['writ federation import', 'writ envelope verify'],
    modules: ['src/core/policy/signed.ts', 'src/core/cms/signed-data.ts', 'src/cli/commands/envelope/verify.ts'],
    tests: ['test/core/cms/signed-data.test.ts', 'test/enclave/federation-cli.test.ts'],
    remarks:
      'Partial: writ verifies signatures; refusing to install an unsigned writ bundle on the air-gapped machine is the organisation\'s procedure at the transfer point (docs/accreditation.md).',
  },
  {
    id: 'si-7',
    title: 'Software, Firmware, and Information Integrity',
    statement:
      'Integrity verification tools detect unauthorized changes and refuse: `writ self-check --sums SHA256SUMS` compares the running bundle\'s SHA-256 with the release\'s SHA256SUMS (exit 1 on a mismatch) and prints it as words to read aloud; `writ ceremony verify` recomputes the SHA-256 of every ceremony output named in the signed transcript (ARTIFACT_MISMATCH); `writ audit verify` detects any change to an enclave audit log; every certificate, CRL, agreement and envelope is signature-checked before use.',
    commands: ['writ self-check', 'writ ceremony verify', 'writ audit verify', 'writ verify chain'],
    modules: ['src/cli/commands/self-check/self-check.ts', 'src/core/transcript/verify.ts', 'src/core/audit/log.ts', 'scripts/check-reproducible.sh'],
    tests: ['test/core/transcript/tamper.test.ts', 'test/core/audit/log.test.ts', 'test/core/verify/bitflip.property.test.ts'],
    remarks: 'A tampered bundle can lie about its own hash: compare it also with an independent tool (sha256sum) on another machine (docs/threat-model.md).',
  },
  {
    id: 'sr-4',
    title: 'Provenance',
    statement:
      'Provenance is recorded and checked for data and for PKI artifacts: every record carries an attestation signed by its origin enclave (origin identity, record hash, guardianship, Merkle inclusion path) that survives re-sharing and is checked on open (PROVENANCE); every ceremony output file is named with its SHA-256 in the signed transcript (ARTIFACT_MISMATCH when a file is swapped).',
    commands: ['writ envelope open', 'writ ceremony verify'],
    modules: ['src/core/envelope/records.ts', 'src/core/envelope/merkle.ts', 'src/core/transcript/writer.ts', 'src/core/transcript/verify.ts'],
    tests: ['test/core/envelope/envelope.test.ts', 'test/core/envelope/merkle-manifest.test.ts', 'test/core/transcript/tamper.test.ts'],
  },
];

/**
 * Controls the brief names that writ does NOT claim, and why (kept here so the reason ships with the data).
 * SC-12(2) asks for symmetric keys produced with "NIST FIPS-validated" or "NSA-approved" key management
 * technology; writ's module is neither, so claiming it would overstate.
 */
export const NOT_CLAIMED: readonly { id: string; reason: string }[] = [
  {
    id: 'sc-12.2',
    reason:
      'Symmetric keys: the control parameter is "NIST FIPS-validated" or "NSA-approved" key management technology; writ generates AES-256 content keys from the OS CSPRNG and wraps them under ML-KEM with NIST-approved algorithms, but its implementation is not FIPS 140-3 validated nor NSA-approved.',
  },
];
