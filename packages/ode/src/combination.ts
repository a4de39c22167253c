import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel, type HostKernel, type HostKernelAttrs } from '@bijective/engine';

/**
 * Attributes of the combination kernels: the term weights w_j, the number S of state tensors, and
 * whether a base term (weight 1) comes first.
 */
interface CombinationAttrs extends HostKernelAttrs {
  weights: readonly number[];
  states: number;
  base: boolean;
}

/**
 * [base_s + Σ_j w_j k_{j,s}]_s over a tuple of S state tensors as ONE kernel: inputs base_0..base_{S-1}
 * (when `base`), then k_{j,0}..k_{j,S-1} for each weight j; outputs the S sums. Linear, so its
 * gradient is {@link spreadKernel} (and that one's is this), differentiable to any order.
 */
const combinationKernel: HostKernel<CombinationAttrs> = defineHostKernel<CombinationAttrs>({
  name: 'Bijective.StateCombination',
  outputShapes: (shapes, { states }) => shapes.slice(0, states).map((s) => [...s]),
  linearGradient: (dys, attrs): tf.Tensor[] => spreadKernel(dys, attrs),
  run(inputs, outputs, _shapes, { weights, states, base }) {
    const offset = base ? states : 0;
    outputs.forEach((out, s) => {
      if (base) out.set(inputs[s] as Float32Array);
      weights.forEach((w, j) => {
        const k = inputs[offset + j * states + s] as Float32Array;
        for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + w * (k[i] as number);
      });
    });
  },
});

/** The adjoint of {@link combinationKernel}: dy_s -> dy_s (for the base, when present), then w_j dy_s for each j. */
const spreadKernel: HostKernel<CombinationAttrs> = defineHostKernel<CombinationAttrs>({
  name: 'Bijective.StateCombinationGrad',
  outputShapes: (shapes, { weights, base }) =>
    [...(base ? shapes : []), ...weights.flatMap(() => shapes)].map((s) => [...s]),
  linearGradient: (dys, attrs): tf.Tensor[] => combinationKernel(dys, attrs),
  run(inputs, outputs, _shapes, { weights, states, base }) {
    let o = 0;
    if (base) for (let s = 0; s < states; s++) (outputs[o++] as Float32Array).set(inputs[s] as Float32Array);
    for (const w of weights) {
      for (let s = 0; s < states; s++) {
        const out = outputs[o++] as Float32Array;
        const dy = inputs[s] as Float32Array;
        for (let i = 0; i < out.length; i++) out[i] = w * (dy[i] as number);
      }
    }
  },
});

/**
 * base + Σ_j w_j k_j for every tensor of a state tuple in one host kernel (float32 tensors; `base`
 * null means 0; every weight is used, zeros included).
 * @internal
 */
export function combineOnHost(
  base: readonly tf.Tensor[] | null,
  weights: readonly number[],
  ks: readonly (readonly tf.Tensor[])[],
): tf.Tensor[] {
  const states = base?.length ?? (ks[0] as readonly tf.Tensor[]).length;
  const inputs = [...(base ?? []), ...ks.flatMap((k) => k.slice(0, states))];
  return combinationKernel(inputs, { weights: [...weights], states, base: base !== null });
}
