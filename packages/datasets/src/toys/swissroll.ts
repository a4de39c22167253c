import type { GenerativeDataset } from '../dataset.js';
import { nodeCount, smoothedCurveLogDensity, uniformCurveNodes } from './curve-density.js';
import { noiseOption } from './noise.js';
import { toyDataset, type ToyOptions } from './toy.js';

/** Entropy of `swissroll` (noise 1): 2.6696 nats (grid quadrature of the density, ±1e-3). */
export const SWISSROLL_ENTROPY = 2.6696;

const T0 = 1.5 * Math.PI;
const T1 = 4.5 * Math.PI;
const roll = (t: number): [number, number] => [(t * Math.cos(t)) / 5, (t * Math.sin(t)) / 5];

/**
 * FFJORD's `swissroll`: sklearn `make_swiss_roll(noise)` keeping (x, z), divided by 5:
 * ((t cos t, t sin t) + noise·ε) / 5 with t ~ U[1.5π, 4.5π], ε ~ N(0, I) (default noise 1).
 * Density: the spiral smoothed by N(0, (noise/5)²I), integrated over t by the midpoint rule.
 */
export function swissroll(options?: ToyOptions): GenerativeDataset {
  const noise = noiseOption(options, 'swissroll', 1);
  const sigma = noise / 5;
  // |dc/dt| = sqrt(1 + t²)/5 <= sqrt(1 + T1²)/5 bounds the curve's length.
  const length = ((T1 - T0) * Math.sqrt(1 + T1 * T1)) / 5;
  const nodes = uniformCurveNodes(roll, T0, T1, nodeCount(length, sigma, false), 1);
  return toyDataset({
    name: 'swissroll',
    description: `FFJORD swissroll: sklearn make_swiss_roll (noise ${noise}) in the (x, z) plane, divided by 5`,
    draw(rng, out, at) {
      const [x, y] = roll(T0 + (T1 - T0) * rng.uniform());
      out[at] = x + sigma * rng.normal();
      out[at + 1] = y + sigma * rng.normal();
    },
    logDensity: smoothedCurveLogDensity(nodes, sigma),
    ...(noise === 1 ? { entropy: SWISSROLL_ENTROPY } : {}),
  });
}
