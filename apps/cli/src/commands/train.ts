import * as tf from '@tensorflow/tfjs-core';
import {
  Chain,
  TriangularAffine,
  getEntry,
  isRegistered,
  type Flow,
  type JsonObject,
  type RecommendedSettings,
} from '@bijective/core';
import { variationalGlow } from '@bijective/glow/pure';
import {
  DivergenceError,
  fit,
  learningRateAt,
  type FitOptions,
  type FitResult,
  type FitState,
} from '@bijective/train';
import { MAX_THREADS, fitParallel, startReplicaThreads, type ReplicaThreads } from '@bijective/train/node';
import { autoThreadsHere } from '../auto-threads.js';
import { saveFlowToDirectory } from '@bijective/core/node';
import {
  bitsPerDim,
  contextTensor,
  dequantise,
  fitStandardisation,
  tableTensor,
  type Dataset,
  type DatasetSplits,
  type Table,
} from '@bijective/datasets';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  choiceOption,
  intListOption,
  intOption,
  numberOption,
  parseArgs,
  positiveOption,
  requiredOption,
  spelling,
  type ParsedArgs,
} from '../args.js';
import { backendLabel, selectBackend, wasmKernels } from '../backend.js';
import { checkpointDirFor, readCheckpoint, resolveCheckpointDir, writeCheckpoint } from '../checkpoint.js';
import { SPECS } from '../command-docs.js';
import { looksLikePath, openDataset, trainingSplits } from '../data.js';
import { identityStandardisation, imageFlowOptions, isImageFlow } from '../image-flows.js';
import { lossCsv, type LossRow } from '../loss-history.js';
import { buildFlow, type FlowFlagOptions, type MarginalKind } from '../model.js';
import { printJson, say } from '../output.js';
import { isPluginPath, loadPlugins, type LoadedPlugin } from '../plugins.js';
import { ProgressBar, progressMode } from '../progress.js';
import { QUANTILE_LEVELS, quantilesOf } from '../quantiles.js';
import { tableLogDensities, variationalValidationScore, withClassContext } from '../scoring.js';
import { CONTINUOUS_NLL_ROWS, isContinuousFlow, ownObjective, samplingNfe } from '../objective.js';
import { UsageError } from '../usage-error.js';
import {
  dequantisationWidths,
  dequantiseColumns,
  describeDiscrete,
  discreteColumnsFor,
  discreteLogVolume,
  type DiscreteMode,
} from '../discrete.js';
import type { CommandContext } from './index.js';
import { lossPicture } from './plot.js';
import { writeFileAtomic } from '../files.js';
import { AUTO_FLOW, trainAuto, type CandidateSummary, type CrossValidatedCandidates } from '../auto-flow.js';
import {
  MAX_FOLDS,
  checkFolds,
  crossValidate,
  defaultFolds,
  foldSplit,
  refitRows,
  type CrossValidation,
  type FoldRun,
} from '../k-fold.js';
import {
  TARGET_ONLY,
  readTargetTrainSettings,
  trainTarget,
  type TargetTrainSettings,
} from './train-target.js';

/** Rows of the training set scored for the reported train NLL (a uniform prefix of shuffled rows). */
const TRAIN_NLL_ROWS = 20_000;

/** Training rows (a uniform prefix of shuffled rows) the base-side whitening is fitted on. */
const WHITENING_ROWS = 4096;

