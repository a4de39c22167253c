import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { SCALE_FIELDS, newVariable, positiveScale, unconstrainedScale } from './parameters.js';
import { runRegisteredKernel } from '../numerics/registered-kernel.js';

/** Bound B of the skew, ε = B·tanh(e / B) ∈ (−B, B). */
export const SINH_ARCSINH_MAX_SKEW = 4;
/** Bound of the tail weight, δ = exp(L·tanh(t / L)) ∈ (1/M, M) with L = log M. */
export const SINH_ARCSINH_MAX_TAILWEIGHT = 8;

const LOG_MAX_TAIL = Math.log(SINH_ARCSINH_MAX_TAILWEIGHT);

/**
 * The tfjs kernel name of {@link SinhArcsinh}'s map with its log-det as ONE kernel (inputs x0 = the
 * batch `[n, ...event]`, x1 = ξ, x2 = the unconstrained scale, x3 = skew, x4 = tail weight; attrs
 * `inverse` (0 or 1) and `minScale`; outputs the value and the log-det `[n]`, with a registered
 * gradient): where a backend has it (@bijective/engine registers it for wasm), both directions run
 * as that kernel instead of ~20 tfjs ops and their gradients.
 * @internal
 */
export const SINH_ARCSINH_KERNEL = 'Bijective.SinhArcsinh';

/** Options of {@link SinhArcsinh}. */
export interface SinhArcsinhOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** Initial location ξ: one number or a row-major list of the event's size; default 0. */
  loc?: number | number[];
  /** Initial scale s (> minScale); default 1. */
  scale?: number | number[];
  /** Lower bound of the scale, s = softplus(u) + minScale; default 1e-3. */
  minScale?: number;
  /** Initial skew ε, |ε| < 4; default 0. */
  skew?: number | number[];
  /** Initial tail weight δ, 1/8 < δ < 8 (below 1: heavier tails at the data side); default 1. */
  tailweight?: number | number[];
  /** Whether the parameters are trained; default true (they are saved either way). */
  trainable?: boolean;
}

/**
 * Elementwise sinh-arcsinh map (Jones & Pewsey 2009, "Sinh-arcsinh distributions", Biometrika 96):
 * x = ξ + s·sinh((asinh(z) + ε)/δ) with s > 0, |ε| < 4, 1/8 < δ < 8, so that a normal z gives a
 * skewed (ε) and heavy- or light-tailed (δ) x; the identity at ξ = 0, s = 1, ε = 0, δ = 1.
 * log|dx/dz| = log s + log cosh(w) − log δ − ½·log(1 + z²) with w = (asinh(z) + ε)/δ; the inverse is
 * z = sinh(δ·asinh((x − ξ)/s) − ε). Used per column at the data side of tabular flows (a learned
 * marginal Gaussianisation, as in Gaussian-copula models).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { SinhArcsinh, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const marginal = new SinhArcsinh({ eventShape: [2], skew: [0.5, 0], tailweight: [1, 0.5] });
 * const { value, logDet } = marginal.forwardAndLogDet(tf.tensor2d([[0, 1]]));
 * console.log(value.arraySync(), logDet.arraySync()); // skewed first column, heavier-tailed second
 * ```
 */
export class SinhArcsinh extends BaseBijector {
  readonly name = 'sinh-arcsinh';
  /** Its options, declared once. */
  static readonly schema = defineOptions('sinh-arcsinh', {
    eventShape: option.eventShape(),
    loc: option.eventValues({ default: 0 }),
    ...SCALE_FIELDS,
    skew: option.eventValues({
      default: 0,
      valid: () => ({
        test: (e) => Math.abs(e) < SINH_ARCSINH_MAX_SKEW,
        what: `in (-${SINH_ARCSINH_MAX_SKEW}, ${SINH_ARCSINH_MAX_SKEW})`,
      }),
    }),
    tailweight: option.eventValues({
      default: 1,
      valid: () => ({
        test: (d) => d > 1 / SINH_ARCSINH_MAX_TAILWEIGHT && d < SINH_ARCSINH_MAX_TAILWEIGHT,
        what: `in (1/${SINH_ARCSINH_MAX_TAILWEIGHT}, ${SINH_ARCSINH_MAX_TAILWEIGHT})`,
      }),
    }),
    trainable: option.boolean({ default: true }),
  });
  /** The location ξ, of the event shape. */
  readonly loc: tf.Variable;
  /** Unconstrained scale u: s = softplus(u) + minScale. */
  readonly unconstrainedScale: tf.Variable;
  /** Unconstrained skew e: ε = 4·tanh(e / 4). */
  readonly unconstrainedSkew: tf.Variable;
  /** Unconstrained tail weight t: δ = exp(L·tanh(t / L)), L = log 8. */
  readonly unconstrainedTailweight: tf.Variable;
  /** Lower bound of the scale. */
  readonly minScale: number;
  private readonly resolved: ReturnType<typeof SinhArcsinh.schema.read>;

