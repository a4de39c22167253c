import * as tf from '@tensorflow/tfjs-core';
import { LayerStack, hostParameter, type HostParameters, type LayerPieces } from './layer-stack.js';
import { hostStackOp } from './host-stack.js';
import { RADIAL_MATH } from './radial-math.js';
import { solveIncreasing } from './root-find.js';
import { resolveStackOptions, type LayerStackOptions } from './stack-options.js';

/** The forward pass of every radial stack: one op on two host kernels. */
const RADIAL_FORWARD = hostStackOp(RADIAL_MATH);

/** Options of the `radial` flow. */
export type RadialOptions = LayerStackOptions;

/** r = sqrt(max(|z − z0|², RADIUS_FLOOR²)): finite gradients at z = z0, invisible elsewhere in float32. */
const SQUARED_RADIUS_FLOOR = 1e-30;

/** The residual g(r) = r(γ + r)/(α + r) − r_y and its slope (αγ + 2αr + r²)/(α + r)², for one radial layer's inverse. */
function radialResidual(alpha: number, gamma: number, ry: number) {
  return (r: number) => {
    const s = alpha + r;
    return { value: (r * (gamma + r)) / s - ry, slope: (alpha * gamma + 2 * alpha * r + r * r) / (s * s) };
  };
}

/** |z − z0| per row `[n, 1]`, floored (see {@link SQUARED_RADIUS_FLOOR}). */
function radius(diff: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.maximum(tf.sum(tf.square(diff), 1, true), SQUARED_RADIUS_FLOOR));
}

/**
 * Radial flow (Rezende & Mohamed 2015, §4.1): K layers f(z) = z + β·h(α, r)·(z − z0), h = 1/(α + r),
 * r = |z − z0|, with α = softplus(α̂) > 0 and β = −α + softplus(β̂) ≥ −α, so every layer is invertible
 * (Appendix A.2). With γ = α + β = softplus(β̂) > 0,
 * log|det ∂f/∂z| = (d − 1)·log((γ + r)/(α + r)) + log((αγ + 2αr + r²)/(α + r)²), a sum of logs of
 * positive terms. The inverse reduces to the radius: r solves r(γ + r)/(α + r) = |y − z0| in the
 * bracket [|y − z0| − max(β, 0), |y − z0| + max(−β, 0)] (safeguarded Newton in float64), then
 * z = z0 + (y − z0)(α + r)/(γ + r). With `contextShape`, (z0, α̂, β̂) of every layer is θ + MLP(c).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = create('bijector', 'radial', { eventShape: [2], layers: 32, seed: 0 });
 * const { value, logDet } = flow.inverseAndLogDet(tf.tensor2d([[1, 2]]));
 * console.log(value.arraySync(), logDet.arraySync());
 * ```
 */
export class Radial extends LayerStack {
  readonly name = 'radial';
  protected readonly pieceSizes: readonly number[];

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: RadialOptions) {
    const resolved = resolveStackOptions('radial', options);
    const d = resolved.eventShape[0];
    // z0, α̂, β̂ ~ U(−1/√d, 1/√d) (as Pyro's radial flows).
    const limit = 1 / Math.sqrt(d);
    super(
      resolved,
      d + 2,
      (rng) => Array.from({ length: d + 2 }, () => (2 * rng.uniform() - 1) * limit),
      RADIAL_FORWARD,
    );
    // Constrained pieces: z0, α, β, γ = α + β.
    this.pieceSizes = [d, 1, 1, 1];
  }

  /** (z0, α̂, β̂) -> (z0, α, β, γ) with α = softplus(α̂), γ = softplus(β̂), β = γ − α. */
  protected constrain(raw: tf.Tensor3D): tf.Tensor3D {
    const d = this.eventShape[0] as number;
    const [z0, alphaRaw, betaRaw] = tf.split(raw, [d, 1, 1], 2);
    const alpha = tf.softplus(alphaRaw as tf.Tensor);
    const gamma = tf.softplus(betaRaw as tf.Tensor);
    return tf.concat([z0 as tf.Tensor, alpha, tf.sub(gamma, alpha), gamma], 2) as tf.Tensor3D;
  }

  protected layerInverse(y: tf.Tensor2D, pieces: LayerPieces, layer: number, host: HostParameters) {
    const [z0, alpha, , gamma] = pieces as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const d = this.eventShape[0] as number;
    const diff = tf.sub(y, z0);
    const ry = radius(diff);
    const root = this.solveRows(layer, ry, '|y − z0|', (row, target) => {
      const a = hostParameter(host, row, layer, d);
      const b = hostParameter(host, row, layer, d + 1);
      const c = hostParameter(host, row, layer, d + 2);
      // |β r/(α + r)| < |β| brackets the root; the margin absorbs rounding at the ends.
      const margin = 1e-9 * (1 + target);
      const bracket = {
        lo: Math.max(0, target - Math.max(b, 0)) - margin,
        hi: target + Math.max(-b, 0) + margin,
      };
      return solveIncreasing(radialResidual(a, c, target), bracket, target);
    });
    // One Newton step in tfjs: the same root, with the implicit-function gradient.
    const s = tf.add(alpha, root);
    const residual = tf.sub(tf.div(tf.mul(root, tf.add(gamma, root)), s), ry);
    const r = tf.sub(root, tf.div(residual, tf.div(quadratic(root, alpha, gamma), tf.square(s))));
    const value = tf.add(z0, tf.mul(diff, tf.div(tf.add(alpha, r), tf.add(gamma, r)))) as tf.Tensor2D;
    return { value, logDet: tf.neg(this.logDet(r, alpha, gamma)) };
  }

  /** (d − 1)·log(γ + r) − (d + 1)·log(α + r) + log(αγ + 2αr + r²), per row `[n, 1]`. */
  private logDet(r: tf.Tensor, alpha: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
    const d = this.eventShape[0] as number;
    const shrink = tf.mul(-(d + 1), tf.log(tf.add(alpha, r)));
    const radial = tf.log(quadratic(r, alpha, gamma));
    const terms = tf.add(shrink, radial);
    return d === 1 ? terms : tf.add(terms, tf.mul(d - 1, tf.log(tf.add(gamma, r))));
  }
}

/** αγ + 2αr + r² = (α + r)² + αβ: positive for α, γ > 0 and r ≥ 0. */
function quadratic(r: tf.Tensor, alpha: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(alpha, tf.add(gamma, tf.mul(2, r))), tf.square(r));
}
