import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import '@bijective/engine/gradients';
import { Affine, Chain, Flow, LULinear, StandardNormal } from '@bijective/core';
import { fit, type FitResult } from './fit.js';
import { fitAsync } from './fit-async.js';

function data(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.add(
      tf.mul(tf.randomNormal([n, 2], 0, 1, 'float32', seed), tf.tensor1d([2, 0.5])),
      tf.tensor1d([1, -2]),
    ),
  ) as tf.Tensor2D;
}

function linearFlow(): Flow {
  return new Flow(
    new StandardNormal({ eventShape: [2] }),
    new Chain([new LULinear({ eventShape: [2], seed: 1 }), new Affine({ eventShape: [2] })]),
  );
}

function weights(flow: Flow): number[] {
  return flow.variables.flatMap((v) => Array.from(v.dataSync()));
}

/** The result less its wall-clock figure. */
function comparable(result: FitResult): Omit<FitResult, 'secondsPerStep'> {
  const { secondsPerStep, ...rest } = result;
  expect(secondsPerStep).toBeGreaterThan(0);
  return rest;
}

describe('fitAsync', () => {
  test('gives the same result and weights as fit for the same seed', async () => {
    const x = data(600, 1);
    const options = { steps: 60, batchSize: 64, learningRate: 2e-2, seed: 5, validationEvery: 10 };
    const syncFlow = linearFlow();
    const syncResult = fit(syncFlow, x, options);
    const asyncFlow = linearFlow();
    const losses: number[] = [];
    const asyncResult = await fitAsync(asyncFlow, x, {
      ...options,
      yieldEveryMs: 0,
      onProgress: ({ loss }) => losses.push(loss),
    });
    expect(comparable(asyncResult)).toEqual(comparable(syncResult));
    expect(weights(asyncFlow)).toEqual(weights(syncFlow));
    expect(losses).toHaveLength(60);
    expect(losses[59]).toBeLessThan(losses[0] as number);
    syncFlow.dispose();
    asyncFlow.dispose();
    x.dispose();
  });

  test('hands the event loop turns: a timer fires while training runs', async () => {
    const x = data(400, 2);
    const flow = linearFlow();
    const stepsWhenFired: number[] = [];
    let step = 0;
    const ticker = setInterval(() => stepsWhenFired.push(step), 1);
    try {
      await fitAsync(flow, x, {
        steps: 80,
        batchSize: 64,
        yieldEveryMs: 0,
        onProgress: (p) => {
          step = p.step;
          const until = performance.now() + 0.5; // make each step outlast the 1 ms timer
          while (performance.now() < until);
        },
      });
    } finally {
      clearInterval(ticker);
    }
    expect(stepsWhenFired.some((s) => s > 0 && s < 80)).toBe(true);
    flow.dispose();
    x.dispose();
  });

  test('an abort stops the run after the current step, rejects with the reason and leaks no tensor', async () => {
    const x = data(400, 3);
    const flow = linearFlow();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let last = 0;
    const run = fitAsync(flow, x, {
      steps: 1000,
      batchSize: 64,
      validationEvery: 5,
      yieldEveryMs: 0,
      signal: controller.signal,
      onProgress: ({ step }) => {
        last = step;
        if (step === 25) controller.abort(new Error('stopped by the test'));
      },
    });
    await expect(run).rejects.toThrow('stopped by the test');
    expect(last).toBe(25);
    expect(tf.memory().numTensors).toBe(before);
    await expect(fitAsync(flow, x, { steps: 5, signal: controller.signal })).rejects.toThrow(
      'stopped by the test',
    );
    expect(tf.memory().numTensors).toBe(before);
    flow.dispose();
    x.dispose();
  });

  test('tensor count is stable across steps', async () => {
    const x = data(400, 4);
    const flow = linearFlow();
    const counts: number[] = [];
    await fitAsync(flow, x, {
      steps: 30,
      batchSize: 64,
      validationEvery: 5,
      yieldEveryMs: 0,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(5)).size).toBe(1);
    flow.dispose();
    x.dispose();
  });
});
