import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { correlatedGaussian } from '@bijective/test-support/gaussian-data';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Affine, BatchNorm, Chain, Flow, LULinear, StandardNormal } from '@bijective/core';
import { fit, fitSteps } from './fit.js';
import type { FitState } from './fit-state.js';
import { fitParallel } from './fit-parallel.js';
import { runSteps } from './fit-async.js';
import { ReplicaPool } from './replica-pool.js';
import { startReplicaThreads } from './replica-threads.js';

let dir: string;
let worker: string;

beforeAll(async () => {
  // Replica threads run JavaScript: bundle a worker module (the package's source, on the cpu backend).
  dir = mkdtempSync(join(tmpdir(), 'bijective-replica-'));
  worker = join(dir, 'replica.mjs');
  await build({
    stdin: {
      // A named import: tfjs-backend-cpu's Node entry is marked side-effect free, and a bare import is dropped.
      contents: [
        "import { version_cpu } from '@tensorflow/tfjs-backend-cpu';",
        "import { serveReplica } from './node.ts';",
        'if (!version_cpu) throw new Error("no cpu backend");',
        'await serveReplica();',
      ].join('\n'),
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: worker,
    conditions: ['@bijective/source'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A linear flow; with BatchNorm (batch statistics per shard, running statistics as non-trainable variables). */
function newFlow(withBatchNorm = false): Flow {
  const layers = [new LULinear({ eventShape: [2], seed: 1 }), new Affine({ eventShape: [2] })];
  if (withBatchNorm) layers.push(new BatchNorm({ eventShape: [2] }) as never);
  return new Flow(new StandardNormal({ eventShape: [2] }), new Chain(layers as never));
}

describe('fitParallel', () => {
  test('2 threads follow 1 thread’s loss trajectory and validation, leaking no tensor', async () => {
    const data = correlatedGaussian(1200, 3);
    const options = { steps: 40, batchSize: 100, learningRate: 2e-2, seed: 4, validationEvery: 10 };
    const one = newFlow();
    const lossesOne: number[] = [];
    const resultOne = fit(one, data, { ...options, onProgress: (p) => lossesOne.push(p.loss) });
    const two = newFlow();
    const lossesTwo: number[] = [];
    const before = tf.memory().numTensors;
    const resultTwo = await fitParallel(two, data, {
      ...options,
      threads: 2,
      worker,
      onProgress: (p) => lossesTwo.push(p.loss),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(lossesTwo).toHaveLength(40);
    // The loss falls (it is learning), and each step's loss matches the 1-thread run's to float rounding.
    expect(lossesTwo[39] as number).toBeLessThan((lossesTwo[0] as number) - 0.3);
    lossesTwo.forEach((loss, i) => expect(Math.abs(loss - (lossesOne[i] as number))).toBeLessThan(2e-3));
    expect(resultTwo.bestStep).toBe(resultOne.bestStep);
    expect(resultTwo.bestValidationNll as number).toBeCloseTo(resultOne.bestValidationNll as number, 3);
    one.dispose();
    two.dispose();
    data.dispose();
  });

  test('replicas make the main thread’s updates bit for bit (3 threads, uneven shards)', async () => {
    const data = correlatedGaussian(400, 5);
    const flow = newFlow(true);
    const pool = await startPool(flow, 3, 50);
    const seen: Float32Array[][] = [];
    try {
      await runSteps(
        fitSteps(
          flow,
          data,
          {
            steps: 6,
            batchSize: 50,
            learningRate: 1e-2,
            // the main thread's weights after each update
            onProgress: () => seen.push(flow.trainableVariables.map((v) => Float32Array.from(v.dataSync()))),
          },
          pool,
        ),
        {},
      );
    } finally {
      const last = pool.finalWeights();
      const replicas = await pool.close();
      expect(replicas).toHaveLength(2);
      // Each replica made the same six updates on its own weights as the main thread.
      for (const weights of replicas) expect(weights).toEqual(last);
      expect(last).toEqual(seen[5]);
      expect(seen[5]).not.toEqual(seen[4]);
    }
    flow.dispose();
    data.dispose();
  });

  test('threads gathering their shards from the shared rows train on the 1-thread run’s rows, bit for bit as when copied', async () => {
    const data = correlatedGaussian(500, 9);
    const options = { steps: 12, batchSize: 50, learningRate: 1e-2, seed: 3, validationEvery: 4 };
    /** Per step the loss and the main thread's weights after the update, of a 3-thread run (uneven shards). */
    const run = async (share: boolean) => {
      const flow = newFlow();
      const pool = await startPool(flow, 3, 50, share ? 500 : 0);
      const shared = share ? pool.shareRows.bind(pool) : () => false;
      const seen: { loss: number; weights: Float32Array[] }[] = [];
      try {
        await runSteps(
          fitSteps(
            flow,
            data,
            {
              ...options,
              onProgress: ({ loss }) =>
                seen.push({
                  loss,
                  weights: flow.trainableVariables.map((v) => Float32Array.from(v.dataSync())),
                }),
            },
            {
              gradients: pool.gradients.bind(pool),
              meanNegLogProb: pool.meanNegLogProb.bind(pool),
              finished: pool.finished.bind(pool),
              shareRows: (train, context) => shared(train, context),
              mainRows: pool.mainRows.bind(pool),
            },
          ),
          {},
        );
      } finally {
        const last = pool.finalWeights();
        for (const weights of await pool.close()) expect(weights).toEqual(last);
        flow.dispose();
      }
      return seen;
    };
    const gathered = await run(true);
    const copied = await run(false);
    expect(gathered).toHaveLength(12);
    gathered.forEach(({ loss, weights }, i) => {
      expect(Object.is(loss, copied[i]?.loss)).toBe(true);
      expect(weights).toEqual(copied[i]?.weights);
    });
    // The first step's loss, on the same weights, is the 1-thread run's up to the shards' float rounding.
    const lossesOne: number[] = [];
    const one = newFlow();
    fit(one, data, { ...options, steps: 1, onProgress: ({ loss }) => lossesOne.push(loss) });
    expect(Math.abs((gathered[0]?.loss as number) - (lossesOne[0] as number))).toBeLessThan(1e-5);
    one.dispose();
    data.dispose();
  });

  test('a checkpoint of a 2-thread run resumes to the same end (clipping, weight decay)', async () => {
    const data = correlatedGaussian(600, 7);
    // The replicas make the same clipped AdamW updates from the resumed moments: fitParallel checks
    // at the end that they hold the main thread's weights bit for bit.
    const options = {
      steps: 20,
      batchSize: 64,
      learningRate: 1e-2,
      seed: 2,
      threads: 2,
      worker,
      clipNorm: 0.5,
      weightDecay: 1e-2,
    };
    let saved: FitState | undefined;
    const full = await fitParallel(newFlow(), data, {
      ...options,
      checkpoint: { due: (step) => step === 10, save: (state) => (saved = state) },
    });
    expect(saved?.step).toBe(10);
    const resumed = await fitParallel(newFlow(), data, { ...options, resume: saved });
    expect(resumed.steps).toBe(20);
    expect(resumed.finalLoss).toBeCloseTo(full.finalLoss, 6);
    expect(resumed.bestValidationNll as number).toBeCloseTo(full.bestValidationNll as number, 6);
    data.dispose();
  });

  test('replica threads started ahead train bit for bit as the run’s own; unused or mismatched ones are ended', async () => {
    const data = correlatedGaussian(600, 5);
    const options = { steps: 12, batchSize: 60, learningRate: 2e-2, seed: 6, validationEvery: 4, threads: 2 };
    const own = newFlow();
    const lossesOwn: number[] = [];
    await fitParallel(own, data, { ...options, worker, onProgress: (p) => lossesOwn.push(p.loss) });
    const ahead = newFlow();
    const lossesAhead: number[] = [];
    const replicas = startReplicaThreads({ threads: 2, worker });
    const before = tf.memory().numTensors;
    // No `worker`: the threads started ahead carry their own.
    await fitParallel(ahead, data, { ...options, replicas, onProgress: (p) => lossesAhead.push(p.loss) });
    expect(tf.memory().numTensors).toBe(before);
    expect(lossesAhead).toEqual(lossesOwn);
    own.trainableVariables.forEach((v, i) =>
      expect(ahead.trainableVariables[i]?.dataSync()).toEqual(v.dataSync()),
    );
    await expect(fitParallel(ahead, data, { ...options, replicas })).rejects.toThrow(/already served a run/);
    const mismatched = startReplicaThreads({ threads: 3, worker });
    await expect(fitParallel(ahead, data, { ...options, replicas: mismatched })).rejects.toThrow(
      /started for 3 threads, the run has 2/,
    );
    // Threads no run takes end on close (they would otherwise wait for a run).
    await startReplicaThreads({ threads: 3, worker }).close();
    expect(() => startReplicaThreads({ threads: 1, worker })).toThrow(
      /threads must be an integer from 2 to 64/,
    );
    own.dispose();
    ahead.dispose();
    data.dispose();
  });

  test('bad thread counts and worker modules are refused with one clear error', async () => {
    const data = correlatedGaussian(100, 1);
    const flow = newFlow();
    for (const threads of [0, 1.5, 65, Number.NaN])
      await expect(fitParallel(flow, data, { threads, worker, steps: 1 })).rejects.toThrow(
        /threads must be an integer from 1 to 64/,
      );
    await expect(fitParallel(flow, data, { threads: 9, batchSize: 8, worker, steps: 1 })).rejects.toThrow(
      /threads \(9\) must not exceed the minibatch's 8 rows/,
    );
    await expect(fitParallel(flow, data, { threads: 2, steps: 1 })).rejects.toThrow(/needs `worker`/);
    const silent = join(dir, 'silent.mjs');
    writeFileSync(silent, 'export {};\n');
    await expect(
      fitParallel(flow, data, { threads: 2, worker: pathToFileURL(silent), steps: 1 }),
    ).rejects.toThrow(/exited \(code 0\) before it was ready: does the module call serveReplica\(\)/);
    flow.dispose();
    data.dispose();
  });
});

/** A pool of `threads` threads over 2-D rows for `flow`, sharing up to `tableRows` training rows. */
async function startPool(
  flow: Flow,
  threads: number,
  batchRows: number,
  tableRows = 0,
): Promise<ReplicaPool> {
  return ReplicaPool.start(flow, {
    threads,
    worker,
    imports: [],
    artifacts: await artifactsOf(flow),
    batchRows,
    rowShape: [2],
    contextShape: null,
    tableRows,
  });
}

async function artifactsOf(flow: Flow): Promise<tf.io.ModelArtifacts> {
  const { saveFlow } = await import('@bijective/core');
  let saved: tf.io.ModelArtifacts | undefined;
  await saveFlow(
    flow,
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return saved as tf.io.ModelArtifacts;
}
