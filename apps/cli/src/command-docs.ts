import type { CommandSpec } from './args.js';

/** One option of a command as `--help` shows it and the parser accepts it. */
export interface OptionDoc {
  /** Long name without dashes. */
  name: string;
  /** Placeholder of its value (`N`, `FILE`); absent for switches. */
  value?: string;
  /** The default, in words (absent: no default, the option is off or required). */
  default?: string;
  /** What it does. */
  help: string;
  /** One-letter alias (`n` for `-n`). */
  alias?: string;
  /** May be given several times. */
  repeatable?: boolean;
  /** Required. */
  required?: boolean;
}

/** A command's usage: summary, options and examples. */
export interface CommandDoc {
  /** The command's name. */
  name: string;
  /** One line saying what it does. */
  summary: string;
  /** The usage line's options when they are not just the required ones (`--flow F (--data D | --target T)`). */
  usage?: string;
  /** Options, in the order `--help` lists them. */
  options: readonly OptionDoc[];
  /** At least two example command lines with what each does. */
  examples: readonly (readonly [string, string])[];
}

const PLUGIN: OptionDoc = {
  name: 'plugin',
  value: 'MODULE',
  repeatable: true,
  help: 'load a plugin module first (a package name or a path; repeatable); bijective.config.json in the working directory may list more',
};
const BACKEND: OptionDoc = {
  name: 'backend',
  value: 'K',
  default: 'wasm, else cpu',
  help: 'tfjs backend: cpu, wasm (webgl in browsers)',
};
const JSON_OUT: OptionDoc = {
  name: 'json',
  help: 'print the result as one JSON object on the last line of stdout',
};
const SEED: OptionDoc = { name: 'seed', value: 'S', default: '0', help: 'random seed' };
const TEMPERATURE: OptionDoc = {
  name: 'temperature',
  value: 'T',
  default: '1',
  help: "image models: draw latents from N(0, T²) (Glow's reduced-temperature sampling)",
};
const MODEL: OptionDoc = {
  name: 'model',
  value: 'DIR',
  required: true,
  help: 'model directory written by train',
};

/** The flow options `train` passes to the flow's factory. */
const FLOW_OPTIONS: readonly OptionDoc[] = [
  { name: 'layers', value: 'N', default: 'per flow', help: 'number of flow layers (transforms)' },
  {
    name: 'hidden',
    value: 'W[,W...]',
    default:
      'per flow (64,64); for maf, nsf, realnvp on CSV tables 32,32 under 1000 rows, 128,128 from 10000',
    help: 'hidden widths of each conditioner network',
  },
  { name: 'bins', value: 'K', default: '8', help: 'spline bins (nsf)' },
  { name: 'solver', value: 'NAME', default: 'per flow', help: 'ODE solver of continuous flows' },
  {
    name: 'estimator',
    value: 'NAME',
    default: 'per flow',
    help: 'trace estimator of continuous flows in training',
  },
  {
    name: 'rtol',
    value: 'X',
    default: 'per flow (1e-5)',
    help: 'relative tolerance of dopri5 (continuous flows)',
  },
  {
    name: 'atol',
    value: 'X',
    default: 'per flow (1e-5)',
    help: 'absolute tolerance of dopri5 (continuous flows)',
  },
  {
    name: 'gradient',
    value: 'adjoint|backprop',
    default: 'per flow',
    help: 'how continuous flows differentiate through the solve',
  },
  {
    name: 'integration-time',
    value: 'T',
    default: 'per flow',
    help: 'initial integration time of continuous flows (learned)',
  },
  {
    name: 'augment',
    value: 'K',
    default: '0',
    help: 'zero-initialised augmented dimensions of continuous flows',
  },
  { name: 'kinetic', value: 'L', default: '0', help: 'RNODE kinetic-energy weight (continuous flows)' },
  {
    name: 'jacobian-norm',
    value: 'L',
    default: '0',
    help: 'RNODE Jacobian Frobenius-norm weight (continuous flows)',
  },
  {
    name: 'path',
    value: 'ot|rectified|minibatch-ot',
    default: 'minibatch-ot',
    help: 'flow matching: the conditional path and coupling regressed onto',
  },
  {
    name: 'sigma-min',
    value: 'X',
    default: '1e-4',
    help: 'flow matching: σ_min of the ot and minibatch-ot paths',
  },
  {
    name: 'dequantization',
    value: 'uniform|variational',
    default: 'uniform',
    help: 'image flows (glow): uniform noise, or a learned q(u|x) trained jointly (Ho et al. 2019; NLLs are then a bound)',
  },
  {
    name: 'class-conditional',
    help: "condition on the dataset's labels (one-hot context): class-conditional Glow (Kingma & Dhariwal 2018); labelled image data",
  },
  {
    name: 'context-columns',
    value: 'I[,J...]',
    help: 'CSV columns (0-based) used as conditioning context: a conditional flow',
  },
  {
    name: 'flow-options',
    value: 'JSON',
    help: `any option of the flow as a JSON object, e.g. '{"mixing":"lu"}'`,
  },
];

