import * as tf from '@tensorflow/tfjs-core';
import {
  Flow,
  OptionError,
  StandardNormal,
  createByName,
  type JsonObject,
  type Target,
  type TargetConfig,
} from '@bijective/core';
import { saveFlowToDirectory } from '@bijective/core/node';
import { fullCovarianceGaussian } from '@bijective/planar';
import {
  WeightSnapshot,
  evaluateVariational,
  fitVariational,
  type VariationalMetrics,
} from '@bijective/train';
import * as path from 'node:path';
import {
  intOption,
  numberOption,
  positiveOption,
  requiredOption,
  spelling,
  type ParsedArgs,
} from '../args.js';
import { selectBackend } from '../backend.js';
import { writeFileAtomic } from '../files.js';
import { lossCsv, type LossRow } from '../loss-history.js';
import { createFlowBijector, type FlowFlagOptions } from '../model.js';
import { printJson, say } from '../output.js';
import type { LoadedPlugin } from '../plugins.js';
import { ProgressBar, progressMode } from '../progress.js';
import { QUANTILE_LEVELS, quantilesOf } from '../quantiles.js';
import { UsageError } from '../usage-error.js';
import { lossPicture } from './plot.js';
import { flowFlagOptions, occupied, withCliHints } from './train.js';

/**
 * `train --target` defaults: 5000 steps of 512 reparameterised samples (the paper's batch), Adam at
 * 5e-3 annealed by the CLI's cosine schedule: on U1–U3 this rate beat 1e-3 and 2e-3 for planar and
 * NSF (docs/benchmarks.md, "From the command line: `train --target` defaults").
 */
export const TARGET_DEFAULTS = { steps: 5000, samples: 512, learningRate: 5e-3 } as const;

/** Fresh draws from q for the reported ELBO, KL and ESS (standard error sd(log w)/90). */
const EVALUATION_SAMPLES = 8192;

/** Draws from q whose log-density quantiles `score` reads (the analogue of the training rows). */
const QUANTILE_SAMPLES = 4096;

/** `train` options of likelihood training that `--target` refuses, with what to do instead. */
const DATA_ONLY: Readonly<Record<string, string>> = {
  test: 'there is no test data to score',
  batch: 'the draws from q per step are --samples',
  'val-fraction': 'there is no validation data',
  'val-every': 'there is no validation data',
  patience: 'there is no validation data',
  preprocess: "the flow acts on the target's own coordinates",
  discrete: 'a target has no data columns to dequantise',
  base: 'the base is a standard normal (reparameterised sampling)',
  'context-columns': 'targets have no context',
  'checkpoint-every': 'target runs write no checkpoints',
  threads: 'reverse-KL training runs on one thread',
};

/** Options that only `--target` training takes (refused with `--data` training). */
export const TARGET_ONLY: readonly string[] = ['samples', 'label-column', 'target-options'];

/** Every option of `train --target`, read and checked before any work starts. */
export interface TargetTrainSettings {
  /** `--flow`. */
  flow: string;
  /** `--target`. */
  target: string;
  /** Target options: `--target-options`, with `--data` as `data` and `--label-column` as `labelColumn`. */
  targetOptions: JsonObject;
  /** `--steps` (its default on a time budget: the nominal horizon of the loss windows). */
  steps: number;
  /** `--max-seconds`: the wall-clock budget of the training loop. */
  maxSeconds?: number;
  /** `--max-seconds` without `--steps`: the budget is the horizon the schedule anneals over, no step cap. */
  timeBudget: boolean;
  /** `--samples`: draws from q per step. */
  samples: number;
  /** `--lr`. */
  learningRate: number;
  /** `--clip-norm`. */
  clipNorm?: number;
  /** `--weight-decay`. */
  weightDecay: number;
  /** `--seed`. */
  seed: number;
  /** `--backend`. */
  backend?: string;
  /** Flow options from the flags. */
  flowOptions: FlowFlagOptions;
  /** `--out`. */
  out: string;
  /** `--force`. */
  force: boolean;
  /** `--json`. */
  json: boolean;
  /** `--quiet`. */
  quiet: boolean;
}

