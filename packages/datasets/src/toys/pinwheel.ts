import type { GenerativeDataset } from '../dataset.js';
import { noOptions } from './noise.js';
import { toyDataset, type NoOptions } from './toy.js';

const CLASSES = 5;
const RADIAL_SD = 0.3;
const TANGENTIAL_SD = 0.1;
const RATE = 0.25;

/**
 * FFJORD's `pinwheel`: f = (1 + 0.3ε₁, 0.1ε₂), arm k uniform of 5, angle a = 2πk/5 + 0.25·exp(f₁),
 * x = 2·(f₁ cos a + f₂ sin a, -f₁ sin a + f₂ cos a) (f times FFJORD's rotation matrix). No closed-form density.
 */
export function pinwheel(options?: NoOptions): GenerativeDataset {
  noOptions(options, 'pinwheel');
  return toyDataset({
    name: 'pinwheel',
    description: 'FFJORD pinwheel: five curved Gaussian arms (radial sd 0.3, tangential sd 0.1, rate 0.25)',
    draw(rng, out, at) {
      const f1 = 1 + RADIAL_SD * rng.normal();
      const f2 = TANGENTIAL_SD * rng.normal();
      const a = (2 * Math.PI * rng.int(CLASSES)) / CLASSES + RATE * Math.exp(f1);
      const c = Math.cos(a);
      const s = Math.sin(a);
      out[at] = 2 * (f1 * c + f2 * s);
      out[at + 1] = 2 * (-f1 * s + f2 * c);
    },
  });
}
