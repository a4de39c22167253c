/**
 * Tells an ODE flow (FFJORD, flow matching) from the others by what its log-density does.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { CallRecord, solveTelemetry, type Flow } from '@bijective/core';

/**
 * Whether `flow.logProb` solves an ODE (it records solves in a CallRecord): the page then
 * validates, tests and draws on fewer rows. Decided by what the flow does, not by a timing, so a
 * run and its reloaded model are scored on the same rows.
 */
export function solvesOde(flow: Flow, rows: tf.Tensor2D): boolean {
  const record = new CallRecord();
  try {
    tf.tidy(() => flow.logProb(tf.slice(rows, 0, Math.min(4, rows.shape[0])), { record }).dataSync());
    return solveTelemetry(record.counters).nfeForward !== undefined;
  } finally {
    record.dispose();
  }
}
