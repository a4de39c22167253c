import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, test } from 'vitest';
import {
  BaseBijector,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type ValueAndLogDet,
} from '../bijector.js';
import { OptionError, ShapeError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { createBijector } from '../registry.js';
import { Affine } from './affine.js';
import { Chain, chainFastDirection } from './chain.js';
import { Exp } from './exp.js';
import '../index.js';
import { Scale } from './scale.js';
import { Shift } from './shift.js';

/** A test double: the identity on `[2]` events that records every call's options. */
class Recorder extends BaseBijector {
  readonly name = 'recorder';
  override readonly fastDirection: FastDirection;
  override readonly hasAnalyticInverse: boolean;
  readonly calls: CallOptions[] = [];

  constructor(setup: { contextShape?: number[]; fastDirection?: FastDirection; analytic?: boolean } = {}) {
    super({ eventShape: [2], contextShape: setup.contextShape ?? null });
    this.fastDirection = setup.fastDirection ?? 'both';
    this.hasAnalyticInverse = setup.analytic ?? true;
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    this.calls.push(options);
    return { value: tf.clone(x), logDet: tf.zeros([x.shape[0] as number]) };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.computeForward(y, options);
  }
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Chain', () => {
  test('forward applies the first link first and the inverse undoes it in reverse', () => {
    const chain = new Chain([
      new Shift({ eventShape: [1], shift: 1 }),
      new Scale({ eventShape: [1], scale: 2, minScale: 0.5 }),
    ]);
    tf.tidy(() => {
      const x = tf.tensor2d([[1], [-3]]);
      const { value, logDet } = chain.forwardAndLogDet(x);
      expect(values(value)).toEqual([4, -4].map((v) => expect.closeTo(v, 5)));
      expect(values(logDet)).toEqual([Math.LN2, Math.LN2].map((v) => expect.closeTo(v, 5)));
      expect(values(chain.inverse(value))).toEqual([1, -3].map((v) => expect.closeTo(v, 5)));
    });
    chain.dispose();
  });

  test('log-dets add up to the float64 closed form', () => {
    // y = exp(3x + 1): log|dy/dx| = log 3 + 3x + 1 per element.
    const chain = new Chain([
      new Affine({ eventShape: [2], shift: 1, scale: 3 }),
      new Exp({ eventShape: [2] }),
    ]);
    const x = [0.25, -0.5, 1, 0.125];
    tf.tidy(() => {
      const logDet = values(chain.forwardAndLogDet(tf.tensor2d(x, [2, 2])).logDet);
      const expected = [0, 1].map((r) =>
        [0, 1].reduce((s, i) => s + Math.log(3) + 3 * (x[2 * r + i] as number) + 1, 0),
      );
      logDet.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    });
    chain.dispose();
  });

  test('links that do not fit are a ShapeError naming both shapes', () => {
    const links = [new Shift({ eventShape: [3] }), new Shift({ eventShape: [4] })];
    expect(() => new Chain(links)).toThrow(ShapeError);
    expect(() => new Chain(links)).toThrow(
      'link 0 (shift) outputs events of shape [3] but link 1 (shift) expects [4]',
    );
    links.forEach((b) => b.dispose());
  });

  test('an empty chain is an OptionError', () => {
    expect(() => new Chain([])).toThrow(OptionError);
    expect(() => createBijector({ name: 'chain', options: { bijectors: [] } })).toThrow("option 'bijectors'");
  });

  test('a failing link config disposes the links already built', () => {
    const before = tf.memory().numTensors;
    const bad: JsonObject = {
      bijectors: [
        { name: 'shift', options: { eventShape: [2] } },
        { name: 'scale', options: { eventShape: [2], scale: -1 } },
      ],
    };
    expect(() => createBijector({ name: 'chain', options: bad })).toThrow("scale: option 'scale'");
    expect(() => createBijector({ name: 'chain', options: { bijectors: [{ name: 'shift' }] } })).toThrow(
      "option 'bijectors[0]'",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test('every link gets the call options, and conditional links fix the context shape', () => {
    const plain = new Recorder();
    const conditional = new Recorder({ contextShape: [3] });
    const chain = new Chain([plain, conditional]);
    expect(chain.contextShape).toEqual([3]);
    const x = tf.zeros([2, 2]);
    const context = tf.ones([2, 3]);
    expect(() => chain.forward(x)).toThrow(ShapeError);
    tf.dispose([
      chain.forward(x, { context, training: true }),
      ...Object.values(chain.inverseAndLogDet(x, { context })),
    ]);
    for (const r of [plain, conditional]) {
      expect(r.calls).toHaveLength(2);
      expect(r.calls[0]).toEqual({ context, training: true });
      expect(r.calls[1]).toEqual({ context });
    }
    expect(() => new Chain([conditional, new Recorder({ contextShape: [4] })])).toThrow(
      'link 0 takes a context of shape [3] but link 1 (recorder) takes [4]',
    );
    tf.dispose([x, context]);
  });

  test('capability flags follow the documented rules', () => {
    expect(chainFastDirection(['both', 'both'])).toBe('both');
    expect(chainFastDirection(['both', 'forward'])).toBe('forward');
    expect(chainFastDirection(['inverse', 'both'])).toBe('inverse');
    expect(chainFastDirection(['forward', 'inverse'])).toBe('inverse');
    expect(chainFastDirection(['forward', 'forward', 'inverse'])).toBe('forward');
    const chain = new Chain([new Recorder({ fastDirection: 'forward' }), new Recorder({ analytic: false })]);
    expect(chain.fastDirection).toBe('forward');
    expect(chain.hasAnalyticInverse).toBe(false);
    expect(new Chain([new Recorder()]).hasAnalyticInverse).toBe(true);
  });

  test('variables are concatenated in link order and dispose frees every link', () => {
    const before = tf.memory().numTensors;
    const affine = new Affine({ eventShape: [2] });
    const shift = new Shift({ eventShape: [2], trainable: false });
    const chain = new Chain([affine, shift]);
    expect(chain.variables).toEqual([affine.shift, affine.unconstrained, shift.shift]);
    expect(chain.trainableVariables).toEqual([affine.shift, affine.unconstrained]);
    chain.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the links' log-dets", () => {
  test('summed in call order as one AddN kernel: the pairwise float32 sums bit for bit, the same gradients', async () => {
    const links = [
      new Affine({ eventShape: [3] }),
      new Exp({ eventShape: [3] }),
      new Affine({ eventShape: [3] }),
    ];
    (links[0] as Affine).trainableVariables[1]!.assign(tf.tensor1d([0.3, -0.7, 1.1]));
    (links[2] as Affine).trainableVariables[1]!.assign(tf.tensor1d([-0.2, 0.9, 0.05]));
    const chain = new Chain(links);
    const x = tf.randomNormal([50, 3], 0, 0.5, 'float32', 7);
    for (const direction of ['forward', 'inverse'] as const) {
      const input = direction === 'forward' ? x : chain.forward(x);
      const ours = direction === 'forward' ? chain.forwardAndLogDet(input) : chain.inverseAndLogDet(input);
      // The reference: the same links one by one, their log-dets added pairwise in call order.
      const order = direction === 'forward' ? links : [...links].reverse();
      let value = input;
      let logDet: tf.Tensor | null = null;
      for (const b of order) {
        const step = direction === 'forward' ? b.forwardAndLogDet(value) : b.inverseAndLogDet(value);
        value = step.value;
        logDet = logDet ? tf.add(logDet, step.logDet) : step.logDet;
      }
      expect(Array.from(ours.logDet.dataSync())).toEqual(Array.from((logDet as tf.Tensor).dataSync()));
      expect(Array.from(ours.value.dataSync())).toEqual(Array.from(value.dataSync()));
    }
    const loss = () => tf.sum(chain.inverseAndLogDet(x).logDet) as tf.Scalar;
    const profile = await tf.profile(() => tf.dispose(tf.variableGrads(loss).value));
    expect(profile.kernels.filter((k) => k.name === 'AddN')).toHaveLength(1);
    const grads = tf.variableGrads(loss);
    const pairwise = tf.variableGrads(
      () =>
        tf.sum(
          [...links].reverse().reduce<{ v: tf.Tensor; l: tf.Tensor | null }>(
            (acc, b) => {
              const s = b.inverseAndLogDet(acc.v);
              return { v: s.value, l: acc.l ? tf.add(acc.l, s.logDet) : s.logDet };
            },
            { v: x, l: null },
          ).l as tf.Tensor,
        ) as tf.Scalar,
    );
    for (const [name, g] of Object.entries(grads.grads))
      expect(Array.from(g.dataSync())).toEqual(Array.from((pairwise.grads[name] as tf.Tensor).dataSync()));
    chain.dispose();
  });

  test('of different shapes (a broadcast scalar) still add', () => {
    class ConstantLogDet extends Shift {
      protected override computeInverse(y: tf.Tensor): ValueAndLogDet {
        return { value: y, logDet: tf.scalar(0.5) };
      }
    }
    const chain = new Chain([new ConstantLogDet({ eventShape: [2] }), new Scale({ eventShape: [2] })]);
    const { logDet } = chain.inverseAndLogDet(tf.ones([4, 2]));
    expect(logDet.shape).toEqual([4]);
    Array.from(logDet.dataSync()).forEach((l) => expect(l).toBeCloseTo(0.5, 6));
    chain.dispose();
  });
});
