import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  hostRng,
  randomOrthogonal,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  bijectorFailures,
  bijectorProperties,
  checkBijector,
  selectedBijectorChecks,
} from './bijector-kit.js';
import { ConformanceError } from './failure.js';
import * as fc from 'fast-check';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Faults a fixture can be built with, to prove the kit catches them. */
interface Faults {
  /** Multiplies the forward log-det (the inverse stays right). */
  logDetFactor?: number;
  /** Adds 0.1 to the inverse's value. */
  inverseOffset?: number;
  /** Adds an unused trainable variable. */
  unusedVariable?: boolean;
  /** Keeps one stray tensor per forward call. */
  leak?: boolean;
  /** Clips the inverse's value to [−8, 8]: right on N(0, 1) inputs, wrong far out. */
  clipInverse?: boolean;
}

/** A trainable variable holding `init`, which it frees. */
function variableOf(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init);
  init.dispose();
  return v;
}

/**
 * y = A·x·exp(s) + t over events [d]: a fixed random orthogonal A (a non-diagonal Jacobian) times
 * a trainable elementwise scale and shift; log|det J| = Σ s. Optionally conditional: t += c·W.
 */
class TestLinear extends BaseBijector {
  readonly name = 'test/linear';
  private readonly a: tf.Tensor2D;
  private readonly aInv: tf.Tensor2D;
  private readonly logScale: tf.Variable;
  private readonly shift: tf.Variable;
  private readonly weight: tf.Variable | null;
  private readonly unused: tf.Variable | null;

  constructor(
    d: number,
    readonly faults: Faults = {},
    conditional = false,
  ) {
    super({ eventShape: [d], contextShape: conditional ? [2] : null });
    const rng = hostRng(d);
    this.a = tf.tensor2d(randomOrthogonal(d, d + 1));
    this.aInv = tf.transpose(this.a);
    this.logScale = variableOf(tf.tensor1d(Array.from({ length: d }, () => 0.5 * rng.normal())));
    this.shift = variableOf(tf.tensor1d(Array.from({ length: d }, () => rng.normal())));
    this.weight = conditional ? variableOf(tf.randomNormal([2, d], 0, 1, 'float32', d)) : null;
    this.unused = faults.unusedVariable ? variableOf(tf.zeros([1])) : null;
  }

  override get variables(): readonly tf.Variable[] {
    return [
      this.logScale,
      this.shift,
      ...(this.weight ? [this.weight] : []),
      ...(this.unused ? [this.unused] : []),
    ];
  }

  override dispose(): void {
    super.dispose();
    this.a.dispose();
    this.aInv.dispose();
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }

  private offset(options: CallOptions): tf.Tensor {
    return this.weight && options.context
      ? tf.add(this.shift, tf.matMul(options.context, this.weight))
      : this.shift;
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    if (this.faults.leak) tf.keep(tf.zeros([1]));
    const value = tf.add(tf.mul(tf.matMul(x, this.a), tf.exp(this.logScale)), this.offset(options));
    const logDet = tf.mul(
      tf.fill([x.shape[0]!], 1),
      tf.mul(tf.sum(this.logScale), this.faults.logDetFactor ?? 1),
    );
    return { value, logDet };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const z = tf.mul(tf.sub(y, this.offset(options)), tf.exp(tf.neg(this.logScale)));
    const exact = tf.add(tf.matMul(z, this.aInv), this.faults.inverseOffset ?? 0);
    const value = this.faults.clipInverse ? tf.clipByValue(exact, -8, 8) : exact;
    return { value, logDet: tf.mul(tf.fill([y.shape[0]!], 1), tf.neg(tf.sum(this.logScale))) };
  }
}

/**
 * y = x + tanh(x)/2 elementwise, reshaped from [d] to [d, 1]: dy/dx = 1 + (1 − tanh²x)/2 ∈ [1, 1.5];
 * the inverse is computed by 30 Newton steps (hasAnalyticInverse false).
 */
class TestNewtonReshape extends BaseBijector {
  readonly name = 'test/newton-reshape';
  override readonly hasAnalyticInverse = false;

  constructor(d: number) {
    super({ eventShape: [d], outputEventShape: [d, 1] });
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }

