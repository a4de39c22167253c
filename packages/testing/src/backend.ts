import * as tf from '@tensorflow/tfjs-core';
import { isRegistered, useBackend } from '@bijective/core';

/**
 * Makes `name` the active tfjs backend and checks that it is (tfjs silently falls back to another
 * one when a backend fails to initialise). Goes through core's `useBackend` when a
 * `@bijective/backend-*` package registered the name, and straight to `tf.setBackend` otherwise.
 */
export async function activateBackend(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  let reason = '';
  try {
    if (isRegistered('backend', name)) await useBackend(name);
    else await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    reason = `: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (tf.getBackend() !== name) {
    throw new Error(
      `conformance: backend '${name}' is not active (tfjs runs '${tf.getBackend()}'${reason}); ` +
        'import the tfjs backend or its @bijective/backend-* package first',
    );
  }
}
