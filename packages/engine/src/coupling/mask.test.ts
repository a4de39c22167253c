import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { CouplingMask, partition, permutePartition } from './mask.js';
import { nextParity } from './parity.js';

await tf.setBackend('cpu');

describe('partition', () => {
  test('halves put the first ceil(d/2) elements in one part; parity swaps the roles', () => {
    expect(partition(5, 'halves', 0)).toEqual({ indicesA: [0, 1, 2], indicesB: [3, 4] });
    expect(partition(5, 'halves', 1)).toEqual({ indicesA: [3, 4], indicesB: [0, 1, 2] });
    expect(partition(2, 'halves', 0)).toEqual({ indicesA: [0], indicesB: [1] });
  });
  test('alternate splits even and odd elements', () => {
    expect(partition(5, 'alternate', 0)).toEqual({ indicesA: [0, 2, 4], indicesB: [1, 3] });
    expect(partition(4, 'alternate', 1)).toEqual({ indicesA: [1, 3], indicesB: [0, 2] });
  });
});

describe('CouplingMask', () => {
  test('x S_A selects A in the order of indicesA, and S_Aᵀ is its transpose', () => {
    const mask = new CouplingMask(5, { indicesA: [3, 1], indicesB: [0, 2, 4] });
    const x = tf.tensor2d([[10, 11, 12, 13, 14]]);
    expect(Array.from(tf.matMul(x, mask.selectA.m).dataSync())).toEqual([13, 11]);
    expect(mask.selectA.t.shape).toEqual([2, 5]);
    const before = tf.memory().numTensors;
    mask.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
  });
  test('its constants survive an enclosing tidy', () => {
    let mask: CouplingMask | undefined;
    tf.tidy(() => {
      mask = new CouplingMask(3, partition(3, 'halves', 0));
    });
    expect(mask?.selectA.m.isDisposed).toBe(false);
    mask?.dispose();
  });
});

describe('permutePartition', () => {
  test('maps the index lists through the permutation, keeping their order', () => {
    expect(permutePartition({ indicesA: [0, 1], indicesB: [2, 3] }, [3, 2, 1, 0])).toEqual({
      indicesA: [3, 2],
      indicesB: [1, 0],
    });
  });
});

describe('nextParity', () => {
  const reverse = (d: number) => Array.from({ length: d }, (_, i) => d - 1 - i);
  test('keeps the parity across a reversal of halves (which swaps them), so each layer transforms the other half', () => {
    expect(nextParity(2, 'halves', 0, reverse(2))).toBe(0);
    expect(nextParity(6, 'halves', 1, reverse(6))).toBe(1);
  });
  test('alternates without mixing, after dense mixing, and after a reversal that keeps even/odd (odd d)', () => {
    expect(nextParity(4, 'halves', 0, [0, 1, 2, 3])).toBe(1);
    expect(nextParity(4, 'alternate', 1, null)).toBe(0);
    expect(nextParity(5, 'alternate', 0, reverse(5))).toBe(1);
  });
  test('after a permutation, transforms the elements the previous layer conditioned on', () => {
    // previous B (halves, parity 0, d = 4) = {2, 3}; p moves them to positions 0 and 1 (now halves' A at parity 0).
    expect(nextParity(4, 'halves', 0, [2, 3, 0, 1])).toBe(0);
  });
});
