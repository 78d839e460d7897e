// writ command-line entry point (the tsup entry): commander wiring, help pages, the runner and exit codes.
//
// Command modules are imported lazily inside the action handlers, so `writ verify chain` loads neither
// the issuing code nor the demo (cold start matters on CI and on small air-gapped machines). Handlers set
// process.exitCode through the runner; nothing here calls process.exit while work is in flight.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../../package.json';
import { isWritError } from '../core/errors.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit.js';
import { defaultCtx, toJson } from './context.js';
import type { Handler } from './context.js';
import { CRL_REASONS } from '../core/x509/types.js';
import { BATCH_WORKER_FLAG } from '../batch/flag.js';

type Loader = () => Promise<{ run: Handler }>;

const KEY_ALGS = ['ml-dsa-87', 'ml-dsa-65', 'ml-dsa-44', 'ml-kem-1024', 'ml-kem-768', 'x-wing'];
const PROFILES = ['root', 'regional', 'enclave-ca', 'enclave-signing', 'enclave-kem', 'workload'];

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

function help(sections: { args?: string[]; examples: string[]; notes?: string[] }): string {
  const out: string[] = [''];
  out.push('POSITIONAL ARGUMENTS', ...(sections.args?.length ? sections.args.map((a) => `  ${a}`) : ['  (none)']), '');
  if (sections.notes?.length) out.push('NOTES', ...sections.notes.map((n) => `  ${n}`), '');
  out.push('EXAMPLES', ...sections.examples.map((e) => `  ${e}`), '');
  out.push(EXIT_CODES_HELP);
  return out.join('\n');
}

/**
 * Ends a command's definition the way every writ command ends: --json, the manual-page help sections
 * (POSITIONAL ARGUMENTS, NOTES, EXAMPLES, EXIT CODES) and the lazily imported handler.
 */
function finish(cmd: Command, sections: Parameters<typeof help>[0], load: Loader): void {
  cmd.option('--json', 'print one JSON document on stdout').addHelpText('after', help(sections)).action(action(load));
}

