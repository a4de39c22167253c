// Shared check of the engine's wasm SIMD kernels: a flow evaluated with them switched on and off
// (tfjs's XNNPACK kernels) gives the same log-densities, samples, loss and parameter gradients.
import * as tf from '@tensorflow/tfjs-core';

/** The slice of a bijective `Flow` the check uses. */
export interface ParityFlow {
  logProb(x: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  sample(n: number, options?: { seed?: number }): tf.Tensor;
  readonly trainableVariables: readonly tf.Variable[];
}

/** max |a - b| / max(1, max |b|): the difference the parity checks bound. */
export function relativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(
    () => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]!),
  );
}

function evaluate(flow: ParityFlow, x: tf.Tensor2D) {
  const logProb = flow.logProb(x);
  const sample = flow.sample(64, { seed: 3 });
  const trainable = [...flow.trainableVariables];
  const { value, grads } = tf.variableGrads(
    () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
    trainable,
  );
  return [logProb, sample, value, ...trainable.map((v) => grads[v.name] as tf.Tensor)];
}

/**
 * The largest relative differences (log-density, sample, loss, worst parameter gradient) between
 * `flow` on x with `setSimd(true)` and with `setSimd(false)`; leaves the kernels switched on.
 */
export function simdParity(
  flow: ParityFlow,
  x: tf.Tensor2D,
  setSimd: (on: boolean) => void,
): { logProb: number; sample: number; loss: number; gradients: number } {
  setSimd(true);
  const on = evaluate(flow, x);
  setSimd(false);
  const off = evaluate(flow, x);
  setSimd(true);
  const [logProb, sample, loss, ...grads] = on.map((t, i) => relativeDifference(t, off[i]!));
  tf.dispose([...on, ...off]);
  return { logProb: logProb!, sample: sample!, loss: loss!, gradients: Math.max(...grads) };
}

/**
 * The kernels `flow.logProb(x)` and `flow.sample(n)` dispatch outside any tape (names, in order),
 * and the change in live tensors over three calls of each after the first: a flow whose layers run
 * as the engine's one-kernel wasm run shows `Bijective.WasmFusedRun` and no per-layer MLP kernels.
 */
export async function inferenceKernels(
  flow: ParityFlow,
  x: tf.Tensor2D,
): Promise<{ logProb: string[]; sample: string[]; leaked: number }> {
  const logProb = await tf.profile(() => flow.logProb(x));
  const sample = await tf.profile(() => flow.sample(x.shape[0], { seed: 3 }));
  tf.dispose([logProb.result as tf.Tensor, sample.result as tf.Tensor]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose([flow.logProb(x), flow.sample(x.shape[0], { seed: i })]);
  return {
    logProb: logProb.kernelNames,
    sample: sample.kernelNames,
    leaked: tf.memory().numTensors - before,
  };
}

/** The kernels one gradient step of −mean log p(x) dispatches (names, in order); the gradients are freed. */
export async function trainKernels(flow: ParityFlow, x: tf.Tensor2D): Promise<string[]> {
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
      [...flow.trainableVariables],
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  return info.kernelNames;
}

/**
 * The largest relative difference of `flow.logProb(x)` and `flow.sample(n)` between the engine's
 * one-kernel wasm run (`setRun(true)`) and the layer-by-layer path (`setRun(false)`); leaves the run on.
 */
export function fusedRunParity(flow: ParityFlow, x: tf.Tensor2D, setRun: (on: boolean) => void): number {
  const evaluate = () => [flow.logProb(x), flow.sample(x.shape[0], { seed: 11 })];
  setRun(true);
  const on = evaluate();
  setRun(false);
  const off = evaluate();
  setRun(true);
  const worst = Math.max(...on.map((t, i) => relativeDifference(t, off[i] as tf.Tensor)));
  tf.dispose([...on, ...off]);
  return worst;
}

/** Tensors left behind by `steps` maximum-likelihood gradient steps of `flow` on x (0: none leaked). */
export function trainStepLeaks(flow: ParityFlow, x: tf.Tensor2D, steps = 3): number {
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
        [...flow.trainableVariables],
      );
      tf.dispose(Object.values(grads));
    });
  }
  return tf.memory().numTensors - before;
}

/** Largest relative differences {@link simdParity} may show; defaults are float32 rounding of a small flow. */
export interface ParityLimits {
  logProb: number;
  sample: number;
  loss: number;
  gradients: number;
}

const DEFAULT_LIMITS: ParityLimits = { logProb: 1e-5, sample: 1e-5, loss: 1e-6, gradients: 1e-4 };

/**
 * What is wrong with `flow`'s kernels switched by `setSimd`, as readable lines (empty: nothing):
 * each {@link simdParity} difference over its limit, and tensors left behind by training steps
 * ({@link trainStepLeaks}). Tests assert `toEqual([])`, so a failure names every broken quantity.
 */
export function simdParityFailures(
  flow: ParityFlow,
  x: tf.Tensor2D,
  setSimd: (on: boolean) => void,
  limits: Partial<ParityLimits> = {},
): string[] {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  const parity = simdParity(flow, x, setSimd);
  const failures = (Object.keys(bounds) as (keyof ParityLimits)[])
    .filter((key) => !(parity[key] < bounds[key]))
    .map((key) => `${key}: relative difference ${parity[key]} is not below ${bounds[key]}`);
  const leaked = trainStepLeaks(flow, x);
  if (leaked !== 0) failures.push(`training steps left ${leaked} tensors behind`);
  return failures;
}
