import { describe, expect, test } from 'vitest';
import { densityChart, lossChart, pairsChart, samplesChart } from './charts.js';
import { renderPng, renderSvg } from './picture.js';

const bounds = { xMin: -3, xMax: 3, yMin: -2, yMax: 2 };
const table = (rows: number, cols: number, scale: (j: number) => number) => ({
  values: Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(k * 12.9898) * scale(k % cols)),
  cols,
});

describe('pictures (Vega-Lite specs rendered headless)', () => {
  test('a density heat map has a title, labelled axes, a p(x) colour bar and a data legend', async () => {
    const grid = Float32Array.from({ length: 16 }, (_, i) => -i / 4);
    const spec = densityChart(
      grid,
      4,
      bounds,
      ['width', 'height'],
      'realnvp on moons (2-D): density',
      'test NLL 1.1',
      table(50, 2, () => 1),
    );
    const svg = await renderSvg(spec);
    for (const text of [
      'realnvp on moons (2-D): density',
      'test NLL 1.1',
      'width',
      'height',
      'p(x)',
      'data (50 rows)',
    ]) {
      expect(svg).toContain(text);
    }
    expect(svg).toContain('linearGradient'); // the colour bar
    const png = await renderPng(spec);
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
  });

  test('samples against data: one legend entry per series; loss: train loss and validation NLL', async () => {
    const svg = await renderSvg(
      samplesChart(
        table(30, 3, () => 1),
        table(30, 3, () => 1),
        ['a', 'b', 'c'],
        'samples',
        undefined,
        bounds,
      ),
    );
    for (const text of ['data', 'samples', '>a<', '>b<']) expect(svg).toContain(text);
    const history = Array.from({ length: 1200 }, (_, i) => ({
      step: i + 1,
      trainLoss: 3 / (1 + i / 100),
      valNll: (i + 1) % 100 === 0 ? 3.2 / (1 + i / 100) : null,
      lr: 1e-3,
    }));
    const loss = lossChart(history, 'nsf on wine: training curve');
    const values = (loss.data as { values: { series: string }[] }).values;
    expect(values.filter((v) => v.series === 'validation NLL')).toHaveLength(12);
    // 1200 steps averaged over windows of 3: at most 500 points of the training curve.
    expect(values.filter((v) => v.series === 'train loss (minibatch)').length).toBeLessThanOrEqual(500);
    const lossSvg = await renderSvg(loss);
    for (const text of ['train loss (minibatch)', 'validation NLL', 'step', 'nats per example'])
      expect(lossSvg).toContain(text);
  });

  test('a pair plot bins each diagonal column on its own', async () => {
    // Columns of very different ranges: column j spans about ±10^j.
    const spec = pairsChart(
      table(200, 3, (j) => 10 ** j),
      table(200, 3, (j) => 10 ** j),
      [0, 1, 2],
      ['x0', 'x1', 'x2'],
      'pairs',
    );
    const rows = spec.vconcat as { hconcat: { transform?: { field?: string; as?: string[] }[] }[] }[];
    rows.forEach((row, i) => expect(row.hconcat[i]?.transform?.[0]?.field).toBe(`c${i}`));
    // vega-lite shares one data source between the cells: equal output names would make every
    // diagonal cell show the last column's histogram.
    const names = rows.map((row, i) => row.hconcat[i]?.transform?.[0]?.as?.join());
    expect(new Set(names).size).toBe(3);
    const svg = await renderSvg(spec);
    expect(svg).toContain('share of rows');
    expect(svg).toContain('>100<'); // the tick labels of the widest column's histogram
  });
});
