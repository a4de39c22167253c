// Model files written by an earlier version still load, and re-save to the same bytes: one fixture per
// flow family (and chains of every registered layer) under tools/conformance/fixtures/saved-models.
// BIJECTIVE_WRITE_SAVED_MODELS=1 rewrites the fixtures (only when the saved format changes on purpose).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Flow, StandardNormal, createBijector, type BijectorConfig, type JsonObject } from '@bijective/core';
import { loadFlowFromDirectory, saveFlowToDirectory } from '@bijective/core/node';
import { describe, expect, test } from 'vitest';
import '@bijective/autoregressive';
import '@bijective/coupling';
import '@bijective/glow';
import '@bijective/spline';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/saved-models');
const WRITE = process.env.BIJECTIVE_WRITE_SAVED_MODELS === '1';

/** A saved model: the bijector built from `options` on a standard normal base, with a context when conditional. */
interface SavedModel {
  name: string;
  bijector: BijectorConfig;
  contextSize?: number;
}

const vector = (d: number) => ({ eventShape: [d] });
const link = (name: string, options: JsonObject) => ({ name, options });

const MODELS: SavedModel[] = [
  {
    name: 'realnvp',
    bijector: link('realnvp', {
      ...vector(3),
      layers: 3,
      hidden: [8],
      mixing: 'lu',
      batchNorm: true,
      identityInit: false,
      seed: 1,
    }),
  },
  {
    name: 'realnvp-conditional',
    bijector: link('realnvp', { ...vector(4), layers: 2, hidden: [8, 8], contextShape: [2], seed: 11 }),
    contextSize: 2,
  },
  {
    name: 'nice',
    bijector: link('nice', {
      ...vector(4),
      layers: 2,
      hidden: [8],
      mask: 'alternate',
      mixing: 'permute',
      identityInit: false,
      seed: 2,
    }),
  },
  {
    name: 'maf',
    bijector: link('maf', {
      ...vector(3),
      layers: 2,
      hidden: [8, 8],
      order: 'random',
      residual: true,
      identityInit: false,
      seed: 3,
    }),
  },
  {
    name: 'maf-conditional',
    bijector: link('maf', {
      ...vector(3),
      layers: 2,
      hidden: [8],
      batchNorm: true,
      contextShape: [2],
      identityInit: false,
      seed: 33,
    }),
    contextSize: 2,
  },
  {
    name: 'iaf',
    bijector: link('iaf', {
      ...vector(3),
      layers: 2,
      hidden: [8],
      scaleBound: 1.5,
      identityInit: false,
      seed: 4,
    }),
  },
  {
    name: 'nsf',
    bijector: link('nsf', { ...vector(3), layers: 2, hidden: [8], bins: 4, identityInit: false, seed: 5 }),
  },
  {
    name: 'nsf-autoregressive',
    bijector: link('nsf', {
      ...vector(2),
      layers: 2,
      hidden: [8],
      transform: 'autoregressive',
      bound: 4,
      contextShape: [1],
      identityInit: false,
      seed: 6,
    }),
    contextSize: 1,
  },
  {
    name: 'core-chain',
    bijector: link('chain', {
      bijectors: [
        link('affine', { ...vector(3), shift: [0.5, -0.5, 0], scale: 1.5 }),
        link('scale', { ...vector(3), scale: [1, 2, 0.5], minScale: 0.01 }),
        link('shift', { ...vector(3), shift: 0.25, trainable: false }),
        link('lu-linear', { ...vector(3), seed: 7 }),
        link('permute', { ...vector(3), seed: 8 }),
        link('reverse', vector(3)),
        link('leaky-relu', { ...vector(3), negativeSlope: 0.3 }),
        link('batch-norm', { ...vector(3), momentum: 0.2 }),
        link('triangular-affine', { ...vector(3), matrix: [1, 0, 0, 0.5, 2, 0, -0.25, 0.1, 0.8], shift: 1 }),
        link('invert', { bijector: link('lu-linear', { ...vector(3), seed: 9 }) }),
        link('softplus', vector(3)),
        link('tanh', vector(3)),
        link('sigmoid', vector(3)),
        link('exp', vector(3)),
      ],
    }),
  },
  {
    name: 'layer-chain',
    bijector: link('chain', {
      bijectors: [
        link('affine-coupling', { ...vector(3), hidden: [8], parity: 1, contextShape: [2], seed: 12 }),
        link('additive-coupling', {
          ...vector(3),
          hidden: [8],
          mask: 'alternate',
          identityInit: false,
          seed: 13,
        }),
        link('coupling-sequence', {
          ...vector(3),
          transform: 'affine',
          partitions: [
            { conditioned: [2], transformed: [1, 0] },
            { conditioned: [0, 1], transformed: [2] },
          ],
          hidden: [8],
          identityInit: false,
          seed: 14,
        }),
        link('masked-affine-autoregressive', {
          ...vector(3),
          hidden: [8],
          order: 'reversed',
          fastDirection: 'forward',
          identityInit: false,
          seed: 15,
        }),
        link('spline-coupling', {
          ...vector(3),
          hidden: [8],
          bins: 3,
          partitions: [{ conditioned: [1], transformed: [0, 2] }],
          identityInit: false,
          seed: 16,
        }),
        link('spline-autoregressive', {
          ...vector(3),
          hidden: [8],
          activation: 'tanh',
          identityInit: false,
          seed: 17,
        }),
      ],
    }),
    contextSize: 2,
  },
];

