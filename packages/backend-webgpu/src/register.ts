/**
 * Side effect of importing `@bijective/backend-webgpu`: registers tfjs's webgpu backend with tfjs
 * (where `navigator.gpu` exists; tfjs skips it elsewhere) and the `webgpu` backend with the
 * bijective registry.
 * @module
 */
// A named import, not a bare one, so that a bundler keeps tfjs's own registration.
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { register } from '@bijective/core';
import { WebgpuBackendProvider } from './provider.js';

register('backend', 'webgpu', {
  description: `tfjs 4.22 WebGPU backend: GPU compute shaders in browsers with navigator.gpu (${webgpu_util.isWebGPUSupported() ? 'present here' : 'absent here'}); not in Node`,
  create: (options) => new WebgpuBackendProvider(options),
});
