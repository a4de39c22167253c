/**
 * A third-party target as the CLI's tests load it (`--plugin`): `acme/annulus`, the unnormalised
 * density log p̃(x) = −8 (‖x‖ − r)² on the plane (option `radius` r, default 2), registered through
 * the same registry call as first-party targets, implementing core's `Target` directly.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { OptionError, register, type Target } from '@bijective/core';

/** Options of `acme/annulus`. */
interface RingOptions {
  radius?: number;
}

declare module '@bijective/core' {
  interface TargetOptionsMap {
    'acme/annulus': RingOptions;
  }
}

register(
  'target',
  'acme/annulus',
  {
    description: 'acme: a ring of radius r, log p̃(x) = −8 (‖x‖ − r)² (test plugin)',
    create: (options): Target => {
      const radius = options.radius ?? 2;
      if (typeof radius !== 'number' || !(radius > 0))
        throw new OptionError(`acme/annulus: option 'radius' must be a number > 0, got ${String(radius)}`);
      return {
        name: 'acme/annulus',
        eventShape: [2],
        logNormalizer: null,
        bounds: [
          [-radius - 1.5, radius + 1.5],
          [-radius - 1.5, radius + 1.5],
        ],
        logDensity: (x) =>
          tf.tidy(() =>
            tf.mul(-8, tf.square(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(x), 1), 1e-12)), radius))),
          ),
        getConfig: () => ({ name: 'acme/annulus', options: { radius } }),
        dispose: () => undefined,
      };
    },
  },
  { replace: true },
);
