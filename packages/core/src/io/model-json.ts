import type * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '../json.js';
import { ModelFileError } from './errors.js';
import { MODEL_FORMAT, type ModelJson, type ModelTopology } from './format.js';
import { previewJson } from '../json.js';
import { isPlainObject } from './json-check.js';
import { checkFlowConfigLimits } from './config-limits.js';
import { walkJson } from './json-limits.js';

/** A parsed `model.json`: the artifacts without weight data, and the manifest that says where the weights are. */
export interface ParsedModelJson {
  /** `format`, `modelTopology`, `userDefinedMetadata` and `weightSpecs` (all groups, in order). */
  artifacts: tf.io.ModelArtifacts;
  /** The weight groups with their shard paths. */
  weightsManifest: tf.io.WeightsManifestConfig;
}

/**
 * The `model.json` document for bijective model artifacts whose weights are stored in one file
 * `weightsPath`. Throws a {@link ModelFileError} naming `file` for artifacts of another format.
 */
export function modelJsonFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  weightsPath: string,
  file: string,
): ModelJson {
  const topology = artifacts.modelTopology;
  if (!isPlainObject(topology) || topology.format !== MODEL_FORMAT) {
    throw new ModelFileError(
      file,
      `only bijective models (format '${MODEL_FORMAT}', as saveFlow makes) can be saved here`,
    );
  }
  const { formatVersion, flow } = topology as unknown as ModelTopology;
  return {
    format: MODEL_FORMAT,
    formatVersion,
    flow,
    metadata: (artifacts.userDefinedMetadata ?? {}) as JsonObject,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
  };
}

/** Checks a weights manifest's groups: each `{paths: string[], weights: [...]}`. */
function checkManifest(manifest: unknown, file: string): tf.io.WeightsManifestConfig {
  if (!Array.isArray(manifest)) throw new ModelFileError(file, 'weightsManifest is missing or is not a list');
  manifest.forEach((group: unknown, i) => {
    if (
      !isPlainObject(group) ||
      !Array.isArray(group.paths) ||
      !group.paths.every((p) => typeof p === 'string') ||
      !Array.isArray(group.weights)
    ) {
      throw new ModelFileError(file, `weightsManifest[${i}] must be {"paths": [string], "weights": [...]}`);
    }
  });
  return manifest as tf.io.WeightsManifestConfig;
}

/**
 * Parses a `model.json` document into model artifacts (without weight data). Reads the layout
 * {@link ModelJson} describes and also the one tfjs's own handlers write (`modelTopology`,
 * `userDefinedMetadata`, as `downloads://` saves it). The format tag must be `bijective-model`;
 * the version is checked by the loader. The document is first checked against the JSON limits
 * (nesting depth, number of values: see `LIMITS`). Errors name `file`.
 */
export function parseModelJson(json: unknown, file: string): ParsedModelJson {
  // The flow config first, so that deep nesting is reported as nested bijectors.
  const holder = isPlainObject(json) && json.flow === undefined ? json.modelTopology : json;
  if (isPlainObject(holder) && holder.flow !== undefined) checkFlowConfigLimits(holder.flow, file);
  walkJson(json, 'model.json', file);
  if (!isPlainObject(json))
    throw new ModelFileError(file, 'not a bijective model file: expected a JSON object');
  const tfjsLayout = json.modelTopology !== undefined && json.flow === undefined;
  const topology: unknown = tfjsLayout
    ? json.modelTopology
    : { format: json.format, formatVersion: json.formatVersion, flow: json.flow };
  const format = isPlainObject(topology) ? topology.format : undefined;
  if (format !== MODEL_FORMAT) {
    const found = format === undefined ? 'it has no format tag' : `its format is ${previewJson(format)}`;
    throw new ModelFileError(file, `not a bijective model file: ${found}, expected "${MODEL_FORMAT}"`);
  }
  const weightsManifest = checkManifest(json.weightsManifest, file);
  const metadata = tfjsLayout ? json.userDefinedMetadata : json.metadata;
  return {
    artifacts: {
      format: MODEL_FORMAT,
      modelTopology: topology as object,
      userDefinedMetadata: (metadata ?? {}) as Record<string, object>,
      weightSpecs: weightsManifest.flatMap((group) => group.weights),
    },
    weightsManifest,
  };
}