/** `--label-column J`: a 0-based index, or a header name. */
function labelColumn(raw: string): number | string {
  return /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

/** `--target-options JSON`: a JSON object, or `{}` when absent. */
function targetOptionsFlag(args: ParsedArgs): JsonObject {
  const raw = args.values.get('target-options');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`${spelling(args, 'target-options')} must be a JSON object, got '${raw}'`);
  return parsed as JsonObject;
}

/**
 * Reads and checks `train --target`'s options (no file is touched; `--data` is resolved against the
 * working directory when the command runs).
 */
export function readTargetTrainSettings(args: ParsedArgs): TargetTrainSettings {
  for (const name of Object.keys(DATA_ONLY)) {
    if (args.values.has(name))
      throw new UsageError(
        `${spelling(args, name)} is for --data training, not --target: ${DATA_ONLY[name]}`,
      );
  }
  const target = requiredOption(args, 'target');
  const targetOptions = targetOptionsFlag(args);
  if (args.values.has('data')) targetOptions.data = requiredOption(args, 'data');
  if (args.values.has('label-column')) {
    if (!args.values.has('data'))
      throw new UsageError(
        `${spelling(args, 'label-column')} needs --data FILE (the CSV it names a column of)`,
      );
    targetOptions.labelColumn = labelColumn(requiredOption(args, 'label-column'));
  }
  if (target === 'logistic-regression' && args.values.has('data') && !args.values.has('label-column'))
    throw new UsageError('--target logistic-regression --data FILE needs --label-column J (the 0/1 labels)');
  const out = args.values.get('out') ?? 'out/model';
  if (out.trim() === '') throw new UsageError(`${spelling(args, 'out')} needs a directory name`);
  return {
    flow: requiredOption(args, 'flow'),
    target,
    targetOptions,
    steps: intOption(args, 'steps', TARGET_DEFAULTS.steps, 1, 1e9),
    maxSeconds: positiveOption(args, 'max-seconds', 1e9),
    timeBudget: args.values.has('max-seconds') && !args.values.has('steps'),
    samples: intOption(args, 'samples', TARGET_DEFAULTS.samples, 1, 1e6),
    learningRate: numberOption(args, 'lr', TARGET_DEFAULTS.learningRate, 1e-8, 10),
    clipNorm: positiveOption(args, 'clip-norm'),
    weightDecay: numberOption(args, 'weight-decay', 0, 0, 1),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
    backend: args.values.get('backend'),
    flowOptions: flowFlagOptions(args),
    out,
    force: args.flags.has('force'),
    json: args.flags.has('json'),
    quiet: args.flags.has('quiet'),
  };
}

/** A reverse-KL run with its best weights kept, and the evaluation of those weights. */
interface KeptFit {
  /** The evaluation of q at the kept weights. */
  metrics: VariationalMetrics;
  /** Mean loss E_q[log q − log p̃] of the window of steps that ended at the kept weights. */
  trainLoss: number;
  /** The step the kept weights are from. */
  bestStep: number;
  /** Steps run (fewer than `--steps` when `--max-seconds` ran out). */
  steps: number;
  /** Mean seconds per step. */
  secondsPerStep: number;
}

/**
 * Steps over which the (noisy, Monte Carlo) loss is averaged before comparing: max(10, steps/40), as
 * `--data` training validates.
 */
export function lossWindow(steps: number): number {
  return Math.max(1, Math.min(steps, Math.max(10, Math.round(steps / 40))));
}

/**
 * `fitVariational` keeping the best weights: the loss is averaged over windows of
 * {@link lossWindow} steps, the weights at the end of the best window are restored, and q is then
 * evaluated on {@link EVALUATION_SAMPLES} fresh draws.
 */
