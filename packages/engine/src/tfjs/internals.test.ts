// The self-test of every tfjs-core internal the engine relies on, on each backend the project supports
// in Node, plus the read-back fallback for a backend registered after the host kernels.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, test } from 'vitest';
import '@bijective/test-support/wasm';
import { defineHostKernel } from '../kernels/host-kernel.js';
import { hostAdapterFor } from './host-adapters.js';
import { TfjsInternalsError, activeTape, isRecordingOps, isTapeActive, tapeState } from './internals.js';
import { checkTfjsInternals } from './self-test.js';

describe.each(['cpu', 'wasm'])('tfjs internals on %s', (backend) => {
  test('every assumption holds', async () => {
    await tf.setBackend(backend);
    expect(checkTfjsInternals()).toEqual([]);
  });

  test('tape state: off outside a gradient, recording inside, off inside a kernel', async () => {
    await tf.setBackend(backend);
    expect(isTapeActive()).toBe(false);
    expect(activeTape()).toBeNull();
    const seen: boolean[] = [];
    tf.tidy(() =>
      tf.grad((x: tf.Tensor) => {
        seen.push(isTapeActive(), isRecordingOps());
        return tf.sum(x);
      })(tf.ones([2])),
    );
    expect(seen).toEqual([true, true]);
  });
});

describe('failure messages', () => {
  const state = tapeState() as unknown as Record<string, unknown>;
  const saved = state.gradientDepth;
  afterAll(() => {
    state.gradientDepth = saved;
  });

  test('a changed engine state names the field and the tested version', () => {
    state.gradientDepth = 'changed';
    expect(() => tapeState()).toThrow(TfjsInternalsError);
    expect(() => tapeState()).toThrow(/engine\(\)\.state .*tested against tfjs-core 4\.22\.0/);
    state.gradientDepth = saved;
  });
});

describe('backends without a built-in host adapter', () => {
  test('a backend with readSync and makeTensorInfo gets the read-back adapter; one without gets none', () => {
    expect(hostAdapterFor('custom', { readSync: () => 0, makeTensorInfo: () => 0 })).not.toBeNull();
    expect(hostAdapterFor('custom', {})).toBeNull();
  });

  test('a host kernel runs on a backend registered after it (read-back fallback)', async () => {
    const twice = defineHostKernel<{ factor: number }>({
      name: 'BijectiveTest.Scale',
      outputShapes: (shapes) => [[...(shapes[0] as number[])]],
      run: ([x], [y], _shapes, { factor }) => {
        for (let i = 0; i < (x as Float32Array).length; i++)
          (y as Float32Array)[i] = factor * (x as Float32Array)[i]!;
      },
    });
    const cpuFactory = tf.findBackendFactory('cpu');
    expect(cpuFactory).not.toBeNull();
    tf.registerBackend('late-cpu', cpuFactory as () => tf.KernelBackend);
    tf.copyRegisteredKernels('cpu', 'late-cpu');
    await tf.setBackend('late-cpu');
    try {
      const [y] = twice([tf.tensor1d([1, 2, 3])], { factor: 2 });
      expect(Array.from((y as tf.Tensor).dataSync())).toEqual([2, 4, 6]);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('late-cpu');
    }
  });
});
