import * as tf from '@tensorflow/tfjs-core';
import { loadFlow, saveFlow, type Flow, type JsonObject, type LoadedFlow } from '@bijective/core';

/**
 * Saves `flow` in the project's model-file format into memory and loads it back: the round trip a
 * model directory makes, without the file system (`saveFlow` then `loadFlow` of the same artifacts).
 * A flow plugin's tests use it to check that every option and weight survives saving.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@bijective/backend-cpu';
 * import { Affine, Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { reloadFlow } from '@bijective/testing';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), new Affine({ eventShape: [2] }));
 * const { flow: loaded } = await reloadFlow(flow);
 * const x = tf.tensor2d([[1, 2]]);
 * console.log(flow.logProb(x).arraySync(), loaded.logProb(x).arraySync()); // the same log p
 * ```
 */
export async function reloadFlow(flow: Flow, metadata: JsonObject = {}): Promise<LoadedFlow> {
  let saved: tf.io.ModelArtifacts | undefined;
  await saveFlow(
    flow,
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    metadata,
  );
  return loadFlow(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
}
