import type { GenerativeDataset } from '../dataset.js';
import { checkerboard } from './checkerboard.js';
import { circles } from './circles.js';
import { eightGaussians } from './eight-gaussians.js';
import { moons } from './moons.js';
import { pinwheel } from './pinwheel.js';
import { rings } from './rings.js';
import { swissroll } from './swissroll.js';
import { twoSpirals } from './two-spirals.js';

/** The 2-D toys by registry name (the CLI's `--data` names), each a factory from options. */
export const TOYS = {
  moons,
  '8gaussians': eightGaussians,
  checkerboard,
  circles,
  rings,
  pinwheel,
  swissroll,
  '2spirals': twoSpirals,
} as const satisfies Record<string, (options?: never) => GenerativeDataset>;
