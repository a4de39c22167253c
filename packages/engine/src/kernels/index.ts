// Barrel of host kernels.
export * from './host-kernel.js';
export * from './host-kernel-backends.js';
export * from './adam-kernel.js';
export * from './conv2d-filter-gradient.js';
export * from './gather-rows.js';
import './mixture-kernel.js';
import './standard-normal-nll-kernel.js';
import './standard-normal-kernel.js';
import './sinh-arcsinh-kernel.js';
// The optimiser's kernels (Adam, the global norm) on the wasm SIMD module: registered for wasm.
import '../wasm/optimiser-kernels.js';