  /** Creates the map; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SinhArcsinhOptions) {
    const resolved = SinhArcsinh.schema.read(options);
    const { eventShape, loc, scale, minScale, skew, tailweight, trainable } = resolved;
    super({ eventShape });
    this.resolved = resolved;
    this.minScale = minScale;
    this.loc = newVariable(loc, eventShape, trainable);
    this.unconstrainedScale = newVariable(unconstrainedScale(scale, minScale), eventShape, trainable);
    this.unconstrainedSkew = newVariable(
      skew.map((e) => SINH_ARCSINH_MAX_SKEW * Math.atanh(e / SINH_ARCSINH_MAX_SKEW)),
      eventShape,
      trainable,
    );
    this.unconstrainedTailweight = newVariable(
      tailweight.map((d) => LOG_MAX_TAIL * Math.atanh(Math.log(d) / LOG_MAX_TAIL)),
      eventShape,
      trainable,
    );
  }

  /** ξ, then the unconstrained scale, skew and tail weight. */
  override get variables(): readonly tf.Variable[] {
    return [this.loc, this.unconstrainedScale, this.unconstrainedSkew, this.unconstrainedTailweight];
  }

  /** `{name: 'sinh-arcsinh', options}` with the initial values (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: SinhArcsinh.schema.toConfig({ ...this.resolved, trainable: this.loc.trainable }),
    };
  }

  /**
   * Sets the parameters (each a list of the event's size, within the option bounds), e.g. to a
   * per-column fit of the training data before training (a data-dependent initialisation).
   */
  assign(values: { loc: number[]; scale: number[]; skew: number[]; tailweight: number[] }): void {
    const fresh = new SinhArcsinh({ eventShape: [...this.eventShape], minScale: this.minScale, ...values });
    try {
      this.variables.forEach((v, i) => v.assign(fresh.variables[i] as tf.Variable));
    } finally {
      fresh.dispose();
    }
  }

  protected computeForward(z: tf.Tensor): ValueAndLogDet {
    const fused = this.fused(z, 0);
    if (fused) return fused;
    const { scale, skew, tailweight } = this.constrained();
    const w = tf.div(tf.add(tf.asinh(z), skew), tailweight);
    const value = tf.add(tf.mul(scale, tf.sinh(w)), this.loc);
    const logJacobian = tf.sub(
      tf.add(tf.log(scale), logCosh(w)),
      tf.add(tf.log(tailweight), tf.mul(0.5, tf.log1p(tf.square(z)))),
    );
    return { value, logDet: sumOverEvent(logJacobian) };
  }

  protected computeInverse(x: tf.Tensor): ValueAndLogDet {
    const fused = this.fused(x, 1);
    if (fused) return fused;
    const { scale, skew, tailweight } = this.constrained();
    const u = tf.div(tf.sub(x, this.loc), scale);
    const v = tf.sub(tf.mul(tailweight, tf.asinh(u)), skew);
    const logJacobian = tf.sub(
      tf.add(tf.log(tailweight), logCosh(v)),
      tf.add(tf.log(scale), tf.mul(0.5, tf.log1p(tf.square(u)))),
    );
    return { value: tf.sinh(v), logDet: sumOverEvent(logJacobian) };
  }

  /** Both outputs of {@link SINH_ARCSINH_KERNEL} where the active backend has it, else null (tfjs ops). */
  private fused(input: tf.Tensor, inverse: 0 | 1): ValueAndLogDet | null {
    const inputs = {
      x0: input,
      x1: this.loc,
      x2: this.unconstrainedScale,
      x3: this.unconstrainedSkew,
      x4: this.unconstrainedTailweight,
    };
    const attrs = { inverse, minScale: this.minScale };
    const out = runRegisteredKernel(SINH_ARCSINH_KERNEL, inputs, attrs);
    return out && { value: out[0] as tf.Tensor, logDet: out[1] as tf.Tensor };
  }

  /** s, ε and δ from their unconstrained variables. */
  private constrained(): { scale: tf.Tensor; skew: tf.Tensor; tailweight: tf.Tensor } {
    const B = SINH_ARCSINH_MAX_SKEW;
    return {
      scale: positiveScale(this.unconstrainedScale, this.minScale),
      skew: tf.mul(B, tf.tanh(tf.div(this.unconstrainedSkew, B))),
      tailweight: tf.exp(tf.mul(LOG_MAX_TAIL, tf.tanh(tf.div(this.unconstrainedTailweight, LOG_MAX_TAIL)))),
    };
  }
}

/** log cosh(w) = |w| + softplus(−2|w|) − log 2, finite for every finite w. */
function logCosh(w: tf.Tensor): tf.Tensor {
  const a = tf.abs(w);
  return tf.sub(tf.add(a, tf.softplus(tf.mul(-2, a))), Math.LN2);
}
