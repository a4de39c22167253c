import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  CallRecord,
  Flow,
  OptionError,
  RegistryError,
  StandardNormal,
  createByName,
  hostRng,
  solveTelemetry,
} from '@bijective/core';
import { reloadFlow } from '@bijective/testing';
import { fit, type FitProgress } from '@bijective/train';
import { OdeSolveError } from '@bijective/ode';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ConcatSquashField, Ffjord, solveCnf, type FfjordOptions } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** n rows of a 2-D mixture of two Gaussians, seeded. */
function data(n: number, seed: number): tf.Tensor2D {
  const rng = hostRng(seed);
  const rows = Array.from({ length: n }, () => {
    const side = rng.uniform() < 0.5 ? -1 : 1;
    return [side + 0.3 * rng.normal(), 0.5 * side + 0.3 * rng.normal()];
  });
  return tf.tensor2d(rows);
}

const small: FfjordOptions = { eventShape: [2], hidden: [8, 8], identityInit: false, seed: 11 };

function flowOf(options: Partial<FfjordOptions>): Flow {
  const cnf = new Ffjord({ ...small, ...options });
  return new Flow(new StandardNormal({ eventShape: [...cnf.eventShape] }), cnf);
}

/** −mean log p(x) and its gradients for every variable, by name order of `flow.trainableVariables`. */
function nllGradients(flow: Flow, x: tf.Tensor, training: boolean, record?: CallRecord): number[][] {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const nll = tf.neg(tf.mean(flow.logProb(x, { training, record }))) as tf.Scalar;
      return record ? record.penalise(nll) : nll;
    }, flow.trainableVariables as tf.Variable[]);
    return flow.trainableVariables.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()));
  });
}

function maxRelativeDifference(a: number[][], b: number[][]): number {
  let worst = 0;
  const scale = Math.max(...a.flat().map(Math.abs));
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - ((b[i] as number[])[j] as number)) / scale);
    }),
  );
  return worst;
}

