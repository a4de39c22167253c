import type { GenerativeDataset } from '../dataset.js';
import { float32StrictlyBelow } from '../float32.js';
import { noOptions } from './noise.js';
import { toyDataset, type NoOptions } from './toy.js';

/** Entropy of `checkerboard`: ln 32 nats (uniform on 8 squares of side 2). */
export const CHECKERBOARD_ENTROPY = Math.log(32);

const LOG_DENSITY = -Math.log(32);
const mod2 = (k: number): number => ((k % 2) + 2) % 2;

/**
 * FFJORD's `checkerboard`: x1 ~ U[-2, 2), x2 = U[0, 1) - 2·B + (floor(x1) mod 2) with B ~ Bernoulli(1/2),
 * then (x1, x2)·2: uniform on the 8 squares [2i, 2i+2) × [2j, 2j+2) of [-4, 4)² with i + j even,
 * so p = 1/32 there and 0 elsewhere (entropy ln 32).
 */
export function checkerboard(options?: NoOptions): GenerativeDataset {
  noOptions(options, 'checkerboard');
  return toyDataset({
    name: 'checkerboard',
    description: 'FFJORD checkerboard: uniform on 8 squares of side 2 of [-4, 4]², density 1/32',
    draw(rng, out, at) {
      const x1 = rng.uniform() * 4 - 2;
      const i = Math.floor(x1);
      const j = mod2(i) - 2 * rng.int(2);
      const x2 = j + rng.uniform();
      // float32 rounding must not carry a point onto the next square's edge.
      out[at] = float32StrictlyBelow(2 * x1, 2 * i + 2);
      out[at + 1] = float32StrictlyBelow(2 * x2, 2 * j + 2);
    },
    logDensity(x, y) {
      if (!(x >= -4 && x < 4 && y >= -4 && y < 4)) return -Infinity;
      return mod2(Math.floor(x / 2) + Math.floor(y / 2)) === 0 ? LOG_DENSITY : -Infinity;
    },
    entropy: CHECKERBOARD_ENTROPY,
  });
}
