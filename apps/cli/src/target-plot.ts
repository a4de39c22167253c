import * as tf from '@tensorflow/tfjs-core';
import type { TargetConfig } from '@bijective/core';
import { targetLogDensityInBatches } from '@bijective/planar';
import { logProbInBatches } from '@bijective/train';
import { sideBySideDensityChart, type PointTable, type VegaLiteSpec } from './charts.js';
import { openRecordedTarget, recordedPluginList } from './model-target.js';
import { boundsOf, gridPoints, type Bounds } from './render.js';
import type { SavedModel } from './saved-model.js';
import { UsageError } from './usage-error.js';

/**
 * Normalises log-densities on a grid of `cells` cells of area `cellArea` (log p − log Σ p·area):
 * a target whose log Z is unknown drawn as a density over the window.
 */
export function normaliseOnGrid(logDensity: Float64Array, cellArea: number): Float64Array {
  let max = -Infinity;
  for (const v of logDensity) if (v > max) max = v;
  if (!Number.isFinite(max)) return logDensity;
  let sum = 0;
  for (const v of logDensity) sum += Math.exp(v - max);
  const logMass = max + Math.log(sum * cellArea);
  return logDensity.map((v) => v - logMass);
}

/** The target's plot box (its first two axes), or a window around q's samples when it has none. */
function windowOf(
  bounds: readonly (readonly [number, number])[] | undefined,
  samples: () => Float32Array,
): Bounds {
  const [x, y] = bounds ?? [];
  if (x && y) return { xMin: x[0], xMax: x[1], yMin: y[0], yMax: y[1] };
  return boundsOf(samples());
}

/** The subtitle of a target-trained model: KL (when known), ELBO, ESS and steps. */
function fitSummary(metadata: SavedModel['metadata']): string {
  const number = (key: string) => (typeof metadata[key] === 'number' ? (metadata[key] as number) : null);
  const kl = number('kl');
  const elbo = number('elbo');
  const ess = number('ess');
  const steps = number('steps');
  return [
    kl !== null ? `KL ${kl.toFixed(3)} nats` : null,
    elbo !== null ? `ELBO ${elbo.toFixed(3)}` : null,
    ess !== null ? `ESS ${ess.toFixed(2)}` : null,
    steps !== null ? `${steps} steps` : null,
  ]
    .filter((p) => p !== null)
    .join(' · ');
}

/**
 * The density picture of a 2-D model trained against a target (`train --target`): q's density
 * beside the target's p = p̃/Z (Z by the target's log Z, or normalised over the window when
 * unknown) on one `resolution`² grid over the target's bounds, with one shared colour bar.
 */
export function targetDensityPicture(
  model: SavedModel,
  config: TargetConfig,
  resolution: number,
  seed: number,
  overlay?: PointTable,
): VegaLiteSpec {
  const target = openRecordedTarget(config, recordedPluginList(model.metadata));
  try {
    if (target.eventShape.length !== 1 || target.eventShape[0] !== model.dims)
      throw new UsageError(
        `model metadata records target '${config.name}' of shape [${target.eventShape.join(', ')}], but the model is ${model.dims}-D`,
      );
    const bounds = windowOf(target.bounds, () => {
      const samples = model.flow.sample(5000, { seed });
      const values = samples.dataSync() as Float32Array;
      samples.dispose();
      return values;
    });
    const grid = tf.tensor2d(gridPoints(bounds, resolution), [resolution * resolution, 2]);
    try {
      const logQ = logProbInBatches(model.flow, grid, { batchSize: 4096 });
      let logP = targetLogDensityInBatches(target, grid, { normalise: true });
      const cellArea = ((bounds.xMax - bounds.xMin) * (bounds.yMax - bounds.yMin)) / resolution ** 2;
      if (target.logNormalizer === null) logP = normaliseOnGrid(logP, cellArea);
      const flow = typeof model.metadata.flow === 'string' ? model.metadata.flow : 'flow';
      const zNote = target.logNormalizer === null ? ' · p normalised over this window (log Z unknown)' : '';
      return sideBySideDensityChart(
        [
          { logDensity: logQ, heading: `q: the ${flow} flow` },
          { logDensity: logP, heading: `p: target ${config.name}` },
        ],
        resolution,
        bounds,
        ['x0', 'x1'],
        `${flow} fitted to target ${config.name} (2-D): density q beside the target p`,
        `${fitSummary(model.metadata)}${zNote}`,
        overlay,
      );
    } finally {
      grid.dispose();
    }
  } finally {
    target.dispose();
  }
}
