import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectFinite } from '../compare.js';
import { contextFor, logProbTolerance, type FlowSubject } from '../flow-subject.js';
import type { FlowCheck } from './check.js';

/** Samples drawn per case. */
const SAMPLES = 64;

/**
 * (h, consistency) sample(n, {seed}) is reproducible and equals sampleAndLogProb(n, {seed}).value,
 * whose logProb equals logProb(value) (through the inverse: loosened for numerical inverses).
 */
export const sampleLogProbCheck: FlowCheck<'sample-log-prob'> = {
  name: 'sample-log-prob',
  claim: 'seeded samples are reproducible, and sampleAndLogProb returns sample() and logProb() of it',
  run(s: FlowSubject) {
    const opts = { seed: s.seed, ...contextFor(s, SAMPLES) };
    const fused = s.flow.sampleAndLogProb(SAMPLES, opts);
    const values = fused.value.dataSync();
    expectFinite('sampleAndLogProb().value', values, s.size);
    expectFinite('sampleAndLogProb().logProb', fused.logProb.dataSync(), 1);
    const again = s.flow.sample(SAMPLES, opts).dataSync();
    expectClose(
      'sample(n, {seed}) vs sampleAndLogProb(n, {seed}).value',
      again,
      values,
      s.tolerances.sampleLogProb,
      {
        rowSize: s.size,
      },
    );
    // tfjs's random ops take seed 0 for "no seed": a flow must map it to a fixed seed of its own.
    const hint = s.seed === 0 ? ' (tfjs random ops treat seed 0 as unseeded)' : '';
    expectClose(
      `sample(n, {seed}) drawn twice${hint}`,
      s.flow.sample(SAMPLES, opts).dataSync(),
      again,
      { abs: 0, rel: 0 },
      {
        rowSize: s.size,
      },
    );
    const logProb = s.flow.logProb(fused.value, contextFor(s, SAMPLES)).dataSync();
    expectClose(
      'sampleAndLogProb().logProb vs logProb(value)',
      fused.logProb.dataSync(),
      logProb,
      logProbTolerance(s, s.tolerances.sampleLogProb),
      { absScale: s.size },
    );
    tf.dispose(fused);
  },
};
