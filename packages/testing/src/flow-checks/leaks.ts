import * as tf from '@tensorflow/tfjs-core';
import { CheckFailure } from '../failure.js';
import { contextFor, type FlowSubject } from '../flow-subject.js';
import type { FlowCheck } from './check.js';

/** (g, flows) logProb, sample and sampleAndLogProb create no tensors beyond the ones they return. */
export const flowLeaksCheck: FlowCheck<'leaks'> = {
  name: 'leaks',
  claim: 'logProb, sample and sampleAndLogProb create no tensors beyond the ones they return',
  run(s: FlowSubject) {
    const n = 8;
    const options = { seed: s.seed, ...contextFor(s, n) };
    const x = s.flow.sample(n, options);
    const calls: [string, () => tf.Tensor[]][] = [
      ['logProb(x)', () => [s.flow.logProb(x, options)]],
      ['sample(n)', () => [s.flow.sample(n, options)]],
      [
        'sampleAndLogProb(n)',
        () => {
          const r = s.flow.sampleAndLogProb(n, options);
          return [r.value, r.logProb];
        },
      ],
    ];
    for (const [what, call] of calls) {
      tf.dispose(call());
      const before = tf.memory().numTensors;
      const returned = call();
      const leaked = tf.memory().numTensors - before - returned.length;
      tf.dispose(returned);
      if (leaked !== 0) {
        throw new CheckFailure(
          `${what} left ${leaked} tensor(s) behind besides the ${returned.length} it returned`,
        );
      }
    }
  },
};
