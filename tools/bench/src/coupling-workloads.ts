import * as tf from '@tensorflow/tfjs-core';
import { Flow, StandardNormal, create, hostRng, type Bijector } from '@bijective/core';
import { Adam } from '@bijective/train';
import '@bijective/coupling';
import { opsBaseDensity } from './coupling-backends.js';
import { medianSecondsPerCall, type TimingOptions } from './coupling-timing.js';

/** One benchmarked architecture: the flow's registry name, its options and the batch size. */
export interface Workload {
  /**
   * The registry name: `nice` or `realnvp` (registered here); `maf` or `nsf` once their packages are
   * imported; `nsf-ar` is `nsf` with `transform: 'autoregressive'`.
   */
  flow: 'nice' | 'realnvp' | 'maf' | 'nsf' | 'nsf-ar';
  /** Event size d. */
  dims: number;
  /** Layers (couplings or autoregressive layers). */
  layers: number;
  /** Hidden widths of each conditioner. */
  hidden: number[];
  /** Minibatch (train) and evaluation batch size. */
  batch: number;
}

/** Throughputs of one workload on one backend. */
export interface Throughput {
  /** Train steps per second: minibatch gather, -mean log p, gradients, Adam update, loss read back. */
  trainStepsPerSecond: number;
  /** Examples per second of `Flow.logProb` (read back). */
  logProbExamplesPerSecond: number;
  /** Examples per second of `Flow.sample` (read back). */
  sampleExamplesPerSecond: number;
  /** Training loss after the timed steps (a sanity check that training ran). */
  finalLoss: number;
  /** Tensors alive after the timed calls minus before (must be 0). */
  leakedTensors: number;
}

/** 8 Gaussians of s.d. 0.3 on the circle of radius 2 (zeros beyond the first two dimensions), as the reference draws. */
function mixture(n: number, d: number, seed: number): tf.Tensor2D {
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

/** The standard normal base as main 8189f2e had it: its density and the flow's add as tfjs ops. */
class MainStandardNormal extends StandardNormal {
  override logProbPlus(z: tf.Tensor, logDet: tf.Tensor): tf.Tensor {
    return tf.add(this.logProb(z), logDet);
  }
}

/** A workload's flow and optimiser, ready to train on 8 Gaussians: its train step, log-density and sampling calls. */
export interface WorkloadSession {
  /** One train step: minibatch gather, -mean log p, gradients, Adam update, loss read back. */
  trainStep(): void;
  /** `Flow.logProb` of one evaluation batch, read back. */
  logProb(): void;
  /** `Flow.sample` of one batch, read back. */
  sample(): void;
  /** Training loss after the last step. */
  readonly loss: number;
  /** Frees the flow, the optimiser and the data. */
  dispose(): void;
}

/** Builds `w` on the active backend (its first train step already taken: Adam's buffers exist). */
export function workloadSession(w: Workload): WorkloadSession {
  const common = { eventShape: [w.dims], layers: w.layers, hidden: w.hidden, seed: 0 };
  const bijector: Bijector =
    w.flow === 'nsf-ar'
      ? create('bijector', 'nsf', { ...common, transform: 'autoregressive' })
      : create('bijector', w.flow, common);
  const flow = new Flow(
    opsBaseDensity
      ? new MainStandardNormal({ eventShape: [w.dims] })
      : new StandardNormal({ eventShape: [w.dims] }),
    bijector,
  );
  const data = mixture(8192, w.dims, 1);
  const evalBatch = tf.slice(data, [0, 0], [w.batch, w.dims]);
  const adam = new Adam();
  const trainable = flow.trainableVariables as tf.Variable[];
  const rng = hostRng(2);
  let loss = NaN;
  const session: WorkloadSession = {
    trainStep() {
      const rows = Int32Array.from({ length: w.batch }, () => rng.int(8192));
      loss = tf.tidy(() => {
        const x = tf.gather(data, tf.tensor1d(rows, 'int32'));
        const { value, grads } = tf.variableGrads(
          () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
          trainable,
        );
        adam.apply(trainable, grads, 1e-3);
        return value.dataSync()[0] as number;
      });
    },
    // The values are read back inside the tidy and not returned from it: tfjs's tidy walks a returned
    // typed array element by element looking for tensors (~0.2 µs an element, ~100 µs for 512 floats),
    // a cost of the bench's wrapping that the reference (`.sum().item()`) has no counterpart of.
    logProb: () => tf.tidy(() => void flow.logProb(evalBatch).dataSync()),
    sample: () => tf.tidy(() => void flow.sample(w.batch).dataSync()),
    get loss() {
      return loss;
    },
    dispose() {
      adam.dispose();
      flow.dispose();
      data.dispose();
      evalBatch.dispose();
    },
  };
  session.trainStep();
  return session;
}

/** Measures train-step, log-density and sampling throughput of `w` on the active backend. */
export function measure(w: Workload, timing: TimingOptions): Throughput {
  const session = workloadSession(w);
  const before = tf.memory().numTensors;
  const train = medianSecondsPerCall(() => session.trainStep(), timing);
  const lp = medianSecondsPerCall(() => session.logProb(), timing);
  const smp = medianSecondsPerCall(() => session.sample(), timing);
  const leakedTensors = tf.memory().numTensors - before;
  const finalLoss = session.loss;
  session.dispose();
  return {
    trainStepsPerSecond: 1 / train,
    logProbExamplesPerSecond: w.batch / lp,
    sampleExamplesPerSecond: w.batch / smp,
    finalLoss,
    leakedTensors,
  };
}
