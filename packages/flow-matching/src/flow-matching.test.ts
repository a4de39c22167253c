import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  Affine,
  CallRecord,
  Chain,
  Flow,
  GaussianMixture,
  OptionError,
  RegistryError,
  ShapeError,
  StandardNormal,
  createByName,
  hostRng,
  solveTelemetry,
} from '@bijective/core';
import { reloadFlow } from '@bijective/testing';
import { fit } from '@bijective/train';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FlowMatching, type FlowMatchingOptions } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** n rows of a 2-D mixture of two Gaussians (label = side), seeded. */
function mixture(n: number, seed: number): { x: tf.Tensor2D; label: tf.Tensor2D } {
  const rng = hostRng(seed);
  const rows: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const side = rng.uniform() < 0.5 ? -1 : 1;
    rows.push([1.5 * side + 0.3 * rng.normal(), side + 0.3 * rng.normal()]);
    labels.push([side]);
  }
  return { x: tf.tensor2d(rows), label: tf.tensor2d(labels) };
}

function flowOf(options: Partial<FlowMatchingOptions> = {}): Flow {
  const fm = new FlowMatching({ eventShape: [2], hidden: [32, 32], seed: 3, ...options });
  return new Flow(new StandardNormal({ eventShape: [2] }), fm);
}

const lossOf = (flow: Flow, x: tf.Tensor, seed: number, context?: tf.Tensor) =>
  tf.tidy(() => flow.trainingLoss(x, { seed, context }).dataSync()[0] as number);

/** The mean loss over a few fixed seeds (the objective is stochastic). */
const meanLoss = (flow: Flow, x: tf.Tensor, context?: tf.Tensor) =>
  [1, 2, 3, 4].reduce((s, seed) => s + lossOf(flow, x, seed, context), 0) / 4;

