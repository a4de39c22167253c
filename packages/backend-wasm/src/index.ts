/**
 * Registers tfjs's `wasm` backend with the bijective registry on import, so that
 * `useBackend('wasm')` can select it. In Node it finds its binaries by itself; browser bundles
 * pass the `wasmPaths` option (see {@link WasmBackendOptions}).
 * @document ../README.md
 * @module @bijective/backend-wasm
 */
import './register.js';

export {
  WASM_BINARY_NAMES,
  WasmBackendProvider,
  type WasmBackendOptions,
  type WasmBinaryName,
} from './provider.js';
