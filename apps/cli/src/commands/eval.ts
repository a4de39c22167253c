import * as tf from '@tensorflow/tfjs-core';
import { logProbInBatches } from '@bijective/train';
import { contextTensor, dequantise, tableTensor } from '@bijective/datasets';
import { intOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { evaluationRows, openDataset } from '../data.js';
import { printJson } from '../output.js';
import { openModel } from '../saved-model.js';
import { UsageError } from '../usage-error.js';

/** `bijective eval`: mean NLL of data under a saved model and, with --per-sample, each row's log-density. */
export async function evalCommand(args: ParsedArgs): Promise<void> {
  const dataSpec = requiredOption(args, 'data');
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(requiredOption(args, 'model'));
  const dataset = openDataset(dataSpec, { contextColumns: model.contextColumns ?? undefined });
  let rows = evaluationRows(dataset, seed);
  if (rows.cols !== model.dims) {
    throw new UsageError(`data '${dataSpec}' has ${rows.cols} columns but the model expects ${model.dims}`);
  }
  if (model.levels) rows = { ...rows, data: dequantise(rows.data, seed + 3, model.levels) };
  const x = tableTensor(rows, model.flow.eventShape);
  const context = contextTensor(rows);
  try {
    const shift = model.levels ? rows.cols * Math.log(model.levels) : 0;
    const logProb = Array.from(logProbInBatches(model.flow, x, { context }), (v) => v - shift);
    const nll = -logProb.reduce((a, b) => a + b, 0) / logProb.length;
    const result = { nll, n: logProb.length, ...(args.flags.has('per-sample') ? { logProb } : {}) };
    if (args.flags.has('json')) return printJson(result);
    process.stdout.write(`NLL ${nll.toFixed(4)} nats over ${logProb.length} rows\n`);
    if (args.flags.has('per-sample'))
      process.stdout.write(`${logProb.map((v) => v.toFixed(6)).join('\n')}\n`);
  } finally {
    x.dispose();
    context?.dispose();
    model.flow.dispose();
    tf.disposeVariables();
  }
}
