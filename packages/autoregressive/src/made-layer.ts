import * as tf from '@tensorflow/tfjs-core';
import {
  CONDITIONER_ACTIVATIONS,
  ParameterLayout,
  maskedKernel,
  type ActivationName,
  type ElementwiseTransform,
  type FusedLayer,
} from '@bijective/core';
import { madeMasks } from './degrees.js';

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

/** A MADE-conditioned fused layer and the mask constants its spec reads (the caller frees them). */
export interface MadeLayer {
  /** The spec, widths and initial θ for core's `FusedLayers`. */
  layer: FusedLayer;
  /** The masks M₁ (input rows), M₂, ..., M_out, input layer first. */
  masks: tf.Tensor2D[];
}

/**
 * One autoregressive layer y_k = g(u_k; MADE(u)_k[, c]) over all d columns as core's fused
 * {@link FusedLayer} (MAF, Papamakarios et al. 2017; IAF, Kingma et al. 2016; MADE, Germain et al.
 * 2015), for any elementwise map g: the MADE masks become `maskedKernel` maps of the first kernel's
 * u-rows (its context rows stay unmasked), the hidden kernels and the output kernel, whose
 * heads·d columns are head-major as g expects (column h·d + k drives dimension k, degree m₀(k)).
 * θ starts from core's MLP initialisation (masked-out entries never matter: their gradient is 0).
 */
export function madeLayer(options: MadeLayerOptions): MadeLayer {
  const { degrees, hidden, contextSize, transform } = options;
  const d = degrees.length;
  const masks = madeMasks(degrees, hidden, transform.heads, contextSize > 0).map((m) =>
    tf.keep(tf.tensor2d(m.values, [m.rows, m.cols])),
  );
  const [inputMask, ...kernelMasks] = masks as [tf.Tensor2D, ...tf.Tensor2D[]];
  const widths = [d + contextSize, ...hidden, transform.heads * d];
  const spec = {
    inputMap: maskedKernel(inputMask),
    inputRows: d,
    kernelMaps: kernelMasks.map(maskedKernel),
    columns: Array.from({ length: d }, (_, k) => k),
    transform,
    activation: CONDITIONER_ACTIVATIONS[options.activation],
  };
  const initial = new ParameterLayout(widths).initial(options.activation, options.seed, options.identityInit);
  return { layer: { spec, widths, initial }, masks };
}
