import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { defineHostKernel, type HostKernelSpec } from './host-kernel.js';
import { registerHostKernelBackend, type HostKernelBackendImplementation } from './host-kernel-backends.js';

type CpuStorage = {
  readSync(id: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

/** y = x + 1 on the host. */
const plusOne = (name: string, backends?: string[]): HostKernelSpec<Record<string, number>> => ({
  name,
  ...(backends ? { backends } : {}),
  outputShapes: ([x]) => [[...(x as number[])]],
  run: ([x], [y]) => (y as Float32Array).set((x as Float32Array).map((v) => v + 1)),
});

/** A cpu "device version" computing y = x + 100 (so a test can tell which one ran), counting its calls. */
function plusHundred(calls: { own: number }): HostKernelBackendImplementation {
  return ({ inputs: [x], backend }) => {
    calls.own += 1;
    const cpu = backend as unknown as CpuStorage;
    return [
      cpu.makeTensorInfo(
        [...x!.shape],
        'float32',
        cpu.readSync(x!.dataId).map((v) => v + 100),
      ),
    ];
  };
}

describe('registerHostKernelBackend', () => {
  test('an implementation registered after the kernel replaces its host loop on that backend only, and its fallback is the loop', async () => {
    await tf.setBackend('cpu');
    const kernel = defineHostKernel(plusOne('Bijective.Test.BackendAfter'));
    const x = tf.tensor1d([1, 2]);
    expect(Array.from(kernel([x], {})[0]!.dataSync())).toEqual([2, 3]);
    const calls = { own: 0 };
    registerHostKernelBackend('Bijective.Test.BackendAfter', 'cpu', plusHundred(calls));
    expect(Array.from(kernel([x], {})[0]!.dataSync())).toEqual([101, 102]);
    expect(calls.own).toBe(1);
    registerHostKernelBackend('Bijective.Test.BackendAfter', 'cpu', ({ fallback }) => fallback());
    expect(Array.from(kernel([x], {})[0]!.dataSync())).toEqual([2, 3]);
  });

  test('an implementation registered before the kernel is defined is used from the first call', async () => {
    await tf.setBackend('cpu');
    const calls = { own: 0 };
    registerHostKernelBackend('Bijective.Test.BackendBefore', 'cpu', plusHundred(calls));
    const kernel = defineHostKernel(plusOne('Bijective.Test.BackendBefore'));
    expect(Array.from(kernel([tf.tensor1d([5])], {})[0]!.dataSync())).toEqual([105]);
    expect(calls.own).toBe(1);
  });

  test('an implementation for a backend outside the kernel`s list registers the kernel there, in either order', async () => {
    await tf.setBackend('cpu');
    const kernel = defineHostKernel(plusOne('Bijective.Test.BackendListed', ['wasm']));
    expect(tf.getKernel('Bijective.Test.BackendListed', 'cpu')).toBeUndefined();
    expect(() => kernel([tf.tensor1d([1])], {})).toThrow("runs on wasm, not 'cpu'");
    const calls = { own: 0 };
    registerHostKernelBackend('Bijective.Test.BackendListed', 'cpu', plusHundred(calls));
    expect(tf.getKernel('Bijective.Test.BackendListed', 'cpu')).toBeDefined();
    expect(Array.from(kernel([tf.tensor1d([1])], {})[0]!.dataSync())).toEqual([101]);
    // The fallback there is the engine's adapter for the backend.
    registerHostKernelBackend('Bijective.Test.BackendListed', 'cpu', ({ fallback }) => fallback());
    expect(Array.from(kernel([tf.tensor1d([1])], {})[0]!.dataSync())).toEqual([2]);

    registerHostKernelBackend('Bijective.Test.BackendListedLater', 'cpu', plusHundred(calls));
    const later = defineHostKernel(plusOne('Bijective.Test.BackendListedLater', ['wasm']));
    expect(Array.from(later([tf.tensor1d([3])], {})[0]!.dataSync())).toEqual([103]);
  });
});