function writeOut(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

/** Prints an error the one way writ prints errors and sets the exit code from the table. */
export function reportError(err: unknown, json: boolean): void {
  const code = isWritError(err) ? err.code : 'INTERNAL';
  let message = err instanceof Error ? err.message : String(err);
  if (!isWritError(err)) message = `internal error (a bug: please report it): ${message}`;
  if (json) writeOut(toJson({ ok: false, error: { code, message } }));
  else process.stderr.write(`writ: error: ${message} [${code}]\n`);
  if (!isWritError(err) && process.env.WRIT_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = exitCodeFor(err);
}

function action(load: Loader) {
  return async (...a: unknown[]): Promise<void> => {
    const cmd = a[a.length - 1] as Command;
    const opts = cmd.opts();
    const json = Boolean(opts.json);
    const ctx = defaultCtx(json);
    try {
      // --crypto-backend (a global option) or WRIT_CRYPTO_BACKEND; nothing is loaded when neither is set.
      const backend: unknown = cmd.optsWithGlobals().cryptoBackend;
      if (backend !== undefined || process.env.WRIT_CRYPTO_BACKEND) await (await import('./crypto-backend.js')).applyCryptoBackend(backend);
      const mod = await load();
      const r = await mod.run(ctx, cmd.processedArgs as string[], opts);
      if (json) writeOut(toJson({ ok: (r.exitCode ?? 0) === 0, ...r.data }));
      else if (r.text) writeOut(r.text);
      process.exitCode = r.exitCode ?? EXIT.OK;
    } catch (err) {
      reportError(err, json);
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('writ');
  program
    .description('Sovereign post-quantum PKI, offline: root ceremonies, certificates and CRLs, sealed envelopes, federation, and verification of all of them.')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(
      new Option('--crypto-backend <mode>', 'who verifies ML-DSA and decapsulates ML-KEM: native (node:crypto, OpenSSL 3.5), noble (pure JS) or auto (native when available; env WRIT_CRYPTO_BACKEND); signing and encapsulation always run on noble').choices([
        'noble',
        'native',
        'auto',
      ]),
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .addHelpText(
      'after',
      help({
        args: ['COMMAND  a noun then a verb, e.g. "key generate"; run `writ COMMAND --help` for its manual'],
        examples: ['writ demo --out ./demo', 'writ key generate --alg ml-dsa-87 --out root.key --pass-file root.pass', 'writ verify chain leaf.pem --trust root.pem --json'],
      }),
    );

  // ---- key ----
  const key = program.command('key').description('private keys (PKCS#8, RFC 9881 seed form)');
  finish(
    key
      .command('generate')
      .description('generate a key pair and write the private key as PEM PKCS#8, encrypted by default')
      .addOption(new Option('--alg <alg>', 'algorithm').choices(KEY_ALGS).makeOptionMandatory())
      .requiredOption('--out <file>', 'where to write the private key (mode 0600)')
      .option('--pass-file <file>', 'encrypt under the passphrase in this file (PBES2)')
      .option('--insecure-no-pass', 'write the key unencrypted (dangerous)')
      .addOption(new Option('--kdf <kdf>', 'PBES2 key derivation').choices(['scrypt', 'pbkdf2']).default('scrypt'))
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'The key is encrypted (PBES2: scrypt or PBKDF2-SHA256, AES-256-CBC) under the passphrase in --pass-file,',
        'or one typed at the terminal. An unencrypted key is written only with --insecure-no-pass.',
        'Prints the SHA-256 fingerprint of the public key (SubjectPublicKeyInfo DER), in hex and in words.',
      ],
      examples: [
        'writ key generate --alg ml-dsa-87 --out root.key --pass-file root.pass',
        'writ key generate --alg ml-kem-1024 --out kem.key --pass-file enclave.pass',
        'writ key generate --alg ml-dsa-65 --out test.key --insecure-no-pass --json',
      ],
    },
    () => import('./commands/key/generate.js'),
  );

  // ---- csr ----
  const csr = program.command('csr').description('certificate signing requests (PKCS#10, RFC 2986)');
  finish(
    csr
      .command('create')
      .description('create a CSR signed with the key (or, for a KEM key, signed with --sign-key)')
      .requiredOption('--key <file>', 'private key whose public key is requested')
      .requiredOption('--subject <dn>', 'subject distinguished name, e.g. "CN=gw, O=writ"')
      .option('--identity <uri>', 'SPIFFE ID to request as URI subjectAltName')
      .option('--sign-key <file>', 'for an ML-KEM / X-Wing --key: the enclave signing key that signs the request')
      .option('--signer-cert <file>', 'for a KEM request: the enclave signing certificate of --sign-key')
      .option('--pass-file <file>', 'passphrase of --key when it is encrypted')
      .option('--sign-pass-file <file>', 'passphrase of --sign-key (default: --pass-file)')
      .requiredOption('--out <file>', 'where to write the CSR (PEM)')
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'A KEM key cannot sign, so its request is signed by the same enclave\'s signing key (--sign-key) and',
        'names that key\'s certificate (--signer-cert); see docs/formats.md "KEM certificate requests".',
      ],
      examples: [
        'writ csr create --key gw.key --pass-file gw.pass --subject "CN=gw.alpha, O=writ" --out gw.csr',
        'writ csr create --key wl.key --pass-file wl.pass --subject "CN=api" --identity spiffe://alpha.north.writ.example/api --out wl.csr',
        'writ csr create --key kem.key --sign-key gw.key --signer-cert gw.pem --pass-file p --subject "CN=kem.alpha" --out kem.csr',
      ],
    },
    () => import('./commands/csr/create.js'),
  );

  // ---- cert ----
  const cert = program.command('cert').description('X.509 certificates (RFC 5280)');
  finish(
    cert
      .command('issue')
      .description('issue a certificate for a CSR under a CA, or a self-signed root')
      .addOption(new Option('--profile <profile>', 'certificate profile').choices(PROFILES).makeOptionMandatory())
      .option('--ca-cert <file>', 'issuing CA certificate')
      .option('--ca-key <file>', 'issuing CA private key')
      .option('--csr <file>', 'the request to certify (its signature is checked)')
      .option('--self-signed', 'issue a self-signed root from --key and --subject (profile root only)')
      .option('--key <file>', 'with --self-signed: the root private key')
      .option('--subject <dn>', 'with --self-signed: the root subject name')
      .option('--region <name>', 'region label (regional, enclave-ca and below)')
      .option('--enclave <name>', 'enclave label (enclave-ca and below)')
      .option('--domain <domain>', 'trust domain (root only; default writ.example; CAs below inherit it)')
      .option('--identity <uri>', 'workload: the SPIFFE ID (default: the one the CSR asks for)')
      .option('--level <level>', 'level name or policy OID; repeat for a regional CA', collect)
      .option('--days <n>', 'validity in days', positiveInt)
      .option('--signer-cert <file>', 'enclave-kem: the enclave signing certificate whose key signed the CSR')
      .option('--pass-file <file>', 'passphrase of the signing key (--ca-key, or --key with --self-signed)')
      .requiredOption('--out <file>', 'where to write the certificate (PEM)')
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'Profiles (DESIGN.md §1): root (self-signed), regional (pathLen 1, constrained to .REGION.DOMAIN, its levels),',
        'enclave-ca (pathLen 0, constrained to ENCLAVE.REGION.DOMAIN, one level), enclave-signing, enclave-kem',
        '(issued for a KEM key only on a CSR signed by the same enclave\'s signing key) and workload.',
        'In production the root key is only used inside a ceremony; --self-signed from a key file is for fixtures and demos.',
      ],
      examples: [
        'writ cert issue --profile root --self-signed --key root.key --pass-file root.pass --subject "CN=writ root" --out root.pem',
        'writ cert issue --profile regional --ca-cert root.pem --ca-key root.key --pass-file root.pass --csr north.csr --region north --level internal --level restricted --out north.pem',
        'writ cert issue --profile enclave-ca --ca-cert north.pem --ca-key north.key --pass-file p --csr alpha.csr --region north --enclave alpha --level restricted --out alpha.pem',
      ],
    },
    () => import('./commands/cert/issue.js'),
  );

  // ---- crl ----
  const crl = program.command('crl').description('certificate revocation lists (RFC 5280 §5)');
  finish(
    crl
      .command('issue')
      .description('issue a CRL signed by a root or regional CA')
      .requiredOption('--ca-cert <file>', 'issuing CA certificate')
      .requiredOption('--ca-key <file>', 'issuing CA private key')
      .option('--revoke <serial:reason>', `revoke a serial (hex); reasons: ${CRL_REASONS.join(', ')}; repeatable`, collect)
      .requiredOption('--next-update <days>', 'days until nextUpdate', positiveInt)
      .option('--crl-number <n>', 'cRLNumber (default: seconds since 1970, so it increases)')
      .option('--pass-file <file>', 'passphrase of --ca-key')
      .requiredOption('--out <file>', 'where to write the CRL (PEM)')
      .option('--force', 'replace --out if it exists'),
    {
      examples: [
        'writ crl issue --ca-cert north.pem --ca-key north.key --pass-file p --revoke 3f9a...:keyCompromise --next-update 7 --out north.crl',
        'writ crl issue --ca-cert root.pem --ca-key root.key --pass-file p --next-update 30 --out root.crl',
      ],
    },
    () => import('./commands/crl/issue.js'),
  );

  // ---- verify ----
  const verify = program.command('verify').description('offline verification');
  finish(
    verify
      .command('chain')
      .description('validate a certificate path to a trust anchor (RFC 5280 §6) and report what it proves')
      .argument('<leaf>', 'the certificate to verify')
      .requiredOption('--trust <file>', 'trust anchors (root certificates); repeatable', collect)
      .option('--untrusted <file>', 'intermediate certificates to build the path from; repeatable', collect)
      .option('--crl <file>', 'CRLs to check revocation against; repeatable', collect)
      .option('--require-crl', 'fail (CRL_MISSING) when a certificate on the path has no CRL')
      .option('--at <time>', 'validation time, RFC 3339 (default: now)')
      .option('--level <level>', 'require this level (name or policy OID)')
      .option('--identity <uri>', 'require this SPIFFE ID')
      .option('--allow-alg <alg>', 'allow only these algorithms on the path (name like ml-dsa-87, or OID); repeatable', collect),
    {
      args: ['LEAF  file with the leaf certificate (DER, or PEM: the first block is the leaf, the rest are intermediates)'],
      notes: [
        'Every file may hold one DER certificate or any number of PEM blocks.',
        'Exit 0 only when the chain is valid; 1 with the reason codes when it is not.',
        '--json prints {"ok", "path", "identity", "enclave", "region", "level", "errors": [{"code","cert","message"}]}.',
      ],
      examples: [
        'writ verify chain wl.pem --trust root.pem --untrusted north.pem --untrusted alpha.pem --crl north.crl',
        'writ verify chain wl.pem --trust root.pem --untrusted chain.pem --level restricted --identity spiffe://alpha.north.writ.example/api --json',
        'writ verify chain wl.pem --trust root.pem --untrusted chain.pem --at 2027-01-01T00:00:00Z',
        'writ verify chain wl.pem --trust root.pem --untrusted chain.pem --allow-alg ml-dsa-87 --allow-alg ml-dsa-65',
      ],
    },
    () => import('./commands/verify/chain.js'),
  );
  finish(
    verify
      .command('batch')
      .description('verify many chains and signed envelopes on every core; one result per item')
      .argument('<input>', 'a list file (one path per line) or a directory')
      .requiredOption('--trust <file>', 'trust anchors (root certificates); repeatable', collect)
      .option('--untrusted <file>', 'intermediate certificates to build paths from; repeatable', collect)
      .option('--crl <file>', 'CRLs to check revocation against; repeatable', collect)
      .option('--require-crl', 'chains: fail (CRL_MISSING) when a certificate on the path has no CRL')
      .option('--at <time>', 'validation time, RFC 3339 (default: now, read once for the whole batch)')
      .option('--level <level>', 'chains: require this level (name or policy OID)')
      .option('--allow-alg <alg>', 'chains: allow only these algorithms on the path; repeatable', collect)
      .option('--workers <n>', 'worker threads (default: every core)', positiveInt),
    {
      args: [
        'INPUT  a list file (paths relative to it; blank lines and # comments skipped) or a directory',
        '       (its *.pem *.der *.crt *.cer chain files and *.env *.p7s *.p7m *.cms envelopes, sorted by name)',
      ],
      notes: [
        'A chain file is checked as `writ verify chain FILE` (the leaf first, then its intermediates); an',
        'envelope as `writ envelope verify FILE` (a CMS SignedData; detached content is not supported here).',
        'Each distinct intermediate and CRL signature is verified once per worker (cached by the SHA-256 of its',
        'bytes, of its issuer certificate\'s bytes and the validation time); every other check runs for every chain.',
        'An envelope sender\'s path (the same certificates, byte for byte) is validated once per worker.',
        'With the noble backend, each issuer\'s ML-DSA key is prepared once per worker (FIPS 204 work that',
        'depends on the key alone), so every leaf and envelope signature costs only its own part.',
        'Exit 0 when every item verifies; otherwise the exit code of the first failing item\'s code (1 for a',
        'verification failure, 3 for an unreadable item). Progress: a bar on a terminal, lines otherwise, none with --json.',
        '--json prints {"ok", "total", "valid", "failed", "code", "items": [{"path","kind","ok","code","message"}], ...}.',
      ],
      examples: [
        'writ verify batch chains/ --trust root.pem --crl region.crl',
        'writ verify batch list.txt --trust root.pem --untrusted regional.pem --workers 4 --json',
        'writ verify batch envelopes/ --trust root.pem --at 2027-01-01T00:00:00Z',
      ],
    },
    () => import('./commands/verify/batch.js'),
  );

  // ---- inspect ----
  finish(
    program
      .command('inspect')
      .description('show a certificate, CSR, CRL or key (public parts only) with SHA-256 fingerprints and words')
      .argument('<file>', 'the file to show')
      .option('--pass-file <file>', 'passphrase of an encrypted private key (to show its public key fingerprint)'),
    {
      args: ['FILE  DER or PEM (any number of blocks): certificate, CSR, CRL, private key or public key'],
      notes: ['Private keys show their algorithm and public-key fingerprint, never the secret.'],
      examples: ['writ inspect root.pem', 'writ inspect north.crl --json', 'writ inspect root.key --pass-file root.pass'],
    },
    () => import('./commands/inspect/inspect.js'),
  );

  // ---- envelope ----
  const envelope = program.command('envelope').description('sealed envelopes between enclaves (CMS SignedData inside AuthEnvelopedData, KEMRecipientInfo)');
  const ENVELOPE_EXIT_NOTE = 'A refused envelope exits 1 with ONE reason code (REFUSED_*, PROVENANCE, SIGNATURE, DECRYPT, chain codes) and is logged in the audit log.';
  finish(
    envelope
      .command('seal')
      .description('sign then encrypt records to a peer enclave, under an agreement (refused before anything is written when no agreement covers it)')
      .requiredOption('--as <dir>', 'the sending enclave directory')
      .requiredOption('--to <file>', "the recipient's KEM certificate (PEM; further blocks are taken as its chain)")
      .option('--untrusted <file>', "more certificates to build the recipient's path from (e.g. its certs/chain.pem); repeatable", collect)
      .requiredOption('--agreement <id>', 'the agreement that covers this flow')
      .requiredOption('--scope <scope>', 'the scope of the records (must be allowed by the agreement)')
      .option('--records <file>', 'records, JSON lines: {"data", "guardianship"} or re-shared "writ-record"/"writ-attestation" lines')
      .option('--payload <file>', 'seal this file as a payload envelope instead (streamed; any size); needs --kaitiaki and --terms')
      .option('--name <name>', 'the payload name recorded in the envelope (default: the file name of --payload)')
      .option('--query-shape <id>', 'seal a query of this shape instead (models layer); needs --params')
      .option('--params <json>', 'query parameters: inline JSON or @FILE')
      .option('--level <level>', "level of the contents (default: the sender's own level)")
      .option('--consent <ref>', 'consent reference the records are shared under (default: agreement:<id>)')
      .option('--kaitiaki <name>', 'guardian (kaitiaki) for record lines that name none; needs --terms')
      .option('--terms <text>', 'terms of sharing for record lines that name none; needs --kaitiaki')
      .requiredOption('--expires <time>', 'expiry: RFC 3339 time, or a duration such as 30m, 24h, 7d')
      .requiredOption('--out <file>', 'where to write the envelope (DER)')
      .option('--pass-file <file>', "passphrase of the enclave's keys")
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'Records the sender originates are attested now (one ML-DSA signature over a Merkle root of the batch;',
        'each record carries its origin, hash, guardianship and inclusion path). Re-shared records keep their',
        'original attestation. The header (ids, scope, consent, agreement, level, times, manifest) is signed.',
        '--payload FILE streams one file of any size in 1 MiB chunks (bounded memory) as a payload envelope: its',
        'bytes are the signed content and one attested record (name, size, SHA-512, guardianship) is signed with the header.',
        ENVELOPE_EXIT_NOTE,
      ],
      examples: [
        'writ envelope seal --as harbor --to orchard-kem.pem --untrusted orchard-chain.pem --agreement agr-… --scope research.aggregate --records out.jsonl --expires 24h --out e1.env',
        'writ envelope seal --as harbor --to orchard-kem.pem --agreement agr-… --scope s --records r.jsonl --kaitiaki "Ngāti Example" --terms "research only" --expires 2027-01-01T00:00:00Z --out e2.env',
        'writ envelope seal --as harbor --to orchard-kem.pem --agreement agr-… --scope s --payload survey.tar --kaitiaki "Harbor board" --terms "research only" --expires 7d --out survey.env',
      ],
    },
    () => import('./commands/envelope/seal.js'),
  );
  finish(
    envelope
      .command('open')
      .description('decrypt, verify and policy-check an envelope addressed to this enclave, or (with --key) any standard CMS envelope')
      .argument('<file>', 'the envelope')
      .option('--as <dir>', 'the receiving enclave directory (full policy-checked open)')
      .option('--out <file>', 'write the opened records (with provenance and attestations) as JSON lines; for a payload envelope, the payload (required)')
      .option('--key <file>', 'low-level mode: decrypt with this private key, no federation policy')
      .option('--cert <file>', 'low-level mode: the certificate of --key')
      .option('--pass-file <file>', 'passphrase of the keys')
      .option('--force', 'replace --out if it exists'),
    {
      args: ['FILE  the envelope (DER or PEM)'],
      notes: [
        'Checks, in order: decrypt (DECRYPT); signature and sender chain (SIGNATURE, NO_PATH, REVOKED, ...);',
        'recipient (REFUSED_NOT_RECIPIENT); expiry (REFUSED_EXPIRED); agreement, withdrawal, scope, level, query',
        'shape, crossing (REFUSED_NO_AGREEMENT, _WITHDRAWN, _SCOPE, _LEVEL, _QUERY_SHAPE, _CROSSING); replay',
        '(REFUSED_REPLAY); every record\'s provenance (PROVENANCE). Nothing is written for a refused envelope.',
        'A payload envelope (seal --payload) streams to --out (required) through a temp file that is published only',
        'after every check passed, and deleted on any refusal.',
        ENVELOPE_EXIT_NOTE,
      ],
      examples: [
        'writ envelope open e1.env --as orchard --out records.jsonl',
        'writ envelope open e1.env --as orchard --json',
        'writ envelope open survey.env --as orchard --out survey.tar',
        'writ envelope open other.p7m --key kem.key --cert kem.pem',
      ],
    },
    () => import('./commands/envelope/open.js'),
  );
  finish(
    envelope
      .command('query')
      .description("seal a query to a peer's model: a query shape the agreement's models layer allows, parameters checked against its JSON Schema")
      .requiredOption('--as <dir>', 'the querying enclave directory')
      .requiredOption('--to <file>', "the peer's KEM certificate")
      .option('--untrusted <file>', "more certificates to build the peer's path from; repeatable", collect)
      .requiredOption('--agreement <id>', 'the agreement (its models layer must be on)')
      .requiredOption('--scope <scope>', 'the scope of the query')
      .requiredOption('--query-shape <id>', 'the query shape id')
      .requiredOption('--params <json>', 'the parameters: inline JSON or @FILE')
      .option('--level <level>', "level (default: the sender's own)")
      .option('--consent <ref>', 'consent reference (default: agreement:<id>)')
      .requiredOption('--expires <time>', 'expiry: RFC 3339 time or a duration (24h, 7d)')
      .requiredOption('--out <file>', 'where to write the query envelope')
      .option('--pass-file <file>', "passphrase of the enclave's keys")
      .option('--force', 'replace --out if it exists'),
    {
      notes: ['The query hash (SHA-512 of the signed query) is kept in state/queries.jsonl; only an answer bound to it opens.', ENVELOPE_EXIT_NOTE],
      examples: ['writ envelope query --as orchard --to harbor-kem.pem --agreement agr-… --scope research.aggregate --query-shape count-by-year --params \'{"year":2025}\' --expires 1h --out q.env'],
    },
    () => import('./commands/envelope/query.js'),
  );
  finish(
    envelope
      .command('answer')
      .description('open a query envelope (every check but replay) and seal the answer back to the querier, bound to the query hash')
      .argument('<query>', 'the query envelope')
      .requiredOption('--as <dir>', 'the answering enclave directory')
      .requiredOption('--to <file>', "the querier's KEM certificate")
      .option('--untrusted <file>', "more certificates to build the querier's path from; repeatable", collect)
      .requiredOption('--records <file>', 'the answer, as records (JSON lines, as for seal)')
      .option('--kaitiaki <name>', 'guardian (kaitiaki) for answer lines that name none; needs --terms')
      .option('--terms <text>', 'terms of sharing for answer lines that name none; needs --kaitiaki')
      .option('--agreement <id>', "the agreement (default: the query's)")
      .option('--scope <scope>', "the scope (default: the query's)")
      .option('--level <level>', "level (default: the answerer's own)")
      .requiredOption('--expires <time>', 'expiry: RFC 3339 time or a duration (24h, 7d)')
      .requiredOption('--out <file>', 'where to write the answer envelope')
      .option('--pass-file <file>', "passphrase of the enclave's keys")
      .option('--force', 'replace --out if it exists'),
    {
      args: ['QUERY  the query envelope this answers'],
      notes: ['The answer can only go to the enclave that signed the query (IDENTITY otherwise).', ENVELOPE_EXIT_NOTE],
      examples: ['writ envelope answer q.env --as harbor --to orchard-kem.pem --records answer.jsonl --expires 1h --out a.env'],
    },
    () => import('./commands/envelope/answer.js'),
  );
  finish(
    envelope
      .command('inspect')
      .description('show recipients, algorithms and sizes without decrypting; with --as, also the signed header and manifest')
      .argument('<file>', 'the envelope')
      .option('--as <dir>', 'decrypt with this enclave\'s KEM key to show the header (no policy, nothing written)')
      .option('--pass-file <file>', "passphrase of the enclave's keys"),
    {
      args: ['FILE  the envelope'],
      notes: [
        'The header is inside the encrypted SignedData: without the recipient key only the outline shows.',
        'A payload envelope (envelope seal --payload) shows only its outline, with --as too: its header follows',
        'the payload inside the encryption, and envelope open --out decrypts and checks it.',
      ],
      examples: ['writ envelope inspect e1.env', 'writ envelope inspect e1.env --as orchard --json'],
    },
    () => import('./commands/envelope/inspect.js'),
  );
  finish(
    envelope
      .command('verify')
      .description('verify a plain CMS SignedData and its signer chain against trust roots')
      .argument('<file>', 'the SignedData (DER or PEM)')
      .requiredOption('--trust <file>', 'trust anchors; repeatable', collect)
      .option('--untrusted <file>', 'intermediate certificates; repeatable', collect)
      .option('--content <file>', 'the detached content, when the SignedData has none')
      .option('--at <time>', 'validation time, RFC 3339 (default: now)'),
    {
      args: ['FILE  the SignedData'],
      examples: ['writ envelope verify signed.p7s --trust root.pem', 'writ envelope verify sig.p7s --content doc.bin --trust root.pem --json'],
    },
    () => import('./commands/envelope/verify.js'),
  );

  // ---- federation ----
  const federation = program.command('federation').description('opt-in bilateral agreements between enclaves: propose, countersign, import, withdraw, status');
  const FED_AS = 'the enclave directory (docs/enclave-dir.md)';
  finish(
    federation
      .command('propose')
      .description('draft an agreement with a peer enclave and sign it as this enclave (all layers off unless named)')
      .requiredOption('--as <dir>', FED_AS)
      .requiredOption('--peer <cert-or-id>', "the peer: its gateway signing certificate file (verified against our trust store) or its SPIFFE id")
      .requiredOption('--layers <list>', 'layers to switch on: identity, network, data, models (comma-separated or repeated)', collect)
      .requiredOption('--scope <scope>', 'an allowed scope; repeatable', collect)
      .requiredOption('--level <level>', 'an allowed level (name or policy OID); repeatable', collect)
      .option('--query-shape <id=schema.json>', 'an allowed query shape (models layer): id and a JSON Schema file for its parameters; repeatable', collect)
      .option('--not-before <time>', 'start, RFC 3339 or a duration from now such as 1h (default: now)')
      .requiredOption('--not-after <time>', 'end, RFC 3339 or a duration from now such as 90d')
      .option('--pass-file <file>', 'passphrase of the enclave keys')
      .requiredOption('--out <file>', 'where to write the signed proposal (JSON)')
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'The agreement is RFC 8785 canonical JSON; each party adds a detached CMS signature from its gateway signing key.',
        'It covers nothing until the peer countersigns and both sides hold the countersigned copy (writ federation import).',
        'The proposal is also kept in the enclave store (federation/agreements/) and audited.',
      ],
      examples: [
        'writ federation propose --as harbor --peer orchard-gateway.pem --layers data,models --scope research.aggregate --level internal --query-shape count=count.schema.json --not-after 90d --out agr.json',
        'writ federation propose --as harbor --peer spiffe://orchard.south.writ.example --layers data --scope weather --level internal --not-after 2027-01-01T00:00:00Z --out agr.json --json',
      ],
    },
    () => import('./commands/federation/propose.js'),
  );
  finish(
    federation
      .command('countersign')
      .description("verify a peer's proposal against this enclave's trust store and add this enclave's signature")
      .argument('<file>', 'the proposed agreement')
      .requiredOption('--as <dir>', FED_AS)
      .option('--pass-file <file>', 'passphrase of the enclave keys')
      .requiredOption('--out <file>', 'where to write the agreement signed by both parties')
      .option('--force', 'replace --out if it exists'),
    {
      args: ['FILE  an agreement signed by the peer (writ federation propose)'],
      notes: ['Refused (IDENTITY, SIGNATURE, chain codes) when the proposer\'s signature or chain does not verify, or this enclave is not a party.'],
      examples: ['writ federation countersign agr.json --as orchard --out agr-signed.json'],
    },
    () => import('./commands/federation/countersign.js'),
  );
  finish(
    federation
      .command('import')
      .description('verify and store a signed agreement, withdrawal notice or crossing approval')
      .argument('<file>', 'the signed document')
      .requiredOption('--as <dir>', FED_AS)
      .option('--pass-file <file>', 'passphrase of the enclave keys'),
    {
      args: ['FILE  an agreement, a withdrawal notice or a crossing approval (JSON, "type": "writ-signed")'],
      notes: [
        'Nothing is stored unless every signature, chain and party identity verifies. A withdrawal takes effect at once:',
        'every later seal or open under that agreement is refused (REFUSED_WITHDRAWN). Every import or refusal is audited.',
      ],
      examples: ['writ federation import agr-signed.json --as harbor', 'writ federation import withdrawal.json --as harbor --json', 'writ federation import crossing.json --as orchard'],
    },
    () => import('./commands/federation/import.js'),
  );
  finish(
    federation
      .command('withdraw')
      .description('sign a withdrawal notice for an agreement (refused here at once, at the peer once imported)')
      .requiredOption('--as <dir>', FED_AS)
      .requiredOption('--agreement <id>', 'the agreement id (agr-...)')
      .option('--reason <text>', 'a short reason (no secrets)')
      .option('--pass-file <file>', 'passphrase of the enclave keys')
      .requiredOption('--out <file>', 'where to write the notice for the peer')
      .option('--force', 'replace --out if it exists'),
    {
      examples: ['writ federation withdraw --as orchard --agreement agr-3f1c... --reason "consent withdrawn" --out withdrawal.json'],
    },
    () => import('./commands/federation/withdraw.js'),
  );
  finish(
    federation
      .command('crossing')
      .description('as a crossing authority, approve one exact flow between two levels')
      .requiredOption('--authority-key <file>', 'the crossing authority private key')
      .requiredOption('--authority-cert <file>', 'its certificate (named in the enclaves\' trust/crossing-authorities.pem)')
      .requiredOption('--sender <id>', 'sending enclave SPIFFE id')
      .requiredOption('--recipient <id>', 'receiving enclave SPIFFE id')
      .requiredOption('--scope <scope>', 'the scope')
      .requiredOption('--from-level <level>', "the sender's level")
      .requiredOption('--to-level <level>', "the recipient's level")
      .option('--not-before <time>', 'start, RFC 3339 or a duration (default: now)')
      .requiredOption('--not-after <time>', 'end, RFC 3339 or a duration such as 7d')
      .option('--pass-file <file>', 'passphrase of --authority-key')
      .requiredOption('--out <file>', 'where to write the approval')
      .option('--force', 'replace --out if it exists'),
    {
      notes: ['Without an approval naming the exact sender, recipient, scope and direction, a flow between two levels is refused (REFUSED_CROSSING).'],
      examples: [
        'writ federation crossing --authority-key xa.key --authority-cert xa.pem --pass-file p --sender spiffe://harbor.north.writ.example --recipient spiffe://orchard.south.writ.example --scope research.aggregate --from-level restricted --to-level internal --not-after 7d --out crossing.json',
      ],
    },
    () => import('./commands/federation/crossing.js'),
  );
  finish(
    federation
      .command('status')
      .description('agreements (in force, pending, withdrawn, expired), crossings and the audit state of an enclave')
      .requiredOption('--as <dir>', FED_AS)
      .option('--pass-file <file>', 'passphrase of the enclave keys'),
    { examples: ['writ federation status --as harbor', 'writ federation status --as orchard --json'] },
    () => import('./commands/federation/status.js'),
  );

  // ---- audit ----
  const audit = program.command('audit').description("an enclave's append-only, hash-chained audit log");
  finish(
    audit
      .command('verify')
      .description('verify the hash chain and the signed checkpoints of an enclave audit log')
      .argument('<dir>', 'the enclave directory (its audit/ folder is checked)'),
    {
      args: ['DIR  an enclave directory (docs/enclave-dir.md)'],
      notes: [
        'Codes: CHAIN_EDITED, CHAIN_DELETED, CHAIN_REORDERED, CHAIN_TRUNCATED, CHECKPOINT. Needs no key or passphrase.',
        'Exit 0 when the log verifies, 1 with the problems when it does not.',
      ],
      examples: ['writ audit verify ./harbor', 'writ audit verify ./orchard --json'],
    },
    () => import('./commands/audit/verify.js'),
  );

  // ---- ceremony ----
  const ceremony = program.command('ceremony').description('root ceremonies: scripted, multi-person, with a signed transcript (DESIGN.md §2)');
  finish(
    ceremony
      .command('run')
      .description('run a ceremony script step by step at this terminal, or rehearse it from an answers file')
      .argument('<script>', 'ceremony script (YAML), or the name of a shipped one')
      .requiredOption('--out <dir>', 'output directory (must not exist or be empty; filled only when the ceremony completes)')
      .option('--answers <file>', 'rehearsal: take every answer from this YAML/JSON file (the transcript is marked rehearsal)')
      .option('--root-dir <dir>', 'the root directory written by root-key-generation (root.pem, enrolment.json, keys/, shares/)')
      .option('--in <file>', 'input: a regional CSR ("north.csr" or "north=FILE"), or a revocations file; repeatable', collect),
    {
      args: [
        'SCRIPT  ceremonies/*.yaml or a shipped name: root-key-generation, regional-issuance, crl-issuance,',
        '        custodian-rotation, share-drill',
      ],
      notes: [
        'Each step is announced with its number and acting role; the witness confirms each one. Passphrases are',
        'masked and asked twice when new. Fingerprints and to-be-signed digests are shown in hex and as words.',
        'Nothing is signed before a quorum of custodians approved the exact to-be-signed digest. The root key',
        'exists only in memory and is wiped. Outputs are staged beside --out and moved into place at the end:',
        'an abort (exit 4) or a crash leaves --out untouched; the transcript of an abort is kept beside it.',
        'See docs/ceremony-guide.md.',
      ],
      examples: [
        'writ ceremony run root-key-generation --out /media/root',
        'writ ceremony run regional-issuance --root-dir /media/root --in north.csr --in south.csr --out /media/root/ceremonies/2026-06-regional',
        'writ ceremony run share-drill --root-dir /media/root --out /media/root/ceremonies/2026-07-drill',
        'writ ceremony run ceremonies/root-key-generation.yaml --answers rehearsal.yaml --out /tmp/rehearsal',
      ],
    },
    () => import('./commands/ceremony/run.js'),
  );
  finish(
    ceremony
      .command('verify')
      .description('check a ceremony directory offline: hash chain, closing signatures, approvals, artifact hashes')
      .argument('<dir>', 'the ceremony output directory (or its transcript.jsonl)')
      .option('--root <file>', 'require the closing record to be signed by exactly this root certificate'),
    {
      args: ['DIR  a directory holding transcript.jsonl and the artifacts it names'],
      notes: [
        'Each problem has its own code: CHAIN_EDITED, CHAIN_REORDERED, CHAIN_TRUNCATED, CHAIN_APPENDED, CHAIN_DELETED,',
        'CHECKPOINT (closing signature), ARTIFACT_MISMATCH (a swapped, missing or extra file), APPROVAL_MISSING.',
        'Subdirectories with a transcript of their own (later ceremonies filed inside a root directory) are skipped.',
      ],
      examples: ['writ ceremony verify /media/root', 'writ ceremony verify ./regional-2026 --root /media/root/root.pem --json'],
    },
    () => import('./commands/ceremony/verify.js'),
  );
  finish(
    ceremony
      .command('print')
      .description('render a ceremony script as a printable paper script with checkboxes and signature lines')
      .argument('<script>', 'ceremony script (YAML), or the name of a shipped one')
      .addOption(new Option('--format <format>', 'output format').choices(['md', 'html']).default('md')),
    {
      args: ['SCRIPT  ceremonies/*.yaml or a shipped name'],
      examples: ['writ ceremony print root-key-generation > root-ceremony.md', 'writ ceremony print regional-issuance --format html > regional.html'],
    },
    () => import('./commands/ceremony/print.js'),
  );

  // ---- regional ----
  const regional = program.command('regional').description('regional authority certificates and their rotation');
  finish(
    regional
      .command('plan')
      .description('list which regional certificates are due, overdue or fine under the rotation schedule')
      .requiredOption('--root-dir <dir>', 'the root directory (root.pem, rotation.json, regional certificates below it)')
      .option('--at <time>', 'RFC 3339 time to plan for (default: now)'),
    {
      notes: [
        'Every *.pem under the root directory signed by the root is considered. A certificate is due inside the',
        'overlap window (the last overlapDays of its validity, from rotation.json), overdue once expired without',
        'a successor, and fine otherwise (or when a later certificate for its region exists).',
      ],
      examples: ['writ regional plan --root-dir /media/root --at 2028-04-15T00:00:00Z', 'writ regional plan --root-dir /media/root --json'],
    },
    () => import('./commands/regional/plan.js'),
  );

  // ---- self-check ----
  finish(
    program
      .command('self-check')
      .description("print the running bundle's SHA-256 (hex and words), check it against SHA256SUMS, report crypto backend, runtime and air gap")
      .option('--sums <file>', 'a SHA256SUMS file (sha256sum or BSD format) that must list this bundle with the same hash')
      .option('--licenses', 'also print the licence texts of every bundled third-party package'),
    {
      notes: [
        'Hashes the file that is running (dist/writ.mjs, or wherever the bundle was copied), prints the digest',
        'in hex and as 26 words for reading aloud, and with --sums compares it with the release SHA256SUMS',
        '(exit 1 on a mismatch or a missing entry). A tampered bundle can lie about itself: also compare with an',
        'independent `sha256sum`. Non-loopback network interfaces that are up give a warning, not an error.',
      ],
      examples: ['writ self-check', 'writ self-check --sums /media/release/SHA256SUMS', 'writ self-check --licenses | less', 'writ self-check --json'],
    },
    () => import('./commands/self-check/self-check.js'),
  );

  // ---- oscal ----
  const oscal = program.command('oscal').description('compliance as data: OSCAL documents describing writ (NIST OSCAL 1.2.3)');
  finish(
    oscal
      .command('component-definition')
      .description('write the OSCAL component-definition: how writ implements the NIST SP 800-53 Rev 5 controls it touches')
      .option('--out <file>', 'write the document here (default: stdout)')
      .option('--at <time>', 'last-modified time, RFC 3339 (default: now)')
      .option('--uuid-seed <text>', 'derive the UUIDs from this text instead of at random (reproducible output)')
      .option('--force', 'replace --out if it exists'),
    {
      notes: [
        'Each implemented requirement names the writ commands, source modules and tests that implement it, and its limits',
        '(remarks). The document validates against the NIST OSCAL 1.2.3 JSON schema (test/assurance/oscal.test.ts).',
      ],
      examples: [
        'writ oscal component-definition --out writ-component.json',
        'writ oscal component-definition --at 2026-06-01T00:00:00Z --uuid-seed writ-0.1.0 > writ-component.json',
      ],
    },
    () => import('./commands/oscal/component-definition.js'),
  );

  // ---- link ----
  const link = program.command('link').description('the post-quantum TLS link between enclaves: issue its identity, prove it on loopback, print a TLS configuration');
  finish(
    link
      .command('check')
      .description('mutual TLS 1.3 on 127.0.0.1 between two enclaves\' link identities, group X25519MLKEM768 only, each chain checked by writ\'s verifier')
      .requiredOption('--as <dir>', 'this enclave\'s directory (the TLS client); needs keys/link.key and certs/link.pem')
      .requiredOption('--peer <dir>', 'the peer enclave\'s directory (the TLS server on loopback), with its link key and its own trust store')
      .option('--pass-file <file>', 'passphrase of this enclave\'s link key')
      .option('--peer-pass-file <file>', 'passphrase of the peer\'s link key')
      .option('--at <time>', 'verification time for writ\'s verifier (RFC 3339; default now)'),
    {
      notes: [
        'Both sides run in this process; nothing listens beyond 127.0.0.1 and an ephemeral port.',
        'Each side verifies the chain the other PRESENTED against its own trust/anchors.pem and trust/crls/,',
        'demanding the identity <enclave id>/link, serverAuth or clientAuth, and digitalSignature; a refusal',
        'ends the handshake. The report gives protocol, negotiated group, cipher and both proved identities.',
        'Needs a Node.js whose OpenSSL has ML-DSA and X25519MLKEM768 (Node 26 / OpenSSL 3.5); elsewhere it says',
        'so and exits 5. Exit 1 when a side refuses (the verifier\'s code is given).',
      ],
      examples: ['writ link check --as ./harbor --peer ./orchard', 'writ link check --as ./harbor --peer ./orchard --at 2026-06-01T12:00:00Z --json'],
    },
    () => import('./commands/link/check.js'),
  );
  finish(
    link
      .command('issue')
      .description('issue this enclave\'s TLS link identity (<enclave id>/link, serverAuth+clientAuth) with its enclave CA key')
      .requiredOption('--as <dir>', 'the enclave directory (after writ enclave install): reads keys/ca.key, writes keys/link.key and certs/link.pem')
      .option('--pass-file <file>', 'passphrase of the enclave keys; the link key is encrypted under it too')
      .option('--insecure-no-pass', 'write the link key unencrypted (dangerous)')
      .option('--force', 'replace an existing link identity'),
    {
      notes: [
        'The enclave must load: its chain verifies against its own trust/anchors.pem and CRLs. The new leaf is',
        'verified the same way (serverAuth and clientAuth) before anything is written; the issuance is audited.',
      ],
      examples: ['writ link issue --as ./harbor --pass-file harbor.pass', 'writ link issue --as ./harbor --pass-file harbor.pass --force --json'],
    },
    () => import('./commands/link/issue.js'),
  );
  link
    .command('config')
    .description('print a ready TLS configuration for this enclave\'s link: cert, chain, trust anchors, TLS 1.3 and X25519MLKEM768 only')
    .requiredOption('--as <dir>', 'the enclave directory')
    .addOption(new Option('--format <format>', 'configuration dialect').choices(['openssl', 'nginx']).makeOptionMandatory())
    .option('--json', 'print one JSON document on stdout (the configuration text under "config")')
    .addHelpText(
      'after',
      help({
        notes: ['Reads enclave.json and the link file paths only; no key is decrypted. The paths printed are absolute.'],
        examples: ['writ link config --as ./harbor --format openssl > harbor-link.cnf', 'writ link config --as ./harbor --format nginx'],
      }),
    )
    .action(action(() => import('./commands/link/config.js')));

  // ---- lint ----
  finish(
    program
      .command('lint')
      .description('check certificates, CSRs, CRLs, keys, envelopes and agreements against CNSA 2.0 (or the hybrid profile)')
      .argument('<files...>', 'the files to check')
      .addOption(new Option('--profile <profile>', 'cnsa2: ML-DSA-87, ML-KEM-1024, AES-256, SHA-384/512; hybrid: cnsa2 plus X-Wing').choices(['cnsa2', 'hybrid']).makeOptionMandatory())
      .option('--max-root-days <n>', 'longest validity of a self-signed CA certificate (default 7305)', positiveInt)
      .option('--max-ca-days <n>', 'longest validity of any other CA certificate (default 3653)', positiveInt)
      .option('--max-leaf-days <n>', 'longest validity of an end-entity certificate (default 398)', positiveInt)
      .option('--max-crl-days <n>', 'longest CRL update interval, nextUpdate - thisUpdate (default 186)', positiveInt)
      .option('--max-document-days <n>', 'longest validity of an agreement or crossing approval (default 366)', positiveInt),
    {
      args: ['FILES  DER or PEM (any number of blocks): certificates, CSRs, CRLs, public/private keys, CMS; or writ agreement JSON'],
      notes: [
        'Finding codes: LINT_WEAK_SIG_ALG, LINT_CLASSICAL_SIG, LINT_CLASSICAL_KEY, LINT_WEAK_KEM_ALG, LINT_HYBRID_KEM, LINT_UNKNOWN_ALG,',
        'LINT_ALG_PARAMS, LINT_WEAK_HASH, LINT_WEAK_CIPHER, LINT_KDF_NOT_APPROVED, LINT_KEY_UNENCRYPTED, LINT_VALIDITY_TOO_LONG,',
        'LINT_CRL_NO_NEXT_UPDATE, LINT_BAD_SIGNATURE, LINT_UNRECOGNISED. Exit 0 with no finding, 1 with any. No key or passphrase is needed: an encrypted',
        "key is judged by its encryption parameters, an envelope by its outer algorithms (the signer is inside the ciphertext).",
      ],
      examples: [
        'writ lint --profile cnsa2 root.pem north.pem south.pem root.crl',
        'writ lint --profile hybrid federation/records.env --json',
        'writ lint --profile cnsa2 --max-leaf-days 90 harbor/certs/chain.pem',
      ],
    },
    () => import('./commands/lint/lint.js'),
  );

  // ---- enclave ----
  const enclave = program.command('enclave').description('provision an enclave: init at the site, issue at the region, install, status, diff against a signed baseline');
  finish(
    enclave
      .command('init')
      .description('generate the enclave CA, gateway signing and KEM keys, the requests for the region, and enclave.json')
      .requiredOption('--id <enclave>', 'enclave label (the first label of its host name)')
      .requiredOption('--region <region>', 'region label')
      .requiredOption('--level <level>', 'level name or OID the enclave CA will assert')
      .option('--domain <domain>', 'trust domain (default: read from --anchor)')
      .addOption(new Option('--kem <alg>', 'KEM algorithm').choices(['ml-kem-1024', 'ml-kem-768', 'x-wing']).default('ml-kem-1024'))
      .option('--anchor <root.pem>', 'the root certificate to pin (obtained over a trusted channel); install then refuses bundles without it')
      .requiredOption('--out <dir>', 'the new enclave directory')
      .option('--pass-file <file>', 'passphrase for the three private keys')
      .option('--insecure-no-pass', 'write the keys unencrypted (never for real enclaves)')
      .option('--at <time>', 'RFC 3339 time (default: now)')
      .option('--force', 'start an existing directory over (replaces its keys!)'),
    {
      notes: [
        'Writes keys/ (0700; ca.key ML-DSA-87, signing.key ML-DSA-65, kem.key; PBES2-encrypted), enclave.json and request/:',
        'ca.csr and signing.csr (each signed by its own key), signing.pem and kem.pem (signed by the enclave CA key),',
        'kem.csr (signed by the gateway key, naming signing.pem). request/ holds public material only: send it to the region.',
      ],
      examples: ['writ enclave init --id harbor --region north --level restricted --anchor root.pem --out harbor --pass-file pass.txt'],
    },
    () => import('./commands/enclave/init.js'),
  );
  finish(
    enclave
      .command('issue')
      .description('at the regional authority: check a request, certify the enclave CA, write a signed provisioning bundle')
      .requiredOption('--ca-dir <dir>', 'regional authority directory: ca.pem, ca.key, anchors.pem, crls/, optional chain.pem')
      .requiredOption('--request <dir>', "the enclave's request/ directory")
      .requiredOption('--out <bundle>', 'bundle directory to write')
      .option('--pass-file <file>', 'passphrase of ca.key')
      .option('--validity-days <n>', 'enclave CA validity (default 5 years, capped by the regional CA)', positiveInt)
      .option('--at <time>', 'RFC 3339 time (default: now)')
      .option('--force', 'replace an existing bundle'),
    {
      notes: [
        'Refusals: NAME_CONSTRAINT (outside the region), POLICY (a level the region does not serve), SIGNATURE (a proof of',
        'possession fails), KEY_MISMATCH, IDENTITY, and verify() codes for the leaves through the new chain (e.g. CRL_STALE).',
      ],
      examples: ['writ enclave issue --ca-dir /media/north --request harbor/request --out harbor-bundle --pass-file north-pass.txt'],
    },
    () => import('./commands/enclave/issue.js'),
  );
  finish(
    enclave
      .command('install')
      .description('verify a provisioning bundle against the keys and pinned root, then install it atomically')
      .argument('<bundle>', 'bundle directory from writ enclave issue')
      .requiredOption('--into <dir>', 'the enclave directory (from writ enclave init)')
      .option('--anchor <root.pem>', 'the root to trust when none was pinned at init')
      .option('--pass-file <file>', 'passphrase of the enclave keys')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    {
      args: ['BUNDLE  a provisioning bundle directory'],
      notes: ['Refusals: SIGNATURE (manifest signature), ARTIFACT_MISMATCH (a file changed, added or missing), IDENTITY (another', 'enclave), NO_PATH (not the pinned root), CRL_STALE (an expired CRL), KEY_MISMATCH (not the keys in DIR).'],
      examples: ['writ enclave install harbor-bundle --into harbor --pass-file pass.txt'],
    },
    () => import('./commands/enclave/install.js'),
  );
  finish(
    enclave
      .command('status')
      .description('identity, region, level, expiry dates, CRL freshness, what is due, agreements in force (no key needed)')
      .argument('<dir>', 'enclave directory')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    { args: ['DIR  an enclave directory'], notes: ['Exit 1 when something is overdue (expired certificate, stale CRL, unverifiable chain or store).'], examples: ['writ enclave status harbor', 'writ enclave status harbor --json'] },
    () => import('./commands/enclave/status.js'),
  );
  finish(
    enclave
      .command('diff')
      .description('list every departure from a signed baseline; exit 1 when any is not waived by the baseline')
      .argument('<dir>', 'enclave directory')
      .requiredOption('--baseline <file>', 'signed baseline (writ enclave baseline sign)')
      .option('--authority <cert.pem>', 'certificate(s) that may sign baselines (default: DIR/trust/baseline-authorities.pem)')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    { args: ['DIR  an enclave directory'], examples: ['writ enclave diff harbor --baseline baseline.signed.json --authority baseline-authority.pem'] },
    () => import('./commands/enclave/diff.js'),
  );
  const baseline = enclave.command('baseline').description('write and sign enclave baselines');
  finish(
    baseline
      .command('new')
      .description("write writ's recommended baseline body (unsigned), to edit")
      .requiredOption('--out <file>', 'baseline body (JSON)')
      .option('--name <name>', 'baseline name')
      .option('--force', 'replace an existing file'),
    { examples: ['writ enclave baseline new --name "north 2026" --out baseline.json'] },
    () => import('./commands/enclave/baseline-new.js'),
  );
  finish(
    baseline
      .command('sign')
      .description('sign a baseline body with a baseline authority key (canonical JSON + detached CMS)')
      .argument('<body>', 'baseline body (JSON)')
      .requiredOption('--key <file>', 'authority private key (ML-DSA)')
      .requiredOption('--cert <file>', 'authority certificate')
      .requiredOption('--out <file>', 'signed baseline')
      .option('--pass-file <file>', 'passphrase of the key')
      .option('--force', 'replace an existing file'),
    { args: ['BODY  a baseline body (writ enclave baseline new)'], examples: ['writ enclave baseline sign baseline.json --key ba.key --cert ba.pem --out baseline.signed.json'] },
    () => import('./commands/enclave/baseline.js'),
  );

  // ---- trust ----
  const trust = program.command('trust').description("partner trust without merging: constrained partner anchors in the enclave's signed trust store");
  finish(
    trust
      .command('add')
      .description('admit a partner root as a constrained trust anchor (names, levels, path length)')
      .requiredOption('--anchor <root.pem>', "the partner's root certificate")
      .requiredOption('--permit-uri <host...>', 'URI host ("card.partner.example") or subtree (".partner.example") it may vouch for')
      .requiredOption('--levels <level...>', 'levels it may vouch for')
      .option('--max-path <n>', 'maximum intermediate CAs below the anchor', (v) => (v === '0' ? 0 : positiveInt(v)))
      .option('--label <text>', 'a label for listings')
      .requiredOption('--as <dir>', 'enclave directory')
      .option('--pass-file <file>', 'passphrase of the enclave keys (the store is signed by the gateway key)')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    { examples: ['writ trust add --anchor partner-root.pem --permit-uri .cards.partner.example --levels internal --max-path 1 --as harbor --pass-file pass.txt'] },
    () => import('./commands/trust/add.js'),
  );
  finish(
    trust
      .command('list')
      .description("list the enclave's own and partner anchors (checks the store's signature)")
      .requiredOption('--as <dir>', 'enclave directory'),
    { examples: ['writ trust list --as harbor'] },
    () => import('./commands/trust/list.js'),
  );
  finish(
    trust
      .command('remove')
      .description('remove a partner anchor')
      .argument('<id>', 'anchor id (writ trust list)')
      .requiredOption('--as <dir>', 'enclave directory')
      .option('--pass-file <file>', 'passphrase of the enclave keys')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    { args: ['ID  the anchor id or its SHA-256'], examples: ['writ trust remove 3f1c0a9e5b7d2c44 --as harbor --pass-file pass.txt'] },
    () => import('./commands/trust/remove.js'),
  );
  finish(
    trust
      .command('check')
      .description("verify a chain against the enclave's trust store, partner constraints included")
      .argument('<leaf>', 'leaf certificate')
      .requiredOption('--as <dir>', 'enclave directory')
      .option('--untrusted <file>', 'intermediate certificates (repeatable)', collect)
      .option('--crl <file>', 'extra CRLs (repeatable)', collect)
      .option('--level <level>', 'require this level')
      .option('--identity <uri>', 'require this identity')
      .option('--at <time>', 'RFC 3339 time (default: now)'),
    { args: ['LEAF  the certificate to check'], notes: ['Exit 1 with the failing code (NAME_CONSTRAINT, POLICY, PATH_LEN, ...) when the chain does not verify.'], examples: ['writ trust check alice.pem --untrusted partner-issuing.pem --level internal --as harbor'] },
    () => import('./commands/trust/check.js'),
  );

  // ---- new command groups go above this line, one block each (ceremony, regional, envelope, federation, audit) ----

  // ---- demo ----
  finish(
    program
      .command('demo')
      .description('run the story so far, offline and unattended, and write every file into a directory')
      .requiredOption('--out <dir>', 'directory for the demo files')
      .option('--force', 'replace files already in --out'),
    {
      notes: ['Deterministic: seeded keys and a fixed clock, so two runs write identical files.'],
      examples: ['writ demo --out ./demo', 'npm run demo'],
    },
    () => import('./commands/demo/demo.js'),
  );

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  // `writ inspect x | head -1`: a reader that goes away is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  const program = buildProgram();
  let usageMessage = '';
  program.configureOutput({ outputError: (s) => (usageMessage = s.trim()) });
  // configureOutput/exitOverride are copied into subcommands when they are created, so set them again on
  // every command for the outputError capture above.
  const walk = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ outputError: (s) => (usageMessage = s.trim()) });
    c.commands.forEach(walk);
  };
  walk(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) {
        process.exitCode = EXIT.OK; // --help, --version
        return;
      }
      const message = (usageMessage || err.message).replace(/^error: /, '');
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') {
        // A noun without a verb: help was printed on stderr.
        if (json) writeOut(toJson({ ok: false, error: { code: 'USAGE', message: 'missing command' } }));
      } else if (json) {
        writeOut(toJson({ ok: false, error: { code: 'USAGE', message } }));
      } else {
        process.stderr.write(`writ: error: ${message} [USAGE]\n(see \`writ --help\`)\n`);
      }
      process.exitCode = EXIT.USAGE;
      return;
    }
    reportError(err, json);
  }
}

// A `writ verify batch` worker thread runs this same bundle (src/batch/threads.ts) with this argv mark:
// a string test here, and the worker code is loaded only then.
// A worker inherits WRIT_CRYPTO_BACKEND, which the main thread set from --crypto-backend (crypto-backend.ts).
if (process.argv[2] === BATCH_WORKER_FLAG) {
  if (process.env.WRIT_CRYPTO_BACKEND) await (await import('./crypto-backend.js')).applyCryptoBackend(undefined);
  (await import('../batch/worker.js')).startBatchWorker();
} else await main(process.argv);
