import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import '../index.js';
import type { BijectorConfig } from '../bijector.js';
import type { BatchNorm } from '../bijectors/batch-norm.js';
import type { Chain } from '../bijectors/chain.js';
import { Flow } from '../flow.js';
import { createBijector, createByName } from '../registry.js';
import { loadFlowFromDirectory, saveFlowToDirectory } from './node-files.js';

let scratch: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  scratch = await mkdtemp(path.join(tmpdir(), 'bijective-core-flow-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const chain = {
  name: 'chain',
  options: {
    bijectors: [
      { name: 'affine', options: { eventShape: [3], shift: 0.5, scale: 1.5 } },
      { name: 'lu-linear', options: { eventShape: [3] } }, // unseeded: the drawn seed must be saved
      { name: 'batch-norm', options: { eventShape: [3], momentum: 0.5 } },
    ],
  },
} as unknown as BijectorConfig;

test('a chain of affine, LU-linear and batch norm round-trips through a model directory, running statistics included', async () => {
  const flow = new Flow(
    createByName('distribution', 'standard-normal', { eventShape: [3] }),
    createBijector(chain),
  );
  const data = tf.tensor2d([
    [0.5, -1.25, 2],
    [-0.3, 0.8, 0.1],
    [1.7, 0.2, -0.9],
    [0.05, -2.2, 0.6],
  ]);
  tf.tidy(() => {
    flow.trainableVariables.forEach((v, i) =>
      v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', i))),
    );
    for (let i = 0; i < 3; i++) flow.bijector.inverseAndLogDet(tf.mul(data, i + 1), { training: true });
  });
  const norm = (flow.bijector as Chain).bijectors[2] as BatchNorm;
  expect(norm.runningMean.arraySync()).not.toEqual([0, 0, 0]);

  const dir = path.join(scratch, 'model');
  await saveFlowToDirectory(flow, dir, { data: 'toy', dims: 3 });
  const before = tf.memory().numTensors;
  const { flow: loaded, metadata } = await loadFlowFromDirectory(dir);
  expect(tf.memory().numTensors).toBe(before + flow.variables.length);
  expect(metadata).toEqual({ data: 'toy', dims: 3 });
  expect(loaded.getConfig()).toEqual(flow.getConfig());
  expect(loaded.variables.map((v) => v.arraySync())).toEqual(flow.variables.map((v) => v.arraySync()));
  const loadedNorm = (loaded.bijector as Chain).bijectors[2] as BatchNorm;
  expect(loadedNorm.runningMean.arraySync()).toEqual(norm.runningMean.arraySync());
  expect(loadedNorm.runningVar.arraySync()).toEqual(norm.runningVar.arraySync());
  const logProb = (f: Flow) => tf.tidy(() => f.logProb(data).arraySync());
  expect(logProb(loaded)).toEqual(logProb(flow));
  data.dispose();
  flow.dispose();
  loaded.dispose();
});
