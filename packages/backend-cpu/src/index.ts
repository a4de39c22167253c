/**
 * Registers tfjs's `cpu` backend with the bijective registry on import, so that
 * `useBackend('cpu')` can select it.
 * @document ../README.md
 * @module @bijective/backend-cpu
 */
import './register.js';

export { CpuBackendProvider, type CpuBackendOptions } from './provider.js';
