import { defineHostKernel } from './host-kernel.js';

/** Scalars of one Adam step on rescaled moments (see `Adam`). */
export interface AdamKernelAttrs {
  [key: string]: number;
  /** β1 and β2. */
  beta1: number;
  beta2: number;
  /** The step size α after the bias corrections were folded in. */
  alpha: number;
  /** The rescaled ε̃. */
  epsilon: number;
  /** 1 - lr·λ (decoupled weight decay), 1 without it. */
  keep: number;
}

/**
 * One Adam update of many variables as one kernel: inputs (θ, g, m̃, ṽ) per variable, outputs
 * (θ', m̃', ṽ') per variable, with m̃' = β1 m̃ + g, ṽ' = β2 ṽ + g², θ' = keep·θ - α m̃'/(sqrt(ṽ') + ε̃).
 */
export const adamKernel = defineHostKernel<AdamKernelAttrs>({
  name: 'Bijective.Adam',
  outputShapes: (shapes) => shapes.filter((_, i) => i % 4 !== 1).map((s) => [...s]),
  run(inputs, outputs, _shapes, { beta1, beta2, alpha, epsilon, keep }) {
    for (let k = 0; 4 * k < inputs.length; k++) {
      const [theta, g, m, v] = inputs.slice(4 * k, 4 * k + 4) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const [theta2, m2, v2] = outputs.slice(3 * k, 3 * k + 3) as [Float32Array, Float32Array, Float32Array];
      for (let i = 0; i < theta.length; i++) {
        const gi = g[i] as number;
        const mi = beta1 * (m[i] as number) + gi;
        const vi = beta2 * (v[i] as number) + gi * gi;
        m2[i] = mi;
        v2[i] = vi;
        theta2[i] = keep * (theta[i] as number) - (alpha * mi) / (Math.sqrt(vi) + epsilon);
      }
    }
  },
});
