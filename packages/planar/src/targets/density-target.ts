import * as tf from '@tensorflow/tfjs-core';
import {
  checkBatchOfEvents,
  type EventShape,
  type JsonObject,
  type Target,
  type TargetConfig,
} from '@bijective/core';

/** What a {@link DensityTarget} is built from. */
export interface DensityTargetSpec {
  /** Registry name. */
  name: string;
  /** Event shape `[d]`. */
  eventShape: EventShape;
  /** The options that rebuild it through the registry (every default filled in). */
  options: JsonObject;
  /** log p̃(x) `[batch]` from x `[batch, ...event]`; run inside a tidy scope. */
  logDensity: (x: tf.Tensor) => tf.Tensor;
  /** log Z: a number, null when unknown, or a function computing it once on first use (quadrature). */
  logNormalizer: number | null | (() => number);
  /** Plot box per axis. */
  bounds?: readonly (readonly [number, number])[];
  /** Frees tensors the density holds. */
  dispose?: () => void;
}

/**
 * A {@link Target} from a log-density function: checks the input shape (a ShapeError naming the
 * target), runs the function in `tf.tidy`, and computes a lazy log Z once. Third-party targets can use it
 * or implement {@link Target} directly.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from '@bijective/core';
 * import { DensityTarget } from '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const ring = new DensityTarget({
 *   name: 'acme/ring', eventShape: [2], options: {}, logNormalizer: null,
 *   logDensity: (x) => tf.mul(-8, tf.square(tf.sub(tf.norm(x, 'euclidean', 1), 2))),
 * });
 * console.log(ring.logDensity(tf.tensor2d([[2, 0], [0, 0]])).arraySync()); // [0, -32]
 * ```
 */
export class DensityTarget implements Target {
  readonly name: string;
  readonly eventShape: EventShape;
  readonly bounds?: readonly (readonly [number, number])[];
  private normalizer: number | null | (() => number);

  /** Wraps `spec`. */
  constructor(private readonly spec: DensityTargetSpec) {
    this.name = spec.name;
    this.eventShape = [...spec.eventShape];
    this.normalizer = spec.logNormalizer;
    if (spec.bounds) this.bounds = spec.bounds.map(([lo, hi]) => [lo, hi] as const);
  }

  /** log p̃(x) per row `[batch]`. */
  logDensity(x: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(x, this.eventShape, `${this.name} logDensity input`);
    return tf.tidy(() => this.spec.logDensity(x));
  }

  /** log Z, computed on first use when it comes from quadrature; null when unknown. */
  get logNormalizer(): number | null {
    if (typeof this.normalizer === 'function') this.normalizer = this.normalizer();
    return this.normalizer;
  }

  /** `{name, options}`. */
  getConfig(): TargetConfig {
    return { name: this.name, options: this.spec.options };
  }

  /** Frees what the density holds. */
  dispose(): void {
    this.spec.dispose?.();
  }
}