describe('flow-matching', () => {
  test('the training loss is the regression onto the OT path: ‖v − u‖² with v ≡ 0 at the identity start', () => {
    const { x, label } = mixture(64, 1);
    const flow = flowOf({ path: 'ot', sigmaMin: 0.2 });
    // v ≡ 0: the loss is E‖x1 − 0.8 x0‖² = E‖x1‖² + 0.64 d over the batch.
    const expected = tf.tidy(() => tf.mean(tf.sum(tf.square(x), 1)).dataSync()[0] as number) + 0.64 * 2;
    const draws = Array.from({ length: 40 }, (_, seed) => lossOf(flow, x, seed));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(expected - 0.25);
    expect(mean).toBeLessThan(expected + 0.25);
    expect(lossOf(flow, x, 7)).toBe(lossOf(flow, x, 7)); // reproducible for a seed
    tf.dispose([x, label]);
    flow.dispose();
  });

  for (const path of ['ot', 'rectified', 'minibatch-ot'] as const) {
    test(`fit lowers the matching loss (${path}) and the model stays a flow`, () => {
      const { x, label } = mixture(512, 2);
      const flow = flowOf({ path, identityInit: false });
      const before = meanLoss(flow, x);
      const losses: number[] = [];
      const result = fit(flow, x, {
        steps: 60,
        batchSize: 128,
        learningRate: 1e-2,
        validationFraction: 0,
        onProgress: (p) => losses.push(p.loss),
      });
      const after = meanLoss(flow, x);
      expect(after).toBeLessThan(before * 0.8);
      expect(result.finalLoss).toBe(losses.at(-1));
      expect(result.nfeForward).toBeUndefined(); // simulation-free: no solve in training
      const lp = tf.tidy(() => Array.from(flow.logProb(tf.slice(x, 0, 8)).dataSync()));
      expect(lp.every(Number.isFinite)).toBe(true);
      tf.dispose([x, label]);
      flow.dispose();
    });
  }

  test('minibatch-ot couples noise to data more cheaply than independent pairs (lower loss at v ≡ 0)', () => {
    const { x, label } = mixture(256, 4);
    const ot = flowOf({ path: 'minibatch-ot', sigmaMin: 0 });
    const rectified = flowOf({ path: 'rectified' });
    // At v ≡ 0 the loss is the mean ‖x1 − x0‖² of the pairs: the OT plan minimises it on every batch.
    for (const seed of [1, 2, 3]) expect(lossOf(ot, x, seed)).toBeLessThan(lossOf(rectified, x, seed) * 0.9);
    tf.dispose([x, label]);
    ot.dispose();
    rectified.dispose();
  });

  test('otBlock: blocks of the batch couple less tightly than the whole batch, more than independent pairs', () => {
    const { x, label } = mixture(256, 6);
    const whole = flowOf({ path: 'minibatch-ot', sigmaMin: 0, otBlock: 256 });
    const blocks = flowOf({ path: 'minibatch-ot', sigmaMin: 0, otBlock: 64 });
    const rectified = flowOf({ path: 'rectified' });
    const plain = flowOf({ path: 'minibatch-ot' });
    expect(plain.bijector.getConfig().options.otBlock).toBe(128);
    plain.dispose();
    // At v ≡ 0 the loss is the pairs' mean ‖x1 − x0‖² over the same base draws: the whole-batch plan
    // is optimal among all permutations, the blocks' plan among those that keep each block.
    for (const seed of [1, 2, 3]) {
      const [w, b, r] = [lossOf(whole, x, seed), lossOf(blocks, x, seed), lossOf(rectified, x, seed)];
      expect(w).toBeLessThan(b);
      expect(b).toBeLessThan(r * 0.9);
    }
    expect(() => flowOf({ otBlock: 1 })).toThrow(/otBlock/);
    tf.dispose([x, label]);
    [whole, blocks, rectified].forEach((f) => f.dispose());
  });

  test('the training loss keeps the tensor count stable across fit steps', () => {
    const { x, label } = mixture(256, 5);
    const flow = flowOf({ path: 'minibatch-ot', contextShape: [1], identityInit: false });
    const counts: number[] = [];
    fit(flow, x, {
      context: label,
      steps: 6,
      batchSize: 64,
      validationFraction: 0,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    tf.dispose([x, label]);
    flow.dispose();
  });

  test('trains on a Gaussian-mixture base (its draws are taken under the training tape)', () => {
    const { x, label } = mixture(128, 6);
    const fm = new FlowMatching({ eventShape: [2], hidden: [16], seed: 3 });
    const flow = new Flow(new GaussianMixture({ eventShape: [2], components: 4, seed: 1 }), fm);
    const result = fit(flow, x, { steps: 3, batchSize: 64, validationFraction: 0 });
    expect(result.steps).toBe(3);
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    tf.dispose([x, label]);
    flow.dispose();
  });

  test('the per-row-time field (training) agrees with the scalar-time field (solves)', () => {
    for (const contextShape of [undefined, [1]]) {
      const fm = new FlowMatching({
        eventShape: [2],
        hidden: [8, 8],
        identityInit: false,
        seed: 9,
        contextShape,
      });
      const z = tf.randomNormal([5, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
      const c = contextShape
        ? (tf.tensor2d([
            [1, 1],
            [0, 0],
            [1, 1],
            [-1, 1],
            [2, 1],
          ]) as tf.Tensor2D)
        : undefined;
      const gap = tf.tidy(() => {
        const perRow = fm.field.applyAtTimes(z, tf.fill([5, 1], 0.3) as tf.Tensor2D, c);
        const scalar = fm.field.apply(z, tf.scalar(0.3), c);
        return tf.max(tf.abs(tf.sub(perRow, scalar))).dataSync()[0] as number;
      });
      expect(gap).toBeLessThan(1e-5);
      tf.dispose([z, c as tf.Tensor]);
      fm.dispose();
    }
  });

  test('sample is the forward solve and logProb the reverse solve with the exact trace (NFE reported)', () => {
    const flow = flowOf({ identityInit: false });
    const record = new CallRecord();
    const z = tf.randomNormal([16, 2], 0, 1, 'float32', 3);
    const { value: x, logDet } = flow.bijector.forwardAndLogDet(z, { record });
    const back = flow.bijector.inverseAndLogDet(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(back.value, z))).dataSync()[0] as number)).toBeLessThan(1e-3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.add(back.logDet, logDet))).dataSync()[0] as number)).toBeLessThan(
      1e-3,
    );
    // The value-only forward (sampling) skips the trace and agrees with the fused call.
    const valueOnly = flow.bijector.forward(z);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(valueOnly, x))).dataSync()[0] as number)).toBeLessThan(1e-4);
    expect(solveTelemetry(record.counters).nfeForward).toBeGreaterThan(6);
    record.dispose();
    tf.dispose([z, x, logDet, back.value, back.logDet, valueOnly]);
    flow.dispose();
  });

  test('fixed-step solvers take steps; NFE = 4 × steps for rk4', () => {
    const flow = flowOf({ solver: 'rk4', steps: 5, identityInit: false });
    const record = new CallRecord();
    const z = tf.zeros([3, 2]);
    const s = flow.bijector.forward(z, { record });
    expect(solveTelemetry(record.counters).nfeForward).toBe(20);
    record.dispose();
    tf.dispose([z, s]);
    flow.dispose();
  });

  test('in a chain with fixed maps, the loss is taken in the flow-matching link’s coordinates', () => {
    const { x, label } = mixture(64, 6);
    const fm = new FlowMatching({ eventShape: [2], hidden: [16], seed: 2, identityInit: false });
    const scale = new Affine({ eventShape: [2], shift: [1, -1], scale: [2, 3], trainable: false });
    const chained = new Flow(new StandardNormal({ eventShape: [2] }), new Chain([fm, scale]));
    expect(chained.bijector.trainingLoss).toBeDefined();
    const inner = tf.tidy(() => scale.inverse(x));
    const direct = tf.tidy(() =>
      fm.trainingLoss(inner, {
        seed: 4,
        sampleBase: (n, seed) => tf.randomNormal([n, 2], 0, 1, 'float32', seed),
      }),
    );
    const viaChain = chained.trainingLoss(x, { seed: 4 });
    const flowBase = tf.tidy(() => new StandardNormal({ eventShape: [2] }).sample(64, { seed: 4 }));
    const again = tf.tidy(() => fm.trainingLoss(inner, { seed: 4, sampleBase: () => flowBase.clone() }));
    expect(viaChain.dataSync()[0]).toBeCloseTo(again.dataSync()[0] as number, 5);
    expect(Number.isFinite(direct.dataSync()[0])).toBe(true);
    const other = new FlowMatching({ eventShape: [2], hidden: [4], seed: 1 });
    expect(() => new Chain([fm, other])).toThrow(OptionError);
    other.dispose();
    tf.dispose([x, label, inner, direct, viaChain, flowBase, again]);
    chained.dispose();
  });

  test('conditional: context dropout, and classifier-free guidance moves samples towards the class', () => {
    const { x, label } = mixture(512, 7);
    // Small and cheap: a 2x16 field, 120 steps, samples and densities by rk4 in 6 steps.
    const flow = flowOf({
      path: 'ot',
      contextShape: [1],
      contextDropout: 0.2,
      identityInit: false,
      hidden: [16, 16],
      solver: 'rk4',
      steps: 6,
    });
    fit(flow, x, { context: label, steps: 120, batchSize: 128, learningRate: 1e-2, validationFraction: 0 });
    const right = tf.tensor2d([[1]]);
    const meanX = (guidance: number) =>
      tf.tidy(
        () =>
          tf
            .mean(tf.slice(flow.sample(200, { seed: 5, context: right, guidance }), [0, 0], [-1, 1]))
            .dataSync()[0] as number,
      );
    const plain = meanX(0);
    const guided = meanX(2);
    expect(plain).toBeGreaterThan(0.8); // the class sits at x ≈ +1.5
    // Guidance pushes away from the unconditional mixture (mean 0): further right.
    expect(guided).toBeGreaterThan(plain);
    // Densities under guidance come from the guided field's own reverse solve.
    const lp = tf.tidy(() =>
      Array.from(flow.logProb(tf.tensor2d([[1.5, 1]]), { context: right, guidance: 1 }).dataSync()),
    );
    expect(lp.every(Number.isFinite)).toBe(true);
    expect(() => flow.sample(2, { context: right, guidance: Number.NaN })).toThrow(OptionError);
    tf.dispose([x, label, right]);
    flow.dispose();
  });

  test('the guided field is (1 + w) v(x | c) − w v(x | ∅): one Euler step from t = 0', () => {
    const fm = new FlowMatching({
      eventShape: [2],
      hidden: [8],
      contextShape: [1],
      identityInit: false,
      solver: 'euler',
      steps: 1,
      seed: 4,
    });
    const z = tf.tensor2d([
      [0.3, -0.2],
      [-1, 0.5],
    ]);
    const c = tf.tensor2d([[1], [-2]]);
    const w = 1.5;
    const stepped = tf.tidy(() => Array.from(fm.forward(z, { context: c, guidance: w }).dataSync()));
    const expected = tf.tidy(() => {
      const t = tf.scalar(0);
      const conditional = fm.field.apply(z, t, tf.concat([c, tf.ones([2, 1])], 1) as tf.Tensor2D);
      const unconditional = fm.field.apply(z, t, tf.zeros([2, 2]) as tf.Tensor2D);
      const v = tf.sub(tf.mul(conditional, 1 + w), tf.mul(unconditional, w));
      return Array.from(tf.add(z, v).dataSync());
    });
    stepped.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
    // Not the unguided step: the guidance changes the map.
    const unguided = tf.tidy(() => Array.from(fm.forward(z, { context: c }).dataSync()));
    expect(Math.max(...unguided.map((u, i) => Math.abs(u - (stepped[i] as number))))).toBeGreaterThan(1e-3);
    tf.dispose([z, c]);
    fm.dispose();
  });

  test('guidance needs a conditional model trained with the null context', () => {
    const flow = flowOf();
    expect(() => flow.sample(2, { guidance: 1 })).toThrow(/conditional model/);
    flow.dispose();
    const noDrop = flowOf({ contextShape: [1], contextDropout: 0 });
    const c = tf.tensor2d([[1]]);
    expect(() => noDrop.sample(2, { guidance: 1, context: c })).toThrow(/contextDropout/);
    c.dispose();
    noDrop.dispose();
  });

  test('saves and loads through model files: same config and densities', async () => {
    const flow = flowOf({ path: 'minibatch-ot', sigmaMin: 0.01, identityInit: false, contextShape: [1] });
    const { flow: loaded } = await reloadFlow(flow);
    expect(loaded.bijector.getConfig()).toEqual(flow.bijector.getConfig());
    const x = tf.tensor2d([
      [0.1, 0.2],
      [1, -1],
    ]);
    const c = tf.tensor2d([[1], [-1]]);
    const [a, b] = [flow, loaded].map((f) =>
      tf.tidy(() => Array.from(f.logProb(x, { context: c }).dataSync())),
    );
    expect(b).toEqual(a);
    tf.dispose([x, c]);
    flow.dispose();
    loaded.dispose();
  });

  test('ema: a non-trained average of the field, warmed up, followed by sampling and densities', () => {
    const plain = flowOf({ ema: 0 });
    const averaged = flowOf({ ema: 0.9 });
    const fm = averaged.bijector as FlowMatching;
    const trainedCount = fm.field.variables.length;
    expect(plain.variables).toHaveLength(trainedCount);
    expect(averaged.variables).toHaveLength(2 * trainedCount + 1); // field, average, update count
    expect(averaged.trainableVariables).toEqual(fm.field.variables);
    expect(fm.samplingField).toBe(fm.averageField);
    expect((plain.bijector as FlowMatching).samplingField).toBe((plain.bijector as FlowMatching).field);
    const read = (vs: readonly tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));
    const start = read(fm.field.variables);
    expect(read((fm.averageField as NonNullable<typeof fm.averageField>).variables)).toEqual(start);
    // Set the trained weights to w = start + 0.01 and take two updates: d = min(0.9, 1/10), then min(0.9, 2/11).
    const shift = (f: (v: tf.Variable) => tf.Tensor) =>
      fm.field.variables.forEach((v) => {
        const t = f(v);
        v.assign(t);
        t.dispose();
      });
    shift((v) => tf.add(v, 0.01));
    averaged.afterTrainingStep();
    averaged.afterTrainingStep();
    const moved = 0.01 * (1 - 0.1 * (2 / 11)); // a = w − (w − a0)·d1·d2
    const average = read((fm.averageField as NonNullable<typeof fm.averageField>).variables);
    average.forEach((values, i) =>
      values.forEach((a, j) => expect(a).toBeCloseTo(((start[i] as number[])[j] as number) + moved, 5)),
    );
    // Sampling follows the average, not the trained field.
    const z = tf.tensor2d([[0.3, -0.2]]);
    const solved = tf.tidy(() => Array.from(averaged.bijector.forward(z).dataSync()));
    shift((v) => tf.mul(v, 0));
    expect(tf.tidy(() => Array.from(averaged.bijector.forward(z).dataSync()))).toEqual(solved);
    z.dispose();
    plain.dispose();
    averaged.dispose();
  });

  test('fit updates the average after each step; it is saved and loaded with the weights', async () => {
    const { x, label } = mixture(256, 6);
    const flow = flowOf({ identityInit: false, ema: 0.999 });
    const fm = flow.bijector as FlowMatching;
    fit(flow, x, { steps: 5, batchSize: 64, learningRate: 1e-2, validationFraction: 0 });
    const updates = flow.variables.at(-1) as tf.Variable;
    expect(updates.dataSync()[0]).toBe(5);
    const gap = tf.tidy(() =>
      Math.max(
        ...fm.field.variables.map(
          (v, i) =>
            tf
              .max(
                tf.abs(
                  tf.sub(
                    v,
                    (fm.averageField as NonNullable<typeof fm.averageField>).variables[i] as tf.Variable,
                  ),
                ),
              )
              .dataSync()[0] as number,
        ),
      ),
    );
    expect(gap).toBeGreaterThan(0);
    const { flow: loaded } = await reloadFlow(flow);
    const [a, b] = [flow, loaded].map((f) => tf.tidy(() => Array.from(f.sample(3, { seed: 4 }).dataSync())));
    expect(b).toEqual(a);
    expect((loaded.variables.at(-1) as tf.Variable).dataSync()[0]).toBe(5);
    tf.dispose([x, label]);
    flow.dispose();
    loaded.dispose();
  });

  test('logit-normal training times: t = σ(n), another draw than uniform for the same seed, still lowering the loss', () => {
    const { x, label } = mixture(512, 7);
    const uniform = flowOf({ identityInit: false, ema: 0 });
    const logitNormal = flowOf({ identityInit: false, ema: 0, timeSampling: 'logit-normal' });
    expect(lossOf(logitNormal, x, 3)).not.toBe(lossOf(uniform, x, 3));
    const before = meanLoss(logitNormal, x);
    fit(logitNormal, x, { steps: 60, batchSize: 128, learningRate: 1e-2, validationFraction: 0 });
    expect(meanLoss(logitNormal, x)).toBeLessThan(before * 0.8);
    expect(() => flowOf({ timeSampling: 'beta' as never })).toThrow(/timeSampling/);
    expect(() => flowOf({ ema: 1 })).toThrow(/ema/);
    expect(() => flowOf({ ema: -0.1 })).toThrow(/ema/);
    tf.dispose([x, label]);
    uniform.dispose();
    logitNormal.dispose();
  });

  test('bad options and inputs fail with errors naming them', () => {
    expect(() => new FlowMatching({ eventShape: [2], solver: 'heun' })).toThrow(RegistryError);
    expect(() => new FlowMatching({ eventShape: [2], path: 'straight' as never })).toThrow(/option 'path'/);
    expect(() => new FlowMatching({ eventShape: [2], path: 'rectified', sigmaMin: 0.1 })).toThrow(
      /sigmaMin' does not apply to the rectified path/,
    );
    expect(() => new FlowMatching({ eventShape: [2], sigmaMin: 1 })).toThrow(/sigmaMin/);
    expect(() => new FlowMatching({ eventShape: [2], solver: 'rk4', rtol: 1e-3 })).toThrow(/rtol' applies/);
    expect(() => new FlowMatching({ eventShape: [2], steps: 4 })).toThrow(/steps' applies/);
    expect(() => new FlowMatching({ eventShape: [2], contextDropout: 1 })).toThrow(/contextDropout/);
    expect(() => new FlowMatching({ eventShape: [2, 2] })).toThrow(ShapeError);
    const flow = flowOf({ contextShape: [1] });
    const [x2, x3] = [tf.zeros([2, 2]), tf.zeros([2, 3])];
    expect(() => flow.trainingLoss(x2, { seed: 1 })).toThrow(/needs a context/);
    expect(() => flow.trainingLoss(x3, { seed: 1 })).toThrow(ShapeError);
    tf.dispose([x2, x3]);
    flow.dispose();
    const registered = createByName('bijector', 'flow-matching', { eventShape: [3], seed: 1 });
    expect(registered.getConfig().options).toMatchObject({
      path: 'minibatch-ot',
      sigmaMin: 1e-4,
      solver: 'dopri5',
      rtol: 1e-5,
    });
    registered.dispose();
  });
});
