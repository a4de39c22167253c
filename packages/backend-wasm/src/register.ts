/**
 * Side effect of importing `@bijective/backend-wasm`: registers tfjs's wasm backend with tfjs and
 * the `wasm` backend with the bijective registry.
 * @module
 */
import '@tensorflow/tfjs-backend-wasm';
import { register } from '@bijective/core';
import { WasmBackendProvider } from './provider.js';

register('backend', 'wasm', {
  description:
    "tfjs's WebAssembly backend (XNNPACK, SIMD): fast on CPUs in Node and browsers; bundles set wasmPaths",
  create: (options) => new WasmBackendProvider(options),
});
