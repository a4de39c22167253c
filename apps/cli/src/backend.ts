import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@bijective/core';

/** The CLI's default preference in Node: wasm (SIMD) is the fastest backend there, cpu the fallback. */
export const NODE_PREFERENCE: readonly string[] = ['wasm', 'cpu'];

/** Selects `--backend` (or the fastest available) and silences tfjs's Node banner; returns the backend name. */
export async function selectBackend(name: string | undefined): Promise<string> {
  tf.env().set('PROD', true);
  const choice = await useBackend(name ?? NODE_PREFERENCE);
  return choice.backend;
}
