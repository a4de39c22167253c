// Another build of the engine's wasm module (e.g. main's), read from its generated TypeScript file and
// instantiated on the same tfjs-wasm heap as this tree's, for same-process A/B benches.
import { readFileSync } from 'node:fs';
import type { SimdExports, SimdRuntime } from '@bijective/engine';

/** The relaxed-SIMD exports of the module in `path` (a mlp-kernels.generated.ts) on `current`'s memory. */
export function oldKernels(path: string, current: SimdRuntime): SimdExports {
  const relaxedPart = readFileSync(path, 'utf8').split('MLP_KERNELS_RELAXED_WASM_BASE64')[1] ?? '';
  const bytes = Buffer.from(
    [...relaxedPart.matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]).join(''),
    'base64',
  );
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: current.heap.memory },
  });
  return instance.exports as unknown as SimdExports;
}
