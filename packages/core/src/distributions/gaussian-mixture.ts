import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '../errors.js';
import { hostRng } from '../numerics/random.js';
import { checkBatchOfEvents, checkEventShape, type EventShape } from '../shapes.js';
import type { BaseDistribution, DistributionConfig, SampleOptions } from './distribution.js';
import { mixtureLogDensity } from './mixture-log-density.js';
import { checkSampleCount, tfjsSeed } from './sampling.js';

/** Options of {@link GaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** Number of components K (default 8). */
  components?: number;
  /** Seed for the initial component means (default 0). */
  seed?: number;
  /** Whether weights, means and scales are trained (default true). */
  trainable?: boolean;
}

/**
 * A mixture of K diagonal Gaussians: log p(x) = logsumexp_k [log π_k + Σ_i log N(x_i; μ_ki, σ_ki²)],
 * with π = softmax(logits); means start as seeded N(0, I) draws, scales at 1, weights equal.
 */
export class GaussianMixture implements BaseDistribution {
  readonly name = 'gaussian-mixture';
  readonly eventShape: EventShape;
  /** Unnormalised log-weights `[K]`. */
  readonly logits: tf.Variable;
  /** Component means `[K, d]`. */
  readonly means: tf.Variable;
  /** Component log-scales `[K, d]`. */
  readonly logScales: tf.Variable;
  private readonly options: Required<GaussianMixtureOptions>;

  /** Creates a K-component mixture over vectors of size d. */
  constructor(options: GaussianMixtureOptions) {
    const eventShape = checkEventShape(options?.eventShape, 'gaussian-mixture');
    if (eventShape.length !== 1)
      throw new OptionError(
        `gaussian-mixture: eventShape must be a vector [d], got [${eventShape.join(', ')}]`,
      );
    const components = options.components ?? 8;
    if (!Number.isInteger(components) || components < 1) {
      throw new OptionError(`gaussian-mixture: components must be a positive integer, got ${components}`);
    }
    this.options = {
      eventShape: [...eventShape],
      components,
      seed: options.seed ?? 0,
      trainable: options.trainable ?? true,
    };
    this.eventShape = eventShape;
    const d = eventShape[0] as number;
    const rng = hostRng(this.options.seed);
    const trainable = this.options.trainable;
    this.logits = tf.tidy(() => tf.variable(tf.zeros([components]), trainable));
    this.means = tf.tidy(() =>
      tf.variable(
        tf.tensor2d(
          Array.from({ length: components * d }, () => rng.normal()),
          [components, d],
        ),
        trainable,
      ),
    );
    this.logScales = tf.tidy(() => tf.variable(tf.zeros([components, d]), trainable));
  }

  /** [logits, means, logScales]. */
  get variables(): readonly tf.Variable[] {
    return [this.logits, this.means, this.logScales];
  }

  /** The variables when trainable, else none. */
  get trainableVariables(): readonly tf.Variable[] {
    return this.options.trainable ? this.variables : [];
  }

  /** logsumexp_k [log π_k + log N(x; μ_k, diag σ_k²)] per batch element. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(x, this.eventShape, 'gaussian-mixture logProb input');
    return tf.tidy(() => mixtureLogDensity(x, this.logits, this.means, this.logScales));
  }

  /**
   * Draws a component k ~ Categorical(π) by the Gumbel-max trick, k = argmax_j (log π_j + g_j) with
   * g_j = −log(−log u_j) (Gumbel 1954; Maddison et al. 2014), then μ_k + σ_k ε (one-hot selection, no
   * gather). Every op has a gradient, so draws taken under a tape (a training objective that samples
   * the base) differentiate through μ_k and σ_k, where tfjs's `multinomial` would have none.
   */
  sample(n: number, options: SampleOptions = {}): tf.Tensor {
    checkSampleCount(n);
    const seed = options.seed;
    return tf.tidy(() => {
      const components = this.options.components;
      const u = tf.randomUniform([n, components], 1e-30, 1, 'float32', tfjsSeed(seed));
      const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
      const k = tf.argMax(tf.add(tf.expandDims(this.logits, 0), gumbel), 1);
      const oneHot = tf.cast(tf.oneHot(k as tf.Tensor1D, components), 'float32') as tf.Tensor2D;
      const loc = tf.matMul(oneHot, this.means as tf.Tensor2D);
      const scale = tf.exp(tf.matMul(oneHot, this.logScales as tf.Tensor2D));
      const eps = tf.randomNormal(
        [n, ...this.eventShape],
        0,
        1,
        'float32',
        tfjsSeed(seed === undefined ? undefined : seed + 1),
      );
      return tf.add(loc, tf.mul(scale, eps));
    });
  }

  /** `{name: 'gaussian-mixture', options: {eventShape, components, seed, trainable}}`. */
  getConfig(): DistributionConfig {
    const { eventShape, components, seed, trainable } = this.options;
    return { name: this.name, options: { eventShape: [...eventShape], components, seed, trainable } };
  }

  /** Frees the mixture's variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