  private static derivative(x: tf.Tensor): tf.Tensor {
    return tf.add(1, tf.mul(0.5, tf.sub(1, tf.square(tf.tanh(x)))));
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const value = tf.expandDims(tf.add(x, tf.mul(0.5, tf.tanh(x))), -1);
    return { value, logDet: tf.sum(tf.log(TestNewtonReshape.derivative(x)), 1) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const target = tf.squeeze(y, [2]);
    let x = tf.div(target, 1.25);
    for (let i = 0; i < 30; i++) {
      const residual = tf.sub(tf.add(x, tf.mul(0.5, tf.tanh(x))), target);
      x = tf.sub(x, tf.div(residual, TestNewtonReshape.derivative(x)));
    }
    return { value: x, logDet: tf.neg(tf.sum(tf.log(TestNewtonReshape.derivative(x)), 1)) };
  }
}

const quick = { numRuns: 4 };

describe('checkBijector on correct bijectors', () => {
  test('passes a linear bijector with a non-diagonal Jacobian', () => {
    expect(() => checkBijector('test/linear', (d) => new TestLinear(d), quick)).not.toThrow();
  });

  test('passes a conditional bijector (a context is drawn for it)', () => {
    expect(() => checkBijector('test/linear', (d) => new TestLinear(d, {}, true), quick)).not.toThrow();
  });

  test('passes a reshaping bijector with a numerical inverse', () => {
    expect(() => checkBijector('test/newton-reshape', (d) => new TestNewtonReshape(d), quick)).not.toThrow();
  });

  test('leaves no tensor or variable behind', () => {
    const before = tf.memory().numTensors;
    checkBijector('test/linear', (d) => new TestLinear(d, {}, true), { numRuns: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checkBijector catches faults', () => {
  test('a log-det reported at twice its value, naming the bijector, check and counterexample', () => {
    const failures = bijectorFailures(
      'test/double-log-det',
      (d) => new TestLinear(d, { logDetFactor: 2 }),
      quick,
    );
    expect(failures.map((f) => f.check)).toEqual([
      'log-det-numerical',
      'log-det-autodiff',
      'inverse-log-det',
    ]);
    let message = '';
    try {
      checkBijector('test/double-log-det', (d) => new TestLinear(d, { logDetFactor: 2 }), {
        ...quick,
        checks: ['log-det-numerical'],
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConformanceError);
      message = (e as Error).message;
    }
    expect(message).toContain(
      "bijector 'test/double-log-det' failed check 'log-det-numerical' on backend 'cpu'",
    );
    expect(message).toMatch(/forwardAndLogDet\(x\)\.logDet vs numerical log\|det J\|.*got .*expected/);
    expect(message).toMatch(/event size \d \(event shape \[\d\]\), batch \d, input seed \d+/);
    expect(message).toMatch(/x = \[\[/);
    expect(message).toMatch(/replay: fastCheck \{ seed: \d+, path: '[\d:]+' \}/);
  });

  test('a wrong inverse', () => {
    const failures = bijectorFailures(
      'test/bad-inverse',
      (d) => new TestLinear(d, { inverseOffset: 0.1 }),
      quick,
    );
    expect(failures.map((f) => f.check)).toEqual(['round-trip']);
    expect(failures[0]!.problem).toMatch(/inverse\(forward\(x\)\) vs x: at row 0, element 0 got .* expected/);
    // Shrinking reaches the smallest case: one scalar, one row.
    expect(failures[0]!.counterexample).toMatch(/^event size 1 .*batch 1/);
  });

  test('a trainable variable that no output depends on', () => {
    const failures = bijectorFailures(
      'test/unused',
      (d) => new TestLinear(d, { unusedVariable: true }),
      quick,
    );
    expect(failures.map((f) => f.check)).toEqual(['gradients']);
    expect(failures[0]!.problem).toMatch(/no gradient reaches 1 of 3 trainable variables/);
  });

  test('a tensor leaked by a call', () => {
    const failures = bijectorFailures('test/leak', (d) => new TestLinear(d, { leak: true }), {
      ...quick,
      checks: ['leaks'],
    });
    expect(failures[0]?.problem).toBe('forward(x) left 1 tensor(s) behind besides the 1 it returned');
  });

  test('a bijector whose factory throws, as a failure of every check', () => {
    const failures = bijectorFailures(
      'test/throws',
      () => {
        throw new Error('boom');
      },
      { numRuns: 1, checks: ['shapes', 'fused'] },
    );
    expect(failures.map((f) => f.problem)).toEqual(['threw Error: boom', 'threw Error: boom']);
  });
});

describe('the opt-in inverse-stress check', () => {
  test('runs only when asked for, passes exact inverses and the Newton one far out', () => {
    expect(selectedBijectorChecks().map((c) => c.name)).not.toContain('inverse-stress');
    expect(
      selectedBijectorChecks({ stress: true })
        .map((c) => c.name)
        .at(-1),
    ).toBe('inverse-stress');
    for (const factory of [
      (d: number) => new TestLinear(d, {}, true),
      (d: number) => new TestNewtonReshape(d),
    ])
      expect(() =>
        checkBijector('test/stress', factory, { ...quick, checks: ['inverse-stress'] }),
      ).not.toThrow();
  });

  test('catches an inverse that is right on the training range and wrong far outside it', () => {
    const clipped = (d: number) => new TestLinear(d, { clipInverse: true });
    expect(bijectorFailures('test/clipped', clipped, quick)).toEqual([]);
    const failures = bijectorFailures('test/clipped', clipped, { ...quick, stress: true });
    expect(failures.map((f) => f.check)).toEqual(['inverse-stress']);
    expect(failures[0]!.problem).toMatch(/forward\(inverse\(y\)\) vs y at y ~ N\(0, 20²\)/);
    // A small σ keeps the inputs where the clip does not bite.
    expect(
      bijectorFailures('test/clipped', clipped, { ...quick, checks: ['inverse-stress'], stressScale: 1 }),
    ).toEqual([]);
  });
});

describe('bijectorProperties', () => {
  test('returns one fast-check property per selected check, runnable by fc.assert', () => {
    const props = bijectorProperties((d) => new TestLinear(d), { checks: ['round-trip', 'fused'] });
    expect(Object.keys(props)).toEqual(['round-trip', 'fused']);
    fc.assert(props['round-trip']!, { numRuns: 3, seed: 1 });
  });

  test('rejects an unknown check name', () => {
    expect(() => selectedBijectorChecks({ checks: ['nope' as 'fused'] })).toThrow(/unknown check\(s\) nope/);
  });
});
