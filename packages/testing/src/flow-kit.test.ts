import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  Flow,
  StandardNormal,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkFlow, flowFailures } from './flow-kit.js';
import type { FlowUnderTest } from './flow-subject.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * y = exp(σ·x + μ) elementwise with σ = 0.6, μ = 0.3: a log-normal flow (skewed, support y > 0,
 * so the grid's negative half has NaN log-densities). log|det J| = Σ (log σ + σx + μ).
 */
class TestLogNormal extends BaseBijector {
  readonly name = 'test/log-normal';
  constructor(
    d: number,
    private readonly logDetFactor = 1,
  ) {
    super({ eventShape: [d] });
  }
  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }
  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const u = tf.add(tf.mul(x, 0.6), 0.3);
    return { value: tf.exp(u), logDet: tf.mul(tf.sum(tf.add(u, Math.log(0.6)), 1), this.logDetFactor) };
  }
  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const u = tf.log(y);
    return {
      value: tf.div(tf.sub(u, 0.3), 0.6),
      logDet: tf.mul(tf.sum(tf.add(u, Math.log(0.6)), 1), -this.logDetFactor),
    };
  }
}

const logNormalFlow =
  (logDetFactor = 1) =>
  (d: number) =>
    new Flow(new StandardNormal({ eventShape: [d] }), new TestLogNormal(d, logDetFactor));

describe('checkFlow', () => {
  test('passes a correct flow in 1, 2 and 3 dimensions', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      checkFlow('test/log-normal', logNormalFlow(), { eventSizes: [1, 2, 3], numRuns: 3 }),
    ).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('catches a density off by a factor (wrong log-det) by quadrature and by importance sampling', () => {
    const grid = flowFailures('test/double', logNormalFlow(2), { eventSizes: [1, 2], numRuns: 2 });
    expect(grid.map((f) => f.check)).toEqual(['normalization', 'goodness-of-fit']);
    expect(grid[0]!.problem).toMatch(
      /∫ exp\(logProb\) by grid quadrature is .* \(.* on a grid of half the cells\), expected 1 ± /,
    );
    expect(grid[1]!.problem).toMatch(/chi-square of 2000 samples vs the density is .* \(z = .* > 4.75\)/);
    const importance = flowFailures('test/double', logNormalFlow(2), {
      eventSizes: [3],
      numRuns: 1,
      checks: ['normalization'],
    });
    expect(importance[0]!.problem).toMatch(
      /by importance sampling is .* ± .* \(SE\), expected 1 within 4 SE/,
    );
    expect(importance[0]!.counterexample).toMatch(/^event size 3 \(event shape \[3\]\), seed \d+$/);
  });

  test('catches samples that disagree with the density', () => {
    // Samples from the log-normal, density of the standard normal: normalised, but not the sampler's.
    const mismatched = (d: number): FlowUnderTest => {
      const flow = logNormalFlow()(d);
      const base = new StandardNormal({ eventShape: [d] });
      return {
        eventShape: flow.eventShape,
        logProb: (x) => base.logProb(x),
        sample: (n, o) => flow.sample(n, o),
        sampleAndLogProb: (n, o) => flow.sampleAndLogProb(n, o),
        dispose: () => flow.dispose(),
      };
    };
    // endOnFailure: report the first failing case unshrunk (shrinking moves towards seed 0, which
    // tfjs's random ops treat as "no seed").
    const failures = flowFailures('test/mismatch', mismatched, {
      eventSizes: [1, 2],
      numRuns: 2,
      endOnFailure: true,
    });
    // The quadrature box is drawn around the samples, so the misplaced density also loses mass.
    expect(failures.map((f) => f.check)).toEqual(['sample-log-prob', 'normalization', 'goodness-of-fit']);
    expect(failures[0]!.problem).toMatch(/sampleAndLogProb\(\)\.logProb vs logProb\(value\): at row \d+ got/);
  });

  test('catches unseeded sampling and leaking calls', () => {
    const sloppy = (d: number): FlowUnderTest => {
      const flow = logNormalFlow()(d);
      return {
        eventShape: flow.eventShape,
        logProb: (x, o) => {
          tf.keep(tf.zeros([1]));
          return flow.logProb(x, o);
        },
        sample: (n) => flow.sample(n),
        sampleAndLogProb: (n, o) => flow.sampleAndLogProb(n, o),
        dispose: () => flow.dispose(),
      };
    };
    const failures = flowFailures('test/sloppy', sloppy, {
      numRuns: 1,
      checks: ['sample-log-prob', 'leaks'],
    });
    expect(failures.map((f) => f.problem)).toEqual([
      expect.stringMatching(/^sample\(n, \{seed\}\) vs sampleAndLogProb\(n, \{seed\}\)\.value/),
      'logProb(x) left 1 tensor(s) behind besides the 1 it returned',
    ]);
  });
});
