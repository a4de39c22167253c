import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  defineOptions,
  option,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';

/** Options of {@link SinhArcsinh} (registry name `acme/sinh-arcsinh`). */
export interface SinhArcsinhOptions {
  /** Event shape (any rank); the transform acts on each element. */
  eventShape: number[];
  /** Initial skewness ε: one number for every element or a row-major list; default 0. */
  skewness?: number | number[];
  /** Initial tail weight δ in (e⁻³, e³): one number for every element or a row-major list; default 1. */
  tailweight?: number | number[];
  /** Whether ε and δ are trained; default true (they are variables and are saved either way). */
  trainable?: boolean;
}

/** Bound B of the log tail weight: log δ = B·tanh(ρ/B), so δ stays in (e⁻ᴮ, eᴮ). */
export const MAX_LOG_TAILWEIGHT = 3;

const LN2 = Math.log(2);

/** log cosh(u) = |u| + softplus(-2|u|) - log 2, finite for every finite u. */
function logCosh(u: tf.Tensor): tf.Tensor {
  const a = tf.abs(u);
  return tf.sub(tf.add(a, tf.softplus(tf.mul(a, -2))), LN2);
}

/**
 * The sinh-arcsinh transform of Jones & Pewsey (2009, "Sinh-arcsinh distributions", Biometrika 96),
 * elementwise: y = sinh((asinh(x) + ε)/δ), with inverse x = sinh(δ·asinh(y) − ε) and
 * log|det J| = Σ [log cosh(u) − log δ − ½·log(1 + x²)], u = (asinh(x) + ε)/δ. Over a standard
 * normal base, ε skews the density and δ < 1 makes its tails heavier, δ > 1 lighter. ε and the
 * bounded log δ = 3·tanh(ρ/3) are learned per element.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@bijective/backend-cpu';
 * import { useBackend } from '@bijective/core';
 * import { SinhArcsinh } from '@acme/bijective-sinh-arcsinh';
 *
 * await useBackend('cpu');
 * const bijector = new SinhArcsinh({ eventShape: [2], skewness: 0.5, tailweight: 0.8 });
 * const { value, logDet } = bijector.forwardAndLogDet(tf.tensor2d([[0, 1]]));
 * console.log(value.arraySync(), logDet.arraySync()); // y and log|dy/dx| summed over the event
 * ```
 */
export class SinhArcsinh extends BaseBijector {
  readonly name = 'acme/sinh-arcsinh';
  /** Its options, declared once: keys, defaults, checks (errors name the option) and the saved config. */
  static readonly schema = defineOptions('acme/sinh-arcsinh', {
    eventShape: option.eventShape(),
    skewness: option.eventValues({ default: 0 }),
    tailweight: option.eventValues({
      default: 1,
      valid: () => ({
        test: (d) => Math.abs(Math.log(d)) < MAX_LOG_TAILWEIGHT,
        what: `tail weights in (e^-${MAX_LOG_TAILWEIGHT}, e^${MAX_LOG_TAILWEIGHT})`,
      }),
    }),
    trainable: option.boolean({ default: true }),
  });
  /** The skewness ε, of the event shape. */
  readonly skewness: tf.Variable;
  /** The unconstrained ρ of the event shape; the tail weight is δ = exp(3·tanh(ρ/3)). */
  readonly rawTailweight: tf.Variable;
  private readonly resolved: ReturnType<typeof SinhArcsinh.schema.read>;

  /** Creates the transform; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: SinhArcsinhOptions) {
    const resolved = SinhArcsinh.schema.read(options);
    const { eventShape, skewness, tailweight, trainable } = resolved;
    super({ eventShape });
    this.resolved = resolved;
    const rho = tailweight.map((d) => MAX_LOG_TAILWEIGHT * Math.atanh(Math.log(d) / MAX_LOG_TAILWEIGHT));
    this.skewness = tf.variable(tf.tensor(skewness, [...eventShape], 'float32'), trainable);
    this.rawTailweight = tf.variable(tf.tensor(rho, [...eventShape], 'float32'), trainable);
  }

  /** ε, then ρ: the order model files store them in. */
  override get variables(): readonly tf.Variable[] {
    return [this.skewness, this.rawTailweight];
  }

  /** `{name: 'acme/sinh-arcsinh', options}` with the initial values (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: SinhArcsinh.schema.toConfig({ ...this.resolved, trainable: this.skewness.trainable }),
    };
  }

  /** log δ = 3·tanh(ρ/3), bounded so that δ never collapses to 0 nor explodes. */
  private logTailweight(): tf.Tensor {
    return tf.mul(tf.tanh(tf.div(this.rawTailweight, MAX_LOG_TAILWEIGHT)), MAX_LOG_TAILWEIGHT);
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const logDelta = this.logTailweight();
    const u = tf.div(tf.add(tf.asinh(x), this.skewness), tf.exp(logDelta));
    const logJacobian = tf.sub(tf.sub(logCosh(u), logDelta), tf.mul(tf.log1p(tf.square(x)), 0.5));
    return { value: tf.sinh(u), logDet: sumOverEvent(logJacobian) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const logDelta = this.logTailweight();
    const v = tf.sub(tf.mul(tf.asinh(y), tf.exp(logDelta)), this.skewness);
    const logJacobian = tf.sub(tf.add(logCosh(v), logDelta), tf.mul(tf.log1p(tf.square(y)), 0.5));
    return { value: tf.sinh(v), logDet: sumOverEvent(logJacobian) };
  }
}
