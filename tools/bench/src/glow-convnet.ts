// One Glow coupling network (3x3 -> 1x1 -> 3x3 convolutions, issue #16's pinned sizes: level 1
// 64x14x14, 2 -> 64 -> 64 -> 4 channels; level 2 64x7x7, 4 -> 64 -> 64 -> 8) on the wasm backend:
// forward and backward (gradients of the input and every weight) as the engine's own SIMD kernels
// against tfjs's convolutions (conv2dSame: XNNPACK), milliseconds of this process's CPU time per
// pass, with the GFLOP/s of the network's multiply-adds.
// Usage: node tools/bench/run.mjs tools/bench/src/glow-convnet.ts [--repeats 20]
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@bijective/backend-wasm';
import { useBackend } from '@bijective/core';
import { conv2dSame, wasmConvNet } from '@bijective/engine';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { repeats: { type: 'string', default: '20' } } });
const repeats = Number(args.repeats);
await useBackend('wasm');

type Params = [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D];

function xnnpack(...[x, w1, b1, w2, b2, w3]: Params): tf.Tensor4D {
  const relu = { activation: 'relu' as const };
  const h1 = conv2dSame(x, w1, { bias: b1, ...relu });
  return conv2dSame(conv2dSame(h1, w2, { bias: b2, ...relu }), w3);
}

/** CPU milliseconds per call of `f`, the best of three rounds of `repeats` calls. */
function cpuMs(f: () => void): number {
  f();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < repeats; i++) f();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000 / repeats);
  }
  return best;
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${repeats} calls per round, best of 3`,
);
console.log('| level | implementation | forward ms | forward GFLOP/s | forward + backward ms | GFLOP/s |');
console.log('|---|---|---|---|---|---|');
for (const [level, b, side, ci, m, co] of [
  [1, 64, 14, 2, 64, 4],
  [2, 64, 7, 4, 64, 8],
] as const) {
  const params = [
    tf.randomNormal([b, side, side, ci], 0, 1, 'float32', 1),
    tf.randomNormal([3, 3, ci, m], 0, 0.1, 'float32', 2),
    tf.randomNormal([m], 0, 0.1, 'float32', 3),
    tf.randomNormal([1, 1, m, m], 0, 0.1, 'float32', 4),
    tf.randomNormal([m], 0, 0.1, 'float32', 5),
    tf.randomNormal([3, 3, m, co], 0, 0.1, 'float32', 6),
  ] as Params;
  const dy = tf.randomNormal([b, side, side, co], 0, 1, 'float32', 7);
  const pixels = b * side * side;
  const macs = pixels * (9 * ci * m + m * m + 9 * m * co);
  // The backward pass: ∂x and ∂W of each layer, twice the forward's multiply-adds.
  const gflops = (passes: number, ms: number) => ((2 * macs * passes) / (ms * 1e6)).toFixed(1);
  for (const [name, net] of [
    ['own SIMD kernels', wasmConvNet],
    ['XNNPACK (conv2dSame)', xnnpack],
  ] as const) {
    const forward = cpuMs(() => tf.tidy(() => void net(...params).dataSync()));
    const both = cpuMs(() =>
      tf.tidy(() => {
        const grads = tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(net(...(p as Params)), dy)))(params);
        grads.forEach((g) => g.dataSync());
      }),
    );
    console.log(
      `| ${level} | ${name} | ${forward.toFixed(2)} | ${gflops(1, forward)} | ${both.toFixed(2)} | ${gflops(3, both)} |`,
    );
  }
  tf.dispose([...params, dy]);
}
