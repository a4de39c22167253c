/**
 * Browser entry of the WebGL host-kernel test and bench (bundled and run by chromium.ts). Selects
 * `webgl`, then, as `globalThis.__webglStepArgs` asks:
 * - `parity`: runs each host kernel that @bijective/backend-webgl ships a shader version of on webgl
 *   and on tfjs's cpu (the engine's host loop) on the same inputs (the spline's also with either
 *   side's cache read by the other's grad), and a RealNVP's, a MAF's and an NSF's loss and weight
 *   gradients on both, and reports the values;
 * - `steps`: trains RealNVP, MAF and NSF (as `flows` asks) with the training loop's step (`GuardedOptimiser.step` on a
 *   gathered minibatch, as `fit` runs it) with the shader versions (`after`) and with the engine's
 *   read-back path (`before`), counting per step the reads back to the CPU (the webgl backend's
 *   `readSync`/`read`), the tfjs kernels (the engine's `runKernelFunc`) and the WebGL programs run,
 *   the tensors left behind, and steps per second.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Flow, StandardNormal, useBackend } from '@bijective/core';
import {
  ADDITIVE_TRANSFORM,
  CONDITIONER_ACTIVATIONS,
  ParameterLayout,
  TransformOp,
  adamKernel,
  affineTransform,
  registerHostKernelBackend,
  type HostKernelBackendImplementation,
} from '@bijective/engine';
import { GuardedOptimiser, clipByGlobalNorm } from '@bijective/train';
import { RealNVP } from '@bijective/coupling';
import { MAF } from '@bijective/autoregressive';
import { NSF, splineTransform } from '@bijective/spline';
import { WEBGL_HOST_KERNELS, registerWebglHostKernels } from '@bijective/backend-webgl';

/** What the page is asked to do. */
interface Args {
  parity: boolean;
  /** Flows to train (`realnvp`, `maf`); none: no training runs. */
  flows: string[];
  /** `after` (shader versions), `before` (read-back path). */
  modes: string[];
  layers: number;
  hidden: number[];
  batch: number;
  /** Event size d. */
  dims: number;
  /** Untimed steps first (shader compilation), then timed steps. */
  warmup: number;
  steps: number;
}

/** Per-step figures of one training run. */
interface StepReport {
  flow: string;
  mode: string;
  steps: number;
  syncsPerStep: number;
  kernelsPerStep: number;
  programsPerStep: number;
  stepsPerSecond: number;
  /** Tensors alive after the timed steps minus before them. */
  leaked: number;
  finalLoss: number;
}

const holder = globalThis as { __webglStepArgs?: Partial<Args>; __bijectiveResult?: unknown };
const args: Args = {
  parity: true,
  flows: ['realnvp', 'maf', 'nsf'],
  modes: ['after', 'before'],
  layers: 2,
  hidden: [16, 16],
  batch: 64,
  dims: 2,
  warmup: 2,
  steps: 3,
  ...holder.__webglStepArgs,
};

