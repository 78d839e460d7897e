// Test configuration: vitest over test/**, on the machine's own Node (Node 20 in CI).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // *.yaml imports are text, as tsup's loader makes them in the bundle (src/ceremony/builtin.ts).
  plugins: [
    {
      name: 'writ-yaml-as-text',
      transform(code: string, id: string) {
        return id.endsWith('.yaml') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Secret hygiene (issue 8): capture every CLI run, scan it all for known secrets at the end.
    globalSetup: ['test/assurance/secrets-global.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
