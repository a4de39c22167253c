import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '@bijective/core';
import { HOST_ADAPTERS, hostAdapterFor, type HostAdapter } from '../tfjs/host-adapters.js';
import { runKernelOutputs } from '../tfjs/internals.js';
import {
  hostKernelBackend,
  hostKernelBackendNames,
  trackHostKernel,
  type HostKernelAttrs,
} from './host-kernel-backends.js';

export type { HostKernelAttrs } from './host-kernel-backends.js';

/**
 * A kernel written as a loop over float32 buffers on the host, run by tfjs as ONE kernel on every
 * backend (the pattern of tfjs's own kernel registry): on cpu and wasm it reads and writes the
 * backend's buffers in place (wasm: views of its heap), elsewhere (webgl) it reads the inputs back
 * and uploads the outputs, unless a backend package registered its own version there
 * ({@link registerHostKernelBackend}: @bijective/backend-webgl's shader programs). Small flows are
 * bound by per-kernel dispatch, not arithmetic (docs/benchmarks.md), so fusing a chain of
 * elementwise kernels into one loop is the big saving.
 */
export interface HostKernelSpec<A extends HostKernelAttrs> {
  /** The tfjs kernel name (unique; prefix it with your package, e.g. `Bijective.Adam`). */
  name: string;
  /**
   * The backends to register it on (default cpu, wasm and webgl, and any other when first called);
   * with a list, calling it on another backend is an error, and callers check `tf.getKernel` first.
   */
  backends?: readonly string[];
  /** The shapes of the outputs, from the input shapes and the attributes. */
  outputShapes(inputShapes: readonly (readonly number[])[], attrs: A): number[][];
  /** Fills `outputs` (zeroed) from `inputs`; arithmetic may use float64 JavaScript numbers. */
  /**
   * The gradients with respect to each input from the outputs' gradients (tfjs passes zeros for
   * unused outputs), for kernels that are linear in their inputs (copies, packings); registered
   * with tfjs, so such a kernel can sit on an ordinary gradient tape.
   */
  linearGradient?(dys: tf.Tensor[], attrs: A): tf.Tensor[];
  /**
   * A registered gradient for kernels that are not linear: the inputs and outputs (by index) the
   * tape saves, and the gradient of every input from the outputs' gradients (zeros for unused
   * outputs) and the saved tensors (saved inputs first, then saved outputs), typically another host
   * kernel. With it the kernel sits on an ordinary gradient tape with several outputs (tf.customGrad
   * takes one).
   */
  gradient?: HostKernelGradient<A>;
  run(
    inputs: readonly Float32Array[],
    outputs: Float32Array[],
    inputShapes: readonly (readonly number[])[],
    attrs: A,
  ): void;
}

/** The registered gradient of a host kernel (see {@link HostKernelSpec.gradient}). */
export interface HostKernelGradient<A extends HostKernelAttrs> {
  /** Indices of the inputs the tape keeps for the backward pass. */
  saveInputs?: readonly number[];
  /** Indices of the outputs the tape keeps for the backward pass. */
  saveOutputs?: readonly number[];
  /** ∂L/∂input for every input, from the outputs' gradients and the saved tensors. */
  grad(dys: tf.Tensor[], saved: tf.Tensor[], attrs: A): tf.Tensor[];
}

/**
 * A registered host kernel: call it with float32 tensors, get its outputs as new tensors; `run` is
 * its loop itself, for code that already holds the buffers (one kernel running several host loops).
 */
export type HostKernel<A extends HostKernelAttrs> = ((
  inputs: readonly tf.Tensor[],
  attrs: A,
) => tf.Tensor[]) & {
  /** The spec's loop on host buffers ({@link HostKernelSpec.run}); outputs must be zeroed as the kernel's are. */
  readonly run: HostKernelSpec<A>['run'];
};

/**
 * Registers `spec` with tfjs for the cpu, wasm and webgl backends and returns the function that
 * runs it (through `engine().runKernel`, so tfjs tracks the outputs and profiles the call). Host
 * kernels have no registered gradient unless they are linear (`linearGradient`): use them inside
 * `tf.customGrad` ops whose backward pass is another host kernel. Throws {@link BijectiveError} on a non-float32 input.
 */