describe('ffjord', () => {
  test.each([false, true])(
    'adjoint and backprop give the same parameter gradients (training: %s; RNODE and learned T)',
    (training) => {
      const x = data(16, 1);
      const tight = { rtol: 1e-6, atol: 1e-6, kinetic: 0.5, jacobianNorm: 0.5 };
      const results = (['backprop', 'adjoint'] as const).map((gradient) => {
        const flow = flowOf({ ...tight, gradient });
        const record = new CallRecord();
        const grads = nllGradients(flow, x, training, record);
        const telemetry = solveTelemetry(record.counters);
        expect(record.penaltyCount).toBe(training ? 1 : 0);
        record.dispose();
        flow.dispose();
        return { grads, telemetry };
      });
      const [backprop, adjoint] = results as [(typeof results)[0], (typeof results)[0]];
      expect(maxRelativeDifference(backprop.grads, adjoint.grads)).toBeLessThan(2e-3);
      for (const r of results) {
        expect(r.telemetry.nfeForward).toBeGreaterThan(0);
        expect(r.telemetry.nfeBackward).toBeGreaterThan(0);
      }
      x.dispose();
    },
  );

  test('a conditional CNF: adjoint and backprop agree on the weights; backprop also reaches the context', () => {
    const x = data(12, 10);
    const context = tf.randomNormal([12, 3], 0, 1, 'float32', 11);
    const results = (['backprop', 'adjoint'] as const).map((gradient) => {
      const flow = flowOf({ rtol: 1e-6, atol: 1e-6, gradient, contextShape: [3] });
      const vars = flow.trainableVariables as tf.Variable[];
      const grads = tf.tidy(() => {
        const { grads: g } = tf.variableGrads(
          () => tf.neg(tf.mean(flow.logProb(x, { context }))) as tf.Scalar,
          vars,
        );
        return vars.map((v) => Array.from((g[v.name] as tf.Tensor).dataSync()));
      });
      // The adjoint's backward solve reads the context as data (tfjs then finds no path to it).
      const reached =
        gradient === 'backprop'
          ? tf.tidy(() =>
              Array.from(
                tf
                  .grad((c: tf.Tensor) => tf.sum(flow.logProb(x, { context: c })))(context)
                  .dataSync(),
              ),
            )
          : null;
      flow.dispose();
      return { grads, reached };
    });
    const [backprop, adjoint] = results as [(typeof results)[0], (typeof results)[0]];
    expect(maxRelativeDifference(backprop.grads, adjoint.grads)).toBeLessThan(2e-3);
    expect(backprop.reached?.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    tf.dispose([x, context]);
  });

  test('the learned integration time gets the gradient of a finite difference of the NLL', () => {
    const x = data(32, 2);
    const options = { solver: 'rk4', solverOptions: { steps: 16 }, integrationTime: 0.8 };
    const flow = flowOf(options);
    const sqrtTime = flow.bijector.variables[flow.bijector.variables.length - 1] as tf.Variable;
    expect(sqrtTime.shape).toEqual([]);
    const index = flow.trainableVariables.indexOf(sqrtTime);
    const analytic = (nllGradients(flow, x, false)[index] as number[])[0] as number;
    const nllAt = (s: number) => {
      tf.tidy(() => sqrtTime.assign(tf.scalar(s)));
      return tf.tidy(() => -(tf.mean(flow.logProb(x)).dataSync()[0] as number));
    };
    const s0 = Math.sqrt(0.8);
    const numeric = (nllAt(s0 + 0.01) - nllAt(s0 - 0.01)) / 0.02;
    expect(Math.abs(analytic - numeric)).toBeLessThan(0.02 * Math.abs(numeric) + 1e-3);
    expect((flow.bijector as Ffjord).integrationTimes()[0]).toBeCloseTo((s0 - 0.01) ** 2, 5);
    flow.dispose();
    x.dispose();
  });

  test('RNODE state in the solver frame, K(T) = T ∫₀ᵀ‖f‖² dt: dK/dT = K/T + T‖f(z(T), T)‖², likewise J (exact estimator)', () => {
    const cnf = new Ffjord({ ...small, learnIntegrationTime: false });
    const field = cnf.fields[0]!;
    const z0 = data(6, 3);
    const solver = createByName('odeSolver', 'dopri5', { rtol: 2e-7, atol: 2e-7 });
    const estimator = createByName('traceEstimator', 'exact', {});
    const run = (T: number) =>
      tf.tidy(() => {
        const r = solveCnf(
          {
            field,
            endTime: T,
            solver,
            gradient: 'backprop',
            estimator,
            probeSeed: 0,
            kinetic: true,
            jacobian: true,
            direction: 'forward',
            owner: 'test',
          },
          z0,
        );
        return {
          z: r.z.arraySync(),
          k: Array.from(r.kinetic!.dataSync()),
          j: Array.from(r.jacobian!.dataSync()),
        };
      });
    const T = 0.7;
    const h = 1e-2;
    const [up, down, at] = [run(T + h), run(T - h), run(T)];
    const direct = tf.tidy(() => {
      const z = tf.tensor2d(at.z);
      const t = tf.scalar(T);
      const f = field.apply(z, t);
      const kinetic = Array.from(tf.sum(tf.square(f), 1).dataSync());
      const jacobian = Array.from({ length: 6 }, () => 0);
      for (let i = 0; i < 2; i++) {
        const row = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.slice(field.apply(input as tf.Tensor2D, t), [0, i], [-1, 1])),
        )(z);
        Array.from(tf.sum(tf.square(row), 1).dataSync()).forEach((v, b) => (jacobian[b]! += v));
      }
      return { kinetic, jacobian };
    });
    // K(T) = ∫₀¹‖T f(z(sT), sT)‖² ds = T·I(T) with I(T) = ∫₀ᵀ‖f‖² dt, so dK/dT = I + T·I' = K/T + T‖f(z(T), T)‖².
    for (let b = 0; b < 6; b++) {
      expect(((up.k[b] as number) - (down.k[b] as number)) / (2 * h)).toBeCloseTo(
        (at.k[b] as number) / T + T * (direct.kinetic[b] as number),
        3,
      );
      expect(((up.j[b] as number) - (down.j[b] as number)) / (2 * h)).toBeCloseTo(
        (at.j[b] as number) / T + T * (direct.jacobian[b] as number),
        3,
      );
    }
    cnf.dispose();
    z0.dispose();
  });

  test('RNODE penalties are measured in the solver frame: a linear field f = z M gives K = T∫₀ᵀ‖f‖²dt and J = T²‖M‖²_F, the same for (T, M) and (2T, M/2)', () => {
    // One concat-squash layer without hidden layers or time dependence: f(z) = (z W) ⊙ σ(0) = z M with
    // M = W/2 = [[a, -b], [b, a]], so ‖z(t)‖² = ‖z₀‖² e^{2at}, ‖f‖² = (a² + b²)‖z‖² and ‖M‖²_F = 2(a² + b²).
    const linearField = (a: number, b: number) => {
      const field = new ConcatSquashField({
        stateSize: 2,
        hidden: [],
        activation: 'tanh',
        contextSize: 0,
        zeroInitOutput: false,
        seed: 0,
      });
      const [kernel, bias, gateKernel, gateBias, hyperKernel] = field.variables as [
        tf.Variable,
        tf.Variable,
        tf.Variable,
        tf.Variable,
        tf.Variable,
      ];
      tf.tidy(() => {
        kernel.assign(
          tf.tensor2d([
            [2 * a, -2 * b],
            [2 * b, 2 * a],
          ]),
        );
        for (const v of [bias, gateKernel, gateBias, hyperKernel]) v.assign(tf.zerosLike(v));
      });
      return field;
    };
    const z0 = data(5, 6);
    const solver = createByName('odeSolver', 'dopri5', { rtol: 2e-7, atol: 2e-7 });
    const estimator = createByName('traceEstimator', 'exact', {});
    const penalties = (a: number, b: number, T: number) => {
      const field = linearField(a, b);
      const out = tf.tidy(() => {
        const r = solveCnf(
          {
            field,
            endTime: T,
            solver,
            gradient: 'backprop',
            estimator,
            probeSeed: 0,
            kinetic: true,
            jacobian: true,
            direction: 'forward',
            owner: 'test',
          },
          z0,
        );
        return { k: Array.from(r.kinetic!.dataSync()), j: Array.from(r.jacobian!.dataSync()) };
      });
      field.dispose();
      return out;
    };
    const norms = tf.tidy(() => Array.from(tf.sum(tf.square(z0), 1).dataSync()));
    const [a, b] = [0.6, 0.8];
    for (const T of [0.5, 2]) {
      const { k, j } = penalties(a, b, T);
      norms.forEach((n0, row) => {
        // ∫₀ᵀ (a² + b²) n0 e^{2at} dt, times T for the solver frame.
        const realTime = ((a * a + b * b) * n0 * Math.expm1(2 * a * T)) / (2 * a);
        expect(k[row]).toBeCloseTo(T * realTime, 3);
        expect(j[row]).toBeCloseTo(T * T * 2 * (a * a + b * b), 4);
      });
    }
    // Same solver-frame dynamics dz/ds = T z M: the penalties agree (in the t-frame they would halve).
    const short = penalties(a, b, 0.75);
    const long = penalties(a / 2, b / 2, 1.5);
    for (let row = 0; row < 5; row++) {
      expect(long.k[row]).toBeCloseTo(short.k[row] as number, 4);
      expect(long.j[row]).toBeCloseTo(short.j[row] as number, 4);
    }
    z0.dispose();
  });

  test('the RNODE penalty is λ_K·mean K + λ_J·mean J and reaches the objective only through a record', () => {
    const x = data(8, 4);
    const flow = flowOf({ kinetic: 0.3, jacobianNorm: 0.2, estimator: 'exact' });
    const value = (training: boolean, record?: CallRecord) =>
      tf.tidy(() => {
        const nll = tf.neg(tf.mean(flow.logProb(x, { training, record }))) as tf.Scalar;
        return [nll.dataSync()[0] as number, (record ? record.penalise(nll) : nll).dataSync()[0] as number];
      });
    const record = new CallRecord();
    const [nll, objective] = value(true, record) as [number, number];
    record.dispose();
    const [evaluated, unpenalised] = value(false) as [number, number];
    expect(unpenalised).toBe(evaluated);
    expect(evaluated).toBeCloseTo(nll, 5);
    const cnf = flow.bijector as Ffjord;
    const expected = tf.tidy(() => {
      const r = solveCnf(
        {
          field: cnf.fields[0]!,
          endTime: cnf.integrationTimes()[0]!,
          solver: createByName('odeSolver', 'dopri5', {}),
          gradient: 'backprop',
          estimator: createByName('traceEstimator', 'exact', {}),
          probeSeed: 0,
          kinetic: true,
          jacobian: true,
          direction: 'inverse',
          owner: 'test',
        },
        x,
      );
      return (
        0.3 * (tf.mean(r.kinetic!).dataSync()[0] as number) +
        0.2 * (tf.mean(r.jacobian!).dataSync()[0] as number)
      );
    });
    expect(expected).toBeGreaterThan(0);
    expect(objective - nll).toBeCloseTo(expected, 4);
    flow.dispose();
    x.dispose();
  });

  test.each(['backprop', 'adjoint'] as const)(
    'fit (%s) lowers the NLL and reports nfeForward/nfeBackward per step and in the result',
    (gradient) => {
      const x = data(256, 5);
      const flow = flowOf({ gradient, hidden: [16, 16], identityInit: true });
      const progress: FitProgress[] = [];
      const before = tf.tidy(() => -(tf.mean(flow.logProb(x)).dataSync()[0] as number));
      const result = fit(flow, x, {
        steps: 25,
        batchSize: 64,
        learningRate: 1e-2,
        validationFraction: 0,
        onProgress: (p) => progress.push(p),
      });
      const after = tf.tidy(() => -(tf.mean(flow.logProb(x)).dataSync()[0] as number));
      expect(after).toBeLessThan(before - 0.1);
      expect(progress).toHaveLength(25);
      for (const p of progress) {
        expect(p.nfeForward).toBeGreaterThanOrEqual(8);
        expect(p.nfeBackward).toBeGreaterThan(0);
      }
      expect(result.nfeForward).toBeGreaterThan(0);
      expect(result.nfeBackward).toBeGreaterThan(0);
      flow.dispose();
      x.dispose();
    },
  );

  test('a solve that cannot finish stops with an OdeSolveError naming the flow, block, direction and time', () => {
    const x = data(4, 6);
    const flow = flowOf({ solverOptions: { maxSteps: 2 }, rtol: 2e-7, atol: 2e-7 });
    const error = (() => {
      try {
        flow.logProb(x);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OdeSolveError);
    expect((error as Error).message).toMatch(
      /^ffjord block 1 of 1 \(inverse solve\) stopped at t = [0-9.e-]+ of \[0, 0\.5\]: dopri5: reached maxSteps = 2/,
    );
    expect((error as OdeSolveError).t).toBeGreaterThan(0);
    expect((error as OdeSolveError).t).toBeLessThan(0.5);
    flow.dispose();
    x.dispose();
  });

  test('a fixed-step solve that blows up stops with an OdeSolveError, not NaN', () => {
    const x = data(4, 7);
    // T = 1e38 makes T·f overflow float32 in the first step.
    const flow = flowOf({
      solver: 'euler',
      solverOptions: { steps: 2 },
      integrationTime: 1e38,
      learnIntegrationTime: false,
    });
    expect(() => flow.logProb(x)).toThrow(
      /ffjord block 1 of 1 \(inverse solve\): the state is not finite at t = 0 after 2 steps of euler/,
    );
    flow.dispose();
    x.dispose();
  });

  test('saves and loads through model files: same densities, learned T kept', async () => {
    const x = data(16, 8);
    const flow = flowOf({ layers: 2 });
    tf.tidy(() => (flow.bijector.variables.at(-1) as tf.Variable).assign(tf.scalar(0.9)));
    const { flow: loaded } = await reloadFlow(flow);
    expect(loaded.bijector.getConfig()).toEqual(flow.bijector.getConfig());
    expect((loaded.bijector as Ffjord).integrationTimes()).toEqual(
      (flow.bijector as Ffjord).integrationTimes(),
    );
    const [a, b] = [flow, loaded].map((f) => tf.tidy(() => Array.from(f.logProb(x).dataSync())));
    expect(b).toEqual(a);
    flow.dispose();
    loaded.dispose();
    x.dispose();
  });

  test('bad options fail with errors naming them', () => {
    expect(() => new Ffjord({ eventShape: [2], solver: 'heun' })).toThrow(RegistryError);
    expect(() => new Ffjord({ eventShape: [2], solver: 'heun' })).toThrow(
      /unknown odeSolver 'heun'; known: .*dopri5/,
    );
    expect(() => new Ffjord({ eventShape: [2], solver: 'rk4', rtol: 1e-3 })).toThrow(
      /ffjord: option 'rtol' applies to adaptive solvers \(dopri5\), not 'rk4'/,
    );
    expect(() => new Ffjord({ eventShape: [2], estimator: 'skilling' })).toThrow(
      /unknown traceEstimator 'skilling'/,
    );
    expect(() => new Ffjord({ eventShape: [2], gradient: 'reverse' as never })).toThrow(
      /option 'gradient' must be 'adjoint' or 'backprop', got "reverse"/,
    );
    expect(() => new Ffjord({ eventShape: [2], activation: 'relu' as never })).toThrow(OptionError);
    expect(() => new Ffjord({ eventShape: [2], augment: -1 })).toThrow(
      /option 'augment' must be an integer >= 0/,
    );
    expect(() => new Ffjord({ eventShape: [2], integrationTime: 0 })).toThrow(
      /option 'integrationTime' must be a finite number > 0/,
    );
    expect(() => new Ffjord({ eventShape: [2, 2] })).toThrow(/must be a vector shape \[d\]/);
    expect(() => new Ffjord({ eventShape: [2], kinetc: 1 } as never)).toThrow(/unknown option 'kinetc'/);
  });

  test('augment: k: base side d + k, data side d; deterministic evaluation at a = 0, noisy training values', () => {
    const x = data(8, 9);
    const flow = flowOf({ augment: 2 });
    expect(flow.bijector.eventShape).toEqual([4]);
    expect(flow.eventShape).toEqual([2]);
    const evaluate = (training: boolean) =>
      tf.tidy(() => Array.from(flow.logProb(x, { training }).dataSync()));
    expect(evaluate(false)).toEqual(evaluate(false));
    expect(evaluate(true)).not.toEqual(evaluate(true));
    const samples = tf.tidy(() => flow.sample(5, { seed: 1 }).shape);
    expect(samples).toEqual([5, 2]);
    // At a = 0 the value is log p(x, 0) − log N(0; 0, I): the joint density's log-det plus the base's.
    const { value: z, logDet } = flow.bijector.inverseAndLogDet(x);
    expect(z.shape).toEqual([8, 4]);
    expect(logDet.shape).toEqual([8]);
    tf.dispose([z, logDet]);
    flow.dispose();
    x.dispose();
  });
});
