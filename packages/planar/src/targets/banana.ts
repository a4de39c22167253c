import * as tf from '@tensorflow/tfjs-core';
import { OptionError, optionRecord, readInteger, readNumber } from '@bijective/core';
import { DensityTarget } from './density-target.js';

/** Options of the `banana` target. */
export interface BananaOptions {
  /** Dimension d >= 2 (default 2). */
  dimension?: number;
  /** Curvature b (default 0.03, Haario's "moderately twisted"; 0.1 is their strongly twisted one). */
  curvature?: number;
  /** Standard deviation σ1 of the first coordinate before the twist (default 10). */
  scale?: number;
}

/** The largest dimension accepted. */
const MAX_DIMENSION = 100_000;

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Haario et al.'s (1999) twisted Gaussian ("banana"): x1 ~ N(0, σ1²), x2 − b(x1² − σ1²) ~ N(0, 1),
 * x3..xd ~ N(0, 1). The twist has unit Jacobian, so the density is normalised: log Z = 0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const banana = create('target', 'banana', { dimension: 2, curvature: 0.03 });
 * console.log(banana.logDensity(tf.tensor2d([[0, 0]])).arraySync(), banana.logNormalizer);
 * ```
 */
export function bananaTarget(options: BananaOptions = {}): DensityTarget {
  const record = optionRecord('banana', options, ['dimension', 'curvature', 'scale']);
  const d = readInteger('banana', record, 'dimension', 2, 2);
  if (d > MAX_DIMENSION)
    throw new OptionError(`banana: option 'dimension' must be at most ${MAX_DIMENSION}, got ${d}`);
  const b = readNumber('banana', record, 'curvature', 0.03);
  const s = readNumber('banana', record, 'scale', 10, { above: 0 });
  const constant = -d * HALF_LOG_TWO_PI - Math.log(s);
  return new DensityTarget({
    name: 'banana',
    eventShape: [d],
    options: { dimension: d, curvature: b, scale: s },
    logNormalizer: 0,
    logDensity: (x) => {
      const [x1, x2, rest] = tf.split(x, d === 2 ? [1, 1] : [1, 1, d - 2], 1) as tf.Tensor[];
      const twisted = tf.sub(x2 as tf.Tensor, tf.mul(b, tf.sub(tf.square(x1 as tf.Tensor), s * s)));
      let sq = tf.add(tf.square(tf.div(x1 as tf.Tensor, s)), tf.square(twisted));
      if (rest) sq = tf.add(sq, tf.sum(tf.square(rest), 1, true));
      return tf.add(tf.mul(-0.5, tf.reshape(sq, [-1])), constant);
    },
    bounds: [
      [-3 * s, 3 * s],
      [Math.min(-3, -3 - b * s * s), Math.max(3, 3 + 8 * b * s * s)],
      ...Array.from({ length: d - 2 }, () => [-3.5, 3.5] as const),
    ],
  });
}
