import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync, renameSync } from 'node:fs';
import { intOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { printJson } from '../output.js';
import { openModel } from '../saved-model.js';
import { UsageError } from '../usage-error.js';

/** Rows formatted as CSV with the header `x0,...,x{d-1}`. */
export function toCsv(values: Float32Array, dims: number): string {
  const lines = [Array.from({ length: dims }, (_, j) => `x${j}`).join(',')];
  for (let i = 0; i < values.length; i += dims)
    lines.push(Array.from(values.subarray(i, i + dims), (v) => String(v)).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes a file atomically: a temporary sibling renamed into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** `bijective sample`: draws rows from a saved model as CSV (stdout or --out). */
export async function sampleCommand(args: ParsedArgs): Promise<void> {
  const n = intOption(args, 'n', 1000, 1, 10_000_000);
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(requiredOption(args, 'model'));
  if (model.contextColumns)
    throw new UsageError('sample: this model is conditional; sampling it from the CLI needs a context');
  try {
    const samples = model.flow.sample(n, { seed });
    const values = samples.dataSync() as Float32Array;
    samples.dispose();
    const scaled = model.levels ? values.map((v) => v * (model.levels as number)) : values;
    const csv = toCsv(scaled, model.dims);
    const out = args.values.get('out');
    if (out) writeFileAtomic(out, csv);
    else process.stdout.write(csv);
    if (args.flags.has('json')) printJson({ n, dims: model.dims, seed, ...(out ? { out } : {}) });
  } finally {
    model.flow.dispose();
    tf.disposeVariables();
  }
}
