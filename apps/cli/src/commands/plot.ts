import * as tf from '@tensorflow/tfjs-core';
import { logProbInBatches } from '@bijective/train';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { choiceOption, intOption, requiredOption, spelling, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import {
  densityChart,
  imageGridChart,
  lossChart,
  pairsChart,
  samplesChart,
  MAX_POINTS,
  type PointTable,
} from '../charts.js';
import { evaluationRows, openDataset } from '../data.js';
import { parseLossCsv, type LossRow } from '../loss-history.js';
import { printJson } from '../output.js';
import type { VegaLiteSpec } from '../charts.js';
import { encodePng } from '../png.js';
import { modelImageShape, oneHotRows, sampleAtTemperature, temperatureOption } from '../image-samples.js';
import { boundsOf, gridPoints } from '../render.js';
import { openModel, type SavedModel } from '../saved-model.js';
import { closeModel } from '../scoring.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomic } from '../files.js';
import { recordedTarget } from '../model-target.js';
import { targetDensityPicture } from '../target-plot.js';

/** Grid cells per side of a density heat map. */
const RESOLUTION = 100;
/** Columns a pair plot shows at most. */
const PAIR_COLUMNS = 4;
/** Images in a sample grid (6 x 6). */
const GRID_IMAGES = 36;

/** What `plot --kind` accepts. */
export const PLOT_KINDS = ['density', 'samples', 'pairs', 'loss'] as const;
/** A picture kind. */
export type PlotKind = (typeof PLOT_KINDS)[number];

/** The PNG of a training curve (`train` writes it as loss.png). */
export async function lossPicture(
  history: readonly LossRow[],
  heading: string,
  subtitle?: string,
): Promise<Uint8Array> {
  return renderPng(lossChart(history, heading, subtitle));
}

/** Renders a spec to PNG; vega, vega-lite and resvg load on first use, so other commands start faster. */
async function renderPng(spec: VegaLiteSpec): Promise<Uint8Array> {
  const picture = await import('../picture.js');
  return picture.renderPng(spec);
}

function drawSamples(model: SavedModel, n: number, seed: number): Float32Array {
  const samples = model.flow.sample(n, { seed });
  const values = samples.dataSync() as Float32Array;
  samples.dispose();
  return values;
}

/** What `train` recorded the model was fitted to: the data's file or name, or `target T`. */
function trainedOn(metadata: Record<string, unknown>): string {
  if (typeof metadata.data === 'string') return path.basename(metadata.data);
  return typeof metadata.target === 'string' ? `target ${metadata.target}` : 'data';
}

/** Title and subtitle from what `train` recorded: `realnvp on moons (2-D)` and its NLLs. */
function headings(model: SavedModel, what: string): [string, string] {
  const m = model.metadata;
  const data = trainedOn(m);
  const nll = (key: string) =>
    typeof m[key] === 'number' ? `${key.replace('Nll', ' NLL')} ${(m[key] as number).toFixed(3)}` : null;
  const parts = [
    nll('testNll'),
    nll('valNll'),
    typeof m.steps === 'number' ? `${m.steps} steps` : null,
  ].filter((p) => p !== null);
  return [`${String(m.flow ?? 'flow')} on ${data} (${model.dims}-D): ${what}`, `${parts.join(' · ')} (nats)`];
}

/** The data rows to overlay, checked against the model's width. */
function overlayRows(dataSpec: string | undefined, model: SavedModel, seed: number): PointTable | undefined {
  if (dataSpec === undefined) return undefined;
  const rows = evaluationRows(openDataset(dataSpec), seed);
  if (rows.cols !== model.dims) {
    throw new UsageError(`data '${dataSpec}' has ${rows.cols} columns but the model expects ${model.dims}`);
  }
  return { values: rows.data.subarray(0, Math.min(rows.rows, MAX_POINTS) * rows.cols), cols: rows.cols };
}

/** Column names the model was trained on (`x0..` when none were recorded). */
function columnNames(model: SavedModel): string[] {
  const columns = model.metadata.columns;
  return Array.isArray(columns) && columns.length === model.dims
    ? columns.map(String)
    : Array.from({ length: model.dims }, (_, j) => `x${j}`);
}

/** One image tile as a data URL: grey for one channel, else the first three as RGB. */
function tileUrl(
  values: ArrayLike<number>,
  offset: number,
  [h, w, c]: [number, number, number],
  scale = 1,
): string {
  const pixels = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++)
    for (let ch = 0; ch < 3; ch++) {
      const v = (values[offset + i * c + (c >= 3 ? ch : 0)] as number) / scale;
      pixels[3 * i + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  return `data:image/png;base64,${encodePng({ width: w, height: h, pixels }).toString('base64')}`;
}

/**
 * A grid of sampled images (6 x 6 at temperature T), or, with `--data`, 3 rows of samples above 3 rows
 * of real images of that dataset.
 */
function imageGrid(
  model: SavedModel,
  seed: number,
  temperature: number,
  dataSpec: string | undefined,
): ReturnType<typeof imageGridChart> {
  const shape = modelImageShape(model) as [number, number, number];
  const real = dataSpec === undefined ? null : evaluationRows(openDataset(dataSpec), seed);
  if (real && real.cols !== model.dims) {
    throw new UsageError(`data '${dataSpec}' has ${real.cols} columns but the model expects ${model.dims}`);
  }
  const count = real ? GRID_IMAGES / 2 : GRID_IMAGES;
  const context =
    model.classes === null
      ? undefined
      : oneHotRows(
          Array.from({ length: count }, (_, k) => k % (model.classes as number)),
          model.classes,
        );
  const values = sampleAtTemperature(model.flow, count, seed, temperature, context);
  context?.dispose();
  const urls = Array.from({ length: count }, (_, k) => tileUrl(values, k * model.dims, shape));
  if (real) {
    const shown = Math.min(count, real.rows);
    for (let k = 0; k < shown; k++) urls.push(tileUrl(real.data, k * model.dims, shape, model.levels ?? 1));
  }
  const t = temperature === 1 ? '' : ` at temperature ${temperature}`;
  const what = real ? `${count} samples${t} (top) and real images (bottom)` : `${count} samples${t}`;
  const [heading, subtitle] = headings(model, what);
  return imageGridChart(urls, 6, heading, subtitle);
}

function densityPicture(model: SavedModel, overlay: PointTable | undefined, seed: number) {
  const bounds = boundsOf(overlay ? firstTwo(overlay) : drawSamples(model, 5000, seed));
  const grid = tf.tensor2d(gridPoints(bounds, RESOLUTION), [RESOLUTION * RESOLUTION, 2]);
  try {
    const logDensity = logProbInBatches(model.flow, grid, { batchSize: 4096 });
    const names = columnNames(model);
    const [heading, subtitle] = headings(model, 'density');
    return densityChart(logDensity, RESOLUTION, bounds, [names[0]!, names[1]!], heading, subtitle, overlay);
  } finally {
    grid.dispose();
  }
}

/** The first two columns of a table, interleaved (what `boundsOf` reads). */
function firstTwo(table: PointTable): Float32Array {
  const n = Math.floor(table.values.length / table.cols);
  const out = new Float32Array(2 * n);
  for (let r = 0; r < n; r++) {
    out[2 * r] = table.values[r * table.cols] as number;
    out[2 * r + 1] = table.values[r * table.cols + 1] as number;
  }
  return out;
}

/** Reads `loss.csv` of a model directory. */
function readHistory(dir: string): LossRow[] {
  const file = path.join(dir, 'loss.csv');
  if (!existsSync(path.join(dir, 'model.json')))
    throw new UsageError(`model directory '${dir}' does not exist`);
  if (!existsSync(file)) {
    throw new UsageError(
      `model '${dir}' has no loss.csv (trained before train wrote one); retrain it to plot the loss`,
    );
  }
  return parseLossCsv(readFileSync(file, 'utf8'), file);
}

/** The PNG's width and height (IHDR). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The options of `plot`, read and checked before any work. */
export function readPlotOptions(args: ParsedArgs) {
  const out = requiredOption(args, 'out');
  if (!/\.png$/i.test(out))
    throw new UsageError(`${spelling(args, 'out')} must name a .png file, got '${out}'`);
  const requested = args.values.has('kind') ? choiceOption(args, 'kind', PLOT_KINDS, 'density') : undefined;
  if (requested === 'loss' && args.values.has('data')) {
    throw new UsageError(`--kind loss takes no --data (it reads the model's loss.csv)`);
  }
  return {
    out,
    modelDir: requiredOption(args, 'model'),
    requested,
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
  };
}

/** `bijective plot`: density, samples against data, pair plot or training curve, as a PNG. */
export async function plotCommand(args: ParsedArgs): Promise<void> {
  const out = requiredOption(args, 'out');
  if (!/\.png$/i.test(out))
    throw new UsageError(`${spelling(args, 'out')} must name a .png file, got '${out}'`);
  const modelDir = requiredOption(args, 'model');
  const requested = args.values.has('kind') ? choiceOption(args, 'kind', PLOT_KINDS, 'density') : undefined;
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  let png: Uint8Array;
  let kind: PlotKind;
  if (requested === 'loss') {
    if (args.values.has('data'))
      throw new UsageError(`--kind loss takes no --data (it reads the model's loss.csv)`);
    const history = readHistory(modelDir);
    const meta = JSON.parse(readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as {
      metadata?: Record<string, unknown>;
    };
    const m = meta.metadata ?? {};
    const data = trainedOn(m);
    const best = typeof m.bestStep === 'number' ? ` · best validation at step ${m.bestStep}` : '';
    png = await lossPicture(
      history,
      `${String(m.flow ?? 'flow')} on ${data}: training curve`,
      `${history.length} steps${best}`,
    );
    kind = 'loss';
  } else {
    await selectBackend(args.values.get('backend'));
    const model = await openModel(modelDir);
    try {
      if (model.contextColumns)
        throw new UsageError('plot: conditional models need a context; plot draws unconditional ones');
      // Class-conditional models: the grid cycles through the classes (sample k has class k mod K).
      const isImage = modelImageShape(model) !== null;
      kind = requested ?? (isImage ? 'samples' : model.dims === 2 ? 'density' : 'pairs');
      if (isImage && kind !== 'samples')
        throw new UsageError(`--kind ${kind} is for tables; image models plot --kind samples`);
      if (kind === 'density' && model.dims !== 2) {
        throw new UsageError(
          `--kind density needs a 2-D model (this one has ${model.dims} columns); try --kind pairs`,
        );
      }
      const overlay = isImage ? undefined : overlayRows(args.values.get('data'), model, seed);
      const names = columnNames(model);
      let spec;
      if (isImage) spec = imageGrid(model, seed, temperatureOption(args), args.values.get('data'));
      else if (kind === 'density') {
        const target = recordedTarget(model.metadata);
        spec = target
          ? targetDensityPicture(model, target, RESOLUTION, seed, overlay)
          : densityPicture(model, overlay, seed);
      } else {
        // As many samples as data rows (when overlaid), so that neither cloud hides the other.
        const count = overlay ? Math.max(100, overlay.values.length / overlay.cols) : MAX_POINTS;
        const samples = { values: drawSamples(model, count, seed), cols: model.dims };
        if (kind === 'samples' && model.dims >= 2) {
          const [heading, subtitle] = headings(model, overlay ? 'samples and data' : 'samples');
          spec = samplesChart(samples, overlay, names, heading, subtitle);
        } else {
          const columns = Array.from({ length: Math.min(PAIR_COLUMNS, model.dims) }, (_, j) => j);
          const [heading, subtitle] = headings(
            model,
            `${overlay ? 'samples and data' : 'samples'}, first ${columns.length} of ${model.dims} columns`,
          );
          spec = pairsChart(samples, overlay, columns, names, heading, subtitle);
        }
      }
      png = await renderPng(spec);
    } finally {
      closeModel(model);
    }
  }
  writeFileAtomic(out, png);
  const { width, height } = pngSize(png);
  if (args.flags.has('json')) return printJson({ out, kind, width, height });
  process.stdout.write(`${kind} plot written to ${out} (${width}x${height})\n`);
}
