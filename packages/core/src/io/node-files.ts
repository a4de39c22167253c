import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import type { Flow } from '../flow.js';
import type { JsonObject } from '../json.js';
import { nodeAtomicWriteOps, writeDirectoryAtomically, type AtomicWriteOps } from './atomic-directory.js';
import { readModelDirectory } from './directory-reader.js';
import { MODEL_JSON_FILE, WEIGHTS_FILE, type LoadedFlow, type NamedIOHandler } from './format.js';
import { loadFlow } from './load-flow.js';
import { modelJsonFromArtifacts } from './model-json.js';
import { saveFlow } from './save-flow.js';

/** The weight data as one byte array. */
function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
}

/** {@link fileSystemHandler} with replaceable file-system steps (the seam tests use to simulate failures). */
export function createFileSystemHandler(dir: string, ops: AtomicWriteOps): NamedIOHandler {
  const modelFile = path.join(dir, MODEL_JSON_FILE);
  return {
    modelFileNames: { model: modelFile, weights: path.join(dir, WEIGHTS_FILE) },
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const json = modelJsonFromArtifacts(artifacts, WEIGHTS_FILE, modelFile);
      const files = new Map<string, Uint8Array | string>([
        [MODEL_JSON_FILE, `${JSON.stringify(json, null, 2)}\n`],
        [WEIGHTS_FILE, weightBytes(artifacts.weightData)],
      ]);
      await writeDirectoryAtomically(dir, files, ops);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: () => readModelDirectory(dir),
  };
}

/**
 * A tfjs IO handler for a bijective model directory (Node): `save` writes `model.json` and
 * `weights.bin` atomically (into a temporary sibling directory, fsynced, then renamed into place,
 * so that a failed or interrupted save never leaves a partial model nor damages an existing one);
 * `load` reads them back with errors that name the missing, invalid or truncated file.
 * Use with {@link saveFlow} and {@link loadFlow}, or through {@link saveFlowToDirectory} and
 * {@link loadFlowFromDirectory}.
 */
export function fileSystemHandler(dir: string): NamedIOHandler {
  return createFileSystemHandler(dir, nodeAtomicWriteOps);
}

/**
 * Saves a flow as the model directory `dir` (`model.json` + `weights.bin`), atomically; an
 * existing model directory there is replaced as a whole. See {@link fileSystemHandler}.
 *
 * @example
 * ```ts
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { saveFlowToDirectory } from '@bijective/core/node';
 * import { readdirSync } from 'node:fs';
 * import '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'nice', { eventShape: [2] }));
 * await saveFlowToDirectory(flow, 'my-model', { data: 'moons' });
 * console.log(readdirSync('my-model')); // ['model.json', 'weights.bin']
 * ```
 */
export async function saveFlowToDirectory(flow: Flow, dir: string, metadata: JsonObject = {}): Promise<void> {
  await saveFlow(flow, fileSystemHandler(dir), metadata);
}

/**
 * Loads a flow and its metadata from the model directory `dir`; see {@link loadFlow}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { loadFlowFromDirectory, saveFlowToDirectory } from '@bijective/core/node';
 * import '@bijective/coupling'; // the packages that registered the flow's parts, before loading
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2 }));
 * await saveFlowToDirectory(flow, 'my-model', { data: 'moons' });
 *
 * const { flow: loaded, metadata } = await loadFlowFromDirectory('my-model');
 * console.log(metadata, loaded.logProb(tf.zeros([1, 2])).arraySync()); // { data: 'moons' } [-1.8379]
 * ```
 */
export function loadFlowFromDirectory(dir: string): Promise<LoadedFlow> {
  return loadFlow(fileSystemHandler(dir));
}