function fitKeepingBest(
  flow: Flow,
  target: Target,
  settings: TargetTrainSettings,
  onStep?: (row: LossRow, totalSteps: number) => void,
): KeptFit {
  const { steps, seed } = settings;
  const window = lossWindow(steps);
  let best: { loss: number; step: number; weights: WeightSnapshot | null } = {
    loss: Infinity,
    step: 0,
    weights: null,
  };
  let sum = 0;
  let count = 0;
  try {
    const result = withCliHints(() =>
      fitVariational(flow, target, {
        // On a time budget fitVariational gets no step count: it anneals over the budget instead.
        ...(settings.timeBudget ? {} : { steps }),
        batchSize: settings.samples,
        learningRate: settings.learningRate,
        seed,
        weightDecay: settings.weightDecay,
        ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
        ...(settings.maxSeconds !== undefined ? { maxSeconds: settings.maxSeconds } : {}),
        evaluationSamples: EVALUATION_SAMPLES,
        onProgress: (p) => {
          onStep?.({ step: p.step, trainLoss: p.loss, valNll: null, lr: p.learningRate }, p.totalSteps);
          sum += p.loss;
          count += 1;
          // totalSteps: the steps asked, or on a time budget the projection (the last step's own count).
          if (count < window && p.step < p.totalSteps) return;
          const mean = sum / count;
          sum = 0;
          count = 0;
          if (mean < best.loss) {
            best.weights?.dispose();
            best = { loss: mean, step: p.step, weights: new WeightSnapshot(flow.variables) };
          }
        },
      }),
    );
    // A run stopped by --max-seconds ends inside a window: that partial window competes too.
    if (count > 0 && sum / count < best.loss) {
      best.weights?.dispose();
      best = { loss: sum / count, step: result.steps, weights: null };
    }
    let metrics: VariationalMetrics = result;
    if (best.step !== result.steps && best.weights) {
      best.weights.restore();
      metrics = evaluateVariational(flow, target, { samples: EVALUATION_SAMPLES, seed: seed + steps + 1 });
    }
    return {
      metrics,
      trainLoss: best.loss,
      bestStep: best.step,
      steps: result.steps,
      secondsPerStep: result.secondsPerStep,
    };
  } finally {
    best.weights?.dispose();
  }
}

/** Quantiles of log q(x) over draws x ~ q: what `score` compares rows against (as the training rows' for data models). */
function sampleLogDensityQuantiles(flow: Flow, seed: number): number[] {
  const values = new Float64Array(QUANTILE_SAMPLES);
  for (let start = 0, call = 0; start < QUANTILE_SAMPLES; start += 1024, call++) {
    const n = Math.min(1024, QUANTILE_SAMPLES - start);
    const logProb = tf.tidy(() => flow.sampleAndLogProb(n, { seed: seed + call }).logProb);
    values.set(logProb.dataSync(), start);
    logProb.dispose();
  }
  return quantilesOf(values.filter(Number.isFinite));
}

/** Builds `--target` through the registry; its options with `--data` resolved against the working directory. */
function buildTarget(settings: TargetTrainSettings): Target {
  const options = { ...settings.targetOptions };
  if (typeof options.data === 'string') options.data = path.resolve(options.data);
  try {
    return createByName('target', settings.target, options);
  } catch (e) {
    const file = e instanceof OptionError && /unknown option '(data|labelColumn)'/.test(e.message);
    if (file)
      throw new UsageError(
        `target '${settings.target}' reads no file: --data and --label-column are for targets such as logistic-regression`,
      );
    throw e;
  }
}

/** The target's event size, or a usage error when it is not a vector. */
function vectorSize(target: Target): number {
  if (target.eventShape.length !== 1)
    throw new UsageError(
      `target '${target.name}' has events of shape [${target.eventShape.join(', ')}]; train --target fits vectors`,
    );
  return target.eventShape[0] as number;
}

/** The full-covariance Gaussian VI baseline fitted with the same budget: its ELBO and ESS. */
function gaussianBaseline(target: Target, settings: TargetTrainSettings): { elbo: number; ess: number } {
  const gaussian = fullCovarianceGaussian(vectorSize(target), { seed: settings.seed });
  try {
    const { metrics } = fitKeepingBest(gaussian, target, settings);
    return { elbo: metrics.elbo, ess: metrics.ess };
  } finally {
    gaussian.dispose();
  }
}

const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

/**
 * `bijective train --target T`: fits `--flow` over a standard normal base to the registered target
 * by reverse KL with reparameterised samples (`fitVariational`), keeps the best weights, reports
 * KL (when log Z is known), ELBO and ESS, and writes the model with the target recorded.
 */
