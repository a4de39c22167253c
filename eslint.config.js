import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.out/**',
      'docs/api/**',
      'out/**',
      '.nx/**',
      'coverage/**',
      // AssemblyScript with `@inline` decorators on functions, which TypeScript's parser rejects.
      'packages/engine/assembly/affine-kernels.ts',
      'packages/engine/assembly/simd-math.ts',
      'packages/engine/assembly/affine-rows.ts',
      'packages/engine/assembly/optimiser-kernels.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['**/*.ts'], rules: { 'no-undef': 'off' } },
);
