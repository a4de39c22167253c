import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { test } from 'vitest';
import { conv2dSame } from '../nn/conv2d.js';

test('speed', async () => {
  for (const b of ['wasm', 'cpu']) {
    await tf.setBackend(b);
    await tf.ready();
    const x = tf.randomNormal([64, 14, 14, 64], 0, 1, 'float32', 1);
    const dy = tf.randomNormal([64, 14, 14, 64], 0, 1, 'float32', 2);
    const w = tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 3);
    for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    const [dx, dw] = tf.grads((a: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, ww as tf.Tensor4D), dy)))([x, w]);
    dw!.dataSync(); dx!.dataSync();
    const t1 = performance.now();
    console.log(b, 'fwd+grads ms', (t1 - t0).toFixed(1), tf.sum(dw!).dataSync()[0], tf.sum(dx!).dataSync()[0]);
    tf.dispose([dw!, dx!]);
    }
    tf.dispose([x, dy, w]);
  }
}, 300000);
