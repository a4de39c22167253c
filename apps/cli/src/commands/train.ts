import * as tf from '@tensorflow/tfjs-core';
import {
  Chain,
  TriangularAffine,
  fit,
  getEntry,
  isRegistered,
  meanNegLogProb,
  type Flow,
  type JsonObject,
  type RecommendedSettings,
} from '@bijective/core';
import { saveFlowToDirectory } from '@bijective/core/node';
import {
  bitsPerDim,
  contextTensor,
  dequantise,
  fitStandardisation,
  tableTensor,
  type Table,
} from '@bijective/datasets';
import { intListOption, intOption, numberOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { openDataset, trainingSplits } from '../data.js';
import { buildFlow, type FlowFlagOptions } from '../model.js';
import { printJson, say } from '../output.js';
import { ProgressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';

/** Rows of the training set scored for the reported train NLL (a uniform prefix of shuffled rows). */
const TRAIN_NLL_ROWS = 20_000;

/** Training rows (a uniform prefix of shuffled rows) the base-side whitening is fitted on. */
const WHITENING_ROWS = 4096;

/** The flow options given on the command line, under the names the flow factories take. */
export function flowFlagOptions(args: ParsedArgs): FlowFlagOptions {
  const options: FlowFlagOptions = {};
  if (args.values.has('layers')) options.layers = intOption(args, 'layers', 1, 1, 1000);
  const hidden = intListOption(args, 'hidden', 1);
  if (hidden) options.hidden = hidden;
  if (args.values.has('bins')) options.bins = intOption(args, 'bins', 8, 2, 1024);
  const extra = args.values.get('flow-options');
  if (extra !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(extra);
    } catch {
      throw new UsageError(`--flow-options must be a JSON object, got '${extra}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`--flow-options must be a JSON object, got '${extra}'`);
    }
    Object.assign(options, parsed as JsonObject);
  }
  for (const name of ['solver', 'estimator', 'gradient']) {
    const value = args.values.get(name);
    if (value !== undefined) options[name] = value;
  }
  // Continuous flows (CLI.md): flag -> option name; the flow's factory checks the values' ranges.
  const numbers: [string, string][] = [
    ['rtol', 'rtol'],
    ['atol', 'atol'],
    ['integration-time', 'integrationTime'],
    ['kinetic', 'kinetic'],
    ['jacobian-norm', 'jacobianNorm'],
  ];
  for (const [flag, name] of numbers) {
    if (args.values.has(flag)) options[name] = numberOption(args, flag, 0);
  }
  if (args.values.has('augment')) options.augment = intOption(args, 'augment', 0, 0, 1000);
  return options;
}

function withDequantisation(table: Table, levels: number | undefined, seed: number): Table {
  if (!levels) return table;
  return { ...table, data: dequantise(table.data, seed, levels) };
}

/** The first `n` rows of a table (its context rows too). */
function headRows(table: Table, n: number): Table {
  if (table.rows <= n) return table;
  const context = table.context && {
    ...table.context,
    data: table.context.data.subarray(0, n * table.context.cols),
  };
  return { ...table, rows: n, data: table.data.subarray(0, n * table.cols), context, labels: undefined };
}

/** Mean NLL of (at most {@link TRAIN_NLL_ROWS}) rows in the units of the data as given. */
function scoreNll(flow: Flow, table: Table | null, levels: number | undefined): number | null {
  if (!table || table.rows === 0) return null;
  const rows = headRows(table, TRAIN_NLL_ROWS);
  const x = tableTensor(rows);
  const context = contextTensor(rows);
  try {
    const nll = meanNegLogProb(flow, x, { context });
    // Dequantised rows live in [0, 1): report the NLL of the integer-valued data as given (x = levels · y).
    return levels ? nll + table.cols * Math.log(levels) : nll;
  } finally {
    x.dispose();
    context?.dispose();
  }
}

/**
 * Steps between validation passes: fit's default max(10, steps/40), but at least every 10 epochs, so
 * that a small table (one batch per epoch: wine's 128 rows overfit within ~100 steps) is checked
 * before it overfits; a large one (toys: ~700 batches per epoch) keeps the default.
 */
export function defaultValidationEvery(steps: number, batch: number, rows: number): number {
  const epoch = Math.max(1, Math.floor(rows / Math.max(1, Math.min(batch, rows))));
  return Math.max(1, Math.min(Math.max(10, Math.round(steps / 40)), 10 * epoch));
}

/**
 * The defaults of `train`'s flags for `flow`: its registered recommendations (`RegistryEntry.recommended`)
 * where it has them, else 10000 steps, batch 256, lr 2e-3 and the standard normal base (an unknown
 * flow gets these and is reported when the model is built). A whitened table (`whitenedTable`)
 * keeps lr 2e-3 and the standard normal base whatever the flow recommends: its recipe starts the
 * flow at the table's full-covariance Gaussian through that base and stops early at that rate
 * (a mixture base or a higher rate cost MAF 0.5-1.9 nats on wine, docs/benchmarks.md).
 */
export function trainingDefaults(
  flow: string,
  whitenedTable: boolean,
): Required<Omit<RecommendedSettings, 'base'>> & { base?: string } {
  const recommended = isRegistered('bijector', flow) ? (getEntry('bijector', flow).recommended ?? {}) : {};
  return {
    steps: recommended.steps ?? 10_000,
    batchSize: recommended.batchSize ?? 256,
    learningRate: (whitenedTable ? undefined : recommended.learningRate) ?? 2e-3,
    ...(recommended.base && !whitenedTable ? { base: recommended.base } : {}),
  };
}

/** `bijective train`: fits a flow to a dataset, keeps the best-validation weights and writes the model. */
export async function trainCommand(args: ParsedArgs): Promise<void> {
  const started = performance.now();
  const json = args.flags.has('json');
  const flowName = requiredOption(args, 'flow');
  const dataSpec = requiredOption(args, 'data');
  const recommended = trainingDefaults(flowName, false);
  const steps = intOption(args, 'steps', recommended.steps, 1);
  const batch = intOption(args, 'batch', recommended.batchSize, 1);
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  const validationFraction = numberOption(args, 'val-fraction', 0.1, 0, 0.9);
  const validationEvery = args.values.has('val-every') ? intOption(args, 'val-every', 10, 1) : undefined;
  const patience = args.values.has('patience') ? intOption(args, 'patience', 10, 1) : undefined;
  const weightDecay = numberOption(args, 'weight-decay', 0, 0, 1);
  const out = args.values.get('out') ?? 'out/model';
  const contextColumns = intListOption(args, 'context-columns', 0);
  const flowOptions = flowFlagOptions(args);
  const backend = await selectBackend(args.values.get('backend'));

  const dataset = openDataset(dataSpec, { contextColumns });
  const splits = trainingSplits(dataset, {
    seed,
    validationFraction,
    testPath: args.values.get('test'),
    contextColumns,
  });
  const levels = dataset.levels;
  const train = withDequantisation(splits.train, levels, seed + 1);
  const validation = splits.validation && withDequantisation(splits.validation, levels, seed + 2);
  const test = splits.test && withDequantisation(splits.test, levels, seed + 3);
  if (test && test.cols !== train.cols) {
    throw new UsageError(`test data has ${test.cols} columns but the training data has ${train.cols}`);
  }
  const dims = train.cols;
  // Tables (CSV) are whitened by default: on few rows the full-covariance Gaussian is the model to
  // beat, and the flow should start there. Toys (unlimited draws, far from Gaussian) and images keep
  // the per-column standardisation.
  const preprocess =
    args.values.get('preprocess') ?? (dataset.kind === 'fixed' && !levels ? 'whiten' : 'standardise');
  if (preprocess !== 'whiten' && preprocess !== 'standardise') {
    throw new UsageError(`--preprocess must be 'whiten' or 'standardise', got '${preprocess}'`);
  }
  const standardisation = fitStandardisation(train);
  const recipe = trainingDefaults(flowName, preprocess === 'whiten');
  const learningRate = numberOption(args, 'lr', recipe.learningRate, 1e-8, 10);
  const fitRows = preprocess === 'whiten' ? headRows(train, WHITENING_ROWS) : null;
  const latentFit = fitRows && { rows: tableTensor(fitRows) as tf.Tensor2D, context: contextTensor(fitRows) };
  let flow: Flow;
  try {
    flow = buildFlow(
      flowName,
      dims,
      standardisation,
      { seed, ...flowOptions },
      train.context?.cols,
      args.values.get('base') ?? recipe.base,
      latentFit ?? undefined,
    );
  } finally {
    latentFit?.rows.dispose();
    latentFit?.context?.dispose();
  }
  const whitened = flow.bijector instanceof Chain && flow.bijector.bijectors[0] instanceof TriangularAffine;
  const progress = new ProgressBar(steps, process.stderr, !json);
  const tensors = {
    x: tableTensor(train),
    context: contextTensor(train),
    validation: validation ? tableTensor(validation) : undefined,
    validationContext: validation ? contextTensor(validation) : undefined,
  };
  try {
    const result = fit(flow, tensors.x, {
      steps,
      batchSize: batch,
      learningRate,
      seed,
      context: tensors.context,
      validationData: tensors.validation,
      validationContext: tensors.validationContext,
      validationFraction: 0,
      validationEvery: validationEvery ?? defaultValidationEvery(steps, batch, train.rows),
      ...(patience !== undefined ? { patience } : {}),
      weightDecay,
      onProgress: (p) => progress.update(p.step, p.loss, p.validationNll, p.nfeForward),
    });
    progress.finish();
    const trainNll = scoreNll(flow, train, levels);
    const valNll = scoreNll(flow, validation, levels);
    const testNll = scoreNll(flow, test, levels);
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      flow: flowName,
      data: dataSpec,
      dims,
      backend,
      steps: result.steps,
      batch,
      trainNll,
      valNll,
      testNll,
      ...(levels && testNll !== null ? { bitsPerDim: bitsPerDim(testNll, dims) } : {}),
      seconds,
      stepsPerSecond: 1 / result.secondsPerStep,
      ...(result.nfeForward !== undefined ? { nfeForward: result.nfeForward } : {}),
      ...(result.nfeBackward !== undefined ? { nfeBackward: result.nfeBackward } : {}),
      model: out,
    };
    await saveFlowToDirectory(flow, out, {
      ...summary,
      columns: train.columns ? [...train.columns] : null,
      contextColumns: contextColumns ?? null,
      levels: levels ?? null,
      preprocess: whitened ? 'whiten' : 'standardise',
      stopReason: result.stopReason,
      bestStep: result.bestStep,
      flowOptions,
      created: new Date().toISOString(),
    });
    if (json) return printJson(summary);
    say(
      `${flowName} on ${dataSpec} (${dims}-D, ${backend}): ${result.steps} steps in ${seconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(1)} steps/s)`,
    );
    const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
    process.stdout.write(
      `train NLL ${fmt(trainNll)}  val NLL ${fmt(valNll)}  test NLL ${fmt(testNll)} nats\n`,
    );
    if (dataset.kind === 'generative' && dataset.entropy !== undefined) {
      process.stdout.write(
        `true entropy ${dataset.entropy.toFixed(4)} nats (the best achievable test NLL)\n`,
      );
    }
    process.stdout.write(`model written to ${out}\n`);
  } finally {
    for (const t of Object.values(tensors)) t?.dispose();
    flow.dispose();
    tf.disposeVariables();
  }
}
