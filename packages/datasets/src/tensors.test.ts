import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '@bijective/core';
import { contextTensor, tableTensor } from './tensors.js';

describe('tensors of tables', () => {
  it('shapes rows by the event shape and leaves only the returned tensors', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const table = {
      data: Float32Array.from({ length: 8 }, (_, i) => i),
      rows: 2,
      cols: 4,
      context: { data: Float32Array.from([1, 2]), cols: 1, columns: ['c'] },
    };
    const x = tableTensor(table, [2, 2, 1]);
    expect(x.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(x.dataSync())).toEqual(Array.from(table.data));
    const c = contextTensor(table);
    expect(c?.shape).toEqual([2, 1]);
    expect(tableTensor(table).shape).toEqual([2, 4]);
    expect(contextTensor({ data: table.data, rows: 2, cols: 4 })).toBeUndefined();
    expect(() => tableTensor(table, [3])).toThrow(ShapeError);
    tf.dispose([x, c as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before + 1); // the [2, 4] tensor made inside expect()
  });
});
