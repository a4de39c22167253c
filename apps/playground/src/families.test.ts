import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
import type { GenerativeDataset } from '@bijective/datasets';
import { fitAsync } from '@bijective/train';
import '@bijective/datasets';
import '@bijective/coupling';
import '@bijective/autoregressive';
import '@bijective/spline';
import '@bijective/planar';
import '@bijective/backend-cpu';
import { DATASETS, FAMILIES } from './protocol.js';

test.each(FAMILIES)('the page builds %s with its options and trains it', async (family) => {
  await useBackend('cpu');
  const flow = new Flow(
    new StandardNormal({ eventShape: [2] }),
    create('bijector', family as 'realnvp', { eventShape: [2], layers: 2, hidden: [8, 8], seed: 1 } as never),
  );
  const data = tf.tensor2d((create('dataset', 'moons', {}) as GenerativeDataset).sample(256, 0), [256, 2]);
  const result = await fitAsync(flow, data, { steps: 5, batchSize: 64, validationFraction: 0 });
  expect(Number.isFinite(result.finalLoss)).toBe(true);
  flow.dispose();
  data.dispose();
});

test.each(DATASETS)('the page offers %s, a generative 2-D toy', (name) => {
  const dataset = create('dataset', name as 'moons', {}) as GenerativeDataset;
  expect(dataset.kind).toBe('generative');
  expect(dataset.sample(3, 0)).toHaveLength(6);
});
