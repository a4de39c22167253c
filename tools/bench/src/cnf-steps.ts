// Where a trained FFJORD model's dopri5 evaluations go: for each saved model, the step sequence of
// one training solve (256 rows, the training estimator, data -> base), one scoring solve (4096 rows,
// exact trace) and one sampling solve (4096 rows, base -> data), at the tolerances saved in the model:
// each step's size in the solver's time s ∈ [0, 1] and whether it was accepted (a) or rejected (r),
// read from the times at which dopri5 evaluates the field (`dopri5Steps`), and the first-step
// heuristic's Euler trial.
// `--z-only` also reruns each solve with the error control on z alone (log p and the regularisers
// left as quadratures), to show which state tensor sets the step size.
// `--tolerances 1e-5,1e-7` reruns each model with dopri5's rtol = atol set to each value in turn
// (the saved model's own tolerances otherwise), to separate the solver's start from the dynamics.
// Usage: node tools/bench/run.mjs tools/bench/src/cnf-steps.ts [--data 8gaussians] [--z-only]
//   [--tolerances LIST] DIR...
// (each DIR a model directory written by `bijective train --out DIR`, e.g. cnf-quality's `--keep`).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CallRecord, createByName, register, useBackend, type Flow } from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import {
  Dopri5Solver,
  type Dopri5Options,
  type OdeSolver,
  type SolveOptions,
  type VectorField,
} from '@bijective/ode';
import '@bijective/backend-wasm';
import '@bijective/cnf';
import '@bijective/datasets';
import { dopri5Steps } from './dopri5-steps.js';

const { values: args, positionals: dirs } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: '8gaussians' },
    'z-only': { type: 'boolean', default: false },
    tolerances: { type: 'string' },
  },
});
await useBackend('wasm');

/** The evaluation times of the solves since the last `take()`, one list per solve. */
const log: number[][] = [];
let zOnly = false;
/** rtol = atol for the solvers that the next model load creates (the model's own when undefined). */
let tolerance: number | undefined;

/** dopri5 with the field's evaluation times logged (and, when `zOnly`, error control on z alone). */
class LoggedDopri5 implements OdeSolver {
  readonly name = 'dopri5';
  readonly order: number;
  private readonly inner: Dopri5Solver;
  constructor(options: Dopri5Options) {
    this.inner = new Dopri5Solver(options);
    this.order = this.inner.order;
  }
  solve(f: VectorField, y0: readonly tf.Tensor[], times: readonly number[], options: SolveOptions = {}) {
    const seen: number[] = [];
    log.push(seen);
    const logged: VectorField = (t, state) => {
      seen.push(t);
      return f(t, state);
    };
    return this.inner.solve(logged, y0, times, zOnly ? { ...options, errorControlled: 1 } : options);
  }
}
register(
  'odeSolver',
  'dopri5',
  {
    description: 'dopri5, logged',
    create: (o) => new LoggedDopri5(tolerance === undefined ? o : { ...o, rtol: tolerance, atol: tolerance }),
  },
  { replace: true },
);

function report(label: string, run: () => void): void {
  log.length = 0;
  tf.tidy(run);
  for (const ts of log) {
    const { firstTrial, steps } = dopri5Steps(ts);
    const seq = steps.map((s) => `${s.h.toFixed(3)}${s.accepted ? 'a' : 'r'}`).join(' ');
    console.log(
      `  ${label.padEnd(22)} NFE ${String(ts.length).padStart(3)}  first trial ${firstTrial.toExponential(2)}  steps ${seq}`,
    );
  }
}

const dataset = createByName('dataset', args.data, {});
if (dataset.kind !== 'generative') throw new Error(`cnf-steps: ${args.data} is not a toy dataset`);
const tolerances = args.tolerances?.split(',').map(Number) ?? [undefined];
for (const t of tolerances) {
  if (t !== undefined && !(t > 0))
    throw new Error(`cnf-steps: --tolerances wants positive numbers, got '${args.tolerances}'`);
}
for (const [dir, tol] of dirs.flatMap((d) => tolerances.map((t) => [d, t] as const))) {
  tolerance = tol;
  const { flow } = (await loadFlowFromDirectory(dir)) as { flow: Flow };
  const x = tf.tensor2d(dataset.sample(4096, 4242), [4096, 2]);
  const batch = tf.slice(x, [0, 0], [256, 2]);
  console.log(tol === undefined ? dir : `${dir} (rtol = atol = ${tol})`);
  try {
    for (const z of args['z-only'] ? [false, true] : [false]) {
      zOnly = z;
      const tag = z ? ' (z only)' : '';
      const record = new CallRecord();
      try {
        report(`train 256${tag}`, () => {
          flow.logProb(batch, { training: true, record });
        });
      } finally {
        record.dispose();
      }
      report(`score 4096${tag}`, () => {
        flow.logProb(x, {});
      });
      report(`sample 4096${tag}`, () => {
        flow.bijector.forward(flow.base.sample(4096, { seed: 1 }), {});
      });
    }
  } finally {
    zOnly = false;
    tf.dispose([x, batch]);
    flow.dispose();
  }
}
