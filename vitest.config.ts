import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@bijective/source'] },
  // Vitest 4 resolves test imports in SSR mode, where only ssr.resolve.conditions apply.
  ssr: { resolve: { conditions: ['@bijective/source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
