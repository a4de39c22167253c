import type * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '../errors.js';
import { readArtifacts } from './artifacts.js';
import { messageOf, ModelFileError } from './errors.js';
import type { LoadedFlow } from './format.js';
import { handlerForUrl, namesOf } from './handlers.js';
import { rebuildFlow } from './rebuild.js';
import { assignWeights, checkFiniteWeights, checkSpecsMatchVariables, checkWeightBytes } from './weights.js';

/**
 * Loads a flow saved by {@link saveFlow} through a tfjs IO handler or a tfjs URL: checks the
 * format tag and version, rebuilds the base distribution and bijector through the registry (so
 * the packages that registered them must be imported first), checks the weights against the
 * rebuilt flow's variables by count, name, shape and dtype, and assigns them.
 *
 * ```ts
 * const { flow, metadata } = await loadFlow('indexeddb://my-flow');   // browsers
 * const { flow } = await loadFlow(tf.io.fromMemory(artifacts));       // anywhere
 * ```
 * In Node use `loadFlowFromDirectory` from `@bijective/core/node`. Every problem (unknown
 * format or version, unregistered name, invalid options, missing, truncated, non-finite or
 * mismatched weights, a file beyond the limits of `LIMITS`) throws a {@link ModelFileError}
 * naming the file, and leaves no tensor behind. A model file only names registry entries and
 * holds numbers: loading it never runs code from it (see docs/security.md).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, loadFlow, saveFlow, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'affine', { eventShape: [2], scale: 2 }));
 * let saved: tf.io.ModelArtifacts | undefined;
 * await saveFlow(flow, tf.io.withSaveHandler(async (artifacts) => {
 *   saved = artifacts;
 *   return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
 * }), { trainedOn: 'nothing' });
 *
 * const { flow: loaded, metadata } = await loadFlow(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
 * const x = tf.tensor2d([[1, 2]]);
 * console.log(metadata, flow.logProb(x).arraySync(), loaded.logProb(x).arraySync()); // the same log p
 * ```
 */
export async function loadFlow(source: tf.io.IOHandler | string): Promise<LoadedFlow> {
  const names = namesOf(source);
  const handler = typeof source === 'string' ? handlerForUrl(source, 'load') : source;
  if (typeof handler.load !== 'function')
    throw new ModelFileError(names.model, 'this IO handler cannot load');
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (e) {
    if (e instanceof BijectiveError) throw e;
    throw new ModelFileError(names.model, `loading failed: ${messageOf(e)}`, { cause: e });
  }
  const contents = readArtifacts(artifacts, names);
  checkWeightBytes(contents.weightSpecs, contents.weightData, names.weights);
  checkFiniteWeights(contents.weightData, contents.weightSpecs, names.weights);
  const flow = rebuildFlow(contents.flow, names.model);
  try {
    checkSpecsMatchVariables(contents.weightSpecs, flow.variables, names.weights);
    assignWeights(flow.variables, contents.weightData, contents.weightSpecs);
  } catch (e) {
    flow.dispose();
    throw e;
  }
  return { flow, metadata: contents.metadata };
}
