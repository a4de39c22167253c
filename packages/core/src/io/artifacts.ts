import type * as tf from '@tensorflow/tfjs-core';
import type { Flow, FlowConfig } from '../flow.js';
import type { JsonObject } from '../json.js';
import { ModelFileError } from './errors.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelFileNames, type ModelTopology } from './format.js';
import { previewJson } from '../json.js';
import { checkFlowConfigLimits } from './config-limits.js';
import { isJsonObject, isPlainObject, jsonProblem } from './json-check.js';
import { walkJson, type ValueCount } from './json-limits.js';
import { checkWeightLimits, checkWeightSpecs, encodeVariables } from './weights.js';

/** What a loaded model holds once its artifacts are checked: config, metadata and weights. */
export interface ModelContents {
  /** Registry names and options that rebuild the flow. */
  flow: FlowConfig;
  /** Saved metadata (`{}` when none). */
  metadata: JsonObject;
  /** The weight manifest entries, in variable order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The encoded weights. */
  weightData: tf.io.WeightData;
}

/**
 * Encodes a flow as tfjs model artifacts: `modelTopology` holds `{format, formatVersion, flow}`,
 * `userDefinedMetadata` the metadata, and the weights are the flow's variables in order.
 * Throws a {@link ModelFileError} naming `target` when the config or metadata are not plain JSON.
 */
export async function flowToArtifacts(
  flow: Flow,
  metadata: JsonObject,
  target: string,
): Promise<tf.io.ModelArtifacts> {
  if (!isPlainObject(metadata)) throw new ModelFileError(target, 'metadata must be a plain JSON object');
  const config = flow.getConfig();
  const cannotSave = `${target} (cannot save)`;
  const count: ValueCount = { values: 0 };
  checkFlowConfigLimits(config, cannotSave, count);
  walkJson(metadata, 'metadata', cannotSave, count);
  const problem = jsonProblem(config, 'the flow config') ?? jsonProblem(metadata, 'metadata');
  if (problem !== undefined) throw new ModelFileError(target, `cannot save: ${problem}`);
  flow.variables.forEach((v, i) => {
    if (v.isDisposed)
      throw new ModelFileError(target, `cannot save: the flow's variable ${i} has been disposed`);
  });
  checkWeightLimits(
    flow.variables.map((v) => ({ name: '', shape: v.shape, dtype: v.dtype as 'float32' })),
    cannotSave,
  );
  const topology: ModelTopology = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    flow: JSON.parse(JSON.stringify(config)) as FlowConfig,
  };
  const { data, specs } = await encodeVariables(flow.variables);
  return {
    format: MODEL_FORMAT,
    modelTopology: topology,
    userDefinedMetadata: JSON.parse(JSON.stringify(metadata)) as Record<string, object>,
    weightSpecs: specs,
    weightData: data,
  };
}

/** Checks that a component config is `{name: string, options: {...}}`. */
function checkComponent(value: unknown, what: string, file: string): void {
  if (!isPlainObject(value) || typeof value.name !== 'string' || value.name.length === 0) {
    throw new ModelFileError(
      file,
      `${what} must be {"name": string, "options": {...}}, found ${previewJson(value)}`,
    );
  }
  if (!isJsonObject(value.options)) {
    throw new ModelFileError(
      file,
      `${what}.options of ${previewJson(value.name)} must be a JSON object, found ${previewJson(value.options)}`,
    );
  }
}

/** Checks the format tag and version of a model topology; returns it typed. */
function checkTopology(artifacts: tf.io.ModelArtifacts, file: string): ModelTopology {
  const topology = artifacts.modelTopology;
  if (topology instanceof ArrayBuffer) {
    throw new ModelFileError(
      file,
      `not a bijective model: it holds a binary (GraphDef) model, expected format '${MODEL_FORMAT}'`,
    );
  }
  if (!isPlainObject(topology)) {
    const hint =
      artifacts.format === MODEL_FORMAT
        ? ` (the handler kept only tfjs's own model.json fields; load a model directory with loadFlowFromDirectory from '@bijective/core/node')`
        : '';
    throw new ModelFileError(
      file,
      `not a bijective model: the model topology with the flow config is missing${hint}`,
    );
  }
  if (topology.format !== MODEL_FORMAT) {
    const found = topology.format === undefined ? 'no format tag' : `format ${previewJson(topology.format)}`;
    throw new ModelFileError(file, `not a bijective model: ${found}, expected format '${MODEL_FORMAT}'`);
  }
  const version = topology.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ModelFileError(
      file,
      `invalid formatVersion ${previewJson(version)}: expected a positive integer`,
    );
  }
  if (version > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(
      file,
      `formatVersion ${version} is newer than this version of @bijective/core reads (up to ${MODEL_FORMAT_VERSION}); upgrade @bijective/core`,
    );
  }
  const flow = topology.flow;
  if (!isPlainObject(flow)) throw new ModelFileError(file, 'the flow config is missing');
  checkComponent(flow.base, 'flow.base', file);
  checkComponent(flow.bijector, 'flow.bijector', file);
  return topology as unknown as ModelTopology;
}

/**
 * Checks loaded tfjs model artifacts (format tag, version, flow config, metadata, weight manifest)
 * and returns what they hold; errors name `names.model` or `names.weights`.
 */
export function readArtifacts(artifacts: tf.io.ModelArtifacts, names: ModelFileNames): ModelContents {
  if (typeof artifacts !== 'object' || artifacts === null) {
    throw new ModelFileError(names.model, 'the IO handler returned no model');
  }
  // Bounded, non-recursive walks first: everything after may recurse into these values.
  const count: ValueCount = { values: 0 };
  if (isPlainObject(artifacts.modelTopology)) {
    // The flow config first, so that deep nesting is reported as nested bijectors.
    checkFlowConfigLimits(artifacts.modelTopology.flow, names.model);
    walkJson(artifacts.modelTopology, 'modelTopology', names.model, count);
  }
  walkJson(artifacts.userDefinedMetadata ?? {}, 'metadata', names.model, count);
  walkJson(artifacts.weightSpecs ?? [], 'weightSpecs', names.model, count);
  const topology = checkTopology(artifacts, names.model);
  const metadata = artifacts.userDefinedMetadata ?? {};
  if (!isJsonObject(metadata)) throw new ModelFileError(names.model, 'metadata must be a JSON object');
  const weightSpecs = checkWeightSpecs(artifacts.weightSpecs ?? [], names.model);
  checkWeightLimits(weightSpecs, names.model);
  const weightData = artifacts.weightData ?? (weightSpecs.length === 0 ? new ArrayBuffer(0) : undefined);
  if (weightData === undefined) throw new ModelFileError(names.weights, 'the weight data are missing');
  const isBuffer = (b: unknown) => b instanceof ArrayBuffer;
  if (!isBuffer(weightData) && !(Array.isArray(weightData) && weightData.every(isBuffer))) {
    throw new ModelFileError(names.weights, 'the weight data are not an ArrayBuffer or a list of them');
  }
  return { flow: topology.flow, metadata, weightSpecs, weightData };
}
