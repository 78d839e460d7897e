// Types for scripts/licenses.mjs (the licence gate), so tsup.config.ts and the tests typecheck against it.
export declare const ALLOWED: string[];
export declare const LICENSES_MODULE: string;
export interface RuntimePackage {
  name: string;
  version: string;
  lockLicense?: string;
  license?: string;
  installed: boolean;
  installedVersion?: string;
  licenseFile?: string;
  licenseText?: string;
}
export declare function licenseAllowed(expr: string | undefined): boolean;
export declare function runtimePackages(root?: string): RuntimePackage[];
export declare function embeddedPackages(bundleText: string): string[];
export declare function problems(pkgs: RuntimePackage[], bundleText?: string): string[];
export declare function licenseTexts(pkgs: RuntimePackage[]): string;
export declare function licenseTable(pkgs: RuntimePackage[], embedded?: Set<string>): string;
export declare function thirdPartyLicensesPlugin(root?: string): { name: string; setup(build: any): void }; // eslint-disable-line @typescript-eslint/no-explicit-any
