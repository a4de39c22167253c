// The two train-step workloads of the wasm step benches (wasm-call-profile, kernel-build-ab): the
// main job's flow on moons and cli-loop-speed's RealNVP and MAF on its 16-D table, with the CLI's recipe.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain, Flow, create, type Bijector } from '@bijective/core';
import '@bijective/coupling';
import '@bijective/autoregressive';
import '@bijective/datasets';
import { writeTable16 } from './table16.js';

/** The CLI's optimiser recipe without validation (Adam at lr 4e-3, cosine). */
export const recipe = {
  learningRate: 4e-3,
  schedule: 'cosine' as const,
  patience: 1000,
  seed: 0,
  validationFraction: 0,
};

/** Rows standardised per column (the CLI's fitStandardisation). */
function standardised(rows: Float32Array, d: number): tf.Tensor2D {
  const n = rows.length / d;
  const out = new Float32Array(rows.length);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += rows[r * d + j] as number;
    const mean = s / n;
    let q = 0;
    for (let r = 0; r < n; r++) q += ((rows[r * d + j] as number) - mean) ** 2;
    const sd = Math.sqrt(q / n);
    for (let r = 0; r < n; r++) out[r * d + j] = ((rows[r * d + j] as number) - mean) / sd;
  }
  return tf.tensor2d(out, [n, d]);
}

/**
 * `main`: RealNVP, 12 couplings of 2x64 on standardised 2-D moons (180000 rows) at batch 256 on a
 * gaussian-mixture base (the main job's flow); `table16`: RealNVP, 5 couplings of 2x64 at batch 512 on
 * the standardised 16-D table on a standard normal base (without the CLI's sinh-arcsinh marginals);
 * `table16maf`: MAF, 5 MADE layers of 2x64, likewise.
 */
export function workload(key: string): { flow: Flow; data: tf.Tensor2D; batchSize: number } {
  if (key === 'main') {
    const moons = create('dataset', 'moons', {});
    if (moons.kind !== 'generative') throw new Error('moons is not generative');
    return {
      flow: new Flow(
        create('distribution', 'gaussian-mixture', { eventShape: [2] }),
        new Chain([
          create('bijector', 'realnvp', {
            eventShape: [2],
            layers: 12,
            hidden: [64, 64],
            seed: 0,
          }) as Bijector,
        ]),
      ),
      data: standardised(moons.sample(180_000, 1), 2),
      batchSize: 256,
    };
  }
  if (key === 'table16' || key === 'table16maf') {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-call-profile-'));
    writeTable16(join(dir, 'table16.csv'));
    const lines = readFileSync(join(dir, 'table16.csv'), 'utf8').trim().split('\n').slice(1);
    rmSync(dir, { recursive: true });
    const rows = Float32Array.from(lines.flatMap((l) => l.split(',').map(Number)));
    return {
      flow: new Flow(
        create('distribution', 'standard-normal', { eventShape: [16] }),
        create('bijector', key === 'table16' ? 'realnvp' : 'maf', {
          eventShape: [16],
          layers: 5,
          hidden: [64, 64],
          seed: 0,
        }) as Bijector,
      ),
      data: standardised(rows, 16),
      batchSize: 512,
    };
  }
  throw new Error(`unknown workload '${key}' (main, table16, table16maf)`);
}
