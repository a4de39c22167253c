// Shared helpers of the flow-matching benchmarks: the CLI's model layout built in-process (the flow
// on standardised data, a fixed affine map to data units, the flow's recommended base), fresh toy
// draws, the energy distance between two samples, and the machine load.
import * as tf from '@tensorflow/tfjs-core';
import { Affine, Chain, Flow, createByName, getEntry, type JsonObject } from '@bijective/core';
import { fitStandardisation } from '@bijective/datasets';

/** `n` fresh rows `[n, 2]` of a registered toy, drawn with `seed`. */
export function toyRows(data: string, n: number, seed: number): Float32Array {
  const dataset = createByName('dataset', data, {});
  if (dataset.kind !== 'generative') throw new Error(`${data} is not a toy dataset`);
  return dataset.sample(n, seed);
}

/** The registered flow `name` on standardised data, with its recommended base, as `train` builds it. */
export function cliLikeFlow(name: string, rows: Float32Array, options: JsonObject = {}): Flow {
  const standardisation = fitStandardisation({ data: rows, rows: rows.length / 2, cols: 2 });
  const core = createByName('bijector', name, { eventShape: [2], seed: 0, ...options });
  const toData = new Affine({
    eventShape: [2],
    shift: [...standardisation.mean],
    scale: [...standardisation.std],
    trainable: false,
  });
  const base = getEntry('bijector', name).recommended?.base ?? 'standard-normal';
  return new Flow(createByName('distribution', base, { eventShape: [2] }), new Chain([core, toData]));
}

/** The training settings `train` uses for `name` (its registered recommendations, else the CLI's defaults). */
export function recommended(name: string): { steps: number; batchSize: number; learningRate: number } {
  const r = getEntry('bijector', name).recommended ?? {};
  return { steps: r.steps ?? 10_000, batchSize: r.batchSize ?? 256, learningRate: r.learningRate ?? 2e-3 };
}

/** Mean Euclidean distance between the rows of `a` and `b` (2-D, row-major); `same` skips i = j. */
function meanDistance(a: Float32Array, b: Float32Array, same: boolean): number {
  const n = a.length / 2;
  const m = b.length / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ax = a[2 * i] as number;
    const ay = a[2 * i + 1] as number;
    for (let j = 0; j < m; j++) {
      const dx = ax - (b[2 * j] as number);
      const dy = ay - (b[2 * j + 1] as number);
      sum += Math.sqrt(dx * dx + dy * dy);
    }
  }
  return sum / (same ? n * (n - 1) : n * m);
}

/** The energy distance 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (Székely & Rizzo 2013) of two 2-D samples. */
export function energyDistance(x: Float32Array, y: Float32Array): number {
  return 2 * meanDistance(x, y, false) - meanDistance(x, x, true) - meanDistance(y, y, true);
}

/** Samples of a flow as host rows, in batches. */
export function sampleRows(flow: Flow, n: number, seed: number): Float32Array {
  const s = flow.sample(n, { seed });
  const out = s.dataSync() as Float32Array;
  s.dispose();
  return out;
}

export { load } from './process-clock.js';

/** Process CPU seconds (user + system) so far. */
export function cpuSeconds(): number {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
}

export { tf };

/**
 * The share of 2-D rows (data units) in each mode of a toy: `moons`, the outer and the inner half
 * circle (whichever unit circle, centred at (0, 0) or (1, 0.5), is nearer); `8gaussians`, the eight
 * 45° sectors around the origin centred on the modes; other toys, one share of 1.
 */
export function modeShares(data: string, rows: Float32Array): number[] {
  const n = rows.length / 2;
  const k = data === 'moons' ? 2 : data === '8gaussians' ? 8 : 1;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const x = rows[2 * i] as number;
    const y = rows[2 * i + 1] as number;
    let mode = 0;
    if (data === 'moons') {
      const outer = Math.abs(Math.hypot(x, y) - 1);
      const inner = Math.abs(Math.hypot(x - 1, y - 0.5) - 1);
      mode = outer <= inner ? 0 : 1;
    } else if (data === '8gaussians') {
      mode = (((Math.round(Math.atan2(y, x) / (Math.PI / 4)) % 8) + 8) % 8) as number;
    }
    counts[mode] = (counts[mode] as number) + 1;
  }
  return counts.map((c) => c / n);
}

/** The largest difference between two lists of mode shares. */
export function worstShareError(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
}

/**
 * The rows of `samples` thinned so that their mode shares ({@link modeShares}) equal `target`'s:
 * the largest subset keeping each mode's first rows. Its energy distance to the data is what remains
 * of a sample's error once the modes' weights are right.
 */
export function rebalanced(data: string, samples: Float32Array, target: number[]): Float32Array {
  const n = samples.length / 2;
  const modes = Array.from({ length: n }, (_, i) =>
    modeShares(data, samples.subarray(2 * i, 2 * i + 2)).indexOf(1),
  );
  const counts = target.map((_, m) => modes.filter((v) => v === m).length);
  const total = Math.min(...target.map((t, m) => (t > 0 ? (counts[m] as number) / t : Infinity)));
  const keep = target.map((t) => Math.floor(t * total));
  const out: number[] = [];
  const taken = new Array<number>(target.length).fill(0);
  for (let i = 0; i < n; i++) {
    const m = modes[i] as number;
    if ((taken[m] as number) < (keep[m] as number)) {
      taken[m] = (taken[m] as number) + 1;
      out.push(samples[2 * i] as number, samples[2 * i + 1] as number);
    }
  }
  return Float32Array.from(out);
}

/** Distance of (x, y) to the unit half circle around (cx, cy) over angles [a0, a0 + π]. */
function arcDistance(x: number, y: number, cx: number, cy: number, a0: number): number {
  const dx = x - cx;
  const dy = y - cy;
  const angle = (((Math.atan2(dy, dx) - a0) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  if (angle <= Math.PI) return Math.abs(Math.hypot(dx, dy) - 1);
  const e0 = Math.hypot(dx - Math.cos(a0), dy - Math.sin(a0));
  const e1 = Math.hypot(dx + Math.cos(a0), dy + Math.sin(a0));
  return Math.min(e0, e1);
}

/**
 * The root-mean-square distance of 2-D rows to the toy's noise-free support: `moons`, the nearer of
 * its two half circles; `8gaussians`, the nearest of the eight centres; else NaN. The data's own
 * value is about its noise: a larger one says a sample is blurred, a smaller one too sharp.
 */
export function supportDistance(data: string, rows: Float32Array): number {
  const n = rows.length / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = rows[2 * i] as number;
    const y = rows[2 * i + 1] as number;
    let d = Number.NaN;
    if (data === 'moons') d = Math.min(arcDistance(x, y, 0, 0, 0), arcDistance(x, y, 1, 0.5, Math.PI));
    else if (data === '8gaussians') {
      d = Infinity;
      for (let k = 0; k < 8; k++) {
        const a = (k * Math.PI) / 4;
        d = Math.min(d, Math.hypot(x - (4 * Math.cos(a)) / 1.414, y - (4 * Math.sin(a)) / 1.414));
      }
    }
    sum += d * d;
  }
  return Math.sqrt(sum / n);
}
