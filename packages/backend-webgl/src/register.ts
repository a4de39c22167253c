/**
 * Side effect of importing `@bijective/backend-webgl`: registers tfjs's webgl backend with tfjs
 * (in browsers only; tfjs skips it elsewhere) and the `webgl` backend with the bijective registry.
 * @module
 */
import '@tensorflow/tfjs-backend-webgl';
import { register } from '@bijective/core';
import { WebglBackendProvider } from './provider.js';

register('backend', 'webgl', {
  description: "tfjs's WebGL backend: GPU in browsers (pages, or workers with OffscreenCanvas); not in Node",
  create: (options) => new WebglBackendProvider(options),
});
