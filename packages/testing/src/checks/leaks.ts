import * as tf from '@tensorflow/tfjs-core';
import type { ValueAndLogDet } from '@bijective/core';
import { CheckFailure } from '../failure.js';
import { callOptions, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

type Output = tf.Tensor | ValueAndLogDet;

function outputs(out: Output): tf.Tensor[] {
  return out instanceof tf.Tensor ? [out] : [out.value, out.logDet];
}

/**
 * (g) No public call leaves a tensor behind: after a warm-up call (which may create variables
 * lazily, as data-dependent initialisation does), each call raises `tf.memory().numTensors` by
 * exactly the tensors it returns, and disposing them restores the count.
 */
export const leaksCheck: BijectorCheck<'leaks'> = {
  name: 'leaks',
  claim: 'forward, inverse and the fused calls create no tensors beyond the ones they return',
  run(s: BijectorSubject) {
    const b = s.bijector;
    const o = callOptions(s);
    const calls: [string, () => Output][] = [
      ['forward(x)', () => b.forward(s.x, o)],
      ['inverse(y)', () => b.inverse(s.y, o)],
      ['forwardAndLogDet(x)', () => b.forwardAndLogDet(s.x, o)],
      ['inverseAndLogDet(y)', () => b.inverseAndLogDet(s.y, o)],
    ];
    for (const [what, call] of calls) {
      outputs(call()).forEach((t) => t.dispose());
      const before = tf.memory().numTensors;
      const returned = outputs(call());
      const leaked = tf.memory().numTensors - before - returned.length;
      returned.forEach((t) => t.dispose());
      if (leaked !== 0) {
        throw new CheckFailure(
          `${what} left ${leaked} tensor(s) behind besides the ${returned.length} it returned`,
        );
      }
    }
  },
};
