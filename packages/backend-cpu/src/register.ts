/**
 * Side effect of importing `@bijective/backend-cpu`: registers tfjs's cpu backend with tfjs and
 * the `cpu` backend with the bijective registry.
 * @module
 */
// A named import, not a bare one: tfjs-backend-cpu's package.json marks its Node entry side-effect
// free, so bundlers drop a bare import and with it tfjs's own registration of the backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { register } from '@bijective/core';
import { CpuBackendProvider } from './provider.js';

register('backend', 'cpu', {
  description: `tfjs ${version_cpu} plain JavaScript backend: runs everywhere (Node, browsers, workers), slowest`,
  create: (options) => new CpuBackendProvider(options),
});