export function defineHostKernel<A extends HostKernelAttrs>(spec: HostKernelSpec<A>): HostKernel<A> {
  // A backend's own implementation (registerHostKernelBackend) runs first, with the adapter as its
  // fallback; a null adapter is looked up at the call (a backend known only by its implementation).
  const registerFor = (backendName: string, adapter: HostAdapter | null) =>
    tf.registerKernel({
      kernelName: spec.name,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const infos = Object.values(inputs) as tf.TensorInfo[];
        const shapes = infos.map((t) => t.shape);
        const typed = attrs as unknown as A; // tfjs passes the attributes it was given
        const fallback = () => {
          const via = adapter ?? hostAdapterFor(backendName, backend);
          if (!via) throw new BijectiveError('backend', `${spec.name}: cannot run on '${backendName}'`);
          return via(backend as tf.KernelBackend, infos, spec.outputShapes(shapes, typed), (ins, outs) =>
            spec.run(ins, outs, shapes, typed),
          );
        };
        const own = hostKernelBackend(spec.name, backendName);
        return own
          ? own({ inputs: infos, attrs: typed, backend: backend as tf.KernelBackend, fallback })
          : fallback();
      },
    });
  for (const [backendName, adapter] of Object.entries(HOST_ADAPTERS))
    if (!spec.backends || spec.backends.includes(backendName)) registerFor(backendName, adapter);
  const ensureOn = (backendName: string) => {
    if (!tf.getKernel(spec.name, backendName)) registerFor(backendName, HOST_ADAPTERS[backendName] ?? null);
  };
  hostKernelBackendNames(spec.name).forEach(ensureOn);
  trackHostKernel(spec.name, ensureOn);
  const { linearGradient, gradient } = spec;
  if (gradient) {
    const outputsToSave: boolean[] = [];
    for (const i of gradient.saveOutputs ?? []) outputsToSave[i] = true;
    tf.registerGradient({
      kernelName: spec.name,
      inputsToSave: (gradient.saveInputs ?? []).map((i) => `x${i}`),
      outputsToSave: Array.from(outputsToSave, (v) => v === true),
      gradFunc: (dy, saved, attrs) => {
        const grads = gradient.grad(Array.isArray(dy) ? dy : [dy], saved, attrs as unknown as A);
        return Object.fromEntries(grads.map((g, i) => [`x${i}`, () => g]));
      },
    });
  } else if (linearGradient)
    tf.registerGradient({
      kernelName: spec.name,
      gradFunc: (dy, _saved, attrs) => {
        const grads = linearGradient(Array.isArray(dy) ? dy : [dy], attrs as unknown as A);
        return Object.fromEntries(grads.map((g, i) => [`x${i}`, () => g]));
      },
    });
  const call = (inputs: readonly tf.Tensor[], attrs: A): tf.Tensor[] => {
    const named: tf.NamedTensorMap = {};
    inputs.forEach((t, i) => {
      if (t.dtype !== 'float32')
        throw new BijectiveError('value', `${spec.name}: input ${i} must be float32, got ${t.dtype}`);
      named[`x${i}`] = t;
    });
    const backendName = tf.getBackend();
    if (!tf.getKernel(spec.name, backendName)) {
      if (spec.backends)
        throw new BijectiveError(
          'backend',
          `${spec.name}: runs on ${spec.backends.join(', ')}, not '${backendName}'`,
        );
      // A backend registered after this kernel (webgpu, tfjs-node, a third party's): read back.
      const adapter = hostAdapterFor(backendName, tf.backend());
      if (!adapter) {
        throw new BijectiveError(
          'backend',
          `${spec.name}: the '${backendName}' backend offers no way to run host kernels (it has neither readSync nor makeTensorInfo); use the cpu, wasm or webgl backend`,
        );
      }
      registerFor(backendName, adapter);
    }
    return runKernelOutputs(spec.name, named, attrs as unknown as tf.NamedAttrMap);
  };
  return Object.assign(call, { run: spec.run.bind(spec) });
}