/** Deterministic values in [-scale, scale] (a small LCG: the same inputs on both backends). */
function values(count: number, seed: number, scale = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/** Every output of `f`, read back, by case name. */
type Cases = Record<string, number[]>;

/** `run` with host kernel `name` on the engine's read-back path on webgl, then its shader version back. */
function onFallback<T>(name: string, run: () => T): T {
  registerHostKernelBackend(name, 'webgl', (call) => call.fallback());
  try {
    return run();
  } finally {
    registerHostKernelBackend(name, 'webgl', WEBGL_HOST_KERNELS[name] as HostKernelBackendImplementation);
  }
}

/** Each shipped shader kernel's outputs on fixed inputs (run once per backend). */
function kernelCases(): Cases {
  const out: Cases = {};
  const keep = (name: string, ts: readonly (tf.Tensor | null)[]) => {
    out[name] = ts.flatMap((t) => (t ? Array.from(t.dataSync()) : []));
  };
  tf.tidy(() => {
    const [n, d] = [7, 3];
    const u = tf.tensor2d(values(n * d, 1, 2), [n, d]);
    const affine = affineTransform(2);
    for (const direction of ['forward', 'inverse'] as const) {
      const raw = tf.tensor2d(values(n * 4, 2, 3), [n, 4]);
      const { value, logDet } = affine.apply(direction, u, raw, [2, 0]);
      keep(`affine ${direction}`, [value, logDet]);
      const dv = tf.tensor2d(values(n * d, 3), [n, d]);
      const g = affine.grad(direction, u, raw, [2, 0], dv, tf.tensor1d(values(n, 4)));
      keep(`affine grad ${direction}`, [g.du, g.dRaw, g.dRawSums]);
      const raw1 = tf.tensor2d(values(n, 5), [n, 1]);
      const add = ADDITIVE_TRANSFORM.apply(direction, u, raw1, [1]);
      keep(`additive ${direction}`, [add.value]);
      const ga = ADDITIVE_TRANSFORM.grad(direction, u, raw1, [1], dv, null);
      keep(`additive grad ${direction}`, [ga.du, ga.dRaw, ga.dRawSums]);
      // End to end through an op: ∂/∂(u, raw) of a weighted sum of value and log-det.
      const op = new TransformOp(affine, d);
      const w = tf.tensor2d(values(n * d, 6), [n, d]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const r = op.apply(direction, a as tf.Tensor2D, b as tf.Tensor2D, [1, 2]);
        return tf.add(tf.sum(tf.mul(r.value, w)), tf.sum(r.logDet as tf.Tensor));
      })([u, raw]);
      keep(`transform op gradient ${direction}`, grads);
      op.dispose();
    }
    // The spline (K = 5, B = 2) on inputs in [-3, 3]: some on the identity tails; raw in [-2.5, 2.5].
    const spline = splineTransform({ bins: 5, bound: 2 });
    const [sn, sd] = [40, 3];
    const su = tf.tensor2d(values(sn * sd, 80, 3), [sn, sd]);
    const sraw = tf.tensor2d(values(sn * 2 * spline.heads, 81, 2.5), [sn, 2 * spline.heads]);
    const sdv = tf.tensor2d(values(sn * sd, 82), [sn, sd]);
    const sdl = tf.tensor1d(values(sn, 83));
    for (const direction of ['forward', 'inverse'] as const) {
      const plain = spline.apply(direction, su, sraw, [2, 0]);
      keep(`spline ${direction}`, [plain.value, plain.logDet ?? null]);
      const cached = spline.apply(direction, su, sraw, [2, 0], true);
      keep(`spline ${direction} with cache`, [cached.value, cached.logDet ?? null, cached.cache ?? null]);
      // Either side's cache read by the other's grad (the layout is the host's): on cpu both are host loops.
      const hostCache = onFallback('Bijective.Spline.Apply', () =>
        spline.apply(direction, su, sraw, [2, 0], true),
      );
      const mixed = spline.grad(direction, su, sraw, [2, 0], sdv, sdl, hostCache.cache);
      keep(`spline grad ${direction} from the host loop's cache`, [mixed.du, mixed.dRaw, mixed.dRawSums]);
      const hostGrad = onFallback('Bijective.Spline.Grad', () =>
        spline.grad(direction, su, sraw, [2, 0], sdv, sdl, cached.cache),
      );
      keep(`spline grad ${direction} on the host loop from the cache`, [
        hostGrad.du,
        hostGrad.dRaw,
        hostGrad.dRawSums,
      ]);
      for (const dl of [sdl, null]) {
        const which = dl ? '' : ' without log-det gradient';
        const g = spline.grad(direction, su, sraw, [2, 0], sdv, dl);
        keep(`spline grad ${direction}${which}`, [g.du, g.dRaw, g.dRawSums]);
        const gc = spline.grad(direction, su, sraw, [2, 0], sdv, dl, cached.cache);
        keep(`spline grad ${direction} from cache${which}`, [gc.du, gc.dRaw, gc.dRawSums]);
      }
    }
    const [rows, cols] = [9, 5];
    const dh = tf.tensor2d(values(rows * cols, 7), [rows, cols]);
    const z = tf.tensor2d(values(rows * cols, 8, 2), [rows, cols]);
    for (const [name, act] of Object.entries(CONDITIONER_ACTIVATIONS)) {
      const h = act.apply(z);
      for (const transposed of [false, true]) {
        const b = act.backward(dh, h, act.needsInput ? z : null, transposed);
        keep(`activation ${name}${transposed ? ' transposed' : ''}`, [b.delta, b.sums, b.deltaT ?? null]);
      }
    }
    const widths = [3, 6, 5, 4];
    const masks = [18, 30, 20].map((size, k) => values(size, 9 + k).map((v) => (v > 0 ? 1 : 0)));
    for (const layout of [new ParameterLayout(widths), new ParameterLayout(widths, masks)]) {
      const which = layout.dense[0]?.mask ? 'masked' : 'plain';
      const weights = layout.weights(tf.tensor1d(values(layout.size, 12)));
      keep(`split ${which}`, [...weights.kernels, ...weights.biases]);
      const grads = {
        kernels: weights.kernels.map((k, i) => tf.tensor2d(values(k.size, 20 + i), k.shape)),
        biases: weights.biases.map((b, i) => tf.tensor1d(values(b.size, 30 + i))),
      };
      keep(`concat ${which}`, [layout.flatten(grads)]);
    }
    const adamInputs = [[7], [2, 3]].flatMap((shape, k) =>
      [0, 1, 2, 3].map((j) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const v = values(size, 40 + 4 * k + j);
        return tf.tensor(j === 3 ? v.map((x) => x * x) : v, shape);
      }),
    );
    keep(
      'adam',
      adamKernel(adamInputs, { beta1: 0.9, beta2: 0.999, alpha: 0.01, epsilon: 1e-6, keep: 0.999 }),
    );
    const grads = { a: tf.tensor1d(values(5, 50)), b: tf.tensor2d(values(300, 51, 0.2), [20, 15]) };
    for (const clipNorm of [undefined, 1, 100]) {
      const { clipped, globalNorm } = clipByGlobalNorm(grads, clipNorm);
      keep(`clip ${clipNorm ?? 'none'}`, [globalNorm, clipped.a as tf.Tensor, clipped.b as tf.Tensor]);
    }
  });
  return out;
}

