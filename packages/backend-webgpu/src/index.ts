/**
 * Registers tfjs's `webgpu` backend with the bijective registry on import, so that
 * `useBackend('webgpu')` can select it in a browser with WebGPU (and reports why not elsewhere).
 * @document ../README.md
 * @module @bijective/backend-webgpu
 */
import './register.js';

export { WebgpuBackendProvider, type WebgpuBackendOptions } from './provider.js';
