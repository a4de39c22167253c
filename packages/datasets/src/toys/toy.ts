import { hostRng, ShapeError, ValueError, type HostRng } from '@bijective/core';
import type { GenerativeDataset } from '../dataset.js';
import { checkCount, checkSeed } from '../options.js';
import { drawSplits } from '../splits.js';

/** Options of the 2-D toys: only the noisy ones take `noise` (each toy documents its meaning and default). */
export interface ToyOptions {
  /** Standard deviation of the toy's Gaussian noise (toys without one reject this option). */
  noise?: number;
}

/** Options of the toys without parameters (`checkerboard`, `pinwheel`): none. */
export type NoOptions = Record<string, never>;

/** The math of one 2-D toy: a point sampler and, where one exists, the log-density of a point. */
export interface ToySpec {
  /** Registry name. */
  readonly name: string;
  /** One line: the construction and its source. */
  readonly description: string;
  /** Writes one draw (x, y) at `out[offset]`, `out[offset + 1]`. */
  draw(rng: HostRng, out: Float32Array, offset: number): void;
  /** log p(x, y) in nats (-Infinity off the support). */
  logDensity?(x: number, y: number): number;
  /** Reference differential entropy in nats. */
  readonly entropy?: number;
}

const COLUMNS = ['x0', 'x1'] as const;

/** Wraps a {@link ToySpec} as a 2-D {@link GenerativeDataset} with argument checks and seeded splits. */
export function toyDataset(spec: ToySpec): GenerativeDataset {
  const sample = (n: number, seed: number): Float32Array => {
    checkCount(n, `${spec.name}.sample: n`);
    const rng = hostRng(checkSeed(seed, `${spec.name}.sample: seed`));
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) spec.draw(rng, out, 2 * i);
    return out;
  };
  const { logDensity } = spec;
  return {
    kind: 'generative',
    name: spec.name,
    description: spec.description,
    eventShape: [2],
    sample,
    splits: (options) => drawSplits(sample, 2, options, COLUMNS),
    ...(logDensity
      ? { logProb: (points: ArrayLike<number>) => logProbRows(spec.name, points, logDensity) }
      : {}),
    ...(spec.entropy !== undefined ? { entropy: spec.entropy } : {}),
  };
}

function logProbRows(
  name: string,
  points: ArrayLike<number>,
  logDensity: (x: number, y: number) => number,
): Float64Array {
  if (points.length % 2 !== 0) {
    throw new ShapeError(`${name}.logProb: expected row-major [n, 2] points, got ${points.length} values`);
  }
  const out = new Float64Array(points.length / 2);
  for (let i = 0; i < out.length; i++) {
    const x = points[2 * i] as number;
    const y = points[2 * i + 1] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) throw new ValueError(`${name}.logProb: row ${i} holds a NaN`);
    out[i] = logDensity(x, y);
  }
  return out;
}
