import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { Flow, StandardNormal, create, saveFlow, useBackend } from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import '@bijective/coupling';
import '@bijective/backend-cpu';
import { modelFiles, MODEL_FILE, WEIGHTS_FILE } from './model-files.js';

test('the files the page downloads load with the CLI loader (loadFlowFromDirectory) to the same log p', async () => {
  await useBackend('cpu');
  const flow = new Flow(
    new StandardNormal({ eventShape: [2] }),
    create('bijector', 'realnvp', { eventShape: [2], layers: 2, hidden: [8, 8], seed: 3 }),
  );
  let files: Record<string, ArrayBuffer> = {};
  await saveFlow(
    flow,
    tf.io.withSaveHandler(async (artifacts) => {
      files = modelFiles(artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { data: 'moons' },
  );
  expect(Object.keys(files).sort()).toEqual([MODEL_FILE, WEIGHTS_FILE]);
  const dir = mkdtempSync(path.join(tmpdir(), 'playground-model-'));
  for (const [name, bytes] of Object.entries(files))
    writeFileSync(path.join(dir, name), new Uint8Array(bytes));
  const { flow: loaded, metadata } = await loadFlowFromDirectory(dir);
  expect(metadata).toMatchObject({ data: 'moons' });
  const x = tf.tensor2d([
    [0.5, -1],
    [2, 0.25],
  ]);
  const expected = flow.logProb(x);
  const actual = loaded.logProb(x);
  expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
  tf.dispose([x, expected, actual]);
  flow.dispose();
  loaded.dispose();
});
