import { describe, expect, test } from 'vitest';
import { sideBySideDensityChart } from './charts.js';
import { renderSvg } from './picture.js';
import { normaliseOnGrid } from './target-plot.js';

describe('the picture of a target-trained model', () => {
  test('normaliseOnGrid makes exp(log p) integrate to 1 over the window, whatever the constant', () => {
    const cellArea = 0.25;
    const raw = Float64Array.from({ length: 64 }, (_, i) => -0.1 * (i - 30) ** 2 + 700); // exp(700+) overflows
    const normalised = normaliseOnGrid(raw, cellArea);
    const mass = normalised.reduce((s, v) => s + Math.exp(v) * cellArea, 0);
    expect(mass).toBeCloseTo(1, 10);
    // Shapes are kept: differences of log-densities are unchanged.
    expect(normalised[31]! - normalised[30]!).toBeCloseTo(raw[31]! - raw[30]!, 10);
    // A density that is −∞ everywhere is left as it is (nothing to normalise).
    expect(Array.from(normaliseOnGrid(new Float64Array(4).fill(-Infinity), 1))).toEqual([
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
    ]);
  });

  test('q and the target side by side: two titled panels, labelled axes and one shared colour bar', async () => {
    const bounds = { xMin: -4, xMax: 4, yMin: -4, yMax: 4 };
    const logQ = Float32Array.from({ length: 16 }, (_, i) => -i / 4);
    const logP = Float32Array.from({ length: 16 }, (_, i) => -(15 - i) / 4);
    const spec = sideBySideDensityChart(
      [
        { logDensity: logQ, heading: 'q: the planar flow' },
        { logDensity: logP, heading: 'p: target u1' },
      ],
      4,
      bounds,
      ['x0', 'x1'],
      'planar fitted to target u1 (2-D): density q beside the target p',
      'KL 0.712 nats · ELBO 1.166',
    );
    expect(spec.resolve).toEqual({ scale: { color: 'shared' } });
    expect(spec.hconcat).toHaveLength(2);
    const svg = await renderSvg(spec);
    for (const text of [
      'q: the planar flow',
      'p: target u1',
      'density q beside the target p',
      'KL 0.712',
      'x0',
      'x1',
      'p(x)',
    ])
      expect(svg).toContain(text);
    // One colour bar for both panels.
    expect(svg.match(/<linearGradient/g)).toHaveLength(1);
  });
});
