import * as tf from '@tensorflow/tfjs-core';
import type { HostRng } from '@bijective/core';
import { LayerStack, hostParameter, type HostParameters, type LayerPieces } from './layer-stack.js';
import { hostStackOp } from './host-stack.js';
import { PLANAR_MATH } from './planar-math.js';
import { solveIncreasing } from './root-find.js';
import { resolveStackOptions, type LayerStackOptions } from './stack-options.js';

/** The forward pass of every planar stack: one op on two host kernels. */
const PLANAR_FORWARD = hostStackOp(PLANAR_MATH);

/** Options of the `planar` flow. */
export type PlanarOptions = LayerStackOptions;

/** Added to ‖w‖² in û's denominator, so that w = 0 (a translation) gives a finite û. */
const NORM_EPSILON = 1e-12;

/** The residual g(α) = α + m·tanh(α) − a and its slope, for one planar layer's inverse. */
function planarResidual(m: number, onePlusM: number, a: number) {
  return (alpha: number) => {
    const t = Math.tanh(alpha);
    return { value: alpha + m * t - a, slope: t * t + (1 - t * t) * onePlusM };
  };
}

/**
 * Planar flow (Rezende & Mohamed 2015, §4.1): K layers f(z) = z + û·tanh(wᵀz + b), with
 * û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(x) = −1 + softplus(x), so that wᵀû = m(wᵀu) > −1 and every layer
 * is invertible (Appendix A.1). log|det ∂f/∂z| = log(1 + wᵀû·tanh′) computed as the sum of positive
 * terms log(tanh² + sech²·softplus(wᵀu)). The inverse reduces to the scalar α = wᵀz + b, the root of
 * α + wᵀû·tanh(α) = wᵀy + b in the bracket wᵀy + b ± |wᵀû| (safeguarded Newton in float64), then
 * z = y − û·tanh(α). With `contextShape`, θ = (u, w, b) of every layer is θ + MLP(c) (amortised).
 *
 * @example
 * ```ts
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fitVariational } from '@bijective/train';
 * import '@bijective/planar';
 * import '@bijective/backend-wasm';
 *
 * await useBackend('wasm');
 * const q = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'planar', { eventShape: [2], layers: 8, seed: 0 }));
 * const result = fitVariational(q, create('target', 'u1', {}), { steps: 50, batchSize: 256 }); // 2000 steps of 32 layers fit U1 well
 * console.log(result.elbo, result.kl);
 * ```
 */
export class Planar extends LayerStack {
  readonly name = 'planar';
  protected readonly pieceSizes: readonly number[];

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: PlanarOptions) {
    const resolved = resolveStackOptions('planar', options);
    const d = resolved.eventShape[0];
    // u, w, b ~ U(−1/√d, 1/√d) (as Pyro's planar flows).
    const limit = 1 / Math.sqrt(d);
    const initial = (rng: HostRng) =>
      Array.from({ length: 2 * d + 1 }, () => (2 * rng.uniform() - 1) * limit);
    super(resolved, 2 * d + 1, initial, PLANAR_FORWARD);
    // Constrained pieces: û, w, b, m = wᵀû, 1 + m.
    this.pieceSizes = [d, d, 1, 1, 1];
  }

  /** (u, w, b) -> (û, w, b, m, 1 + m), where 1 + m = (1 + s)(1 − q) + softplus(s)·q, s = wᵀu, q = ‖w‖²/(‖w‖² + ε). */
  protected constrain(raw: tf.Tensor3D): tf.Tensor3D {
    const d = this.eventShape[0] as number;
    const [u, w, b] = tf.split(raw, [d, d, 1], 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const s = tf.sum(tf.mul(w, u), 2, true);
    const norm2 = tf.sum(tf.square(w), 2, true);
    const denominator = tf.add(norm2, NORM_EPSILON);
    const softplus = tf.softplus(s);
    const c = tf.div(tf.sub(tf.sub(softplus, 1), s), denominator);
    const uHat = tf.add(u, tf.mul(c, w));
    const q = tf.div(norm2, denominator);
    const m = tf.add(s, tf.mul(c, norm2));
    const onePlusM = tf.add(tf.mul(tf.add(s, 1), tf.sub(1, q)), tf.mul(softplus, q));
    return tf.concat([uHat, w, b, m, onePlusM], 2) as tf.Tensor3D;
  }

  protected layerInverse(y: tf.Tensor2D, pieces: LayerPieces, layer: number, host: HostParameters) {
    const [uHat, w, b, m, onePlusM] = pieces as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const a = tf.add(tf.sum(tf.mul(w, y), 1, true), b);
    const root = this.solveRows(layer, a, 'wᵀy + b', (row, target) => {
      const mv = hostParameter(host, row, layer, 2 * (this.eventShape[0] as number) + 1);
      const onePlusMv = hostParameter(host, row, layer, 2 * (this.eventShape[0] as number) + 2);
      // |tanh| ≤ 1 brackets the root; the margin absorbs rounding at the ends.
      const margin = Math.abs(mv) + 1e-9 * (1 + Math.abs(target));
      return solveIncreasing(
        planarResidual(mv, onePlusMv, target),
        { lo: target - margin, hi: target + margin },
        target,
      );
    });
    // One Newton step in tfjs: the same root, with the implicit-function gradient.
    const tRoot = tf.tanh(root);
    const residual = tf.sub(tf.add(root, tf.mul(m, tRoot)), a);
    const alpha = tf.sub(root, tf.div(residual, slope(tRoot, onePlusM)));
    const t = tf.tanh(alpha);
    const value = tf.sub(y, tf.mul(uHat, t)) as tf.Tensor2D;
    return { value, logDet: tf.neg(logSlope(t, onePlusM)) };
  }
}

/** 1 + m·(1 − t²) as t² + (1 − t²)(1 + m): a sum of non-negative terms, positive since 1 + m > 0. */
function slope(t: tf.Tensor, onePlusM: tf.Tensor): tf.Tensor {
  const t2 = tf.square(t);
  return tf.add(onePlusM, tf.mul(t2, tf.sub(1, onePlusM)));
}

/** log(1 + m·(1 − t²)), the log-det of one planar layer at t = tanh(wᵀz + b). */
function logSlope(t: tf.Tensor, onePlusM: tf.Tensor): tf.Tensor {
  return tf.log(slope(t, onePlusM));
}
