import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import {
  BatchNorm,
  Chain,
  LULinear,
  OptionError,
  Reverse,
  createBijector,
  create,
  type Bijector,
} from '@bijective/core';
import { CouplingSequence } from './coupling-sequence.js';
import './index.js';
import { RealNVP } from './realnvp.js';

await tf.setBackend('cpu');

const names = (flow: RealNVP) => flow.chain.bijectors.map((b) => b.name);
/** Every coupling's conditioned elements, in forward order. */
const conditioned = (flow: RealNVP) =>
  flow.chain.bijectors
    .filter((b): b is CouplingSequence => b instanceof CouplingSequence)
    .flatMap((s) => s.masks.map((m) => m.partition.indicesA));

describe('realnvp', () => {
  test('defaults: 12 affine couplings with reversals, starting as the identity; the config stores every option', () => {
    const flow = create('bijector', 'realnvp', { eventShape: [2], seed: 3 }) as RealNVP;
    expect(flow.getConfig()).toEqual({
      name: 'realnvp',
      options: {
        eventShape: [2],
        layers: 12,
        hidden: [64, 64],
        activation: 'relu',
        mask: 'halves',
        mixing: 'reverse',
        identityInit: true,
        seed: 3,
        scaleBound: 2,
        batchNorm: false,
      },
    });
    // The 11 reversals are folded into the partitions: one fused sequence, then one reversal.
    expect(names(flow)).toEqual(['coupling-sequence', 'reverse']);
    expect(conditioned(flow)).toEqual(Array.from({ length: 12 }, (_, i) => [i % 2]));
    tf.tidy(() => {
      const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
      const { value, logDet } = flow.forwardAndLogDet(x);
      expect(Array.from(value.dataSync())).toEqual(Array.from(tf.reverse(x, 1).dataSync()));
      expect(Array.from(logDet.dataSync())).toEqual([0, 0, 0, 0, 0]);
    });
    flow.dispose();
  });

  test('mixing none alternates the masks; a random permutation is folded; lu and batch norm sit between couplings', () => {
    const plain = new RealNVP({ eventShape: [4], layers: 3, hidden: [4], mixing: 'none', seed: 1 });
    expect(names(plain)).toEqual(['coupling-sequence']);
    expect(conditioned(plain)).toEqual([
      [0, 1],
      [2, 3],
      [0, 1],
    ]);
    const permuted = new RealNVP({ eventShape: [3], layers: 2, hidden: [4], mixing: 'permute', seed: 1 });
    expect(names(permuted)).toEqual(['coupling-sequence', 'permute']);
    const lu = new RealNVP({
      eventShape: [4],
      layers: 3,
      hidden: [4],
      mixing: 'lu',
      batchNorm: true,
      seed: 1,
    });
    expect(lu.chain.bijectors.map((b) => b.constructor)).toEqual([
      CouplingSequence,
      BatchNorm,
      LULinear,
      CouplingSequence,
      BatchNorm,
      LULinear,
      CouplingSequence,
    ]);
    for (const f of [plain, permuted, lu]) f.dispose();
  });

  test('folding the reversals into the masks computes the same map as running them between couplings', () => {
    tf.tidy(() => {
      const flow = new RealNVP({ eventShape: [3], layers: 3, hidden: [6], identityInit: false, seed: 4 });
      expect(names(flow)).toEqual(['coupling-sequence']); // two reversals cancel
      const folded = flow.chain.bijectors[0] as CouplingSequence;
      expect(conditioned(flow)).toEqual([
        [0, 1],
        [2, 1],
        [0, 1],
      ]);
      // The unfolded flow: each coupling conditions x_B = [2] on x_A = [0, 1] of its own frame, reversals between.
      const links = folded.parameters.flatMap((theta, l) => {
        const layer = new CouplingSequence({
          eventShape: [3],
          transform: 'affine',
          partitions: [{ conditioned: [0, 1], transformed: [2] }],
          hidden: [6],
        });
        layer.parameters[0]!.assign(theta);
        return l === 0 ? [layer] : [new Reverse({ eventShape: [3] }), layer];
      });
      const unfolded = new Chain(links);
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
      const ours = flow.forwardAndLogDet(x);
      const theirs = unfolded.forwardAndLogDet(x);
      const close = (a: tf.Tensor, b: tf.Tensor) =>
        b.dataSync().forEach((v, i) => expect(a.dataSync()[i]).toBeCloseTo(v, 5));
      close(ours.value, theirs.value);
      close(ours.logDet, theirs.logDet);
      unfolded.dispose();
      flow.dispose();
    });
  });

  test('a saved config rebuilds the same variables in the same order', () => {
    const options = {
      eventShape: [3],
      layers: 3,
      hidden: [6],
      mixing: 'permute' as const,
      contextShape: [2],
      identityInit: false,
    };
    const flow = new RealNVP(options);
    const again: Bijector = createBijector(JSON.parse(JSON.stringify(flow.getConfig())));
    expect(again.variables.map((v) => v.shape)).toEqual(flow.variables.map((v) => v.shape));
    expect(again.variables.map((v) => Array.from(v.dataSync()))).toEqual(
      flow.variables.map((v) => Array.from(v.dataSync())),
    );
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
      const context = tf.randomNormal([4, 2], 0, 1, 'float32', 3);
      expect(Array.from(again.forward(x, { context }).dataSync())).toEqual(
        Array.from(flow.forward(x, { context }).dataSync()),
      );
    });
    flow.dispose();
    again.dispose();
  });

  test('bad options name the problem', () => {
    expect(() => new RealNVP({ eventShape: [2], layers: 0 })).toThrow(/'layers' must be a positive integer/);
    expect(() => new RealNVP({ eventShape: [2], mixing: 'shuffle' as 'lu' })).toThrow(OptionError);
    expect(() => new RealNVP({ eventShape: [1] })).toThrow(/need d >= 2/);
    expect(() => new RealNVP({ eventShape: [2], scaleBound: -1 })).toThrow(/'scaleBound'/);
  });
});
