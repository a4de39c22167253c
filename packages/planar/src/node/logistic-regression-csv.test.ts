import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { OptionError, ValueError, create, createByName } from '@bijective/core';
import { logisticRegressionTarget } from '../targets/logistic-regression.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dir = mkdtempSync(path.join(tmpdir(), 'bijective-logistic-'));
const csv = path.join(dir, 'data.csv');
writeFileSync(csv, 'a,label,b\n0.5,1,2\n-1,0,0.5\n2,1,-1\n0,0,0\n1.5,1,1\n');
const features = [
  [0.5, 2],
  [-1, 0.5],
  [2, -1],
  [0, 0],
  [1.5, 1],
];
const labels = [1, 0, 1, 0, 1];

describe('logistic-regression', () => {
  test('a CSV file with a label column gives the posterior of the same data given inline', () => {
    const fromFile = create('target', 'logistic-regression', {
      data: csv,
      labelColumn: 'label',
      priorScale: 2,
    });
    const byIndex = createByName('target', 'logistic-regression', {
      data: csv,
      labelColumn: 1,
      priorScale: 2,
    });
    const inline = create('target', 'logistic-regression', { features, labels, priorScale: 2 });
    expect(fromFile.eventShape).toEqual([3]);
    expect(fromFile.getConfig()).toEqual({
      name: 'logistic-regression',
      options: { data: csv, labelColumn: 'label', priorScale: 2, intercept: true, standardize: true },
    });
    const theta = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const expected = Array.from(inline.logDensity(theta).dataSync());
    for (const target of [fromFile, byIndex])
      Array.from(target.logDensity(theta).dataSync()).forEach((v, i) =>
        expect(v).toBeCloseTo(expected[i]!, 4),
      );
    for (const target of [fromFile, byIndex, inline]) target.dispose();
  });

  test('log p̃(θ) = Σ [yℓ − softplus(ℓ)] + log N(θ; 0, σ²I) on the raw features without an intercept', () => {
    const target = logisticRegressionTarget({
      features,
      labels,
      intercept: false,
      standardize: false,
      priorScale: 0.5,
    });
    const theta = [0.3, -0.7];
    let expected = -Math.log(2 * Math.PI * 0.25) - (0.09 + 0.49) / (2 * 0.25);
    features.forEach(([a, b], i) => {
      const l = theta[0]! * a! + theta[1]! * b!;
      expected += labels[i]! * l - Math.log1p(Math.exp(l));
    });
    const before = tf.memory().numTensors;
    const logP = target.logDensity(tf.tensor2d([theta]));
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(logP.dataSync()[0]).toBeCloseTo(expected, 4);
    target.dispose();
  });

  test('bad labels, files, columns and option mixes are named', () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'x,y\n1,0\n2,2\n');
    expect(() => create('target', 'logistic-regression', { data: bad, labelColumn: 'y' })).toThrow(
      ValueError,
    );
    expect(() => create('target', 'logistic-regression', { data: bad, labelColumn: 'y' })).toThrow(
      /bad\.csv: label column 'y', row 1 must be 0 or 1, got 2/,
    );
    expect(() => create('target', 'logistic-regression', { data: csv, labelColumn: 'z' })).toThrow(
      /no column named 'z'/,
    );
    expect(() =>
      create('target', 'logistic-regression', { data: path.join(dir, 'missing.csv'), labelColumn: 0 }),
    ).toThrow(/missing\.csv/);
    expect(() =>
      createByName('target', 'logistic-regression', { data: csv, labelColumn: 1, features, labels }),
    ).toThrow(/either 'data' and 'labelColumn' or 'features' and 'labels'/);
    expect(() => logisticRegressionTarget({ data: csv, labelColumn: 1 })).toThrow(
      /need `import '@bijective\/planar\/node'`/,
    );
    expect(() => create('target', 'logistic-regression', { features: [[1], [1]], labels: [0, 1] })).toThrow(
      /feature column 0 is constant/,
    );
    expect(() =>
      create('target', 'logistic-regression', { features: [[1], [2, 3]], labels: [0, 1] }),
    ).toThrow(OptionError);
    expect(() => create('target', 'logistic-regression', { features, labels: [1, 0] })).toThrow(/5 labels/);
  });
});
