import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { correlatedGaussian } from '@bijective/test-support/gaussian-data';
import '@bijective/engine/gradients';
import { Affine, BatchNorm, Chain, LULinear, StandardNormal, Flow } from '@bijective/core';
import { fit } from './fit.js';
import type { FitState } from './fit-state.js';
import { DivergenceError } from './guarded-optimiser.js';
import { fitVariational } from './fit-variational.js';
import { meanNegLogProb } from './evaluate.js';
import { learningRateAtFraction } from './schedule.js';

/** Entropy of that Gaussian: log|det A| + d/2 (1 + log 2π). */
const TRUE_ENTROPY = Math.log(1) + (1 + Math.log(2 * Math.PI));

function linearFlow(withBatchNorm = false): Flow {
  const layers = [new LULinear({ eventShape: [2], seed: 1 }), new Affine({ eventShape: [2] })];
  if (withBatchNorm) layers.push(new BatchNorm({ eventShape: [2] }) as never);
  return new Flow(new StandardNormal({ eventShape: [2] }), new Chain(layers));
}

describe('fit', () => {
  test('maxSeconds stops at the wall-clock budget, validated, with the best weights kept', () => {
    const data = correlatedGaussian(2000, 3);
    const flow = linearFlow();
    const result = fit(flow, data, {
      steps: 1_000_000,
      batchSize: 64,
      maxSeconds: 0.5,
      validationEvery: 1e9,
    });
    expect(result.stopReason).toBe('time-limit');
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(1_000_000);
    expect(result.bestStep).toBe(result.steps); // the last step was validated before stopping
    expect(() => fit(flow, data, { steps: 2, maxSeconds: 0 })).toThrow(/maxSeconds/);
    flow.dispose();
    data.dispose();
  });

  test('maxSeconds without steps: the cosine schedule anneals over the budget, on the given clock', () => {
    const data = correlatedGaussian(512, 5);
    const flow = linearFlow();
    // A clock that advances 1 ms per reading: the budget is reached after a fixed number of readings.
    let readings = 0;
    const clock = (): number => readings++ * 1e-3;
    const rates: number[] = [];
    const totals: number[] = [];
    const result = fit(flow, data, {
      batchSize: 32,
      learningRate: 0.01,
      maxSeconds: 0.2,
      clock,
      validationFraction: 0,
      onProgress: (p) => {
        rates.push(p.learningRate);
        totals.push(p.totalSteps);
      },
    });
    expect(result.stopReason).toBe('time-limit');
    expect(result.steps).toBe(rates.length);
    expect(result.steps).toBeGreaterThan(20);
    expect(rates[0]).toBeCloseTo(0.01, 4); // full rate at the start of the budget
    expect(rates.at(-1) as number).toBeLessThan(0.01 * 0.01); // annealed to ~0 as the budget runs out
    for (let i = 1; i < rates.length; i++)
      expect(rates[i] as number).toBeLessThanOrEqual(rates[i - 1] as number);
    // Half-way through, the rate is about half the base rate: lr (1 + cos(π/2))/2.
    const middle = rates[Math.floor(rates.length / 2)] as number;
    expect(middle).toBeGreaterThan(0.004);
    expect(middle).toBeLessThan(0.006);
    expect(totals.at(-1)).toBe(result.steps); // the projected total ends at the steps run
    // With steps given, the schedule stays on steps (cosine over 1e6 steps barely moves).
    readings = 0;
    const onSteps: number[] = [];
    fit(flow, data, {
      steps: 1_000_000,
      learningRate: 0.01,
      maxSeconds: 0.2,
      clock,
      validationFraction: 0,
      onProgress: (p) => onSteps.push(p.learningRate),
    });
    expect(onSteps.at(-1) as number).toBeGreaterThan(0.0099);
    flow.dispose();
    data.dispose();
  });

  test('a resumed run on a time budget continues the schedule and the budget', () => {
    const data = correlatedGaussian(512, 6);
    const newFlow = () => linearFlow();
    let now = 0;
    const clock = (): number => now;
    const options = { batchSize: 32, learningRate: 0.01, maxSeconds: 20, clock, validationFraction: 0 };
    let saved: FitState | undefined;
    const first = newFlow();
    const rates: number[] = [];
    fit(first, data, {
      ...options,
      onProgress: (p) => {
        rates.push(p.learningRate);
        now += 1;
      },
      checkpoint: { due: (step) => step === 10, save: (s) => (saved = s) },
    });
    expect(rates).toHaveLength(21); // the step that starts at 20 s ends past the budget
    expect(saved?.seconds).toBe(10);
    now = 100; // a later process: its clock reads differently
    const resumed: number[] = [];
    const second = newFlow();
    const result = fit(second, data, {
      ...options,
      resume: saved,
      onProgress: (p) => {
        resumed.push(p.learningRate);
        now += 1;
      },
    });
    expect(result.steps).toBe(21);
    expect(resumed).toEqual(rates.slice(10));
    first.dispose();
    second.dispose();
    data.dispose();
  });

  test('learningRateAtFraction: the schedule at a fraction of a time budget', () => {
    expect(learningRateAtFraction('cosine', 2, 5, 0)).toBe(2);
    expect(learningRateAtFraction('cosine', 2, 5, 0.5)).toBeCloseTo(1, 12);
    expect(learningRateAtFraction('cosine', 2, 5, 1)).toBeCloseTo(0, 12);
    expect(learningRateAtFraction('cosine', 2, 5, 3)).toBeCloseTo(0, 12); // past the budget: clamped
    expect(learningRateAtFraction('constant', 2, 1, 0.5, 4)).toBe(1); // warm-up counts steps
    expect(learningRateAtFraction((step, total) => step / total, 1, 10, 0.25)).toBe(0.25); // projected total 40
    expect(() => learningRateAtFraction('linear' as never, 1, 0, 0)).toThrow(
      /unknown learning-rate schedule/,
    );
  });

  test('maximum likelihood reaches the true entropy on Gaussian data', () => {
    const data = correlatedGaussian(4000, 1);
    const test = correlatedGaussian(4000, 2);
    const flow = linearFlow();
    const before = meanNegLogProb(flow, test);
    const result = fit(flow, data, { steps: 400, batchSize: 256, learningRate: 2e-2, seed: 3 });
    const after = meanNegLogProb(flow, test);
    expect(before).toBeGreaterThan(TRUE_ENTROPY + 0.5);
    expect(after).toBeLessThan(TRUE_ENTROPY + 0.05);
    expect(result.bestValidationNll).not.toBeNull();
    flow.dispose();
    data.dispose();
    test.dispose();
  });

  test('tensor count is stable across steps after warm-up (batch norm included)', () => {
    const data = correlatedGaussian(512, 4);
    const flow = linearFlow(true);
    const counts: number[] = [];
    fit(flow, data, {
      steps: 30,
      batchSize: 64,
      validationEvery: 5,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    const afterWarmUp = counts.slice(6);
    expect(Math.max(...afterWarmUp)).toBe(Math.min(...afterWarmUp));
    flow.dispose();
    data.dispose();
  });

  test('validateStart keeps the initial weights when training only makes validation worse', () => {
    const big = correlatedGaussian(4000, 7);
    const few = correlatedGaussian(16, 8);
    const validation = correlatedGaussian(400, 9);
    const flow = linearFlow();
    fit(flow, big, { steps: 400, batchSize: 256, learningRate: 2e-2, seed: 3 });
    const initial = meanNegLogProb(flow, validation);
    // A well-fitted start, then 16 rows at a destructive constant rate: every step overfits or diverges.
    const result = fit(flow, few, {
      steps: 50,
      batchSize: 16,
      learningRate: 0.5,
      schedule: 'constant',
      validationData: validation,
      validationEvery: 1,
      patience: 3,
      validateStart: true,
    });
    expect(result.bestStep).toBe(0);
    expect(result.bestValidationNll).toBeCloseTo(initial, 6);
    expect(meanNegLogProb(flow, validation)).toBeCloseTo(initial, 5);
    expect(result.stopReason).toBe('early-stopped');
    flow.dispose();
    for (const t of [big, few, validation]) t.dispose();
  });

  test('validationScore replaces the validation NLL: best weights, early stopping and progress follow it', () => {
    const data = correlatedGaussian(256, 11);
    const validation = correlatedGaussian(64, 12);
    const flow = linearFlow();
    // A score that is best at the second pass (step 20) and worse afterwards, whatever the NLL does.
    const scripted = [5, 1, 4, 3, 2.5];
    const calls: number[] = [];
    const reported: number[] = [];
    let weightsAtBest: number[] = [];
    const result = fit(flow, data, {
      steps: 100,
      batchSize: 64,
      learningRate: 1e-2,
      validationData: validation,
      validationEvery: 10,
      patience: 3,
      validationScore: (f, v, context) => {
        expect(f).toBe(flow);
        expect(v).toBe(validation);
        expect(context).toBeUndefined();
        const score = scripted[calls.length] as number;
        calls.push(score);
        if (calls.length === 2) weightsAtBest = flow.variables.flatMap((w) => Array.from(w.dataSync()));
        return score;
      },
      onProgress: (p) => {
        if (p.validationNll !== undefined) reported.push(p.validationNll);
      },
    });
    expect(calls).toEqual([5, 1, 4, 3, 2.5]);
    expect(reported).toEqual(calls);
    expect(result.bestStep).toBe(20);
    expect(result.bestValidationNll).toBe(1);
    expect(result.stopReason).toBe('early-stopped');
    expect(flow.variables.flatMap((w) => Array.from(w.dataSync()))).toEqual(weightsAtBest);
    expect(() => fit(flow, data, { steps: 1, validationScore: 'nll' as unknown as () => number })).toThrow(
      /validationScore must be a function/,
    );
    flow.dispose();
    data.dispose();
    validation.dispose();
  });

  test('early stopping restores the best-validation weights', () => {
    const data = correlatedGaussian(64, 5);
    const validation = correlatedGaussian(64, 6);
    const flow = linearFlow();
    const trace: { step: number; validationNll?: number }[] = [];
    // A large learning rate overfits 64 rows and oscillates; patience 2 stops early.
    const result = fit(flow, data, {
      steps: 2000,
      batchSize: 64,
      learningRate: 0.3,
      schedule: 'constant',
      validationData: validation,
      validationEvery: 1,
      patience: 2,
      onProgress: (p) => trace.push(p),
    });
    expect(result.stopReason).toBe('early-stopped');
    expect(result.steps).toBeLessThan(2000);
    const best = Math.min(...trace.map((t) => t.validationNll ?? Infinity));
    expect(result.bestValidationNll).toBeCloseTo(best, 6);
    expect(meanNegLogProb(flow, validation)).toBeCloseTo(best, 4);
    flow.dispose();
    data.dispose();
    validation.dispose();
  });

  test('a non-finite loss stops with a clear error and keeps the last good weights', () => {
    const data = correlatedGaussian(256, 7);
    const flow = linearFlow();
    let steps = 0;
    const poisoned = tf.tidy(() => tf.concat([data, tf.tensor2d([[NaN, 0]])]));
    // NaN in the data itself is refused up front, naming the row.
    expect(() => fit(flow, poisoned, { steps: 1 })).toThrow(/row 256 holds a NaN/);
    const snapshot = flow.variables.map((v) => v.arraySync());
    expect(() =>
      fit(flow, data, {
        steps: 100,
        learningRate: 1e30,
        schedule: 'constant',
        validationFraction: 0,
        onProgress: () => steps++,
      }),
    ).toThrow(DivergenceError);
    const finite = flow.variables.every((v) => Array.from(v.dataSync()).every(Number.isFinite));
    expect(finite).toBe(true);
    expect(steps).toBeGreaterThan(0);
    expect(flow.variables.map((v) => v.arraySync())).not.toEqual(snapshot);
    flow.dispose();
    data.dispose();
    poisoned.dispose();
  });

  test('a run resumed from a checkpoint ends exactly as the uninterrupted run', () => {
    const data = correlatedGaussian(600, 9);
    const options = {
      steps: 90,
      batchSize: 64,
      learningRate: 2e-2,
      seed: 4,
      validationEvery: 10,
      clipNorm: 5,
    };
    const whole = linearFlow(true);
    const saved: FitState[] = [];
    const wholeResult = fit(whole, data, {
      ...options,
      checkpoint: { due: (step) => step === 37, save: (state) => saved.push(state) },
    });
    expect(saved.map((s) => s.step)).toEqual([37]);
    const state = saved[0] as FitState;
    // 540 training rows: 8 batches of 64 an epoch, so step 37 is the fifth batch of the fifth epoch.
    expect(state.sampler).toEqual({ epoch: 5, position: 320 });
    expect(state.optimiser.t).toBe(37);
    expect(state.best?.step).toBe(30);
    const resumed = linearFlow(true);
    const before = tf.memory().numTensors;
    const resumedResult = fit(resumed, data, { ...options, resume: state });
    expect(tf.memory().numTensors).toBe(before);
    expect(resumedResult.bestStep).toBe(wholeResult.bestStep);
    expect(resumedResult.bestValidationNll).toBe(wholeResult.bestValidationNll);
    expect(resumedResult.finalLoss).toBe(wholeResult.finalLoss);
    resumed.variables.forEach((v, i) =>
      expect(Array.from(v.dataSync())).toEqual(Array.from(whole.variables[i]!.dataSync())),
    );
    // A state of another flow is refused, naming the mismatch.
    const other = new Flow(new StandardNormal({ eventShape: [2] }), new Affine({ eventShape: [2] }));
    expect(() => fit(other, data, { ...options, resume: state })).toThrow(/saved arrays for/);
    other.dispose();
    whole.dispose();
    resumed.dispose();
    data.dispose();
  });

  test('bad options name the option', () => {
    const data = correlatedGaussian(16, 8);
    const flow = linearFlow();
    expect(() => fit(flow, data, { steps: 0 })).toThrow(/steps must be an integer >= 1/);
    expect(() => fit(flow, data, { batchSize: 2.5 })).toThrow(/batchSize must be an integer/);
    expect(() => fit(flow, data, { validationFraction: 2 })).toThrow(/validationFraction must be a number/);
    expect(() => fit(flow, data, { clipNorm: -1 })).toThrow(/clipNorm/);
    expect(() => fit(flow, data, { maxSeconds: 1, clock: 5 as never })).toThrow(/clock must be a function/);
    flow.dispose();
    data.dispose();
  });
});

describe('fitVariational', () => {
  test('maxSeconds stops at the wall-clock budget and reports the steps run', () => {
    const flow = linearFlow();
    const logTarget = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(x), 1));
    const result = fitVariational(flow, logTarget, {
      steps: 1_000_000,
      batchSize: 32,
      maxSeconds: 0.3,
      evaluationSamples: 64,
    });
    expect(result.stopReason).toBe('time-limit');
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(1_000_000);
    expect(fitVariational(flow, logTarget, { steps: 3, evaluationSamples: 16 }).stopReason).toBe('completed');
    expect(() => fitVariational(flow, logTarget, { steps: 2, maxSeconds: 0 })).toThrow(/maxSeconds/);
    flow.dispose();
  });
  test('maxSeconds without steps: the schedule anneals over the budget', () => {
    const flow = linearFlow();
    const logTarget = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(x), 1));
    const rates: number[] = [];
    const result = fitVariational(flow, logTarget, {
      batchSize: 8,
      learningRate: 0.01,
      maxSeconds: 1,
      evaluationSamples: 16,
      onProgress: (p) => rates.push(p.learningRate),
    });
    expect(result.stopReason).toBe('time-limit');
    expect(result.steps).toBe(rates.length);
    expect(rates[0]).toBeCloseTo(0.01, 3);
    for (let i = 1; i < rates.length; i++)
      expect(rates[i] as number).toBeLessThanOrEqual(rates[i - 1] as number);
    expect(rates.at(-1) as number).toBeLessThan(0.01 * 0.3); // the last step starts near the budget's end
    flow.dispose();
  });
  test('reverse KL fits a Gaussian target known only up to a constant', () => {
    const flow = linearFlow();
    const mean = tf.tensor1d([1, -1]);
    // log p̃(x) = -|x - m|² / (2·0.25) + 7: a Gaussian with sd 0.5 and an arbitrary constant.
    const logTarget = (x: tf.Tensor) => tf.add(tf.mul(-2, tf.sum(tf.square(tf.sub(x, mean)), 1)), 7);
    const result = fitVariational(flow, logTarget, {
      steps: 300,
      batchSize: 128,
      learningRate: 3e-2,
      seed: 1,
    });
    // KL(q‖p) - log Z with log Z = 7 + log(2π·0.25): at the optimum the loss is -log Z.
    const logZ = 7 + Math.log(2 * Math.PI * 0.25);
    expect(result.finalLoss).toBeCloseTo(-logZ, 1);
    // The final evaluation: q ≈ p, so the ELBO ≈ log Z and almost every importance weight counts;
    // a plain function declares no log Z, so no KL.
    expect(result.kl).toBeNull();
    expect(result.elbo).toBeCloseTo(logZ, 1);
    expect(result.ess).toBeGreaterThan(0.9);
    expect(result.samples).toBe(4096);
    const samples = flow.sample(4000, { seed: 2 });
    const { mean: m, variance } = tf.moments(samples, 0);
    Array.from(m.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([1, -1][i]!, 1));
    Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(0.25, 1));
    flow.dispose();
    mean.dispose();
  });
});
