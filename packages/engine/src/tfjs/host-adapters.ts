import type * as tf from '@tensorflow/tfjs-core';

/**
 * Runs a host loop on one backend: provides float32 views of the inputs and of fresh outputs.
 * @internal
 */
export type HostAdapter = (
  backend: tf.KernelBackend,
  inputs: readonly tf.TensorInfo[],
  outputShapes: readonly number[][],
  run: (inputs: Float32Array[], outputs: Float32Array[]) => void,
) => tf.TensorInfo[];

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The slice of tfjs's cpu backend a host kernel uses. */
interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** The slice of tfjs's wasm backend a host kernel uses (heap views; valid until the next allocation). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** Any other backend: read the inputs back (a sync on GPUs) and upload the outputs. */
interface GenericBackend {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const cpu: HostAdapter = (backend, inputs, shapes, run) => {
  const b = backend as unknown as CpuBackend;
  const outputs = shapes.map((s) => new Float32Array(sizeOf(s)));
  run(
    inputs.map((t) => b.data.get(t.dataId).values),
    outputs,
  );
  return shapes.map((s, i) => b.makeTensorInfo(s, 'float32', outputs[i] as Float32Array));
};

const wasm: HostAdapter = (backend, inputs, shapes, run) => {
  const b = backend as unknown as WasmBackend;
  // Allocate first: a later malloc may grow the heap and detach earlier views.
  // Plain loops, not Array.prototype.map: `.map`'s arrays here deoptimised `o.fill` (see fused-run.ts's placedKernels).
  const infos: tf.TensorInfo[] = [];
  for (let i = 0; i < shapes.length; i++) infos.push(b.makeOutput(shapes[i] as number[], 'float32'));
  const outputs: Float32Array[] = [];
  for (let i = 0; i < infos.length; i++) {
    const o = b.typedArrayFromHeap(infos[i] as tf.TensorInfo);
    o.fill(0);
    outputs.push(o);
  }
  const views: Float32Array[] = [];
  for (let i = 0; i < inputs.length; i++) views.push(b.typedArrayFromHeap(inputs[i] as tf.TensorInfo));
  run(views, outputs);
  return infos;
};

const generic: HostAdapter = (backend, inputs, shapes, run) => {
  const b = backend as unknown as GenericBackend;
  const outputs = shapes.map((s) => new Float32Array(sizeOf(s)));
  run(
    inputs.map((t) => b.readSync(t.dataId)),
    outputs,
  );
  return shapes.map((s, i) => b.makeTensorInfo(s, 'float32', outputs[i] as Float32Array));
};

/** The adapter per tfjs backend name whose buffers a host kernel can reach in place (webgl reads back). */
export const HOST_ADAPTERS: Readonly<Record<string, HostAdapter>> = { cpu, wasm, webgl: generic };

/**
 * The adapter for a backend: in place for cpu and wasm, and for any other backend (webgl, webgpu,
 * tfjs-node, ...) the read-back adapter when the backend offers `readSync` and `makeTensorInfo`;
 * null when it offers neither path.
 * @internal
 */
export function hostAdapterFor(backendName: string, backend: object): HostAdapter | null {
  const known = HOST_ADAPTERS[backendName];
  if (known) return known;
  const b = backend as Partial<GenericBackend>;
  return typeof b.readSync === 'function' && typeof b.makeTensorInfo === 'function' ? generic : null;
}
