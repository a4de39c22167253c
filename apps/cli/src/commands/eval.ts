import { bitsPerDim } from '@bijective/datasets';
import { intOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { printJson } from '../output.js';
import { openModel } from '../saved-model.js';
import { closeModel, scoreData } from '../scoring.js';

/** The options of `eval`, read and checked before any work. */
export function readEvalOptions(args: ParsedArgs) {
  return {
    dataSpec: requiredOption(args, 'data'),
    modelDir: requiredOption(args, 'model'),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
  };
}

/** `bijective eval`: mean NLL of data under a saved model and, with --per-sample, each row's log-density. */
export async function evalCommand(args: ParsedArgs): Promise<void> {
  const { dataSpec, modelDir, seed } = readEvalOptions(args);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(modelDir);
  try {
    const logProb = Array.from(scoreData(model, dataSpec, seed));
    const nll = -logProb.reduce((a, b) => a + b, 0) / logProb.length;
    const result = {
      nll,
      n: logProb.length,
      ...(model.levels ? { bitsPerDim: bitsPerDim(nll, model.dims) } : {}),
      ...(args.flags.has('per-sample') ? { logProb } : {}),
    };
    if (args.flags.has('json')) return printJson(result);
    process.stdout.write(`NLL ${nll.toFixed(4)} nats over ${logProb.length} rows\n`);
    if (args.flags.has('per-sample'))
      process.stdout.write(`${logProb.map((v) => v.toFixed(6)).join('\n')}\n`);
  } finally {
    closeModel(model);
  }
}
