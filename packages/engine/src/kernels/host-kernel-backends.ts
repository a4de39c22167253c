import type * as tf from '@tensorflow/tfjs-core';

/** Attributes of a host kernel: plain numbers, booleans, strings or number lists (tfjs's NamedAttrMap). */
export type HostKernelAttrs = Record<string, number | boolean | string | readonly number[]>;

/** What a backend's own implementation of a host kernel receives (see {@link registerHostKernelBackend}). */
export interface HostKernelBackendCall<A extends HostKernelAttrs = HostKernelAttrs> {
  /** The kernel's inputs, in the order the caller passed them. */
  inputs: readonly tf.TensorInfo[];
  /** The attributes the caller passed. */
  attrs: A;
  /** The tfjs backend running the call (e.g. tfjs-backend-webgl's `MathBackendWebGL`). */
  backend: tf.KernelBackend;
  /**
   * Runs the kernel's host loop the engine's way on this backend instead (on webgl: read the inputs
   * back and upload the outputs), for calls the implementation does not handle (an attribute or a
   * device it does not support).
   */
  fallback(): tf.TensorInfo[];
}

/**
 * A backend's own implementation of a host kernel, e.g. WebGL shader programs: the same outputs as
 * the kernel's host loop (shapes, order, float32), computed on the device without reading back.
 */
export type HostKernelBackendImplementation<A extends HostKernelAttrs = HostKernelAttrs> = (
  call: HostKernelBackendCall<A>,
) => tf.TensorInfo[];

const implementations = new Map<string, HostKernelBackendImplementation>();
/** Each defined host kernel's registration for one backend (set by `defineHostKernel`). */
const registrars = new Map<string, (backendName: string) => void>();

const keyOf = (kernelName: string, backendName: string) => `${kernelName}\u0000${backendName}`;

/**
 * Registers `implementation` as host kernel `kernelName`'s version for the tfjs backend
 * `backendName` (a shader version for `webgl`, say), in place of the engine's generic path there
 * (on webgl: read every input back to the CPU, run the host loop, upload the outputs: a GPU sync per
 * call). The kernel keeps its name, gradient and callers; only how it runs on that backend changes.
 * Works in either order with the kernel's definition (`defineHostKernel`), so a backend package can
 * ship versions of kernels defined by packages it does not import (by name); registering again
 * replaces the implementation. @bijective/backend-webgl registers the engine's and the families'
 * kernels this way, so that Node never loads tfjs-backend-webgl.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from '@bijective/core';
 * import { defineHostKernel, registerHostKernelBackend } from '@bijective/engine';
 * import '@bijective/backend-cpu';
 *
 * // y = 2x as a host kernel, and a version of it for cpu written against the backend's own storage.
 * const double = defineHostKernel<Record<string, number>>({
 *   name: 'Example.Double',
 *   outputShapes: ([x]) => [[...(x as number[])]],
 *   run: ([x], [y]) => (y as Float32Array).set((x as Float32Array).map((v) => 2 * v)),
 * });
 * type CpuStorage = {
 *   readSync(id: object): Float32Array;
 *   makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
 * };
 * registerHostKernelBackend('Example.Double', 'cpu', ({ inputs: [x], backend }) => {
 *   const cpu = backend as unknown as CpuStorage;
 *   return [cpu.makeTensorInfo([...x!.shape], 'float32', cpu.readSync(x!.dataId).map((v) => v + v))];
 * });
 * await useBackend('cpu');
 * console.log(double([tf.tensor1d([1, 2])], {})[0]!.arraySync()); // [2, 4]
 * ```
 */
export function registerHostKernelBackend<A extends HostKernelAttrs>(
  kernelName: string,
  backendName: string,
  implementation: HostKernelBackendImplementation<A>,
): void {
  implementations.set(keyOf(kernelName, backendName), implementation as HostKernelBackendImplementation);
  registrars.get(kernelName)?.(backendName);
}

/**
 * The implementation registered for `kernelName` on `backendName`, or undefined (the engine's path).
 * @internal
 */
export function hostKernelBackend(
  kernelName: string,
  backendName: string,
): HostKernelBackendImplementation | undefined {
  return implementations.get(keyOf(kernelName, backendName));
}

/**
 * The backends with an implementation of `kernelName`.
 * @internal
 */
export function hostKernelBackendNames(kernelName: string): string[] {
  const prefix = keyOf(kernelName, '');
  return [...implementations.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/**
 * Records how `defineHostKernel` registers `kernelName` for a backend, so that an implementation
 * registered later for a backend the kernel is not registered on yet gets it registered.
 * @internal
 */
export function trackHostKernel(kernelName: string, register: (backendName: string) => void): void {
  registrars.set(kernelName, register);
}