/** RealNVP, MAF or NSF on d-dimensional events. */
function makeFlow(name: string, seed: number): Flow {
  const options = {
    eventShape: [args.dims],
    layers: args.layers,
    hidden: args.hidden,
    identityInit: false,
    seed,
  };
  const bijector =
    name === 'maf' ? new MAF(options) : name === 'nsf' ? new NSF(options) : new RealNVP(options);
  return new Flow(new StandardNormal({ eventShape: [args.dims] }), bijector);
}

/** Loss and weight gradients of each flow on a fixed batch, with the given weights (the first backend's). */
function flowGradients(weights: Record<string, number[][]> | null): {
  cases: Cases;
  weights: Record<string, number[][]>;
} {
  const cases: Cases = {};
  const used: Record<string, number[][]> = {};
  for (const name of ['realnvp', 'maf', 'nsf']) {
    const flow = makeFlow(name, 3);
    const given = weights?.[name];
    if (given) flow.bijector.variables.forEach((v, i) => v.assign(tf.tensor(given[i] as number[], v.shape)));
    used[name] = flow.bijector.variables.map((v) => Array.from(v.dataSync()));
    tf.tidy(() => {
      const x = tf.tensor2d(values(32 * args.dims, 60, 1.5), [32, args.dims]);
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(flow.logProb(x))) as tf.Scalar,
        flow.bijector.trainableVariables as tf.Variable[],
      );
      cases[`${name} loss and gradients`] = [
        ...value.dataSync(),
        ...Object.values(grads).flatMap((g) => Array.from(g.dataSync())),
      ];
    });
    flow.bijector.dispose();
  }
  return { cases, weights: used };
}

/** Counters on the webgl backend and the engine, reset per step. */
interface Counters {
  syncs: number;
  kernels: number;
  programs: number;
}