export async function trainTarget(
  settings: TargetTrainSettings,
  plugins: readonly LoadedPlugin[],
): Promise<void> {
  const started = performance.now();
  const { out, seed } = settings;
  if (!settings.force && occupied(out)) {
    throw new UsageError(
      `model directory '${out}' already exists; pass --force to replace it, or choose another --out`,
    );
  }
  const backend = await selectBackend(settings.backend);
  const target = buildTarget(settings);
  let flow: Flow | undefined;
  try {
    const dims = vectorSize(target);
    const bijector = createFlowBijector(settings.flow, dims, { seed, ...settings.flowOptions });
    flow = new Flow(new StandardNormal({ eventShape: [...bijector.eventShape] }), bijector);
    if (flow.trainableVariables.length === 0)
      throw new UsageError(`flow '${settings.flow}' has no trainable parameters to fit`);
    const history: LossRow[] = [];
    const progress = new ProgressBar(
      settings.steps,
      process.stderr,
      progressMode(process.stderr, settings.quiet, settings.json),
    );
    const fitted = fitKeepingBest(flow, target, settings, (row, totalSteps) => {
      history.push(row);
      progress.update(
        row.step,
        row.trainLoss,
        undefined,
        undefined,
        settings.timeBudget ? totalSteps : undefined,
      );
    });
    progress.finish();
    const config: TargetConfig = target.getConfig();
    if (target.logNormalizer === null && !settings.quiet && !settings.json)
      say('fitting the full-covariance Gaussian baseline with the same budget (log Z is unknown)');
    // The baseline gets the steps the flow ran (its budget, when --max-seconds cut the run short).
    const baseline =
      target.logNormalizer === null
        ? gaussianBaseline(target, { ...settings, steps: fitted.steps, timeBudget: false })
        : null;
    const { metrics } = fitted;
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      flow: settings.flow,
      target: settings.target,
      dims,
      backend,
      steps: fitted.steps,
      samples: settings.samples,
      trainLoss: fitted.trainLoss,
      ...(metrics.kl !== null ? { kl: finite(metrics.kl) } : {}),
      elbo: finite(metrics.elbo),
      elboStandardError: finite(metrics.elboStandardError),
      ess: metrics.ess,
      logNormalizer: metrics.logNormalizer,
      logNormalizerEstimate: finite(metrics.logNormalizerEstimate),
      ...(baseline ? { gaussianElbo: finite(baseline.elbo), gaussianEss: baseline.ess } : {}),
      bestStep: fitted.bestStep,
      seconds,
      stepsPerSecond: 1 / fitted.secondsPerStep,
      model: out,
    };
    if (!settings.force && occupied(out)) {
      throw new UsageError(`model directory '${out}' appeared during training; pass --force to replace it`);
    }
    await saveFlowToDirectory(flow, out, {
      ...summary,
      targetOptions: config.options,
      columns: null,
      contextColumns: null,
      levels: null,
      flowOptions: settings.flowOptions,
      learningRate: settings.learningRate,
      ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
      logDensity: {
        levels: [...QUANTILE_LEVELS],
        train: sampleLogDensityQuantiles(flow, seed + settings.steps + 2),
        validation: null,
      },
      plugins: plugins.map((p) => ({ module: p.module, url: p.url, registers: p.registers })),
      created: new Date().toISOString(),
    });
    writeFileAtomic(path.join(out, 'loss.csv'), lossCsv(history));
    writeFileAtomic(
      path.join(out, 'loss.png'),
      await lossPicture(
        history,
        `${settings.flow} on target ${settings.target}: training curve`,
        'reverse KL loss E_q[log q − log p̃] = KL − log Z per step',
      ),
    );
    if (settings.json) return printJson(summary);
    if (!settings.quiet)
      say(
        `${settings.flow} on target ${settings.target} (${dims}-D, ${backend}): ${fitted.steps} steps in ${seconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(1)} steps/s)`,
      );
    const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
    const kl = metrics.kl === null ? '' : `KL ${fmt(metrics.kl)} nats  `;
    process.stdout.write(
      `${kl}ELBO ${fmt(metrics.elbo)} ± ${fmt(metrics.elboStandardError)}  ESS ${metrics.ess.toFixed(3)} (${EVALUATION_SAMPLES} draws, weights of step ${fitted.bestStep})\n`,
    );
    if (baseline)
      process.stdout.write(
        `full-covariance Gaussian baseline (same budget): ELBO ${fmt(baseline.elbo)}  ESS ${baseline.ess.toFixed(3)}\n`,
      );
    process.stdout.write(`model written to ${out} (with loss.csv and loss.png)\n`);
  } finally {
    flow?.dispose();
    target.dispose();
    tf.disposeVariables();
  }
}
