import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { ACTIVATIONS, type ActivationName } from '@bijective/core';
import { AdditiveCoupling } from './additive-coupling.js';
import { AffineCoupling } from './affine-coupling.js';
import { CouplingSequence } from './coupling-sequence.js';
import type { FusedCouplings, MaskKind } from '@bijective/engine';

await tf.setBackend('cpu');

type Direction = 'forward' | 'inverse';

/** Columns `idx` of t, in that order, with plain taped ops. */
const columns = (t: tf.Tensor2D, idx: readonly number[]) =>
  tf.concat(
    idx.map((i) => tf.slice(t, [0, i], [-1, 1])),
    1,
  ) as tf.Tensor2D;

/** The couplings written with plain taped ops (slices, concat, autodiff): the fused op must match them. */
function reference(b: FusedCouplings, direction: Direction, x: tf.Tensor2D, context: tf.Tensor2D | null) {
  const config = b.getConfig();
  const options = config.options as { transform?: string; scaleBound?: number; activation: ActivationName };
  const r = {
    ...options,
    transform: options.transform ?? (config.name === 'additive-coupling' ? 'additive' : 'affine'),
    scaleBound: options.scaleBound ?? 0,
  };
  const order = b.masks.map((_, i) => i);
  if (direction === 'inverse') order.reverse();
  let u = x;
  let logDet: tf.Tensor = tf.zeros([x.shape[0]]);
  for (const l of order) {
    const { indicesA, indicesB } = b.masks[l]!.partition;
    const w = b.layouts[l]!.weights(b.parameters[l] as tf.Tensor1D);
    let h: tf.Tensor2D = columns(u, indicesA);
    if (context) h = tf.concat([h, context], 1) as tf.Tensor2D;
    w.kernels.forEach((k, i) => {
      const z = tf.add(tf.matMul(h, k), w.biases[i]!) as tf.Tensor2D;
      h = i === w.kernels.length - 1 ? z : (ACTIVATIONS[r.activation](z) as tf.Tensor2D);
    });
    const uB = columns(u, indicesB);
    const sizeB = indicesB.length;
    let out: tf.Tensor;
    if (r.transform === 'affine') {
      const c = r.scaleBound;
      const s = tf.mul(tf.tanh(tf.div(tf.slice(h, [0, 0], [-1, sizeB]), c)), c);
      const t = tf.slice(h, [0, sizeB], [-1, sizeB]);
      out =
        direction === 'forward' ? tf.add(tf.mul(uB, tf.exp(s)), t) : tf.mul(tf.sub(uB, t), tf.exp(tf.neg(s)));
      logDet = tf.add(logDet, direction === 'forward' ? tf.sum(s, 1) : tf.neg(tf.sum(s, 1)));
    } else out = direction === 'forward' ? tf.add(uB, h) : tf.sub(uB, h);
    const parts: tf.Tensor[] = new Array<tf.Tensor>(u.shape[1]);
    indicesA.forEach((i) => (parts[i] = tf.slice(u, [0, i], [-1, 1])));
    indicesB.forEach((i, k) => (parts[i] = tf.slice(out, [0, k], [-1, 1])));
    u = tf.concat(parts, 1) as tf.Tensor2D;
  }
  return { value: u, logDet };
}

/** A scalar mixing value and log-det with fixed random weights; its gradients w.r.t. x, the context and every θ. */
function gradients(
  run: (x: tf.Tensor2D, c: tf.Tensor2D | null) => { value: tf.Tensor; logDet: tf.Tensor },
  b: FusedCouplings,
  x: tf.Tensor2D,
  context: tf.Tensor2D | null,
) {
  const a = tf.randomNormal(x.shape, 0, 1, 'float32', 11);
  const beta = tf.randomNormal([x.shape[0] as number], 0, 1, 'float32', 12);
  const loss = (xx: tf.Tensor, cc: tf.Tensor | null) => {
    const out = run(xx as tf.Tensor2D, cc as tf.Tensor2D | null);
    return tf.add(tf.sum(tf.mul(a, tf.sin(out.value))), tf.sum(tf.mul(beta, out.logDet))) as tf.Scalar;
  };
  const inputs = context ? tf.grads(loss)([x, context]) : [tf.grad((xx: tf.Tensor) => loss(xx, null))(x)];
  const { value, grads } = tf.variableGrads(() => loss(x, context), b.parameters as tf.Variable[]);
  return [value, ...inputs, ...b.parameters.map((v) => grads[v.name]!)];
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor, what: string) {
  const e = expected.dataSync();
  const a = actual.dataSync();
  expect(a.length, what).toBe(e.length);
  a.forEach((v, i) =>
    expect(Math.abs(v - e[i]!), `${what}[${i}]: ${v} vs ${e[i]}`).toBeLessThan(2e-4 * (1 + Math.abs(e[i]!))),
  );
}

