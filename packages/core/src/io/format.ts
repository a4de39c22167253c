import type * as tf from '@tensorflow/tfjs-core';
import type { Flow, FlowConfig } from '../flow.js';
import type { JsonObject } from '../json.js';

/** The `format` tag of every bijective model file. */
export const MODEL_FORMAT = 'bijective-model';

/** The model-file format version this library writes, and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

/** File name of a model directory's JSON document. */
export const MODEL_JSON_FILE = 'model.json';

/** File name of a model directory's weights. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * The `model.json` document of a model directory. The weights are stored in
 * `weightsManifest[*].paths` (normally `weights.bin`) in the form `tf.io.encodeWeights` writes:
 * the flow's variables in `flow.variables` order, named `v000`, `v001`, ...
 */
export interface ModelJson {
  /** Always `'bijective-model'`. */
  format: typeof MODEL_FORMAT;
  /** Format version; readers refuse versions newer than theirs. */
  formatVersion: number;
  /** Registry names and options that rebuild the flow. */
  flow: FlowConfig;
  /** Free JSON: data name, dimensions, normalisation, training statistics, creation date. */
  metadata: JsonObject;
  /** tfjs weight manifest: shard paths and `{name, shape, dtype}` per tensor. */
  weightsManifest: tf.io.WeightsManifestConfig;
}

/**
 * What a bijective model keeps in tfjs's `ModelArtifacts.modelTopology`, so that any tfjs IO
 * handler (IndexedDB, local storage, downloads) stores it; `userDefinedMetadata` holds the metadata.
 */
export interface ModelTopology {
  /** Always `'bijective-model'`. */
  format: typeof MODEL_FORMAT;
  /** Format version. */
  formatVersion: number;
  /** Registry names and options that rebuild the flow. */
  flow: FlowConfig;
}

/** A loaded model: the rebuilt flow (its variables hold the saved weights) and the saved metadata. */
export interface LoadedFlow {
  /** The flow; the caller owns it and frees it with `dispose()`. */
  flow: Flow;
  /** The metadata given to the save call (`{}` when none). */
  metadata: JsonObject;
}

/** How error messages name a model's two parts (file paths or URLs). */
export interface ModelFileNames {
  /** Names the JSON document (for example `out/model/model.json`). */
  model: string;
  /** Names the weights (for example `out/model/weights.bin`). */
  weights: string;
}

/** A tfjs IO handler that names its files, so that load errors point at them. */
export interface NamedIOHandler extends tf.io.IOHandler {
  /** The names used in error messages. */
  readonly modelFileNames: ModelFileNames;
}

/** The stable name of the `index`-th saved variable: `v000`, `v001`, ... */
export function weightName(index: number): string {
  return `v${String(index).padStart(3, '0')}`;
}
