import * as tf from '@tensorflow/tfjs-core';
import { intOption, numberOption, requiredOption, spelling, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { printJson } from '../output.js';
import {
  imageGridPng,
  modelImageShape,
  oneHotRows,
  sampleAtTemperature,
  temperatureOption,
} from '../image-samples.js';
import { openModel } from '../saved-model.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomic } from '../files.js';

/** Rows formatted as CSV under a header of the column names (`x0,...,x{d-1}` when none are given). */
export function toCsv(values: Float32Array, dims: number, names?: readonly string[]): string {
  const header = names && names.length === dims ? names : Array.from({ length: dims }, (_, j) => `x${j}`);
  const lines = [header.map(csvCell).join(',')];
  for (let i = 0; i < values.length; i += dims)
    lines.push(Array.from(values.subarray(i, i + dims), (v) => String(v)).join(','));
  return `${lines.join('\n')}\n`;
}

/** A header cell, quoted when it holds a comma, quote or newline. */
function csvCell(name: string): string {
  return /[",\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** `--context v1,v2,...`: one conditioning row broadcast to every sample (required exactly for conditional models). */
function contextOption(args: ParsedArgs, width: number): tf.Tensor2D | undefined {
  const raw = args.values.get('context');
  if (width === 0) {
    if (raw !== undefined)
      throw new UsageError('--context applies to conditional models only; this one has none');
    return undefined;
  }
  if (raw === undefined)
    throw new UsageError(`this model is conditional: pass --context with ${width} comma-separated numbers`);
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.length !== width || values.some((v) => !Number.isFinite(v))) {
    throw new UsageError(`--context must be ${width} comma-separated finite numbers, got '${raw}'`);
  }
  return tf.tensor2d(values, [1, width]);
}

/** `--class K` of a class-conditional model: its one-hot row (else `--context` as for any conditional model). */
function classOption(args: ParsedArgs, classes: number): tf.Tensor2D | undefined {
  if (!args.values.has('class')) return contextOption(args, classes);
  if (args.values.has('context')) throw new UsageError('pass --class or --context, not both');
  return oneHotRows([intOption(args, 'class', 0, 0, classes - 1)], classes);
}

/** The options of `sample`, read and checked before any work (`--context` is checked against the model). */
export function readSampleOptions(args: ParsedArgs) {
  const out = args.values.get('out');
  if (out !== undefined && out.trim() === '')
    throw new UsageError(`${spelling(args, 'out')} needs a file name`);
  return {
    modelDir: requiredOption(args, 'model'),
    n: intOption(args, 'n', 1000, 1, 10_000_000),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
    temperature: temperatureOption(args),
    guidance: numberOption(args, 'guidance', 0, -1e6, 1e6),
  };
}

/** `bijective sample`: draws rows from a saved model as CSV (stdout or --out), given a context for conditional models. */
export async function sampleCommand(args: ParsedArgs): Promise<void> {
  const { n, seed, modelDir, temperature, guidance } = readSampleOptions(args);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(modelDir);
  if (model.classes === null && args.values.has('class')) {
    throw new UsageError(
      '--class applies to class-conditional models (train --class-conditional); this one is not',
    );
  }
  const context =
    model.classes !== null
      ? classOption(args, model.classes)
      : contextOption(args, model.contextColumns?.length ?? 0);
  try {
    if (guidance !== 0 && (context === undefined || model.metadata.flow !== 'flow-matching')) {
      throw new UsageError(
        '--guidance applies to conditional flow-matching models (trained with --context-columns); this model is not one',
      );
    }
    const out = args.values.get('out');
    const image = modelImageShape(model);
    if (context && temperature !== 1 && model.classes === null)
      throw new UsageError('--temperature applies to unconditional and class-conditional models');
    if (temperature !== 1 && model.flow.base.name === 'flow-mixture')
      throw new UsageError(
        "--temperature scales a flow's base samples; this model is a mixture of flows (train --flow auto's ensemble)",
      );
    if (out && /\.png$/i.test(out)) {
      if (!image)
        throw new UsageError(`a .png --out needs an image model; this one models ${model.dims} columns`);
      const values = sampleAtTemperature(model.flow, n, seed, temperature, context);
      writeFileAtomic(out, imageGridPng(values, n, image, Math.ceil(Math.sqrt(n))));
      if (args.flags.has('json')) printJson({ n, dims: model.dims, seed, temperature, out });
      return;
    }
    let values: Float32Array;
    if (context && model.classes !== null) {
      values = sampleAtTemperature(model.flow, n, seed, temperature, context);
    } else if (context) {
      const samples = model.flow.sample(n, { seed, context, ...(guidance !== 0 ? { guidance } : {}) });
      values = samples.dataSync() as Float32Array;
      samples.dispose();
    } else values = sampleAtTemperature(model.flow, n, seed, temperature);
    const scaled = model.levels ? values.map((v) => v * (model.levels as number)) : values;
    const columns = model.metadata.columns;
    const csv = toCsv(scaled, model.dims, Array.isArray(columns) ? columns.map(String) : undefined);
    if (out) writeFileAtomic(out, csv);
    else process.stdout.write(csv);
    if (args.flags.has('json')) printJson({ n, dims: model.dims, seed, ...(out ? { out } : {}) });
  } finally {
    context?.dispose();
    model.flow.dispose();
    tf.disposeVariables();
  }
}
