import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const wasmDir = path.join(
  path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);

/** Ships tfjs's WebAssembly binaries as `wasm/*.wasm` beside the page (the worker's `wasmPaths`). */
function tfjsWasm(): Plugin {
  return {
    name: 'tfjs-wasm-binaries',
    generateBundle() {
      for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
        this.emitFile({
          type: 'asset',
          fileName: `wasm/${file}`,
          source: readFileSync(path.join(wasmDir, file)),
        });
      }
    },
  };
}

export default defineConfig({
  base: './',
  resolve: { conditions: ['@bijective/source'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  plugins: [tfjsWasm()],
});
