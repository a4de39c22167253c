import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import '@bijective/backend-cpu';
import { createBijector, Flow, hostRng, StandardNormal, useBackend } from '@bijective/core';
import { loadFlowFromDirectory, saveFlowToDirectory } from '@bijective/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { crossFittedMixture, keptComponents, mixtureLogDensities, stackingWeights } from './ensemble.js';
import { planEnsemble, recordInModel, saveEnsemble } from './ensemble-model.js';
import { cliHarness, expectUsageError } from './test-harness.js';

const LOG_2PI = Math.log(2 * Math.PI);
const logNormal = (x: number, mean: number) => -0.5 * (x - mean) ** 2 - 0.5 * LOG_2PI;

/** n draws of ¼ N(−4, 1) + ¾ N(4, 1), and each draw's log-density under either component. */
function twoComponents(n: number, seed: number): { x: number[]; columns: Float64Array[] } {
  const rng = hostRng(seed);
  const x = Array.from({ length: n }, () => (rng.uniform() < 0.25 ? -4 : 4) + rng.normal());
  return {
    x,
    columns: [Float64Array.from(x, (v) => logNormal(v, -4)), Float64Array.from(x, (v) => logNormal(v, 4))],
  };
}

describe('stacking', () => {
  test('EM recovers the mixture weights of fixed component densities', () => {
    const { columns } = twoComponents(4000, 1);
    const w = stackingWeights(columns);
    expect(w[0]).toBeCloseTo(0.25, 1);
    expect((w[0] as number) + (w[1] as number)).toBeCloseTo(1, 9);
  });

  test('gives a useless component no weight and keeps it out of the ensemble', () => {
    const { columns } = twoComponents(2000, 2);
    const far = Float64Array.from(columns[0] as Float64Array, () => -50);
    const w = stackingWeights([columns[1] as Float64Array, far]);
    expect(w[1]).toBeLessThan(0.01);
    expect(keptComponents(w).indices).toEqual([0]);
  });

  test('the cross-fitted NLL does not reward the weights for the rows they were fitted on', () => {
    const { columns } = twoComponents(200, 3);
    const fitted = crossFittedMixture(columns);
    const inSample = -mixtureLogDensities(columns, fitted.weights).reduce((a, v) => a + v, 0) / 200;
    expect(fitted.nll).toBeGreaterThanOrEqual(inSample - 1e-12);
    expect(fitted.nll).toBeLessThan(inSample + 0.05);
    // Rows no component gives density (NaN) count as −∞ for the mixture, not as NaN weights.
    const broken = [Float64Array.from([NaN, -1]), Float64Array.from([-2, -1])];
    expect(stackingWeights(broken).every(Number.isFinite)).toBe(true);
  });
});

describe('an ensemble model file', () => {
  let dir = '';
  beforeAll(async () => {
    await useBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'bijective-ensemble-'));
  });

  /** Saves N(shift, 1) as a `train`-like model directory. */
  async function saveNormal(name: string, shift: number): Promise<string> {
    const flow = new Flow(
      new StandardNormal({ eventShape: [1] }),
      createBijector({ name: 'shift', options: { eventShape: [1], shift } }),
    );
    const out = join(dir, name);
    await saveFlowToDirectory(flow, out, { flow: name, steps: 10, batch: 4 });
    flow.dispose();
    return out;
  }

  test('is the stacked mixture of the component models, loads in core and evaluates and samples in the CLI', async () => {
    const before = tf.memory().numTensors;
    const { x, columns } = twoComponents(300, 4);
    const plan = planEnsemble(['left', 'right'], columns);
    expect(plan).not.toBeNull();
    expect(plan?.flows).toEqual(['left', 'right']);
    const dirs = [await saveNormal('left', -4), await saveNormal('right', 4)];
    const rows = (v: number[]) => ({ data: Float32Array.from(v), rows: v.length, cols: 1, columns: ['x'] });
    const out = join(dir, 'ensemble');
    const summary = await saveEnsemble(plan!, {
      out,
      dirs,
      rows: { train: rows(x), test: rows([-4, 0, 4]) },
      discrete: [],
      fields: { flow: 'auto', picked: 'ensemble' },
      metadata: { columns: ['x'], contextColumns: null, levels: null, discrete: 'auto', eventShape: [1] },
    });
    const [wl, wr] = plan!.weights as [number, number];
    const expected =
      -[-4, 0, 4]
        .map((v) => Math.log(wl * Math.exp(logNormal(v, -4)) + wr * Math.exp(logNormal(v, 4))))
        .reduce((a, b) => a + b, 0) / 3;
    expect(summary.testNll as number).toBeCloseTo(expected, 4);
    expect(summary.steps).toBe(20);
    const { flow, metadata } = await loadFlowFromDirectory(out);
    expect(flow.base.name).toBe('flow-mixture');
    expect((metadata.components as { flow: string }[]).map((c) => c.flow)).toEqual(['left', 'right']);
    expect(metadata.picked).toBe('ensemble');
    flow.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const harness = await cliHarness('bijective-ensemble-cli-');
    writeFileSync(join(harness.dir, 'test.csv'), 'x\n-4\n0\n4\n');
    const scored = harness.cli('eval', '--model', out, '--data', 'test.csv', '--json');
    expect(scored.status, scored.stderr).toBe(0);
    expect((JSON.parse(scored.last) as { nll: number }).nll).toBeCloseTo(expected, 4);
    const drawn = harness.cli('sample', '--model', out, '--n', '400', '--seed', '1', '--out', 's.csv');
    expect(drawn.status, drawn.stderr).toBe(0);
    const hot = harness.cli('sample', '--model', out, '--temperature', '0.5');
    expect(hot.status).toBe(2);
    expect(hot.stderr).toMatch(
      /--temperature scales a flow's base samples; this model is a mixture of flows/,
    );
    const values = readFileSync(join(harness.dir, 's.csv'), 'utf8').trim().split('\n').slice(1).map(Number);
    const right = values.filter((v) => v > 0).length / values.length;
    expect(Math.abs(right - wr)).toBeLessThan(0.1);
    // A mixture of whole flows is not a base to train a flow on.
    expectUsageError(
      harness.cli('train', '--flow', 'maf', '--data', 'moons', '--steps', '1', '--base', 'flow-mixture'),
      /'flow-mixture' mixes whole flows .* it is not a base for --base; known: .*standard-normal/,
    );
  }, 120_000);

  test('recording the pick keeps the model and the directory’s other files', async () => {
    const model = await saveNormal('picked', 1);
    writeFileSync(join(model, 'loss.csv'), 'step,trainLoss\n');
    await recordInModel(model, { picked: 'maf', candidates: { maf: 1.5, nsf: 1.7 } });
    const { flow, metadata } = await loadFlowFromDirectory(model);
    expect(metadata).toMatchObject({
      flow: 'picked',
      steps: 10,
      picked: 'maf',
      candidates: { maf: 1.5, nsf: 1.7 },
    });
    expect(readFileSync(join(model, 'loss.csv'), 'utf8')).toBe('step,trainLoss\n');
    const logProb = tf.tidy(() => flow.logProb(tf.tensor2d([[1]])).arraySync() as number[]);
    expect(logProb[0]).toBeCloseTo(logNormal(1, 1), 5);
    flow.dispose();
  });
});
