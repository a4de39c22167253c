import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { create, matMulExplicit, OptionError, useBackend } from '@bijective/core';
import { describe, expect, it } from 'vitest';
import { WasmBackendProvider } from './index.js';
// The cpu reference comes from the sibling package's source (not a dependency of this one).
import '../../backend-cpu/src/index.js';

/** A matmul, tanh, softplus and exp, reduced to a scalar, with its gradient with respect to `x`. */
function compute(): { value: number; grad: number[]; leaked: number } {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.tensor2d([
      [0.5, -1.0, 2.0],
      [1.5, 0.25, -0.75],
    ]);
    const w = tf.tensor2d([
      [1.0, 0.5],
      [-0.5, 2.0],
      [0.25, -1.0],
    ]);
    const loss = (v: tf.Tensor): tf.Scalar =>
      tf.sum(
        tf.mul(
          tf.softplus(tf.tanh(matMulExplicit(v as tf.Tensor2D, w))),
          tf.exp(tf.mul(tf.sum(v, 1, true), 0.1)),
        ),
      );
    const { value, grad } = tf.valueAndGrad(loss)(x);
    return { value: value.dataSync()[0] ?? NaN, grad: Array.from(grad.dataSync()) };
  });
  return { ...out, leaked: tf.memory().numTensors - before };
}

describe('@bijective/backend-wasm in Node', () => {
  it('useBackend selects wasm with no path set-up, and it computes values and gradients as cpu does', async () => {
    await expect(useBackend('wasm')).resolves.toEqual({ backend: 'wasm', skipped: [] });
    expect(tf.getBackend()).toBe('wasm');
    const wasm = compute();
    await expect(useBackend('cpu')).resolves.toEqual({ backend: 'cpu', skipped: [] });
    const cpu = compute();
    expect(wasm.value).toBeCloseTo(cpu.value, 5);
    wasm.grad.forEach((g, i) => expect(g).toBeCloseTo(cpu.grad[i] ?? NaN, 5));
    expect([wasm.leaked, cpu.leaked]).toEqual([0, 0]);
  });

  it('checks its options and names the bad one', () => {
    const bad = (options: unknown) => () => create('backend', 'wasm', options as never);
    expect(bad({ wasmPath: '/x/' })).toThrow(OptionError);
    expect(bad({ wasmPath: '/x/' })).toThrow('unknown option(s) wasmPath; known: wasmPaths, threads');
    expect(bad({ threads: 0 })).toThrow('threads must be a positive integer (got 0)');
    expect(bad({ threads: 1.5 })).toThrow('threads must be a positive integer (got 1.5)');
    expect(bad({ wasmPaths: '' })).toThrow('wasmPaths must not be empty');
    expect(bad({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } })).toThrow(
      'wasmPaths has no URL for tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm',
    );
    const all = {
      'tfjs-backend-wasm.wasm': 'a',
      'tfjs-backend-wasm-simd.wasm': 'b',
      'tfjs-backend-wasm-threaded-simd.wasm': 'c',
    };
    expect(bad({ wasmPaths: { ...all, 'extra.wasm': 'd' } })).toThrow(
      'wasmPaths has unknown file name(s) extra.wasm',
    );
    expect(create('backend', 'wasm', { wasmPaths: all, threads: 2 })).toBeInstanceOf(WasmBackendProvider);
    expect(create('backend', 'wasm', { wasmPaths: 'https://cdn.example/wasm' })).toBeInstanceOf(
      WasmBackendProvider,
    );
  });
});
