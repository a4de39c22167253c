import * as tf from '@tensorflow/tfjs-core';
import { CallRecord, Flow, StandardNormal, hostRng, solveTelemetry } from '@bijective/core';
import { Adam } from '@bijective/train';
import { ConcatSquashField, Ffjord, type FfjordOptions } from '@bijective/cnf';
import { ExactTrace, HutchinsonTrace, type TraceEstimator } from '@bijective/trace';

/** The benchmarked CNF: FFJORD's concat-squash field d -> hidden... -> d with tanh, on a batch. */
export interface CnfWorkload {
  /** Event size d. */
  dims: number;
  /** Hidden widths. */
  hidden: number[];
  /** Batch size. */
  batch: number;
}

/** n rows of 8 Gaussians of s.d. 0.3 on the circle of radius 2 (zeros beyond the first two dimensions), as the reference draws. */
export function eightGaussians(n: number, d: number, seed: number): tf.Tensor2D {
  const rng = hostRng(seed);
  const values = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * rng.int(8)) / 8;
    for (let j = 0; j < d; j++) {
      const centre = j === 0 ? 2 * Math.cos(angle) : j === 1 ? 2 * Math.sin(angle) : 0;
      values[i * d + j] = centre + 0.3 * rng.normal();
    }
  }
  return tf.tensor2d(values, [n, d]);
}

/** One field evaluation with its trace (Hutchinson with a Rademacher probe, or exact), with and without the parameter gradient. */
export interface FieldSession {
  /** f(z, t) and tr(∂f/∂z) (estimated with the fixed probe, or exact), read back. */
  forward(): void;
  /** The same, then gradients of Σ w⊙f + Σ tr with respect to every field parameter, read back. */
  forwardBackward(): void;
  /** Frees everything. */
  dispose(): void;
}

/** A field evaluation session on the active backend; `trace` picks the estimator (exact: d basis probes in one batched VJP). */
export function fieldSession(w: CnfWorkload, trace: 'hutchinson' | 'exact' = 'hutchinson'): FieldSession {
  const field = new ConcatSquashField({
    stateSize: w.dims,
    hidden: w.hidden,
    activation: 'tanh',
    contextSize: 0,
    zeroInitOutput: false,
    seed: 0,
  });
  const estimator: TraceEstimator = trace === 'exact' ? new ExactTrace() : new HutchinsonTrace('rademacher');
  const z = eightGaussians(w.batch, w.dims, 1);
  const probe = estimator.createProbe(z.shape, 2);
  const weights = tf.randomNormal(z.shape, 0, 1, 'float32', 3);
  const t = tf.scalar(0.3);
  const one = tf.scalar(1);
  // The flow's path: f with its analytic vector-Jacobian product (one fused op per evaluation), and
  // where the wasm kernels run, f with the trace contracted in the same kernel (as FFJORD's solves
  // call it, here at T = 1, t = 0.3).
  const f = Object.assign((x: tf.Tensor) => field.apply(x as tf.Tensor2D, t), {
    valueAndVjp: (x: tf.Tensor, e: tf.Tensor) => field.valueAndVjp(x as tf.Tensor2D, t, e as tf.Tensor2D),
    valueAndVjps: (x: tf.Tensor, e: tf.Tensor) => field.valueAndVjp(x as tf.Tensor2D, t, e as tf.Tensor2D),
    ...(field.traceKernelAvailable()
      ? {
          valueAndTrace: (x: tf.Tensor, probes: tf.Tensor, weight: number) =>
            field.scaledValueAndTrace(x as tf.Tensor2D, { probes, s: 0.3, T: one, weight }),
        }
      : {}),
  });
  return {
    forward() {
      tf.tidy(() => {
        const { value, trace } = estimator.estimate(f, z, probe);
        tf.sum(value).dataSync();
        trace.dataSync();
      });
    },
    forwardBackward() {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const { value, trace } = estimator.estimate(f, z, probe);
          return tf.add(tf.sum(tf.mul(value, weights)), tf.sum(trace)) as tf.Scalar;
        }, field.variables);
        tf.stack(Object.values(grads).map((g) => tf.sum(g))).dataSync();
      });
    },
    dispose() {
      field.dispose();
      tf.dispose([z, probe, weights, t, one]);
    },
  };
}

/** FFJORD training steps: −mean log p with the Hutchinson trace, backpropagation, Adam; with its telemetry. */
export interface TrainSession {
  /** One step: minibatch, loss, gradients, Adam update, loss read back. */
  step(): void;
  /** Loss of the last step. */
  readonly loss: number;
  /** Mean NFE per solve of the last step, forward and backward. */
  readonly nfe: { forward: number; backward: number };
  /** Frees everything. */
  dispose(): void;
}

/** An FFJORD training session on the active backend (learned T as in FFJORD, lr 1e-3). */
export function trainSession(
  w: CnfWorkload,
  options: Partial<FfjordOptions>,
  data?: tf.Tensor2D,
): TrainSession {
  const cnf = new Ffjord({
    eventShape: [w.dims],
    hidden: w.hidden,
    identityInit: false,
    seed: 0,
    ...options,
  });
  const flow = new Flow(new StandardNormal({ eventShape: [w.dims] }), cnf);
  const rows = data ?? eightGaussians(8192, w.dims, 1);
  const adam = new Adam();
  const trainable = flow.trainableVariables as tf.Variable[];
  const rng = hostRng(4);
  let loss = NaN;
  let nfe = { forward: NaN, backward: NaN };
  return {
    step() {
      const record = new CallRecord();
      loss = tf.tidy(() => {
        const index = tf.tensor1d(
          Array.from({ length: w.batch }, () => rng.int(rows.shape[0])),
          'int32',
        );
        const x = tf.gather(rows, index);
        const { value, grads } = tf.variableGrads(
          () => record.penalise(tf.neg(tf.mean(flow.logProb(x, { training: true, record }))) as tf.Scalar),
          trainable,
        );
        adam.apply(trainable, grads, 1e-3);
        return value.dataSync()[0] as number;
      });
      record.dispose();
      const t = solveTelemetry(record.counters);
      nfe = { forward: t.nfeForward ?? NaN, backward: t.nfeBackward ?? NaN };
    },
    get loss() {
      return loss;
    },
    get nfe() {
      return nfe;
    },
    dispose() {
      flow.dispose();
      adam.dispose();
      if (!data) rows.dispose();
    },
  };
}
