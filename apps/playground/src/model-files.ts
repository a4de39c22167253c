/**
 * The project's model files (`model.json` and `weights.bin`, as `bijective train --out` and
 * `saveFlowToDirectory` write them) from the artifacts `saveFlow` hands a tfjs save handler.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_FORMAT, type ModelJson, type ModelTopology } from '@bijective/core';

/** The model file's name. */
export const MODEL_FILE = 'model.json';
/** The weights file's name. */
export const WEIGHTS_FILE = 'weights.bin';

/** `model.json` and `weights.bin` for the artifacts of a saved flow. */
export function modelFiles(artifacts: tf.io.ModelArtifacts): Record<string, ArrayBuffer> {
  const topology = artifacts.modelTopology as unknown as ModelTopology;
  if (topology?.format !== MODEL_FORMAT) throw new Error('only bijective flows can be saved here');
  const json: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: topology.formatVersion,
    flow: topology.flow,
    metadata: (artifacts.userDefinedMetadata ?? {}) as ModelJson['metadata'],
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  };
  const data = artifacts.weightData;
  const weights =
    data === undefined
      ? new ArrayBuffer(0)
      : Array.isArray(data)
        ? tf.io.concatenateArrayBuffers(data)
        : (data as ArrayBuffer);
  const text = new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`);
  return { [MODEL_FILE]: text.buffer.slice(0) as ArrayBuffer, [WEIGHTS_FILE]: weights.slice(0) };
}
