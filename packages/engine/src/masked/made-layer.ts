import type { ActivationName } from '@bijective/core';
import {
  CONDITIONER_ACTIVATIONS,
  ParameterLayout,
  IDENTITY_KERNEL_MAP,
  type ElementwiseTransform,
  type FusedLayer,
} from '../fused/index.js';
import { madeMasks, type HostMask } from './degrees.js';

/** What {@link madeLayer} builds one autoregressive layer from. */
export interface MadeLayerOptions {
  /** Input degrees m₀ (a permutation of 1..d): the autoregressive order. */
  degrees: readonly number[];
  /** Hidden widths of the MADE (at least one). */
  hidden: readonly number[];
  /** Width of the flattened context, 0 when unconditional. */
  contextSize: number;
  /** Hidden activation. */
  activation: ActivationName;
  /** The elementwise map g, with `heads` raw parameters per dimension. */
  transform: ElementwiseTransform;
  /** Zero output layer: raw = 0, so the layer starts as the identity. */
  identityInit: boolean;
  /** Seed of the initial θ. */
  seed: number;
}

/**
 * One autoregressive layer y_k = g(u_k; MADE(u)_k[, c]) over all d columns as core's fused
 * {@link FusedLayer} (MAF, Papamakarios et al. 2017; IAF, Kingma et al. 2016; MADE, Germain et al.
 * 2015), for any elementwise map g: the MADE masks of the first kernel's u-rows (its context rows
 * stay unmasked), the hidden kernels and the output kernel go to the parameter layout, which hands
 * out W ⊙ M and takes gradients back as G ⊙ M in its own host kernels; the output kernel's
 * heads·d columns are head-major as g expects (column h·d + k drives dimension k, degree m₀(k)).
 * θ starts from core's MLP initialisation (masked-out entries never matter: their gradient is 0).
 */
export function madeLayer(options: MadeLayerOptions): FusedLayer {
  const { degrees, hidden, contextSize, transform } = options;
  const d = degrees.length;
  const [inputMask, ...kernelMasks] = madeMasks(degrees, hidden, transform.heads, contextSize > 0) as [
    HostMask,
    ...HostMask[],
  ];
  // The first kernel's context rows are unmasked.
  const first = new Float32Array((d + contextSize) * inputMask.cols).fill(1);
  first.set(inputMask.values);
  const widths = [d + contextSize, ...hidden, transform.heads * d];
  const spec = {
    inputMap: IDENTITY_KERNEL_MAP,
    inputRows: d,
    kernelMaps: kernelMasks.map(() => null),
    columns: Array.from({ length: d }, (_, k) => k),
    transform,
    activation: CONDITIONER_ACTIVATIONS[options.activation],
  };
  const initial = new ParameterLayout(widths).initial(options.activation, options.seed, options.identityInit);
  return { spec, widths, initial, masks: [first, ...kernelMasks.map((m) => m.values)] };
}
