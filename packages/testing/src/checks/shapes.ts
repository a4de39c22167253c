import * as tf from '@tensorflow/tfjs-core';
import { formatShape, sameShape } from '@bijective/core';
import { expectFinite } from '../compare.js';
import { CheckFailure } from '../failure.js';
import { callOptions, eventSizes, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

function expectShape(what: string, t: tf.Tensor, shape: readonly number[]): void {
  if (!sameShape(t.shape, shape)) {
    throw new CheckFailure(`${what} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  }
}

function expectShapeError(what: string, call: () => unknown): void {
  try {
    call();
  } catch (e) {
    if ((e as { code?: unknown }).code === 'shape') return;
    throw new CheckFailure(`${what} threw ${String(e)}, expected a ShapeError (BijectiveError code 'shape')`);
  }
  throw new CheckFailure(`${what} did not throw; expected a ShapeError`);
}

/** Output shapes are `[batch, ...event]` and `[batch]`, outputs finite, and wrong input shapes rejected. */
export const shapesCheck: BijectorCheck<'shapes'> = {
  name: 'shapes',
  claim:
    'fused calls return [batch, ...event] values and [batch] finite log-dets; wrong shapes throw a ShapeError',
  run(s: BijectorSubject) {
    const { bijector: b } = s;
    const { batch, n, m } = eventSizes(s);
    const o = callOptions(s);
    const fwd = b.forwardAndLogDet(s.x, o);
    expectShape('forwardAndLogDet(x).value', fwd.value, [batch, ...b.outputEventShape]);
    expectShape('forwardAndLogDet(x).logDet', fwd.logDet, [batch]);
    expectFinite('forwardAndLogDet(x).value', fwd.value.dataSync(), m);
    expectFinite('forwardAndLogDet(x).logDet', fwd.logDet.dataSync(), 1);
    const inv = b.inverseAndLogDet(s.y, o);
    expectShape('inverseAndLogDet(y).value', inv.value, [batch, ...b.eventShape]);
    expectShape('inverseAndLogDet(y).logDet', inv.logDet, [batch]);
    expectFinite('inverseAndLogDet(y).value', inv.value.dataSync(), n);
    expectFinite('inverseAndLogDet(y).logDet', inv.logDet.dataSync(), 1);
    const badX = tf.expandDims(s.x, -1);
    const badY = tf.expandDims(s.y, -1);
    expectShapeError(`forward of a ${formatShape(badX.shape)} input`, () => b.forward(badX, o));
    expectShapeError(`inverse of a ${formatShape(badY.shape)} input`, () => b.inverse(badY, o));
  },
};
