/**
 * Side effect of importing `@bijective/backend-cpu`: registers tfjs's cpu backend with tfjs and
 * the `cpu` backend with the bijective registry.
 * @module
 */
import '@tensorflow/tfjs-backend-cpu';
import { register } from '@bijective/core';
import { CpuBackendProvider } from './provider.js';

register('backend', 'cpu', {
  description: "tfjs's plain JavaScript backend: runs everywhere (Node, browsers, workers), slowest",
  create: (options) => new CpuBackendProvider(options),
});
