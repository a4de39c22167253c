// A bundler keeps the engine's kernel registrations: the mixture log-density kernel is registered by
// a side-effect import in the kernels barrel, which tree-shaking dropped while the barrel was
// marked side-effect free (the CLI bundle then ran the mixture op by op, ~50 kernels a step).
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

describe('@bijective/engine in a bundle', () => {
  test('importing any export keeps the mixture log-density and sinh-arcsinh kernel registrations', async () => {
    const result = await build({
      stdin: {
        contents: "import { adamKernel } from '@bijective/engine';\nconsole.log(typeof adamKernel);\n",
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      conditions: ['@bijective/source'],
      external: ['@tensorflow/*'],
      logLevel: 'error',
    });
    const text = result.outputFiles[0]?.text ?? '';
    expect(text).toContain('Bijective.Adam');
    // mixture-kernel.ts's own helpers: the registration came along.
    expect(text).toMatch(/function rowTerms\(/);
    // and sinh-arcsinh-kernel.ts's (the CLI's marginal layer of tables).
    expect(text).toMatch(/function formParameters\(/);
    // The optimiser's wasm SIMD versions (Adam, the global norm) came along too.
    expect(text).toMatch(/function adamOnWasm\(/);
  }, 60_000);
});
