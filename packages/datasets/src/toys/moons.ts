import type { GenerativeDataset } from '../dataset.js';
import { joinNodes, nodeCount, smoothedCurveLogDensity, uniformCurveNodes } from './curve-density.js';
import { noiseOption } from './noise.js';
import { toyDataset, type ToyOptions } from './toy.js';

/**
 * Entropy of `moons` with noise 0.1: 1.0076 nats (grid quadrature of the density below, converged to
 * 1e-4; the project's benchmark table rounds it to 1.006).
 */
export const MOONS_ENTROPY = 1.0076;

const outer = (t: number): [number, number] => [Math.cos(t), Math.sin(t)];
const inner = (t: number): [number, number] => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5];

/**
 * sklearn's `make_moons`: with probability 1/2 the outer moon (cos t, sin t), else the inner
 * (1 - cos t, 1 - sin t - 1/2), t ~ U[0, π] (sklearn spaces t evenly; uniform draws make it a
 * distribution), plus N(0, noise²I) (default noise 0.1). The density is the two arcs smoothed by the
 * noise, integrated over t by the midpoint rule (relative error below 1e-3).
 */
export function moons(options?: ToyOptions): GenerativeDataset {
  const noise = noiseOption(options, 'moons', 0.1);
  const n = nodeCount(Math.PI, noise, false);
  const nodes = joinNodes([
    uniformCurveNodes(outer, 0, Math.PI, n, 0.5),
    uniformCurveNodes(inner, 0, Math.PI, n, 0.5),
  ]);
  return toyDataset({
    name: 'moons',
    description: `sklearn make_moons: two interleaved half circles with Gaussian noise ${noise}`,
    draw(rng, out, at) {
      const [x, y] = (rng.int(2) === 0 ? outer : inner)(Math.PI * rng.uniform());
      out[at] = x + noise * rng.normal();
      out[at + 1] = y + noise * rng.normal();
    },
    logDensity: smoothedCurveLogDensity(nodes, noise),
    ...(noise === 0.1 ? { entropy: MOONS_ENTROPY } : {}),
  });
}