/** Options `--resume` takes from the new command line; every other one comes from the checkpoint. */
const RESUME_OVERRIDES = ['json', 'quiet', 'checkpoint-every', 'plugin', 'resume'];

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
      throw new UsageError(`${spelling(args, 'flow-options')} must be a JSON object, got '${extra}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`${spelling(args, 'flow-options')} must be a JSON object, got '${extra}'`);
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
  if (args.values.has('path')) {
    options.path = choiceOption(args, 'path', ['ot', 'rectified', 'minibatch-ot'] as const, 'ot');
  }
  if (args.values.has('sigma-min')) options.sigmaMin = numberOption(args, 'sigma-min', 0, 0, 1);
  if (args.values.has('dequantization')) {
    const modes = ['uniform', 'variational'] as const;
    options.dequantization = choiceOption(args, 'dequantization', modes, 'uniform');
  }
  return options;
}

/** Every option of `train`, read and checked before any work starts. */
export interface TrainSettings {
  /** `--flow`. */
  flow: string;
  /** `--data` as given. */
  data: string;
  /** `--test`. */
  test?: string;
  /** `--steps` (undefined: the flow's recommendation). */
  steps?: number;
  /** `--max-seconds`: the wall-clock budget of the training loop. */
  maxSeconds?: number;
  /** `--batch` (undefined: the flow's recommendation). */
  batch?: number;
  /** `--threads`: threads computing each step (data parallel), or `auto` (see `autoThreads`). */
  threads: number | 'auto';
  /** `--lr` (undefined: the recipe's). */
  lr?: number;
  /** `--clip-norm`. */
  clipNorm?: number;
  /** `--seed`. */
  seed: number;
  /** `--val-fraction`. */
  validationFraction: number;
  /** `--val-every`. */
  validationEvery?: number;
  /** `--patience`. */
  patience?: number;
  /** `--weight-decay` (undefined: 0, or {@link smallTableDefaults}' or {@link largeTableDefaults}' by the table's size). */
  weightDecay?: number;
  /** `--preprocess` (undefined: by data kind). */
  preprocess?: 'whiten' | 'standardise';
  /** `--base`. */
  base?: string;
  /** `--discrete`: detect and dequantise discrete columns of a table (`auto`, the default) or not. */
  discrete: DiscreteMode;
  /** `--marginal` (undefined: {@link defaultMarginal}). */
  marginal?: MarginalKind;
  /** `--folds` (undefined: `defaultFolds`, K-fold early stopping on a small table; 1: one validation split). */
  folds?: number;
  /** `--backend`. */
  backend?: string;
  /** `--context-columns`. */
  contextColumns?: number[];
  /** `--class-conditional`: the dataset's labels, one-hot, as context. */
  classConditional: boolean;
  /** Flow options from the flags. */
  flowOptions: FlowFlagOptions;
  /** `--out`. */
  out: string;
  /** `--force`. */
  force: boolean;
  /** `--checkpoint-every`, in minutes. */
  checkpointMinutes?: number;
  /** `--json`. */
  json: boolean;
  /** `--quiet`. */
  quiet: boolean;
}

/** Reads and checks `train`'s options (no file is touched). */
export function readTrainSettings(args: ParsedArgs): TrainSettings {
  const targetOnly = TARGET_ONLY.find((name) => args.values.has(name));
  if (targetOnly !== undefined)
    throw new UsageError(`${spelling(args, targetOnly)} is for --target training (with --target T)`);
  if (!args.values.has('data'))
    throw new UsageError(
      'train needs --data D (a dataset to fit) or --target T (a density to fit by reverse KL)',
    );
  const lr = args.values.has('lr') ? numberOption(args, 'lr', 0, 1e-8, 10) : undefined;
  const out = args.values.get('out') ?? 'out/model';
  if (out.trim() === '') throw new UsageError(`${spelling(args, 'out')} needs a directory name`);
  const folds = args.values.has('folds') ? intOption(args, 'folds', 1, 1, MAX_FOLDS) : undefined;
  if (folds !== undefined && folds > 1) {
    if (args.values.has('max-seconds') && !args.values.has('steps'))
      throw new UsageError(
        `${spelling(args, 'folds')} ${folds} cross-validates a step count: give --steps (not --max-seconds alone)`,
      );
    if (args.values.has('checkpoint-every'))
      throw new UsageError(
        `${spelling(args, 'folds')} ${folds} cannot be checkpointed: leave out ${spelling(args, 'checkpoint-every')}`,
      );
  }
  return {
    flow: requiredOption(args, 'flow'),
    data: requiredOption(args, 'data'),
    test: args.values.has('test') ? requiredOption(args, 'test') : undefined,
    steps: args.values.has('steps') ? intOption(args, 'steps', 1, 1, 1e9) : undefined,
    maxSeconds: positiveOption(args, 'max-seconds', 1e9),
    batch: args.values.has('batch') ? intOption(args, 'batch', 1, 1, 1e7) : undefined,
    threads: args.values.get('threads') === 'auto' ? 'auto' : intOption(args, 'threads', 1, 1, MAX_THREADS),
    lr,
    clipNorm: positiveOption(args, 'clip-norm'),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
    validationFraction: numberOption(args, 'val-fraction', 0.1, 0, 0.9),
    validationEvery: args.values.has('val-every') ? intOption(args, 'val-every', 10, 1) : undefined,
    patience: args.values.has('patience') ? intOption(args, 'patience', 10, 1) : undefined,
    weightDecay: args.values.has('weight-decay') ? numberOption(args, 'weight-decay', 0, 0, 1) : undefined,
    preprocess: args.values.has('preprocess')
      ? choiceOption(args, 'preprocess', ['whiten', 'standardise'] as const, 'standardise')
      : undefined,
    base: args.values.get('base'),
    discrete: choiceOption(args, 'discrete', ['auto', 'none'] as const, 'auto'),
    marginal: args.values.has('marginal')
      ? choiceOption(args, 'marginal', ['none', 'sinh-arcsinh'] as const, 'none')
      : undefined,
    folds,
    backend: args.values.get('backend'),
    contextColumns: intListOption(args, 'context-columns', 0),
    classConditional: args.flags.has('class-conditional'),
    flowOptions: flowFlagOptions(args),
    out,
    force: args.flags.has('force'),
    checkpointMinutes: positiveOption(args, 'checkpoint-every', 60 * 24 * 365),
    json: args.flags.has('json'),
    quiet: args.flags.has('quiet'),
  };
}

function withDequantisation(table: Table, levels: number | undefined, seed: number): Table {
  if (!levels) return table;
  return { ...table, data: dequantise(table.data, seed, levels) };
}

/** The first `n` rows of a table (its context rows and labels too: class-conditional rows are labelled afterwards). */
function headRows(table: Table, n: number): Table {
  if (table.rows <= n) return table;
  const context = table.context && {
    ...table.context,
    data: table.context.data.subarray(0, n * table.context.cols),
  };
  const labels = table.labels?.subarray(0, n);
  return { ...table, rows: n, data: table.data.subarray(0, n * table.cols), context, labels };
}

/** Log-densities (data units) of at most `limit` rows of a table, or null without rows. */
function rowLogDensities(
  flow: Flow,
  table: Table | null | undefined,
  levels: number | undefined,
  logVolume: number,
  limit = TRAIN_NLL_ROWS,
): Float64Array | null {
  if (!table || table.rows === 0) return null;
  return tableLogDensities(flow, headRows(table, limit), levels ?? null, logVolume);
}

const meanNll = (logProb: Float64Array | null): number | null =>
  logProb === null ? null : -logProb.reduce((a, b) => a + b, 0) / logProb.length;

/**
 * Steps between validation passes: the flow's recommended cadence (`RecommendedSettings.validationEvery`;
 * FFJORD's passes are ODE solves) or else fit's default max(10, steps/40), but at least every 10
 * epochs, so that a small table (one batch per epoch: wine's 128 rows overfit within ~100 steps) is
 * checked before it overfits; a large one (toys: ~700 batches per epoch) keeps the cadence.
 */
export function defaultValidationEvery(
  steps: number,
  batch: number,
  rows: number,
  recommended?: number,
): number {
  const epoch = Math.max(1, Math.floor(rows / Math.max(1, Math.min(batch, rows))));
  return Math.max(1, Math.min(recommended ?? Math.max(10, Math.round(steps / 40)), 10 * epoch));
}

/**
 * `--patience`'s default: 10 validation passes without improvement, or none (`Infinity`: the
 * schedule runs to its end) on a generated toy. Early stopping guards against fitting a finite
 * sample's noise; a toy trains on 180 000 fresh draws, whose validation NLL keeps falling to the
 * schedule's end (in 27 RealNVP runs the best of 40 passes was one of the last four,
 * docs/benchmarks.md "How many steps"), while at the peak rate it moves by ±0.02 nats between
 * passes, which stopped runs in the cosine's first half, before the annealing that brings the last
 * 0.01-0.02 nats. The best-validation weights are kept either way.
 */
export function defaultPatience(kind: Dataset['kind']): number {
  return kind === 'generative' ? Infinity : 10;
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
): Required<Pick<RecommendedSettings, 'steps' | 'batchSize' | 'learningRate'>> &
  Pick<RecommendedSettings, 'base' | 'validationEvery' | 'warmupSteps' | 'validationRows'> {
  const recommended = isRegistered('bijector', flow) ? (getEntry('bijector', flow).recommended ?? {}) : {};
  return {
    steps: recommended.steps ?? 10_000,
    batchSize: recommended.batchSize ?? 256,
    learningRate: (whitenedTable ? undefined : recommended.learningRate) ?? 2e-3,
    ...(recommended.base && !whitenedTable ? { base: recommended.base } : {}),
    ...(recommended.validationEvery !== undefined ? { validationEvery: recommended.validationEvery } : {}),
    ...(recommended.warmupSteps !== undefined ? { warmupSteps: recommended.warmupSteps } : {}),
    ...(recommended.validationRows !== undefined ? { validationRows: recommended.validationRows } : {}),
  };
}

/** The flows that get a per-column sinh-arcsinh marginal layer on CSV tables by default (`--marginal`). */
export const MARGINAL_FLOWS: readonly string[] = ['maf', 'nsf', 'realnvp'];

/**
 * `--marginal`'s default: `sinh-arcsinh` for {@link MARGINAL_FLOWS} on a CSV table (a data-side
 * per-column map started at each column's maximum-likelihood fit: skewed and heavy-tailed columns
 * are Gaussianised before the flow, where a small table cannot teach the flow its marginals),
 * `none` otherwise (toys, images, other flows; `train` also keeps it off with `--context-columns`).
 */
export function defaultMarginal(flow: string, tabular: boolean): MarginalKind {
  return tabular && MARGINAL_FLOWS.includes(flow) ? 'sinh-arcsinh' : 'none';
}

/** Training rows below which a CSV table gets {@link smallTableDefaults}. */
export const SMALL_TABLE_ROWS = 1000;

/** What {@link smallTableDefaults} sets on a small table: rate, decoupled weight decay and conditioner widths. */
export interface SmallTableSettings {
  learningRate: number;
  weightDecay: number;
  hidden: number[];
}

/**
 * Regularisation chosen by the size of a table, for {@link MARGINAL_FLOWS} on a CSV table of fewer
 * than {@link SMALL_TABLE_ROWS} training rows (null otherwise): a 4x lower rate (5e-4; validation
 * passes every 10 epochs then see smaller moves away from the Gaussian-copula start, so early
 * stopping keeps a model near its best), decoupled weight decay 0.05 (AdamW; it pulls the
 * conditioners' outputs, zero at the start, back towards the start) and 32-wide conditioners
 * (`hidden` 32,32). Each is a default only: `--lr`, `--weight-decay` and `--hidden` override it.
 */
export function smallTableDefaults(flow: string, tabular: boolean, rows: number): SmallTableSettings | null {
  if (!tabular || !MARGINAL_FLOWS.includes(flow) || rows >= SMALL_TABLE_ROWS) return null;
  return { learningRate: 5e-4, weightDecay: 0.05, hidden: [32, 32] };
}

/** Training rows from which a CSV table gets {@link largeTableDefaults}' restandardised marginals. */
export const LARGE_TABLE_ROWS = 2000;
/** Training rows from which a CSV table gets {@link largeTableDefaults}' wider conditioners. */
export const WIDE_TABLE_ROWS = 10_000;

/** The flows of affine layers (no spline interval) that learn a wide table's marginals themselves. */
export const AFFINE_TABLE_FLOWS: readonly string[] = ['maf', 'realnvp'];

/** MAF's peak rate on a table of at least {@link WIDE_TABLE_ROWS} training rows, its own recommended rate (whitened tables otherwise keep 2e-3). */
export const WIDE_TABLE_MAF_RATE = 4e-3;

/** RealNVP's decoupled weight decay on a table of at least {@link WIDE_TABLE_ROWS} training rows (AdamW; 0 otherwise from 1000 rows). */
export const WIDE_TABLE_REALNVP_DECAY = 0.01;

/** What {@link largeTableDefaults} sets on a large table. */
export interface LargeTableSettings {
  /** Whether the marginal layer's outputs are restandardised before the flow (`LatentFit.restandardise`). */
  restandardiseMarginals: boolean;
  /** Conditioner widths (`--hidden`), where the table is large enough for wider ones. */
  hidden?: number[];
  /** `--marginal`'s default where it departs from {@link defaultMarginal}. */
  marginal?: MarginalKind;
  /** `--lr`'s default where it departs from the whitened-table rate 2e-3. */
  learningRate?: number;
  /** `--weight-decay`'s default where it departs from 0. */
  weightDecay?: number;
}

/**
 * The recipe for {@link MARGINAL_FLOWS} on a CSV table of at least {@link LARGE_TABLE_ROWS} training
 * rows (null otherwise). The sinh-arcsinh marginal layer's outputs are restandardised (a fixed
 * per-column affine map to mean 0, variance 1 on the fitted rows) before the flow: the marginal fit
 * leaves each column's mean and variance free, and on Fashion-MNIST PCA-16 up to 65 % of a column's
 * rows then fell outside NSF's spline interval [−3, 3] (at most 0.35 % after restandardising), where the spline
 * is the identity. From {@link WIDE_TABLE_ROWS} rows the conditioners are 128 wide (`hidden` 128,128):
 * a table of tens of thousands of rows supports them (RealNVP on Fashion-MNIST PCA-16: 0.85 nats
 * better than 64 wide at 4000 steps). There the affine flows ({@link AFFINE_TABLE_FLOWS}) also drop
 * the marginal layer (`marginal` none: they learn the marginals from the rows, and the layer, trained
 * with them, slowed them down: RealNVP 0.07, MAF 0.04 nats on Fashion-MNIST PCA-16 split 0), and MAF
 * trains at {@link WIDE_TABLE_MAF_RATE} (0.20 nats more there; RealNVP keeps 2e-3: without the layer a
 * higher rate left test rows at thousands of nats), RealNVP with decoupled weight decay
 * {@link WIDE_TABLE_REALNVP_DECAY} (0.017 nats lower, on all 5 splits). Each is a default only:
 * `--hidden`, `--marginal`, `--lr` and `--weight-decay` override it.
 */
export function largeTableDefaults(flow: string, tabular: boolean, rows: number): LargeTableSettings | null {
  if (!tabular || !MARGINAL_FLOWS.includes(flow) || rows < LARGE_TABLE_ROWS) return null;
  if (rows < WIDE_TABLE_ROWS) return { restandardiseMarginals: true };
  const affine = AFFINE_TABLE_FLOWS.includes(flow);
  return {
    restandardiseMarginals: true,
    hidden: [128, 128],
    ...(affine ? { marginal: 'none' as const } : {}),
    ...(flow === 'maf' ? { learningRate: WIDE_TABLE_MAF_RATE } : {}),
    ...(flow === 'realnvp' ? { weightDecay: WIDE_TABLE_REALNVP_DECAY } : {}),
  };
}

/** Whether `dir` exists and holds anything (an empty directory may be written into). */
export function occupied(dir: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return true; // a file, or unreadable: not ours to replace silently
  }
}

/** The `train` arguments stored in a checkpoint: the run's own, with paths made absolute, without --resume. */
function checkpointArgv(args: ParsedArgs, cwd: string): string[] {
  const absolute = (value: string) => path.resolve(cwd, value);
  const out: string[] = [];
  for (const [name, value] of args.values) {
    if (name === 'resume' || name === 'plugin') continue;
    const pathValued = name === 'out' || name === 'test' || (name === 'data' && looksLikePath(value));
    out.push(`--${name}`, pathValued ? absolute(value) : value);
  }
  for (const plugin of args.lists.get('plugin') ?? []) {
    out.push('--plugin', isPluginPath(plugin) ? absolute(plugin) : plugin);
  }
  if (!args.values.has('out')) out.push('--out', absolute('out/model'));
  for (const flag of args.flags) if (flag !== 'json' && flag !== 'quiet') out.push(`--${flag}`);
  return out;
}

/** What a `train` command line asks for: a new run with its settings, or the continuation of a checkpoint. */
export type TrainRequest =
  | { resume: null; settings: TrainSettings }
  | { resume: null; target: TargetTrainSettings }
  | { resume: string; minutes?: string };

/** Reads and checks a `train` command line (no file is touched): a new run on data or a target, or `--resume DIR`. */
export function readTrainRequest(args: ParsedArgs): TrainRequest {
  if (!args.values.has('resume'))
    return args.values.has('target')
      ? { resume: null, target: readTargetTrainSettings(args) }
      : { resume: null, settings: readTrainSettings(args) };
  const unexpected = [...args.values.keys(), ...args.flags].filter((n) => !RESUME_OVERRIDES.includes(n));
  if (unexpected.length > 0) {
    throw new UsageError(
      `--resume continues the stored run with its own options; ${spelling(args, unexpected[0] as string)} cannot be given with it (only --json, --quiet, --checkpoint-every, --plugin)`,
    );
  }
  positiveOption(args, 'checkpoint-every', 60 * 24 * 365);
  return { resume: requiredOption(args, 'resume'), minutes: args.values.get('checkpoint-every') };
}

/**
 * `bijective train`: fits a flow to a dataset (keeping the best-validation weights) or to a target
 * density by reverse KL (`--target`), and writes the model.
 */
export async function trainCommand(args: ParsedArgs, context: CommandContext): Promise<void> {
  const request = readTrainRequest(args);
  if ('target' in request) return trainTarget(request.target, context.plugins);
  if (request.resume === null) {
    const { settings } = request;
    if (!settings.force && occupied(settings.out)) {
      throw new UsageError(
        `model directory '${settings.out}' already exists; pass --force to replace it, or choose another --out`,
      );
    }
    const checkpointDir = checkpointDirFor(settings.out);
    if (!settings.force && existsSync(checkpointDir)) {
      throw new UsageError(
        `a checkpoint of an interrupted run exists at '${checkpointDir}'; continue it with --resume ${checkpointDir}, or pass --force to start over`,
      );
    }
    return trainWith(settings, context.plugins, checkpointArgv(args, process.cwd()));
  }
  const dir = resolveCheckpointDir(request.resume);
  const checkpoint = readCheckpoint(dir);
  const stored = parseArgs(['train', ...checkpoint.argv], SPECS);
  for (const name of ['json', 'quiet']) {
    if (args.flags.has(name)) stored.flags.add(name);
    else stored.flags.delete(name);
  }
  if (request.minutes !== undefined) {
    stored.values.set('checkpoint-every', request.minutes);
    stored.spelled.set('checkpoint-every', spelling(args, 'checkpoint-every'));
  }
  const settings = readTrainSettings(stored);
  if (!settings.force && occupied(settings.out)) {
    throw new UsageError(
      `model directory '${settings.out}' already exists; the resumed run would replace it (start it with --force to allow that)`,
    );
  }
  const plugins = [
    ...context.plugins,
    ...(await loadPlugins(stored.lists.get('plugin') ?? [], process.cwd())),
  ];
  return trainWith(settings, plugins, checkpoint.argv, checkpoint.state, checkpoint.history);
}

/**
 * `fit` on one thread, else `fitParallel` over `threads` threads whose replicas run this program
 * (the CLI bundle serves replicas when started as one, see main.ts) with the plugins loaded, on the
 * replica threads started ahead where there are; the divergence advice in the CLI's own option names.
 */
async function fitWithCliHints(
  flow: Flow,
  data: tf.Tensor,
  options: FitOptions,
  threads: number,
  plugins: readonly LoadedPlugin[],
  replicas: ReplicaThreads | undefined,
): Promise<FitResult> {
  if (threads === 1) return withCliHints(() => fit(flow, data, options));
  try {
    return await fitParallel(flow, data, {
      ...options,
      threads,
      worker: import.meta.url,
      imports: plugins.map((p) => p.url),
      replicas,
      yieldEveryMs: 1000,
    });
  } catch (e) {
    return withCliHints(() => {
      throw e;
    });
  }
}

/** Runs a training loop, with the divergence advice in the CLI's own option names. */
export function withCliHints<T>(train: () => T): T {
  try {
    return train();
  } catch (e) {
    if (e instanceof DivergenceError) {
      throw new DivergenceError(
        e.step,
        e.message.replace(
          /\(try a lower learning rate or clipNorm\)/,
          '(try a lower --lr, or --clip-norm 1)',
        ),
      );
    }
    throw e;
  }
}

/** The classes of `--class-conditional`: one more than the largest label of any split. */
function classCount(splits: DatasetSplits, dataSpec: string, contextColumns?: number[]): number {
  if (contextColumns) throw new UsageError('pass --class-conditional or --context-columns, not both');
  let largest = -1;
  for (const t of [splits.train, splits.validation, splits.test]) {
    if (!t) continue;
    if (!t.labels) {
      throw new UsageError(
        `--class-conditional needs labelled data; '${dataSpec}' has no labels (fashion-mnist, or a PNG folder with one subfolder per class)`,
      );
    }
    for (const k of t.labels) largest = Math.max(largest, k);
  }
  if (largest < 1)
    throw new UsageError(`--class-conditional needs at least 2 classes; '${dataSpec}' has one`);
  return largest + 1;
}

/**
 * A part of a K-fold cross-validated run (src/k-fold.ts): the training run of fold `fold` (its curve
 * and out-of-fold log-densities reported, no model written), or the refit on every row for the
 * cross-validated step count.
 */
type TrainPart =
  | { fold: number; folds: number; cadenceRows: number; report: (run: FoldRun) => void }
  | { refit: CrossValidation };

/** The folds `train` cross-validates `settings` over on `dataset` (1: one validation split). */
function foldsFor(settings: TrainSettings, dataset: Dataset): number {
  const table = dataset.kind === 'fixed' && !dataset.levels && !isImageFlow(settings.flow);
  const folds =
    settings.folds ??
    defaultFolds({
      flow: settings.flow === AUTO_FLOW ? (MARGINAL_FLOWS[0] as string) : settings.flow,
      tabular: table && !settings.contextColumns && !settings.classConditional,
      rows: dataset.kind === 'fixed' ? dataset.rows.rows : 0,
      validationFraction: settings.validationFraction,
      timeBudget: settings.maxSeconds !== undefined && settings.steps === undefined,
      checkpointing: settings.checkpointMinutes !== undefined,
      foldFlows: MARGINAL_FLOWS,
    });
  if (folds < 2) return 1;
  if (!table || dataset.kind !== 'fixed')
    throw new UsageError(
      `--folds ${folds} cross-validates on a CSV table; pass --folds 1 for '${settings.data}'`,
    );
  checkFolds(folds, dataset.rows.rows);
  return folds;
}

/** K-fold cross-validation of `settings.flow`'s training length: one training run a fold, none saved. */
async function crossValidateFlow(
  settings: TrainSettings,
  plugins: readonly LoadedPlugin[],
  argv: string[],
  folds: number,
  rows: number,
): Promise<CrossValidation> {
  const runs: FoldRun[] = [];
  // Every fold validates on the same steps: the cadence of the smallest fold's training rows.
  const cadenceRows = rows - Math.ceil(rows / folds);
  for (let fold = 0; fold < folds; fold++) {
    const quiet = { ...settings, force: true, json: true, quiet: true, checkpointMinutes: undefined };
    await trainWith(quiet, plugins, argv, undefined, [], undefined, {
      fold,
      folds,
      cadenceRows,
      report: (run) => runs.push(run),
    });
  }
  return crossValidate(runs);
}

/** Trains with checked settings, from scratch or from a checkpoint's state and history. */
async function trainWith(
  settings: TrainSettings,
  plugins: readonly LoadedPlugin[],
  argv: string[],
  resume?: FitState,
  resumedHistory: LossRow[] = [],
  done?: (summary: CandidateSummary) => void,
  part?: TrainPart,
): Promise<void> {
  if (settings.flow === AUTO_FLOW && !done && !part) {
    if (resume) throw new UsageError(`a --flow ${AUTO_FLOW} run cannot be resumed; start it again`);
    const autoFolds = foldsFor(
      settings,
      openDataset(settings.data, { contextColumns: settings.contextColumns }),
    );
    const crossValidated: CrossValidatedCandidates | undefined =
      autoFolds < 2
        ? undefined
        : {
            folds: autoFolds,
            crossValidate: (flow, rows) =>
              crossValidateFlow({ ...settings, flow, folds: autoFolds }, plugins, argv, autoFolds, rows),
            refit: async (flow, out, cv) => {
              let summary: CandidateSummary | undefined;
              const candidate = { ...settings, flow, out, force: true, json: true, quiet: true };
              await trainWith(
                { ...candidate, checkpointMinutes: undefined },
                plugins,
                argv,
                undefined,
                [],
                (s) => {
                  summary = s;
                },
                { refit: cv },
              );
              return summary as CandidateSummary;
            },
          };
    return trainAuto(
      settings,
      async (flow, out, seed) => {
        let summary: CandidateSummary | undefined;
        const candidate = { ...settings, flow, out, seed, force: true, json: true, quiet: true, folds: 1 };
        await trainWith({ ...candidate, checkpointMinutes: undefined }, plugins, argv, undefined, [], (s) => {
          summary = s;
        });
        return summary as CandidateSummary;
      },
      crossValidated,
    );
  }
  const started = performance.now();
  const backend = await selectBackend(settings.backend);
  // `--threads N`: the replica threads start now, while this thread reads the data and builds the flow.
  const replicas =
    settings.threads !== 'auto' && settings.threads > 1
      ? startReplicaThreads({
          threads: settings.threads,
          worker: import.meta.url,
          imports: plugins.map((p) => p.url),
        })
      : undefined;
  try {
    await trainOn(settings, plugins, argv, {
      resume,
      resumedHistory,
      done,
      part,
      started,
      backend,
      replicas,
    });
  } finally {
    await replicas?.close();
  }
}

/** What {@link trainOn} runs with beyond the settings: {@link trainWith}'s arguments and what it prepared. */
interface TrainRun {
  resume?: FitState;
  resumedHistory: LossRow[];
  done?: (summary: CandidateSummary) => void;
  part?: TrainPart;
  /** `performance.now()` when the run began. */
  started: number;
  /** The backend selected. */
  backend: string;
  /** The replica threads started ahead for `--threads N` (N > 1). */
  replicas?: ReplicaThreads;
}

/** {@link trainWith}'s run on the selected backend: data, flow, training, scores and the saved model. */
async function trainOn(
  settings: TrainSettings,
  plugins: readonly LoadedPlugin[],
  argv: string[],
  { resume, resumedHistory, done, part, started, backend, replicas }: TrainRun,
): Promise<void> {
  const { flow: flowName, data: dataSpec, seed, out, contextColumns } = settings;
  const dataset = openDataset(dataSpec, { contextColumns });
  if (!part && !resume) {
    const folds = foldsFor(settings, dataset);
    if (folds >= 2 && dataset.kind === 'fixed') {
      // The folds and the refit start replica threads of their own.
      await replicas?.close();
      const cv = await crossValidateFlow(settings, plugins, argv, folds, dataset.rows.rows);
      if (!settings.quiet && !settings.json)
        say(
          `${flowName}: ${folds}-fold cross-validation of ${dataset.rows.rows} rows: best after ${cv.step} steps (cross-validated NLL ${cv.nll.toFixed(4)}); refitting on every row`,
        );
      return trainWith(settings, plugins, argv, undefined, [], done, { refit: cv });
    }
  }
  const fold = part && 'fold' in part ? part : null;
  const refit = part && 'refit' in part ? part.refit : null;
  const splits: DatasetSplits =
    part && dataset.kind === 'fixed'
      ? {
          ...(fold
            ? foldSplit(dataset.rows, fold.folds, fold.fold, seed)
            : { train: refitRows(dataset.rows, (refit as CrossValidation).folds, seed), validation: null }),
          // A fold's run reports its validation curve only: no test rows to score.
          test: fold
            ? null
            : trainingSplits(dataset, {
                seed,
                validationFraction: 0,
                testPath: settings.test,
                contextColumns,
              }).test,
        }
      : trainingSplits(dataset, {
          seed,
          validationFraction: settings.validationFraction,
          testPath: settings.test,
          contextColumns,
        });
  const levels = dataset.levels;
  const classes = settings.classConditional ? classCount(splits, dataSpec, contextColumns) : null;
  const labelled = (t: Table): Table => (classes === null ? t : withClassContext(t, classes, dataSpec));
  const trainRows = withDequantisation(labelled(splits.train), levels, seed + 1);
  // Discrete CSV columns (src/discrete.ts): fitted with fresh uniform noise per minibatch; the
  // standardisation, whitening and reported NLLs use fixed draws, with the bins' Σ log h added back.
  const tabular = dataset.kind === 'fixed' && !levels && !isImageFlow(flowName);
  const discrete = discreteColumnsFor(settings.discrete, trainRows, tabular);
  const logVolume = discreteLogVolume(discrete);
  const train = dequantiseColumns(trainRows, discrete, seed + 1);
  // A continuous flow's likelihood is an ODE solve per row: its validation passes and train/val NLLs
  // use the first CONTINUOUS_NLL_ROWS rows (uniform: the splits are shuffled or fresh draws).
  const continuous = isContinuousFlow(flowName);
  const nllRows = continuous ? CONTINUOUS_NLL_ROWS : TRAIN_NLL_ROWS;
  // The flow's recommended validation rows (glow: 2000 images) bound its passes the same way.
  const recommendedRows = trainingDefaults(flowName, false).validationRows;
  const validationLimit = Math.min(continuous ? nllRows : Infinity, recommendedRows ?? Infinity);
  const validationRows =
    splits.validation &&
    (Number.isFinite(validationLimit) ? headRows(splits.validation, validationLimit) : splits.validation);
  const validation =
    validationRows &&
    dequantiseColumns(withDequantisation(labelled(validationRows), levels, seed + 2), discrete, seed + 2);
  const test =
    splits.test &&
    dequantiseColumns(withDequantisation(labelled(splits.test), levels, seed + 3), discrete, seed + 3);
  if (test && test.cols !== train.cols) {
    throw new UsageError(`test data has ${test.cols} columns but the training data has ${train.cols}`);
  }
  const dims = train.cols;
  // Tables (CSV) are whitened by default: on few rows the full-covariance Gaussian is the model to
  // beat, and the flow should start there. Toys (unlimited draws, far from Gaussian) and images keep
  // the per-column standardisation.
  const preprocess = settings.preprocess ?? (dataset.kind === 'fixed' && !levels ? 'whiten' : 'standardise');
  const imageFlow = isImageFlow(flowName);
  const standardisation = imageFlow ? identityStandardisation(train.cols) : fitStandardisation(train);
  const recipe = trainingDefaults(flowName, preprocess === 'whiten');
  // `--max-seconds` without `--steps` makes the budget the run's horizon: fit gets no step count,
  // runs until the budget is spent and anneals the schedule over the fraction of it used.
  const timeBudget = settings.maxSeconds !== undefined && settings.steps === undefined;
  const steps = settings.steps ?? recipe.steps;
  const batch = settings.batch ?? recipe.batchSize;
  const small = smallTableDefaults(flowName, tabular, train.rows);
  const large = largeTableDefaults(flowName, tabular, train.rows);
  const learningRate = settings.lr ?? small?.learningRate ?? large?.learningRate ?? recipe.learningRate;
  const weightDecay = settings.weightDecay ?? small?.weightDecay ?? large?.weightDecay ?? 0;
  const sizedHidden = small?.hidden ?? large?.hidden;
  const flowOptions: FlowFlagOptions =
    sizedHidden && settings.flowOptions.hidden === undefined
      ? { ...settings.flowOptions, hidden: sizedHidden }
      : settings.flowOptions;
  // Conditional tables (--context-columns) keep the plain data side: the marginal layer is unconditional.
  const marginal =
    settings.marginal ?? large?.marginal ?? defaultMarginal(flowName, tabular && !train.context);
  if (marginal !== 'none' && (imageFlow || levels || train.context)) {
    throw new UsageError(
      `--marginal ${marginal} is for CSV tables without context columns; pass --marginal none`,
    );
  }
  const fitRows = preprocess === 'whiten' || marginal !== 'none' ? headRows(train, WHITENING_ROWS) : null;
  const latentFit = fitRows && {
    rows: tableTensor(fitRows) as tf.Tensor2D,
    context: contextTensor(fitRows),
    whiten: preprocess === 'whiten',
    restandardise: large?.restandardiseMarginals ?? false,
  };
  let flow: Flow;
  try {
    flow = buildFlow(
      flowName,
      dims,
      standardisation,
      imageFlow
        ? { seed, ...imageFlowOptions(flowName, dataset, settings.flowOptions) }
        : { seed, ...flowOptions },
      train.context?.cols,
      settings.base ?? recipe.base,
      latentFit ?? undefined,
      marginal,
    );
  } finally {
    latentFit?.rows.dispose();
    latentFit?.context?.dispose();
  }
  const whitened = flow.bijector instanceof Chain && flow.bijector.bijectors[0] instanceof TriangularAffine;
  const checkpointDir = checkpointDirFor(out);
  const history: LossRow[] = [...resumedHistory];
  // A refit runs the cross-validated step count on the schedule of the full horizon `steps`, as the folds did.
  const runSteps = refit ? refit.step : steps;
  const progress = new ProgressBar(
    Math.max(1, runSteps),
    process.stderr,
    progressMode(process.stderr, settings.quiet, settings.json),
    resume?.step ?? 0,
  );
  const everyMs = settings.checkpointMinutes === undefined ? undefined : settings.checkpointMinutes * 60_000;
  let lastCheckpoint = performance.now();
  const tensors = {
    x: tableTensor(trainRows),
    widths: discrete.length > 0 ? tf.tensor1d(dequantisationWidths(discrete, dims)) : undefined,
    context: contextTensor(train),
    validation: validation ? tableTensor(validation) : undefined,
    validationContext: validation ? contextTensor(validation) : undefined,
  };
  const variational = variationalGlow(flow.bijector) !== null;
  try {
    if (settings.threads !== 'auto' && settings.threads > batch)
      throw new UsageError(
        `--threads ${settings.threads} exceeds --batch ${batch}: each thread needs rows of the minibatch`,
      );
    const threads =
      settings.threads === 'auto'
        ? autoThreadsHere(
            batch,
            flow.trainableVariables.reduce((n, v) => n + v.size, 0),
            // The steps left to run (a resumed run's remainder); none on a time budget.
            timeBudget ? null : runSteps - (resume?.step ?? 0),
          )
        : { threads: settings.threads, reason: null };
    if (threads.reason !== null && !settings.quiet && !settings.json)
      say(`--threads auto: ${threads.reason}`);
    // A fold's curve starts at the initial flow (step 0: the Gaussian copula of the table recipe).
    const initialValNll = fold
      ? meanNll(rowLogDensities(flow, validation, levels, logVolume, nllRows))
      : null;
    const warmup = recipe.warmupSteps ?? 0;
    const result: FitResult =
      refit && refit.step === 0
        ? {
            steps: 0,
            stopReason: 'completed',
            bestValidationNll: null,
            bestStep: null,
            finalLoss: NaN,
            secondsPerStep: NaN,
          }
        : await fitWithCliHints(
            flow,
            tensors.x,
            {
              ...(timeBudget ? {} : { steps: runSteps }),
              ...(refit
                ? { schedule: (step: number) => learningRateAt('cosine', learningRate, step, steps, warmup) }
                : {}),
              batchSize: batch,
              learningRate,
              ...(recipe.warmupSteps !== undefined ? { warmupSteps: recipe.warmupSteps } : {}),
              seed,
              context: tensors.context,
              dequantisationWidths: tensors.widths,
              // Variational dequantisation trains a bound that the uniform validation NLL does not track:
              // such a run is validated by that bound (the negative ELBO of the validation images).
              validationData: tensors.validation,
              validationContext: tensors.validationContext,
              ...(variational ? { validationScore: variationalValidationScore } : {}),
              validationFraction: 0,
              // On a time budget the recipe's steps serve as the nominal horizon of the cadence: the flow's
              // recommended cadence, else max(10, recipe steps/40), capped at 10 epochs for small tables (fit's
              // own default there, every 100 steps, would let a 128-row table overfit between passes).
              validationEvery:
                settings.validationEvery ??
                defaultValidationEvery(
                  steps,
                  batch,
                  fold ? fold.cadenceRows : train.rows,
                  recipe.validationEvery,
                ),
              patience: settings.patience ?? defaultPatience(dataset.kind),
              ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
              weightDecay,
              ...(settings.maxSeconds !== undefined ? { maxSeconds: settings.maxSeconds } : {}),
              resume,
              checkpoint:
                everyMs === undefined
                  ? undefined
                  : {
                      due: () => performance.now() - lastCheckpoint >= everyMs,
                      save: (state) => {
                        writeCheckpoint(checkpointDir, { argv, state, history });
                        lastCheckpoint = performance.now();
                      },
                    },
              onProgress: (p) => {
                history.push({
                  step: p.step,
                  trainLoss: p.loss,
                  valNll: p.validationNll ?? null,
                  lr: p.learningRate,
                });
                progress.update(
                  p.step,
                  p.loss,
                  p.validationNll,
                  p.nfeForward,
                  timeBudget ? p.totalSteps : undefined,
                );
              },
            },
            threads.threads,
            plugins,
            replicas,
          );
    progress.finish();
    if (fold) {
      // fit's validation passes leave out the discrete columns' Σ log h: added back, in data units.
      const curve = [
        { step: 0, nll: initialValNll ?? NaN },
        ...history.flatMap((h) => (h.valNll === null ? [] : [{ step: h.step, nll: h.valNll - logVolume }])),
      ];
      const logDensities =
        rowLogDensities(flow, validation, levels, logVolume, nllRows) ?? new Float64Array();
      return fold.report({ rows: logDensities.length, curve, logDensities, bestStep: result.bestStep ?? 0 });
    }
    const trainLogDensity = rowLogDensities(flow, train, levels, logVolume, nllRows);
    const validationLogDensity = refit
      ? refit.logDensities
      : rowLogDensities(flow, validation, levels, logVolume, nllRows);
    const trainNll = meanNll(trainLogDensity);
    const objectiveRows = headRows(train, nllRows);
    const objectiveTensors = { x: tableTensor(objectiveRows), context: contextTensor(objectiveRows) };
    let objective: number | null;
    try {
      objective = ownObjective(flow, objectiveTensors.x, objectiveTensors.context);
      // The variational bound is in the units of log p(y): shift it to the pixels' units like the NLLs.
      if (variational && objective !== null && levels) objective += dims * Math.log(levels);
    } finally {
      objectiveTensors.x.dispose();
      objectiveTensors.context?.dispose();
    }
    const nfeForward =
      result.nfeForward ?? (continuous ? samplingNfe(flow, 1000, tensors.context) : undefined);
    // A refit has no validation rows: its validation NLL is the cross-validated one of its step count.
    const valNll = refit ? refit.nll : meanNll(validationLogDensity);
    const testNll = meanNll(rowLogDensities(flow, test, levels, logVolume));
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      flow: flowName,
      data: dataSpec,
      dims,
      backend,
      ...(wasmKernels() !== undefined ? { wasmKernels: wasmKernels() } : {}),
      steps: result.steps,
      batch,
      trainLoss: objective ?? trainNll,
      trainNll,
      valNll,
      testNll,
      discreteColumns: discrete.map((c) => ({ column: c.column, resolution: c.resolution })),
      ...(levels && (testNll ?? valNll) !== null
        ? { bitsPerDim: bitsPerDim((testNll ?? valNll) as number, dims) }
        : {}),
      ...(refit ? { folds: refit.folds } : {}),
      seconds,
      // A refit of 0 steps (the start won the cross-validation) has no training pace.
      stepsPerSecond: result.steps > 0 ? 1 / result.secondsPerStep : null,
      ...(nfeForward !== undefined ? { nfeForward } : {}),
      ...(result.nfeBackward !== undefined ? { nfeBackward: result.nfeBackward } : {}),
      model: out,
    };
    if (!settings.force && occupied(out)) {
      throw new UsageError(`model directory '${out}' appeared during training; pass --force to replace it`);
    }
    await saveFlowToDirectory(flow, out, {
      ...summary,
      columns: train.columns ? [...train.columns] : null,
      contextColumns: contextColumns ?? null,
      ...(classes !== null ? { classes } : {}),
      levels: levels ?? null,
      discrete: settings.discrete,
      eventShape: [...dataset.eventShape],
      preprocess: whitened ? 'whiten' : 'standardise',
      marginal,
      stopReason: result.stopReason,
      bestStep: refit ? refit.step : result.bestStep,
      ...(refit
        ? {
            crossValidation: {
              folds: refit.folds,
              step: refit.step,
              valNll: refit.nll,
              foldBestSteps: refit.foldBestSteps,
            },
          }
        : {}),
      flowOptions,
      learningRate,
      weightDecay,
      ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
      logDensity: {
        levels: [...QUANTILE_LEVELS],
        train: trainLogDensity ? quantilesOf(trainLogDensity) : null,
        validation: validationLogDensity ? quantilesOf(validationLogDensity) : null,
      },
      plugins: plugins.map((p) => ({ module: p.module, url: p.url, registers: p.registers })),
      ...(resume ? { resumedFromStep: resume.step } : {}),
      created: new Date().toISOString(),
    });
    // A refit's loss.csv carries the cross-validated curve in its validation column.
    const cvAt = new Map(refit?.curve.map((p) => [p.step, p.nll]));
    const lossRows = refit ? history.map((h) => ({ ...h, valNll: cvAt.get(h.step) ?? null })) : history;
    writeFileAtomic(path.join(out, 'loss.csv'), lossCsv(lossRows));
    writeFileAtomic(
      path.join(out, 'loss.png'),
      await lossPicture(lossRows, `${flowName} on ${path.basename(dataSpec)}: training curve`),
    );
    if (existsSync(checkpointDir)) rmSync(checkpointDir, { recursive: true, force: true });
    if (done) return done(summary);
    if (settings.json) return printJson(summary);
    if (!settings.quiet)
      say(
        `${flowName} on ${dataSpec} (${dims}-D, ${backendLabel(backend)}): ${result.steps} steps in ${seconds.toFixed(1)} s (${summary.stepsPerSecond === null ? 'no steps' : `${summary.stepsPerSecond.toFixed(1)} steps/s`})`,
      );
    const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
    if (tabular)
      process.stdout.write(
        `discrete columns (dequantised at their resolution h; NLLs are of the grid values): ${settings.discrete === 'none' ? 'off (--discrete none)' : describeDiscrete(discrete, train.columns)}\n`,
      );
    process.stdout.write(
      `train NLL ${fmt(trainNll)}  val NLL ${fmt(valNll)}  test NLL ${fmt(testNll)} nats\n`,
    );
    if (dataset.kind === 'generative' && dataset.entropy !== undefined) {
      process.stdout.write(
        `true entropy ${dataset.entropy.toFixed(4)} nats (the best achievable test NLL)\n`,
      );
    }
    process.stdout.write(`model written to ${out} (with loss.csv and loss.png)\n`);
  } finally {
    for (const t of Object.values(tensors)) t?.dispose();
    flow.dispose();
    tf.disposeVariables();
  }
}
