// Type of *.yaml imports: the build (tsup loader) and the tests (vitest plugin) both load them as text.
declare module '*.yaml' {
  const text: string;
  export default text;
}
