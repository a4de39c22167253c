/**
 * Registers tfjs's `webgl` backend with the bijective registry on import, so that
 * `useBackend('webgl')` can select it in a browser (and reports why not elsewhere).
 * @document ../README.md
 * @module @bijective/backend-webgl
 */
import './register.js';

export { WebglBackendProvider, type WebglBackendOptions } from './provider.js';