/** Every command's usage (the parser's specs are derived from it, so `--help` and the parser agree). */
export const COMMAND_DOCS: readonly CommandDoc[] = [
  {
    name: 'train',
    usage: '--flow F (--data D | --target T) [options]',
    summary:
      'fit a flow to a dataset (maximum likelihood, best-validation weights) or to a target density (reverse KL, --target) and write the model directory',
    options: [
      {
        name: 'flow',
        value: 'F',
        required: true,
        help: 'flow: nice, realnvp, glow, maf, iaf, nsf, planar, radial, ffjord, ... (see list); auto (CSV tables): fits the full-covariance Gaussian, maf, nsf and realnvp and keeps the lowest validation NLL (mean over 3 random validation splits when the split has fewer than 100 rows), or the stacked ensemble of the flows (a mixture) when its cross-fitted held-out NLL is lower',
      },
      {
        name: 'data',
        value: 'D',
        help: 'dataset name (moons, 8gaussians, ..., fashion-mnist, fashion-mnist-14) or a path: a CSV file, an IDX file or a folder of same-size PNG images (DIR/); with --target, the CSV a target reads (logistic-regression). One of --data, --target is required',
      },
      {
        name: 'target',
        value: 'T',
        help: 'fit by reverse KL to this unnormalised density instead of data: u1..u4, banana, funnel, logistic-regression (with --data FILE --label-column J), ... (see list)',
      },
      {
        name: 'samples',
        value: 'S',
        default: '512',
        help: 'with --target: draws from the flow per step (reparameterised)',
      },
      {
        name: 'label-column',
        value: 'J',
        help: 'with --target logistic-regression --data FILE: the 0/1 label column (0-based index or header name)',
      },
      {
        name: 'target-options',
        value: 'JSON',
        help: `with --target: the target's options as a JSON object, e.g. '{"dimension":5}' (funnel, banana)`,
      },
      {
        name: 'test',
        value: 'FILE',
        help: 'test data scored after training: a CSV file, IDX file or PNG folder (toys draw a fresh test sample)',
      },
      {
        name: 'steps',
        value: 'N',
        default: 'per flow: 10000, maf 20000, ffjord 2000, glow 5000; 5000 with --target',
        help: 'optimisation steps',
      },
      {
        name: 'max-seconds',
        value: 'S',
        default: 'none',
        help: 'wall-clock budget of the training loop, keeping the best-validation weights so far; without --steps the budget is the horizon: no step cap, the learning rate anneals (cosine) to 0 as the budget runs out',
      },
      {
        name: 'batch',
        value: 'B',
        default: 'per flow: 256, flow-matching 64, glow 32',
        help: 'minibatch size',
      },
      {
        name: 'threads',
        value: 'N',
        default: '1',
        help: "threads computing each step (data parallel: each holds a replica of the flow and takes an equal share of the minibatch; gradients are averaged, every thread makes the same update); 1 to 64, at most --batch; 'auto': more than one only with idle cores, a step large enough to share out and 3000 steps or more to run",
      },
      {
        name: 'lr',
        value: 'X',
        default:
          'per flow: 2e-3, maf 4e-3, ffjord 5e-3, flow-matching 2e-2, glow 1e-3 (2e-3 on whitened tables; on CSV tables 5e-4 under 1000 rows, maf 4e-3 from 10000); 5e-3 with --target',
        help: 'peak learning rate (Adam, cosine annealing to 0; glow warms up linearly over its first 100 steps)',
      },
      {
        name: 'clip-norm',
        value: 'X',
        default: 'none',
        help: 'clip gradients to this global L2 norm (Pascanu et al. 2013)',
      },
      {
        name: 'weight-decay',
        value: 'X',
        default: '0; 0.05 for maf, nsf, realnvp on CSV tables under 1000 rows, 0.01 for realnvp from 10000',
        help: 'decoupled weight decay (AdamW)',
      },
      { ...SEED, help: 'seed of the data draws, the split, the shuffles and the initialisation' },
      BACKEND,
      {
        name: 'val-fraction',
        value: 'F',
        default: '0.1',
        help: 'share of the training rows held out for validation',
      },
      {
        name: 'val-every',
        value: 'N',
        default: "min(flow's or max(10, steps/40), 10 epochs)",
        help: 'steps between validation passes (a flow may recommend its cadence: ffjord 200, glow 250 on 2000 images)',
      },
      {
        name: 'patience',
        value: 'N',
        default: '10; none on toy datasets (the schedule runs to its end)',
        help: 'validation passes without improvement before stopping early (the best-validation weights are kept either way)',
      },
      {
        name: 'folds',
        value: 'K',
        default:
          '5 for maf, nsf, realnvp on CSV tables whose validation split would hold under 30 rows, else 1',
        help: 'K-fold early stopping: the step count with the lowest K-fold cross-validated NLL, then one refit on every row (1: the single validation split)',
      },
      {
        name: 'preprocess',
        value: 'P',
        default: 'whiten for CSV tables, else standardise',
        help: 'whiten or standardise (fixed, fitted on the training rows, kept in the model)',
      },
      {
        name: 'discrete',
        value: 'MODE',
        default: 'auto',
        help: 'auto: dequantise CSV columns on a grid a + k·h at their step h (NLLs of the grid values); none: raw values',
      },
      {
        name: 'marginal',
        value: 'M',
        default: 'sinh-arcsinh for maf, nsf, realnvp on CSV tables (nsf only from 10000 rows), else none',
        help: "per-column data-side layer: sinh-arcsinh (trainable, started at each column's ML fit) or none",
      },
      {
        name: 'base',
        value: 'NAME',
        default: 'per flow (standard-normal)',
        help: 'base distribution: standard-normal, diagonal-normal, gaussian-mixture',
      },
      ...FLOW_OPTIONS,
      { name: 'out', value: 'DIR', default: 'out/model', help: 'model directory to write' },
      { name: 'force', help: 'replace an existing model directory (refused without it)' },
      {
        name: 'checkpoint-every',
        value: 'MINUTES',
        default: 'none',
        help: 'write a resumable checkpoint (weights, optimiser, step, RNG) to DIR.checkpoint this often',
      },
      {
        name: 'resume',
        value: 'DIR',
        help: 'continue the run whose checkpoint is DIR (or DIR.checkpoint); its other options are the stored ones',
      },
      { name: 'quiet', help: 'no progress bar or progress lines on stderr' },
      JSON_OUT,
      PLUGIN,
    ],
    examples: [
      ['bijective train --flow realnvp --data moons --steps 2000 --out moons-model', 'RealNVP on two moons'],
      [
        'bijective train --flow nsf --data table.csv --test held-out.csv --out table-model --force --json',
        'NSF on a CSV table, replacing table-model, JSON summary',
      ],
      [
        'bijective train --flow planar --target u1 --steps 2000 --out u1-model',
        'planar flow fitted to the energy U1 by reverse KL (reports KL, ELBO, ESS)',
      ],
    ],
  },
  {
    name: 'eval',
    summary: 'mean NLL (nats per example, in the units of the data) of data under a saved model',
    options: [
      MODEL,
      {
        name: 'data',
        value: 'D',
        required: true,
        help: 'dataset name (a fresh test sample, or its test split) or a CSV file, IDX file or PNG folder (every row)',
      },
      { name: 'per-sample', help: "also print each row's log-density, in input order" },
      {
        name: 'check-inverse',
        help: 'also the largest reconstruction error ‖f(f⁻¹(x)) − x‖ over the rows and the 5 worst rows',
      },
      {
        ...SEED,
        help: 'seed of a toy dataset draw and of the dequantisation of images and discrete columns',
      },
      BACKEND,
      JSON_OUT,
      PLUGIN,
    ],
    examples: [
      ['bijective eval --model moons-model --data moons', 'NLL of a fresh moons sample'],
      [
        'bijective eval --model table-model --data held-out.csv --per-sample --json',
        'per-row log-densities as JSON',
      ],
      [
        'bijective eval --model moons-model --data moons --check-inverse --json',
        'NLL and how well the inverse round-trips on the rows',
      ],
    ],
  },
  {
    name: 'score',
    summary:
      "anomaly scores: each row's log-density and a flag below the training rows' q-quantile; optional batch typicality test",
    options: [
      MODEL,
      {
        name: 'data',
        value: 'D',
        required: true,
        help: 'rows to score: a dataset name, CSV file, IDX file or PNG folder',
      },
      {
        name: 'contamination',
        value: 'Q',
        default: '0.01',
        help: "flag rows whose log-density is below the Q-quantile of the training rows' log-density",
      },
      { name: 'out', value: 'FILE', default: 'stdout', help: 'CSV (row,logDensity,anomaly) to FILE' },
      {
        name: 'typicality',
        help: 'also test whether the whole batch is typical (Nalisnick et al. 2019): p-value by bootstrap',
      },
      {
        ...SEED,
        help: 'seed of toy draws, dequantisation (images, discrete columns) and the typicality bootstrap',
      },
      BACKEND,
      JSON_OUT,
      PLUGIN,
    ],
    examples: [
      [
        'bijective score --model table-model --data new-rows.csv --out scores.csv',
        'flag the 1% least likely rows',
      ],
      [
        'bijective score --model table-model --data batch.csv --contamination 0.05 --typicality --json',
        'flag at 5% and test the batch',
      ],
    ],
  },
  {
    name: 'sample',
    summary: 'draw rows from a saved model as CSV (header: the training columns)',
    options: [
      MODEL,
      { name: 'n', alias: 'n', value: 'N', default: '1000', help: 'number of samples' },
      SEED,
      {
        name: 'context',
        value: 'V[,V...]',
        help: 'conditioning row for conditional models (required there), broadcast to every sample',
      },
      {
        name: 'class',
        value: 'K',
        help: 'class-conditional models (train --class-conditional): draw class K (0-based; instead of --context)',
      },
      {
        name: 'guidance',
        value: 'W',
        default: '0',
        help: 'classifier-free guidance weight of conditional flow-matching models: v = (1+W) v(x|c) - W v(x|none)',
      },
      {
        name: 'out',
        value: 'FILE',
        default: 'stdout',
        help: 'write the CSV to FILE (image models: a PNG grid when FILE ends in .png)',
      },
      TEMPERATURE,
      BACKEND,
      JSON_OUT,
      PLUGIN,
    ],
    examples: [
      ['bijective sample --model moons-model -n 500 --out samples.csv', '500 samples to a file'],
      ['bijective sample --model cond-model -n 10 --context 1.5 --seed 3', 'conditional samples to stdout'],
    ],
  },
  {
    name: 'plot',
    summary: 'a PNG of a saved model: density, samples against data, pair plot or loss curve',
    options: [
      MODEL,
      {
        name: 'data',
        value: 'D',
        help: 'data to overlay, or real images beside the samples (dataset name, CSV file, IDX file or PNG folder)',
      },
      {
        name: 'kind',
        value: 'K',
        default: 'density (2-D), samples (images), pairs (tables)',
        help: "density (2-D heat map; beside the target's for a model trained with --target), samples, pairs (first columns) or loss (training curve)",
      },
      { name: 'out', value: 'FILE.png', required: true, help: 'PNG file to write' },
      SEED,
      TEMPERATURE,
      BACKEND,
      JSON_OUT,
      PLUGIN,
    ],
    examples: [
      ['bijective plot --model moons-model --data moons --out density.png', 'density with the data overlaid'],
      ['bijective plot --model moons-model --kind loss --out loss.png', 'the training curve'],
      [
        'bijective plot --model u1-model --out u1.png',
        "a target-trained model's density beside the target's",
      ],
    ],
  },
  {
    name: 'list',
    summary: 'registered flows, datasets, targets, backends, ODE solvers and trace estimators',
    options: [JSON_OUT, PLUGIN],
    examples: [
      ['bijective list', 'everything, one kind a line'],
      ['bijective list --plugin ./my-flows.mjs --json', 'with a plugin, as JSON'],
    ],
  },
];

/** The parser's spec of each command, derived from {@link COMMAND_DOCS}. */
export const SPECS: Readonly<Record<string, CommandSpec>> = Object.fromEntries(
  COMMAND_DOCS.map((doc) => [
    doc.name,
    {
      values: doc.options.filter((o) => o.value !== undefined).map((o) => o.name),
      flags: doc.options.filter((o) => o.value === undefined).map((o) => o.name),
      repeatable: doc.options.filter((o) => o.repeatable).map((o) => o.name),
      aliases: Object.fromEntries(doc.options.filter((o) => o.alias).map((o) => [o.alias, o.name])),
    },
  ]),
);
