import type { GenerativeDataset } from '../dataset.js';
import { joinNodes, nodeCount, smoothedCurveLogDensity, uniformCurveNodes } from './curve-density.js';
import { noiseOption } from './noise.js';
import { toyDataset, type ToyOptions } from './toy.js';

/** Entropy of `circles` (noise 0.08): 3.2681 nats (grid quadrature of the density, ±1e-3). */
export const CIRCLES_ENTROPY = 3.2681;

/** Radii (after FFJORD's ×3) of the two circles: sklearn `make_circles` with factor 0.5. */
const RADII = [3, 1.5] as const;

/**
 * FFJORD's `circles`: sklearn `make_circles(factor=0.5, noise)` scaled by 3: with probability 1/2 each,
 * a point at angle θ ~ U[0, 2π) on the circle of radius 1 or 0.5, plus N(0, noise²I) (default 0.08),
 * all times 3. Density: the two circles smoothed by N(0, (3·noise)²I), by the periodic midpoint rule.
 */
export function circles(options?: ToyOptions): GenerativeDataset {
  const noise = noiseOption(options, 'circles', 0.08);
  const sigma = 3 * noise;
  const nodes = joinNodes(
    RADII.map((radius) =>
      uniformCurveNodes(
        (t) => [radius * Math.cos(t), radius * Math.sin(t)],
        0,
        2 * Math.PI,
        nodeCount(2 * Math.PI * radius, sigma, true),
        1 / RADII.length,
      ),
    ),
  );
  return toyDataset({
    name: 'circles',
    description: `FFJORD circles: sklearn make_circles (factor 0.5, noise ${noise}) scaled by 3`,
    draw(rng, out, at) {
      const radius = RADII[rng.int(2)] as number;
      const theta = 2 * Math.PI * rng.uniform();
      out[at] = radius * Math.cos(theta) + sigma * rng.normal();
      out[at + 1] = radius * Math.sin(theta) + sigma * rng.normal();
    },
    logDensity: smoothedCurveLogDensity(nodes, sigma),
    ...(noise === 0.08 ? { entropy: CIRCLES_ENTROPY } : {}),
  });
}
