import { HALF_LOG_TWO_PI, STANDARD_NORMAL_NLL_KERNEL } from '@bijective/core';
import { defineHostKernel } from './host-kernel.js';

/** (dLoss [], z [n, ...]) -> ∂L/∂z = dLoss·z/n, ∂L/∂logDet = −dLoss/n `[n]`. */
const standardNormalNllGradKernel = defineHostKernel<Record<string, number>>({
  name: `${STANDARD_NORMAL_NLL_KERNEL}Grad`,
  backends: ['wasm'],
  outputShapes: ([, z]) => [[...z!], [z![0]!]],
  run([dy, z], [dz, dLogDet]) {
    const n = dLogDet!.length;
    const g = dy![0]! / n;
    for (let j = 0; j < z!.length; j++) dz![j] = g * z![j]!;
    dLogDet!.fill(-g);
  },
});

/**
 * Core's standard normal training loss (`standardNormalNll`), mean_r(½|z_r|² − logDet_r) + (d/2) log 2π,
 * as ONE host kernel on tfjs's wasm backend, summed in float64, with its backward pass as one more:
 * two kernels per training step instead of ~33 and the tape's ~10 copies. Registered for wasm only
 * (cpu and webgl keep tfjs's ops).
 */
defineHostKernel<Record<string, number>>({
  name: STANDARD_NORMAL_NLL_KERNEL,
  backends: ['wasm'],
  outputShapes: () => [[]],
  gradient: {
    saveInputs: [0],
    grad: ([dy], saved) => standardNormalNllGradKernel([dy!, ...saved], {}),
  },
  run([z, logDet], [loss]) {
    const n = logDet!.length;
    let squares = 0;
    for (let j = 0; j < z!.length; j++) squares += z![j]! * z![j]!;
    let logDets = 0;
    for (let r = 0; r < n; r++) logDets += logDet![r]!;
    loss![0] = (0.5 * squares - logDets) / n + (z!.length / n) * HALF_LOG_TWO_PI;
  },
});
