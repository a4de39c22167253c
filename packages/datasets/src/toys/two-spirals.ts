import type { GenerativeDataset } from '../dataset.js';
import { noiseOption } from './noise.js';
import { toyDataset, type ToyOptions } from './toy.js';

const TURN = 3 * Math.PI; // 540 degrees

/**
 * FFJORD's `2spirals`: n = √U·3π, d = (-n cos n + U'/2, n sin n + U''/2), then ±d/3 (each spiral with
 * probability 1/2) plus N(0, noise²I) (default 0.1). No closed-form density.
 */
export function twoSpirals(options?: ToyOptions): GenerativeDataset {
  const noise = noiseOption(options, '2spirals', 0.1);
  return toyDataset({
    name: '2spirals',
    description: `FFJORD 2spirals: two interleaved spirals of 1.5 turns with Gaussian noise ${noise}`,
    draw(rng, out, at) {
      const n = Math.sqrt(rng.uniform()) * TURN;
      const dx = -Math.cos(n) * n + 0.5 * rng.uniform();
      const dy = Math.sin(n) * n + 0.5 * rng.uniform();
      const sign = rng.int(2) === 0 ? 1 : -1;
      out[at] = (sign * dx) / 3 + noise * rng.normal();
      out[at + 1] = (sign * dy) / 3 + noise * rng.normal();
    },
  });
}
