import * as tf from '@tensorflow/tfjs-core';
import { OptionError, type BackendProvider } from '@bijective/core';

/** Options of the `webgpu` backend: it takes none, so only `{}` is accepted. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebgpuBackendOptions {}

declare module '@bijective/core' {
  interface BackendOptionsMap {
    /** tfjs's WebGPU backend: compute shaders on the GPU in browser pages and workers with `navigator.gpu`. */
    webgpu: WebgpuBackendOptions;
  }
}

/** The part of `navigator.gpu` the check needs (typed here so that no DOM WebGPU types are required). */
interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/**
 * Provides tfjs's `webgpu` backend. Its {@link WebgpuBackendProvider.prepare} fails fast, with the
 * reason, where there is no WebGPU (Node, a browser without `navigator.gpu`, or one that offers no
 * adapter), instead of letting tfjs fall back to another backend without a word.
 */
export class WebgpuBackendProvider implements BackendProvider {
  /** The tfjs backend name. */
  readonly name = 'webgpu';

  /** Checks the options: the webgpu backend takes none, so any key is a mistake worth reporting. */
  constructor(options: WebgpuBackendOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new OptionError(`webgpu backend: options must be an object (got ${String(options)})`);
    }
    const keys = Object.keys(options);
    if (keys.length > 0)
      throw new OptionError(`webgpu backend: unknown option(s) ${keys.join(', ')}; it takes none`);
  }

  /**
   * Throws the reason when this environment cannot run WebGPU: no `navigator.gpu` (Node, or a
   * browser without WebGPU or outside a secure context), tfjs's backend not registered, no adapter,
   * or synchronous reads that come back wrong (the start-up check reads a small sum both ways).
   */
  async prepare(): Promise<void> {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) {
      const where =
        typeof process !== 'undefined' && process.versions?.node
          ? `Node.js ${process.versions.node}`
          : 'this browser (WebGPU off, unsupported, or not a secure context)';
      throw new Error(`WebGPU needs navigator.gpu, which ${where} does not have (use webgl, wasm or cpu)`);
    }
    if (!tf.findBackendFactory('webgpu')) {
      throw new Error(
        'tfjs-backend-webgpu is not registered with tfjs (import @bijective/backend-webgpu first)',
      );
    }
    if (!(await gpu.requestAdapter())) {
      throw new Error('this browser offers no WebGPU adapter (no usable GPU, or WebGPU is blocklisted here)');
    }
    await checkSyncReads();
  }
}

/**
 * Starts tfjs's webgpu backend and reads a small sum back synchronously and asynchronously; throws
 * when the synchronous read is wrong (tfjs 4.22 reads synchronously through a canvas, which returns
 * zeros on some software adapters, e.g. headless Chromium's SwiftShader), since training and
 * `logProb(...).dataSync()` read synchronously. The backend active before is restored on failure.
 * @internal
 */
export async function checkSyncReads(): Promise<void> {
  const previous = tf.engine().backendName;
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error('tfjs could not start its webgpu backend here (see the console for its reason)');
  }
  const x = tf.tensor1d([1, 2, 3, 4]);
  // Two sums: a tensor read asynchronously is cached on the CPU, so reading it again would not test readSync.
  const [sumAsync, sumSync] = [tf.sum(x), tf.sum(x)];
  const readAsync = (await sumAsync.data())[0];
  const read = sumSync.dataSync()[0];
  tf.dispose([x, sumAsync, sumSync]);
  if (read !== 10 || readAsync !== 10) {
    if (previous) await tf.setBackend(previous);
    throw new Error(
      `this browser's WebGPU reads tensors back wrong (1+2+3+4 read as ${read} synchronously and ${readAsync} asynchronously; training reads synchronously), use webgl or wasm`,
    );
  }
}
