import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { MIXTURE_LOG_DENSITY_KERNEL, STANDARD_NORMAL_LOG_DENSITY_KERNEL } from '@bijective/core';
import {
  enableRelaxedSimd,
  useWasmFirstPassRow,
  useWasmFusedRun,
  useWasmRowMaps,
  useWasmSimdKernels,
  useWasmSimdTransforms,
  useWasmSimdVariant,
} from '@bijective/engine';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// tfjs's backends are imported by name (not bare), so that a bundler honouring their `sideEffects`
// lists cannot drop the modules that register them.

/** The tfjs backend versions, for the report. */
export const BACKEND_VERSIONS = { cpu: version_cpu, wasm: version_wasm } as const;

let wasmPathsSet = false;

/** The engine's wasm kernels that `wasm-layers` takes away (the base's and the packing's), kept to restore. */
const WHOLE_RUN_KERNELS = [MIXTURE_LOG_DENSITY_KERNEL, 'Bijective.UnpackLogDet'];
const removed = new Map<string, tf.KernelConfig>();

/** Whether the bench's flows add the standard normal's density to the log-det by tfjs ops (`wasm-main`: as on main 8189f2e). */
export let opsBaseDensity = false;

/** Registers (`on`) or unregisters the kernels `names` on wasm. */
function wasmKernels(names: readonly string[], on: boolean): void {
  for (const name of names) {
    const config = tf.getKernel(name, 'wasm');
    if (!on && config) {
      removed.set(name, config);
      tf.unregisterKernel(name, 'wasm');
    } else if (on && !config && removed.has(name)) tf.registerKernel(removed.get(name) as tf.KernelConfig);
  }
}

/**
 * Activates tfjs's `cpu` or `wasm` backend (the wasm binaries from the installed package's `dist/`);
 * `wasm-xnnpack` is the wasm backend with the engine's own SIMD kernels switched off (tfjs's XNNPACK
 * kernels only), and `wasm-layers` the wasm backend with its own MLP kernels but without the
 * whole-run kernels (fused flows layer by layer, the mixture base's density and the log-det
 * unpacking as tfjs ops), and `wasm-jsmaps` the wasm backend whose whole-run kernels compute the
 * elementwise maps in JavaScript (the host loops) instead of on the SIMD module, and `wasm-colmaps`
 * the wasm backend whose affine maps of fewer than four columns put a row's columns in the vector
 * lanes (as before `useWasmRowMaps`) instead of four rows, and `wasm-simd128` the wasm backend with
 * the engine's SIMD-128 build of its kernels instead of the relaxed-SIMD one (fused multiply-adds,
 * which the benches turn on as the CLI does), and `wasm-main` the wasm backend as main 8189f2e ran
 * inference (a sequential run's first pass on every row, the standard normal's density and the add as
 * tfjs ops), for before/after comparisons in one run.
 */
export async function selectBackend(requested: string): Promise<void> {
  const xnnpackOnly = requested === 'wasm-xnnpack';
  const layerByLayer = requested === 'wasm-layers';
  const jsMaps = requested === 'wasm-jsmaps';
  const columnMaps = requested === 'wasm-colmaps';
  const simd128 = requested === 'wasm-simd128';
  const main = requested === 'wasm-main';
  const name = xnnpackOnly || layerByLayer || jsMaps || columnMaps || simd128 || main ? 'wasm' : requested;
  if (!BACKEND_VERSIONS[name as keyof typeof BACKEND_VERSIONS]) {
    throw new Error(
      `coupling bench: unknown backend '${requested}'; known: cpu, wasm, wasm-xnnpack, wasm-layers, wasm-jsmaps, wasm-colmaps, wasm-simd128, wasm-main`,
    );
  }
  useWasmSimdKernels(!xnnpackOnly);
  useWasmFusedRun(!layerByLayer);
  useWasmSimdTransforms(!jsMaps);
  useWasmRowMaps(!columnMaps);
  // Our own process, like the CLI: wasm relaxed SIMD on (Node 20's V8 flag), unless the SIMD-128 build is asked for.
  if (name === 'wasm') enableRelaxedSimd();
  useWasmSimdVariant(simd128 ? 'simd128' : 'auto');
  wasmKernels(WHOLE_RUN_KERNELS, !layerByLayer && !xnnpackOnly);
  // wasm-main: main 8189f2e's inference (before the first-pass row and the one-kernel base density).
  useWasmFirstPassRow(!main);
  wasmKernels([STANDARD_NORMAL_LOG_DENSITY_KERNEL], !main);
  opsBaseDensity = main;
  if (name === 'wasm' && !wasmPathsSet) {
    const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(join(dirname(manifest), 'dist') + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`coupling bench: could not activate the tfjs '${name}' backend`);
  }
}
