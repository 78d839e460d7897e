// Strict command-line flags for the long-running scripts (crash.mjs, fuzz.mjs): a mistyped flag must not start a run of minutes or hours.
//
// `flags` maps each accepted flag to its arity (1: takes a value, 0: a switch). --help / -h prints
// `usage` and exits 0; an unknown flag or a missing value prints `<name>: ...` and the usage and exits 2.
// Returns the flags given, each with its value (true for a switch).
export function parseFlags(argv, name, usage, flags) {
  const opts = new Map();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    const arity = flags.get(argv[i]);
    if (arity === undefined || (arity === 1 && argv[i + 1] === undefined)) {
      process.stderr.write(`${name}: unknown or incomplete option ${argv[i]}\n${usage}`);
      process.exit(2);
    }
    opts.set(argv[i], arity === 1 ? argv[i + 1] : true);
    i += arity;
  }
  return opts;
}
