import * as tf from '@tensorflow/tfjs-core';
import { logProbInBatches } from '@bijective/train';
import { intOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { evaluationRows, openDataset } from '../data.js';
import { printJson } from '../output.js';
import { encodePng, type RgbImage } from '../png.js';
import { boundsOf, gridPoints, renderDensity, renderImageGrid, renderScatter } from '../render.js';
import { openModel, type SavedModel } from '../saved-model.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomic } from './sample.js';

const RESOLUTION = 256;

function drawSamples(model: SavedModel, n: number, seed: number): Float32Array {
  const samples = model.flow.sample(n, { seed });
  const values = samples.dataSync() as Float32Array;
  samples.dispose();
  return values;
}

function firstTwoColumns(values: Float32Array, dims: number): Float32Array {
  if (dims === 2) return values;
  const out = new Float32Array((values.length / dims) * 2);
  for (let i = 0; i < out.length / 2; i++) out.set(values.subarray(i * dims, i * dims + 2), 2 * i);
  return out;
}

function densityImage(model: SavedModel, overlay: Float32Array | undefined, seed: number): RgbImage {
  const bounds = boundsOf(overlay ?? drawSamples(model, 5000, seed));
  const grid = tf.tensor2d(gridPoints(bounds, RESOLUTION), [RESOLUTION * RESOLUTION, 2]);
  try {
    return renderDensity(
      logProbInBatches(model.flow, grid, { batchSize: 4096 }),
      RESOLUTION,
      bounds,
      overlay,
    );
  } finally {
    grid.dispose();
  }
}

/** `bijective plot`: a density heat map (2-D, optional data overlay), a sample histogram, or an image grid. */
export async function plotCommand(args: ParsedArgs): Promise<void> {
  const out = requiredOption(args, 'out');
  const kind = args.values.get('kind') ?? 'density';
  if (kind !== 'density' && kind !== 'samples')
    throw new UsageError(`--kind must be density or samples, got '${kind}'`);
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(requiredOption(args, 'model'));
  if (model.contextColumns)
    throw new UsageError('plot: conditional models need a context; plot is for unconditional ones');
  try {
    const dataSpec = args.values.get('data');
    let overlay: Float32Array | undefined;
    if (dataSpec) {
      const rows = evaluationRows(openDataset(dataSpec), seed);
      if (rows.cols !== model.dims)
        throw new UsageError(
          `data '${dataSpec}' has ${rows.cols} columns but the model expects ${model.dims}`,
        );
      overlay = firstTwoColumns(rows.data.subarray(0, Math.min(rows.rows, 2000) * rows.cols), rows.cols);
    }
    let image: RgbImage;
    const side = Math.round(Math.sqrt(model.dims));
    if (model.levels && side * side === model.dims) {
      const n = 64;
      image = renderImageGrid(drawSamples(model, n, seed), n, side, side, 1, 8);
    } else if (model.dims === 2 && kind === 'density') {
      image = densityImage(model, overlay, seed);
    } else {
      const points = firstTwoColumns(drawSamples(model, 20_000, seed), model.dims);
      image = renderScatter(points, RESOLUTION, boundsOf(overlay ?? points));
    }
    writeFileAtomic(out, encodePng(image));
    if (args.flags.has('json')) printJson({ out, width: image.width, height: image.height });
  } finally {
    model.flow.dispose();
    tf.disposeVariables();
  }
}
