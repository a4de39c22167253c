import type { GenerativeDataset } from '../dataset.js';
import { joinNodes, nodeCount, smoothedCurveLogDensity, uniformCurveNodes } from './curve-density.js';
import { noiseOption } from './noise.js';
import { toyDataset, type ToyOptions } from './toy.js';

/** Entropy of `rings` (noise 0.08): 2.6232 nats (grid quadrature of the density, ±1e-3). */
export const RINGS_ENTROPY = 2.6232;

/** Radii of FFJORD's four rings: (1, 0.75, 0.5, 0.25) × 3. */
const RADII = [3, 2.25, 1.5, 0.75] as const;

/**
 * FFJORD's `rings`: one of four concentric circles of radii 3, 2.25, 1.5, 0.75 with equal probability,
 * angle θ ~ U[0, 2π) (FFJORD spaces θ evenly), plus N(0, noise²I) (default 0.08). Density: the four
 * circles smoothed by the noise, by the periodic midpoint rule.
 */
export function rings(options?: ToyOptions): GenerativeDataset {
  const noise = noiseOption(options, 'rings', 0.08);
  const nodes = joinNodes(
    RADII.map((radius) =>
      uniformCurveNodes(
        (t) => [radius * Math.cos(t), radius * Math.sin(t)],
        0,
        2 * Math.PI,
        nodeCount(2 * Math.PI * radius, noise, true),
        1 / RADII.length,
      ),
    ),
  );
  return toyDataset({
    name: 'rings',
    description: `FFJORD rings: four concentric circles of radii 3, 2.25, 1.5, 0.75 with Gaussian noise ${noise}`,
    draw(rng, out, at) {
      const radius = RADII[rng.int(4)] as number;
      const theta = 2 * Math.PI * rng.uniform();
      out[at] = radius * Math.cos(theta) + noise * rng.normal();
      out[at + 1] = radius * Math.sin(theta) + noise * rng.normal();
    },
    logDensity: smoothedCurveLogDensity(nodes, noise),
    ...(noise === 0.08 ? { entropy: RINGS_ENTROPY } : {}),
  });
}
