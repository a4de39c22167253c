import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@bijective/core';
import { wasmSimdVariant } from '@bijective/engine';

/** The CLI's default preference in Node: wasm (SIMD) is the fastest backend there, cpu the fallback. */
export const NODE_PREFERENCE: readonly string[] = ['wasm', 'cpu'];

/** Selects `--backend` (or the fastest available) and silences tfjs's Node banner; returns the backend name. */
export async function selectBackend(name: string | undefined): Promise<string> {
  tf.env().set('PROD', true);
  const choice = await useBackend(name ?? NODE_PREFERENCE);
  return choice.backend;
}

/** Which build of the engine's wasm kernels runs on the active backend: `'relaxed-simd'` (fused multiply-adds) or `'simd128'`; undefined when they do not run (cpu, webgl). */
export function wasmKernels(): 'relaxed-simd' | 'simd128' | undefined {
  const variant = wasmSimdVariant();
  return variant === null ? undefined : variant === 'relaxed' ? 'relaxed-simd' : variant;
}

/** The backend as the CLI's summary line names it: `wasm (relaxed-simd)` when the engine's kernels run on wasm. */
export function backendLabel(backend: string): string {
  const kernels = wasmKernels();
  return kernels === undefined ? backend : `${backend} (${kernels})`;
}
