/**
 * Side effect of importing `@bijective/backend-webgl`: registers tfjs's webgl backend with tfjs
 * (in browsers only; tfjs skips it elsewhere), the `webgl` backend with the bijective registry, and
 * the shader versions of the engine's host kernels (no read-back per call on webgl).
 * @module
 */
// A named import, not a bare one: tfjs-backend-webgl's package.json marks its Node entry side-effect
// free, so bundlers targeting Node drop a bare import and with it tfjs's own registration.
import { version_webgl } from '@tensorflow/tfjs-backend-webgl';
import { register } from '@bijective/core';
import { WebglBackendProvider } from './provider.js';
import { registerWebglHostKernels } from './host-kernels/register.js';

register('backend', 'webgl', {
  description: `tfjs ${version_webgl} WebGL backend: GPU in browsers (pages, or workers with OffscreenCanvas); not in Node`,
  create: (options) => new WebglBackendProvider(options),
});

registerWebglHostKernels();
