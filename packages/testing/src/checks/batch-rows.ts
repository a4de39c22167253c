import * as tf from '@tensorflow/tfjs-core';
import type { CallOptions, ValueAndLogDet } from '@bijective/core';
import { expectClose } from '../compare.js';
import type { Tolerance } from '../tolerance.js';
import { callOptions, eventSizes, inverseTolerance, row, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** Compares a fused call on the whole batch with the same call on each row alone. */
function compareRows(
  s: BijectorSubject,
  what: string,
  call: (t: tf.Tensor, o: CallOptions) => ValueAndLogDet,
  input: tf.Tensor,
  rowSize: number,
  tolerance: Tolerance,
): void {
  const { batch, n } = eventSizes(s);
  const whole = call(input, callOptions(s));
  const rows = Array.from({ length: batch }, (_, r) => {
    const o: CallOptions = s.context ? { training: false, context: row(s.context, r) } : { training: false };
    return call(row(input, r), o);
  });
  const values = tf.concat(rows.map((r) => r.value));
  const logDets = tf.concat(rows.map((r) => r.logDet));
  expectClose(
    `${what}.value of each row alone vs in the batch`,
    values.dataSync(),
    whole.value.dataSync(),
    tolerance,
    {
      rowSize,
    },
  );
  expectClose(
    `${what}.logDet of each row alone vs in the batch`,
    logDets.dataSync(),
    whole.logDet.dataSync(),
    tolerance,
    {
      absScale: n,
    },
  );
}

/** (e) Rows are independent: a batch maps (values and log-dets) exactly as its rows one by one, in eval mode. */
export const batchRowsCheck: BijectorCheck<'batch-rows'> = {
  name: 'batch-rows',
  claim: 'a batch gives the same values and log-dets as its rows evaluated one by one (eval mode)',
  run(s: BijectorSubject) {
    const { n, m } = eventSizes(s);
    const b = s.bijector;
    compareRows(s, 'forwardAndLogDet(x)', (t, o) => b.forwardAndLogDet(t, o), s.x, m, s.tolerances.batchRows);
    compareRows(
      s,
      'inverseAndLogDet(y)',
      (t, o) => b.inverseAndLogDet(t, o),
      s.y,
      n,
      inverseTolerance(s, s.tolerances.batchRows),
    );
  },
};
