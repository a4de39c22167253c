/**
 * What `train` reports about a flow's training objective: the objective itself on the training
 * rows (`trainLoss`), how many rows an ODE likelihood is evaluated on, and a sampling solve's NFE
 * for flows trained without solves (flow matching).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { CallRecord, getEntry, isRegistered, solveTelemetry, type Flow } from '@bijective/core';

/** Rows on which the ODE likelihood of a continuous flow is evaluated for the reported train/val NLLs. */
export const CONTINUOUS_NLL_ROWS = 4096;

/** Rows per evaluation of a flow's own objective. */
const OBJECTIVE_BATCH = 1024;

/** Whether the registered flow `name` is continuous (tag `continuous`: each density is an ODE solve). */
export function isContinuousFlow(name: string): boolean {
  return isRegistered('bijector', name) && (getEntry('bijector', name).tags ?? []).includes('continuous');
}

/**
 * The flow's own training objective (`Flow.trainingLoss`, e.g. the flow-matching loss) averaged over
 * `x` in batches with fixed seeds, or null for a likelihood-trained flow (its trainLoss is the NLL).
 */
export function ownObjective(flow: Flow, x: tf.Tensor, context: tf.Tensor | undefined): number | null {
  if (flow.bijector.trainingLoss === undefined) return null;
  const n = x.shape[0] as number;
  let sum = 0;
  for (let start = 0, batch = 0; start < n; start += OBJECTIVE_BATCH, batch++) {
    const size = Math.min(OBJECTIVE_BATCH, n - start);
    const loss = tf.tidy(() => {
      const rows = tf.slice(x, start, size);
      const c = context ? tf.slice(context, start, size) : undefined;
      return flow.trainingLoss(rows, { context: c, seed: 0x5eed + batch }).dataSync()[0] as number;
    });
    sum += loss * size;
  }
  return sum / n;
}

/** Mean NFE of one sampling (forward) solve of `n` rows, for flows whose training ran no solve. */
export function samplingNfe(flow: Flow, n: number, context: tf.Tensor | undefined): number | undefined {
  const record = new CallRecord();
  try {
    tf.tidy(() => {
      const rows = context ? Math.min(n, context.shape[0] as number) : n;
      const c = context ? tf.slice(context, 0, rows) : undefined;
      flow.bijector.forward(flow.base.sample(rows, { seed: 1 }), { context: c, record });
    });
    return solveTelemetry(record.counters).nfeForward;
  } finally {
    record.dispose();
  }
}
