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
    .description('Sovereign post-quantum PKI, offline: keys, certificates, CRLs and chain verification.')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
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
  key
    .command('generate')
    .description('generate a key pair and write the private key as PEM PKCS#8, encrypted by default')
    .addOption(new Option('--alg <alg>', 'algorithm').choices(KEY_ALGS).makeOptionMandatory())
    .requiredOption('--out <file>', 'where to write the private key (mode 0600)')
    .option('--pass-file <file>', 'encrypt under the passphrase in this file (PBES2)')
    .option('--insecure-no-pass', 'write the key unencrypted (dangerous)')
    .addOption(new Option('--kdf <kdf>', 'PBES2 key derivation').choices(['scrypt', 'pbkdf2']).default('scrypt'))
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
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
      }),
    )
    .action(action(() => import('./commands/key/generate.js')));

  // ---- csr ----
  const csr = program.command('csr').description('certificate signing requests (PKCS#10, RFC 2986)');
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
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
        notes: [
          'A KEM key cannot sign, so its request is signed by the same enclave\'s signing key (--sign-key) and',
          'names that key\'s certificate (--signer-cert); see docs/formats.md "KEM certificate requests".',
        ],
        examples: [
          'writ csr create --key gw.key --pass-file gw.pass --subject "CN=gw.alpha, O=writ" --out gw.csr',
          'writ csr create --key wl.key --pass-file wl.pass --subject "CN=api" --identity spiffe://alpha.north.writ.example/api --out wl.csr',
          'writ csr create --key kem.key --sign-key gw.key --signer-cert gw.pem --pass-file p --subject "CN=kem.alpha" --out kem.csr',
        ],
      }),
    )
    .action(action(() => import('./commands/csr/create.js')));

  // ---- cert ----
  const cert = program.command('cert').description('X.509 certificates (RFC 5280)');
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
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
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
      }),
    )
    .action(action(() => import('./commands/cert/issue.js')));

  // ---- crl ----
  const crl = program.command('crl').description('certificate revocation lists (RFC 5280 §5)');
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
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
        examples: [
          'writ crl issue --ca-cert north.pem --ca-key north.key --pass-file p --revoke 3f9a...:keyCompromise --next-update 7 --out north.crl',
          'writ crl issue --ca-cert root.pem --ca-key root.key --pass-file p --next-update 30 --out root.crl',
        ],
      }),
    )
    .action(action(() => import('./commands/crl/issue.js')));

  // ---- verify ----
  const verify = program.command('verify').description('offline verification');
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
    .option('--allow-alg <alg>', 'allow only these algorithms on the path (name like ml-dsa-87, or OID); repeatable', collect)
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
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
      }),
    )
    .action(action(() => import('./commands/verify/chain.js')));

  // ---- inspect ----
  program
    .command('inspect')
    .description('show a certificate, CSR, CRL or key (public parts only) with SHA-256 fingerprints and words')
    .argument('<file>', 'the file to show')
    .option('--pass-file <file>', 'passphrase of an encrypted private key (to show its public key fingerprint)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
        args: ['FILE  DER or PEM (any number of blocks): certificate, CSR, CRL, private key or public key'],
        notes: ['Private keys show their algorithm and public-key fingerprint, never the secret.'],
        examples: ['writ inspect root.pem', 'writ inspect north.crl --json', 'writ inspect root.key --pass-file root.pass'],
      }),
    )
    .action(action(() => import('./commands/inspect/inspect.js')));

  // ---- new command groups go above this line, one block each (ceremony, regional, envelope, federation, audit) ----

  // ---- demo ----
  program
    .command('demo')
    .description('run the story so far, offline and unattended, and write every file into a directory')
    .requiredOption('--out <dir>', 'directory for the demo files')
    .option('--force', 'replace files already in --out')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      help({
        notes: ['Deterministic: seeded keys and a fixed clock, so two runs write identical files.'],
        examples: ['writ demo --out ./demo', 'npm run demo'],
      }),
    )
    .action(action(() => import('./commands/demo/demo.js')));

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

await main(process.argv);