/** Wraps the backend's reads and program runs and the engine's kernel dispatch with counters. */
function instrument(): Counters {
  const counts: Counters = { syncs: 0, kernels: 0, programs: 0 };
  const backend = tf.backend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const engine = tf.engine() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const wrap = (
    target: Record<string, (...a: unknown[]) => unknown>,
    method: string,
    key: keyof Counters,
  ) => {
    const original = target[method] as (...a: unknown[]) => unknown;
    target[method] = function (this: unknown, ...a: unknown[]) {
      counts[key] += 1;
      return original.apply(this, a);
    };
  };
  wrap(backend, 'readSync', 'syncs');
  wrap(backend, 'read', 'syncs');
  wrap(backend, 'runWebGLProgram', 'programs');
  wrap(engine, 'runKernelFunc', 'kernels');
  return counts;
}

/** Switches the shader versions on (`after`) or back to the engine's read-back path (`before`, as before them). */
function useShaders(mode: string): void {
  if (mode === 'after') {
    registerWebglHostKernels();
    return;
  }
  for (const name of Object.keys(WEBGL_HOST_KERNELS))
    registerHostKernelBackend(name, 'webgl', (call) => call.fallback());
  // Before the shader versions the log-det unpacking had no webgl kernel (two constant products).
  tf.unregisterKernel('Bijective.UnpackLogDet', 'webgl');
}

/** Trains `name` for warm-up plus timed steps and reports the timed steps' figures. */
function trainSteps(name: string, mode: string, counts: Counters): StepReport {
  useShaders(mode);
  const flow = makeFlow(name, 1);
  const n = 4 * args.batch;
  const data = tf.tensor2d(values(n * args.dims, 70, 1.5), [n, args.dims]);
  const total = args.warmup + args.steps;
  const optimiser = new GuardedOptimiser(flow.bijector.variables, flow.bijector.trainableVariables, {
    steps: total,
    learningRate: 1e-3,
    clipNorm: 5,
  });
  let loss = NaN;
  let tensors = 0;
  let started = 0;
  for (let step = 0; step < total; step++) {
    if (step === args.warmup) {
      tensors = tf.memory().numTensors;
      counts.syncs = counts.kernels = counts.programs = 0;
      started = performance.now();
    }
    const offset = (step * args.batch) % (n - args.batch + 1);
    const rows = Array.from({ length: args.batch }, (_, i) => offset + i);
    ({ loss } = optimiser.step(step, () => {
      const x = tf.gather(data, tf.tensor1d(rows, 'int32'));
      return flow.trainingLoss(x, { seed: step });
    }));
    flow.afterTrainingStep();
  }
  const seconds = (performance.now() - started) / 1000;
  const report: StepReport = {
    flow: name,
    mode,
    steps: args.steps,
    syncsPerStep: counts.syncs / args.steps,
    kernelsPerStep: counts.kernels / args.steps,
    programsPerStep: counts.programs / args.steps,
    stepsPerSecond: args.steps / seconds,
    leaked: tf.memory().numTensors - tensors,
    finalLoss: loss,
  };
  optimiser.dispose();
  flow.bijector.dispose();
  data.dispose();
  return report;
}

async function main(): Promise<unknown> {
  // Start after the page's load event: the runs below block the page for a while, and the driver
  // waits for that event before it polls for the result.
  if (document.readyState !== 'complete')
    await new Promise((resolve) => addEventListener('load', resolve, { once: true }));
  await useBackend('webgl');
  const backend = tf.getBackend();
  const webglVersion = tf.env().getNumber('WEBGL_VERSION');
  const runs: StepReport[] = [];
  if (args.flows.length > 0) {
    const counts = instrument();
    for (const mode of args.modes) for (const name of args.flows) runs.push(trainSteps(name, mode, counts));
    registerWebglHostKernels();
  }
  let parity: { webgl: Cases; cpu: Cases } | null = null;
  if (args.parity) {
    const webglFlows = flowGradients(null);
    const webgl = { ...kernelCases(), ...webglFlows.cases };
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not switch to cpu for the reference run');
    const cpu = { ...kernelCases(), ...flowGradients(webglFlows.weights).cases };
    parity = { webgl, cpu };
  }
  return { backend, webglVersion, runs, parity };
}

main().then(
  (report) => (holder.__bijectiveResult = report),
  (e: unknown) =>
    (holder.__bijectiveResult = { crashed: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
