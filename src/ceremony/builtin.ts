// The shipped ceremony scripts, embedded as text so that a lone copy of dist/writ.mjs can run them on an air-gapped machine.
//
// tsup bundles *.yaml as text (tsup.config.ts loader) and vitest does the same (vitest.config.ts), so the
// files in ceremonies/ stay the single source: nothing is generated or copied.
import rootKeyGeneration from '../../ceremonies/root-key-generation.yaml';
import regionalIssuance from '../../ceremonies/regional-issuance.yaml';
import crlIssuance from '../../ceremonies/crl-issuance.yaml';
import custodianRotation from '../../ceremonies/custodian-rotation.yaml';
import shareDrill from '../../ceremonies/share-drill.yaml';

export const BUILTIN_SCRIPT_TEXT = {
  'root-key-generation': rootKeyGeneration,
  'regional-issuance': regionalIssuance,
  'crl-issuance': crlIssuance,
  'custodian-rotation': custodianRotation,
  'share-drill': shareDrill,
} as const;

export type BuiltinScriptName = keyof typeof BUILTIN_SCRIPT_TEXT;