/** The model's flow, built from its options. */
function build(model: SavedModel): Flow {
  const bijector = createBijector(model.bijector);
  return new Flow(new StandardNormal({ eventShape: [...bijector.eventShape] }), bijector);
}

/** Fixed inputs: samples of the flow (seeded) and a context for conditional models. */
function inputs(flow: Flow, model: SavedModel): { x: number[][]; context?: number[][] } {
  const n = 4;
  const context = model.contextSize
    ? Array.from({ length: n }, (_, i) =>
        Array.from({ length: model.contextSize ?? 0 }, (_, j) => 0.3 * i - 0.2 * j),
      )
    : undefined;
  const x = tf.tidy(() =>
    flow.sample(n, { seed: 42, ...(context ? { context: tf.tensor2d(context) } : {}) }).arraySync(),
  ) as number[][];
  return { x, ...(context ? { context } : {}) };
}

function logProb(flow: Flow, x: number[][], context?: number[][]): number[] {
  return tf.tidy(
    () =>
      flow.logProb(tf.tensor2d(x), context ? { context: tf.tensor2d(context) } : {}).arraySync() as number[],
  );
}

// Only one of the two suites is defined: writing the fixtures, or (normally) reading them.
if (WRITE)
  describe('saved-model fixtures', () => {
    test.each(MODELS)('writes $name', async (model) => {
      const dir = path.join(FIXTURES, model.name);
      await rm(dir, { recursive: true, force: true });
      await mkdir(path.dirname(dir), { recursive: true });
      const flow = build(model);
      await saveFlowToDirectory(flow, dir);
      const { x, context } = inputs(flow, model);
      const expected = {
        bijector: model.bijector,
        x,
        ...(context ? { context } : {}),
        logProb: logProb(flow, x, context),
      };
      await writeFile(path.join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
      flow.bijector.dispose();
    });
  });

if (!WRITE)
  describe('model files written by an earlier version', () => {
    test.each(MODELS)('$name loads, evaluates as before and re-saves to the same bytes', async (model) => {
      const dir = path.join(FIXTURES, model.name);
      const expected = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as {
        bijector: BijectorConfig;
        x: number[][];
        context?: number[][];
        logProb: number[];
      };
      expect(expected.bijector).toEqual(model.bijector);
      const before = tf.memory().numTensors;
      const { flow } = await loadFlowFromDirectory(dir);
      const actual = logProb(flow, expected.x, expected.context);
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected.logProb[i] as number, 4));
      const out = await mkdtemp(path.join(tmpdir(), 'bijective-saved-'));
      try {
        await saveFlowToDirectory(flow, path.join(out, 'model'));
        for (const file of ['model.json', 'weights.bin']) {
          const [was, now] = await Promise.all([
            readFile(path.join(dir, file)),
            readFile(path.join(out, 'model', file)),
          ]);
          expect(now.equals(was), `${file} re-saved differs`).toBe(true);
        }
      } finally {
        await rm(out, { recursive: true, force: true });
      }
      // A fresh build from the same options writes the same config.
      const fresh = build(model);
      const saved = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as { flow: JsonObject };
      expect(JSON.stringify({ base: fresh.base.getConfig(), bijector: fresh.bijector.getConfig() })).toBe(
        JSON.stringify(saved.flow),
      );
      fresh.bijector.dispose();
      flow.bijector.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
