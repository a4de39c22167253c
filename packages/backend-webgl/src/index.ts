/**
 * Registers tfjs's `webgl` backend with the bijective registry on import, so that
 * `useBackend('webgl')` can select it in a browser (and reports why not elsewhere), and the shader
 * versions of the engine's host kernels, so that a training step on webgl reads nothing back to the
 * CPU but what the caller asks for.
 * @document ../README.md
 * @module @bijective/backend-webgl
 */
import './register.js';

export { WebglBackendProvider, type WebglBackendOptions } from './provider.js';
export { WEBGL_HOST_KERNELS, registerWebglHostKernels } from './host-kernels/register.js';
