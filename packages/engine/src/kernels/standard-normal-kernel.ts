// Registers core's standard normal log-density plus a log-det (`STANDARD_NORMAL_LOG_DENSITY_KERNEL`)
// as one host kernel on tfjs's wasm backend (imported for this side effect).
import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_TWO_PI, STANDARD_NORMAL_LOG_DENSITY_KERNEL } from '@bijective/core';
import { defineHostKernel } from './host-kernel.js';

/**
 * (z `[n, d]`, logDet `[n]`) -> logDet − ½|z|² − (d/2) log 2π `[n]`, each row's sum in float64: the
 * last step of `Flow.logProb` on a standard normal base as ONE kernel instead of five (square,
 * multiply, sum, subtract, add). Its gradient is ∂/∂z = −z·dy and ∂/∂logDet = dy (two tfjs ops).
 * Registered for wasm only (cpu and webgl keep tfjs's ops).
 */
defineHostKernel<Record<string, number>>({
  name: STANDARD_NORMAL_LOG_DENSITY_KERNEL,
  backends: ['wasm'],
  outputShapes: ([z]) => [[z![0] as number]],
  gradient: {
    saveInputs: [0],
    grad: ([dy], [z]) => [tf.mul(z!, tf.neg(tf.expandDims(dy!, 1))), dy!],
  },
  run([z, logDet], [out], [shape]) {
    const [n, d] = shape as [number, number];
    const constant = d * HALF_LOG_TWO_PI;
    for (let r = 0; r < n; r++) {
      let q = 0;
      for (let i = r * d; i < (r + 1) * d; i++) q += z![i]! * z![i]!;
      out![r] = logDet![r]! - 0.5 * q - constant;
    }
  },
});
