import type * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '../errors.js';
import type { Flow } from '../flow.js';
import type { JsonObject } from '../json.js';
import { flowToArtifacts } from './artifacts.js';
import { messageOf, ModelFileError } from './errors.js';
import { handlerForUrl, namesOf } from './handlers.js';

/**
 * Saves a flow (its config, its variables' values and free JSON `metadata`) through a tfjs IO
 * handler or a tfjs URL. Every variable is stored, trainable or not (batch-norm running
 * statistics), in `flow.variables` order.
 *
 * Browsers save by URL through tfjs's registered handlers (`tf.io.getSaveHandlers`):
 * ```ts
 * await saveFlow(flow, 'indexeddb://my-flow', { data: 'moons' });   // IndexedDB
 * await saveFlow(flow, 'localstorage://my-flow');                   // localStorage (small models)
 * await saveFlow(flow, 'downloads://my-flow');                      // my-flow.json + my-flow.weights.bin
 * const { flow: restored, metadata } = await loadFlow('indexeddb://my-flow');
 * ```
 * In Node use `saveFlowToDirectory` from `@bijective/core/node` (atomic, writes `model.json` and
 * `weights.bin`). Throws a {@link ModelFileError} naming the destination when no handler takes
 * the URL, the config or metadata are not plain JSON, or the handler fails.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, saveFlow, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'affine', { eventShape: [2], shift: 1 }));
 * // Any tfjs IO handler: here one that receives the artifacts (e.g. to send them to a server).
 * const handler = tf.io.withSaveHandler(async (artifacts) => {
 *   console.log(artifacts.modelTopology, artifacts.weightSpecs?.map((w) => w.name));
 *   return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
 * });
 * await saveFlow(flow, handler, { note: 'free JSON metadata' });
 * ```
 */
export async function saveFlow(
  flow: Flow,
  destination: tf.io.IOHandler | string,
  metadata: JsonObject = {},
): Promise<tf.io.SaveResult> {
  const target = namesOf(destination).model;
  const handler = typeof destination === 'string' ? handlerForUrl(destination, 'save') : destination;
  if (typeof handler.save !== 'function') throw new ModelFileError(target, 'this IO handler cannot save');
  const artifacts = await flowToArtifacts(flow, metadata, target);
  let result: tf.io.SaveResult;
  try {
    result = await handler.save(artifacts);
  } catch (e) {
    if (e instanceof BijectiveError) throw e;
    throw new ModelFileError(target, `saving failed: ${messageOf(e)}`, { cause: e });
  }
  if (result?.errors !== undefined && result.errors.length > 0) {
    throw new ModelFileError(target, `saving failed: ${result.errors.map((e) => messageOf(e)).join('; ')}`);
  }
  return result;
}