const layer = (
  kind: 'affine' | 'additive',
  mask: MaskKind,
  parity: 0 | 1,
  d: number,
  activation: ActivationName,
  ctx: boolean,
) => {
  const options = { eventShape: [d], mask, parity, hidden: [6, 5], activation, identityInit: false, seed: 3 };
  const withContext = ctx ? { ...options, contextShape: [2] } : options;
  return kind === 'affine'
    ? new AffineCoupling({ ...withContext, scaleBound: 1.5 })
    : new AdditiveCoupling(withContext);
};

const cases: [string, () => FusedCouplings, boolean][] = [
  ['affine halves d=2 relu', () => layer('affine', 'halves', 0, 2, 'relu', false), false],
  [
    'affine alternate d=5 parity 1 tanh + context',
    () => layer('affine', 'alternate', 1, 5, 'tanh', true),
    true,
  ],
  ['affine halves d=3 elu', () => layer('affine', 'halves', 1, 3, 'elu', false), false],
  ['additive alternate d=4 silu + context', () => layer('additive', 'alternate', 0, 4, 'silu', true), true],
  [
    'a 3-layer affine sequence with unordered partitions + context',
    () =>
      new CouplingSequence({
        eventShape: [4],
        transform: 'affine',
        partitions: [
          { conditioned: [3, 0], transformed: [2, 1] },
          { conditioned: [1], transformed: [0, 3, 2] },
          { conditioned: [2, 1, 0], transformed: [3] },
        ],
        hidden: [5],
        contextShape: [2],
        identityInit: false,
        seed: 4,
      }),
    true,
  ],
];

describe('fused couplings', () => {
  test.each(cases)('%s: values, log-dets and every gradient match plain autodiff', (_, build, ctx) => {
    tf.tidy(() => {
      const b = build();
      const d = b.eventShape[0] as number;
      const x = tf.randomNormal([7, d], 0, 1, 'float32', 5) as tf.Tensor2D;
      const context = ctx ? (tf.randomNormal([7, 2], 0, 1, 'float32', 6) as tf.Tensor2D) : null;
      for (const direction of ['forward', 'inverse'] as const) {
        const call = (xx: tf.Tensor2D, c: tf.Tensor2D | null) =>
          direction === 'forward'
            ? b.forwardAndLogDet(xx, c ? { context: c } : {})
            : b.inverseAndLogDet(xx, c ? { context: c } : {});
        const ours = call(x, context);
        const ref = reference(b, direction, x, context);
        expectClose(ours.value, ref.value, `${direction} value`);
        expectClose(ours.logDet, ref.logDet, `${direction} logDet`);
        const g = gradients(call, b, x, context);
        const r = gradients((xx, c) => reference(b, direction, xx, c), b, x, context);
        g.forEach((t, i) => expectClose(t, r[i]!, `${direction} loss/gradient ${i}`));
      }
      b.dispose();
    });
  });
});

describe('fused couplings: tensors kept for the backward pass', () => {
  test('are freed by the backward pass, or at the next call after a tape that never reached them', () => {
    const b = (cases[4] as [string, () => FusedCouplings, boolean])[1](); // the 3-layer sequence with a context
    const x = tf.randomNormal([7, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const context = tf.randomNormal([7, 2], 0, 1, 'float32', 6) as tf.Tensor2D;
    const trainable = b.variables as tf.Variable[];
    const nll = (input: () => tf.Tensor2D) => () => {
      const { value, logDet } = b.inverseAndLogDet(input(), { context });
      return tf.sum(tf.add(tf.sum(tf.square(value)), logDet)) as tf.Scalar;
    };
    const before = tf.memory().numTensors;
    const first = tf.variableGrads(
      nll(() => x),
      trainable,
    );
    const reference = trainable.map((v) => Array.from(first.grads[v.name]!.dataSync()));
    tf.dispose([first.value, ...Object.values(first.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // The op's input is made (and disposed) inside the loss: the backward pass still reads it.
    const inner = tf.variableGrads(
      nll(() => tf.mul(x, 1) as tf.Tensor2D),
      trainable,
    );
    trainable.forEach((v, i) => expect(Array.from(inner.grads[v.name]!.dataSync())).toEqual(reference[i]));
    tf.dispose([inner.value, ...Object.values(inner.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // A call whose output the loss never uses: its backward pass never runs.
    const offPath = tf.variableGrads(() => {
      b.forwardAndLogDet(x, { context });
      return nll(() => x)();
    }, trainable);
    tf.dispose([offPath.value, ...Object.values(offPath.grads)]);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    tf.dispose(b.forward(x, { context }));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, context]);
    b.dispose();
  });
});
