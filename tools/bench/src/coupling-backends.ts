import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { useWasmFusedRun, useWasmSimdKernels } from '@bijective/engine';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// tfjs's backends are imported by name (not bare), so that a bundler honouring their `sideEffects`
// lists cannot drop the modules that register them.

/** The tfjs backend versions, for the report. */
export const BACKEND_VERSIONS = { cpu: version_cpu, wasm: version_wasm } as const;

let wasmPathsSet = false;

/**
 * Activates tfjs's `cpu` or `wasm` backend (the wasm binaries from the installed package's `dist/`);
 * `wasm-xnnpack` is the wasm backend with the engine's own SIMD kernels switched off (tfjs's XNNPACK
 * kernels only), and `wasm-layers` the wasm backend with its own kernels but without the one-kernel
 * run of whole flows outside a tape (logProb and sample layer by layer), for before/after
 * comparisons in one run.
 */
export async function selectBackend(requested: string): Promise<void> {
  const xnnpackOnly = requested === 'wasm-xnnpack';
  const layerByLayer = requested === 'wasm-layers';
  const name = xnnpackOnly || layerByLayer ? 'wasm' : requested;
  if (!BACKEND_VERSIONS[name as keyof typeof BACKEND_VERSIONS]) {
    throw new Error(
      `coupling bench: unknown backend '${requested}'; known: cpu, wasm, wasm-xnnpack, wasm-layers`,
    );
  }
  useWasmSimdKernels(!xnnpackOnly);
  useWasmFusedRun(!layerByLayer);
  if (name === 'wasm' && !wasmPathsSet) {
    const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(join(dirname(manifest), 'dist') + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`coupling bench: could not activate the tfjs '${name}' backend`);
  }
}
