import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, runInChromium } from '../../../../tools/browser-test/chromium.js';

const missing = chromiumMissing();

/**
 * Browser entry: saves a flow whose bijector has a trainable and a non-trainable variable by URL
 * (`indexeddb://`, `localstorage://`), loads it back by URL and reports per URL whether logProb
 * and metadata match and how many tensors were left behind.
 */
const entry = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BaseBijector, Flow, StandardNormal, loadFlow, register, saveFlow } from '../index.js';

class Scale extends BaseBijector {
  name = 'test/browser-scale';
  constructor() {
    super({ eventShape: [2] });
    this.logScale = tf.tidy(() => tf.variable(tf.tensor1d([0.3, -0.7])));
    this.mean = tf.tidy(() => tf.variable(tf.tensor1d([1.25, -2]), false));
  }
  get variables() { return [this.logScale, this.mean]; }
  getConfig() { return { name: this.name, options: {} }; }
  computeForward(x) {
    const logDet = tf.mul(tf.ones([x.shape[0]]), tf.sum(this.logScale));
    return { value: tf.add(tf.mul(x, tf.exp(this.logScale)), this.mean), logDet };
  }
  computeInverse(y) {
    const logDet = tf.mul(tf.ones([y.shape[0]]), tf.neg(tf.sum(this.logScale)));
    return { value: tf.mul(tf.sub(y, this.mean), tf.exp(tf.neg(this.logScale))), logDet };
  }
}
register('bijector', 'test/browser-scale', { description: 'test', create: () => new Scale(), example: () => ({}) }, { replace: true });

async function roundTrip(url) {
  const flow = new Flow(new StandardNormal({ eventShape: [2] }), new Scale());
  const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
  const before = tf.memory().numTensors;
  await saveFlow(flow, url, { data: 'browser', dims: 2 });
  const loaded = await loadFlow(url);
  const leaked = tf.memory().numTensors - before - loaded.flow.variables.length;
  const expected = flow.logProb(x).arraySync();
  const actual = loaded.flow.logProb(x).arraySync();
  const listed = Object.keys(await tf.io.listModels());
  return { url, expected, actual, metadata: loaded.metadata, leaked, listed };
}

(async () => {
  try {
    await tf.setBackend('cpu');
    const results = [];
    for (const url of ['indexeddb://bijective-test', 'localstorage://bijective-test']) results.push(await roundTrip(url));
    globalThis.__bijectiveResult = { results };
  } catch (e) {
    globalThis.__bijectiveResult = { error: String(e && e.stack || e) };
  }
})();
`;

describe.skipIf(missing !== undefined)(
  `model files in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('saveFlow and loadFlow by indexeddb:// and localstorage:// URL restore the flow', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bijective-browser-'));
      try {
        const file = path.join(dir, 'flow-io-entry.ts');
        await writeFile(file, entry);
        const resolveDir = fileURLToPath(new URL('.', import.meta.url));
        const { result, log } = await runInChromium({ entry: file, resolveDir, timeoutMs: 20_000 });
        expect(result, log.join('\n')).not.toHaveProperty('error');
        const { results } = result as {
          results: {
            url: string;
            expected: number[];
            actual: number[];
            metadata: unknown;
            leaked: number;
            listed: string[];
          }[];
        };
        expect(results.map((r) => r.url)).toEqual([
          'indexeddb://bijective-test',
          'localstorage://bijective-test',
        ]);
        for (const r of results) {
          expect(r.actual).toEqual(r.expected);
          expect(r.metadata).toEqual({ data: 'browser', dims: 2 });
          expect(r.leaked).toBe(0);
          expect(r.listed).toContain(r.url);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 30_000);
  },
);
