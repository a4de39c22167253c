import * as tf from '@tensorflow/tfjs-core';
import { OptionError, optionRecord, readInteger, readNumber } from '@bijective/core';
import { DensityTarget } from './density-target.js';

/** Options of the `funnel` target. */
export interface FunnelOptions {
  /** Dimension d >= 2: v and d − 1 coordinates x (default 10, as Neal's). */
  dimension?: number;
  /** Standard deviation of v (default 3). */
  scale?: number;
}

/** The largest dimension accepted. */
const MAX_DIMENSION = 100_000;

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Neal's (2003, "Slice sampling", §8) funnel: v = x1 ~ N(0, σ²) and x2..xd ~ N(0, e^v) given v, so
 * log p = −½v²/σ² − log σ − Σᵢ (½xᵢ²e^{−v} + v/2) − (d/2) log 2π; normalised: log Z = 0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const funnel = create('target', 'funnel', { dimension: 10 });
 * console.log(funnel.logDensity(tf.zeros([1, 10])).arraySync(), funnel.logNormalizer);
 * ```
 */
export function funnelTarget(options: FunnelOptions = {}): DensityTarget {
  const record = optionRecord('funnel', options, ['dimension', 'scale']);
  const d = readInteger('funnel', record, 'dimension', 10, 2);
  if (d > MAX_DIMENSION)
    throw new OptionError(`funnel: option 'dimension' must be at most ${MAX_DIMENSION}, got ${d}`);
  const s = readNumber('funnel', record, 'scale', 3, { above: 0 });
  const constant = -d * HALF_LOG_TWO_PI - Math.log(s);
  return new DensityTarget({
    name: 'funnel',
    eventShape: [d],
    options: { dimension: d, scale: s },
    logNormalizer: 0,
    logDensity: (x) => {
      const [v, rest] = tf.split(x, [1, d - 1], 1) as [tf.Tensor, tf.Tensor];
      const vFlat = tf.reshape(v, [-1]);
      const spread = tf.mul(tf.sum(tf.square(rest), 1), tf.exp(tf.neg(vFlat)));
      const logP = tf.add(
        tf.mul(-0.5, tf.square(tf.div(vFlat, s))),
        tf.mul(-0.5, tf.add(spread, tf.mul(d - 1, vFlat))),
      );
      return tf.add(logP, constant);
    },
    bounds: [
      [-3 * s, 3 * s],
      ...Array.from({ length: d - 1 }, () => [-3 * Math.exp(s), 3 * Math.exp(s)] as const),
    ],
  });
}
