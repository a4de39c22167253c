import type { LossRow } from './loss-history.js';
import type { Bounds } from './render.js';

/** A Vega-Lite specification (a plain JSON object; see https://vega.github.io/vega-lite/). */
export type VegaLiteSpec = Record<string, unknown>;

/** Rows of points `[n, d]`, row-major, with their column names. */
export interface PointTable {
  /** Values, `rows * cols`. */
  values: Float32Array | Float64Array;
  /** Number of columns. */
  cols: number;
}

/** Side of a plot panel in pixels (before the PNG's 2x zoom). */
const PANEL = 420;
/** Colours of the series in every overlay: data grey-blue, samples orange. */
const SERIES_COLOURS = { data: '#4c78a8', samples: '#f58518' };
/** Most points drawn per series in scatter plots (more only hide each other). */
export const MAX_POINTS = 2000;

/** The title block: a main line and a smaller subtitle. */
function title(text: string, subtitle?: string): Record<string, unknown> {
  return { text, ...(subtitle ? { subtitle } : {}), anchor: 'middle', fontSize: 15 };
}

/**
 * The training curve: the minibatch loss averaged over windows (at most 500 points) and the
 * validation NLL at each validation pass, against the step; a legend names both. The y axis shows
 * the range of the curve after its first 2% (the first steps' loss would flatten the rest).
 */
export function lossChart(history: readonly LossRow[], heading: string, subtitle?: string): VegaLiteSpec {
  const window = Math.max(1, Math.ceil(history.length / 500));
  const points: { step: number; value: number; series: string }[] = [];
  for (let start = 0; start < history.length; start += window) {
    const slice = history.slice(start, start + window).filter((r) => Number.isFinite(r.trainLoss));
    if (slice.length === 0) continue;
    const mean = slice.reduce((s, r) => s + r.trainLoss, 0) / slice.length;
    points.push({
      step: (slice[slice.length - 1] as LossRow).step,
      value: mean,
      series: 'train loss (minibatch)',
    });
  }
  for (const r of history) {
    if (r.valNll !== null && Number.isFinite(r.valNll))
      points.push({ step: r.step, value: r.valNll, series: 'validation NLL' });
  }
  const settled = points
    .filter((p) => p.step >= (history[history.length - 1]?.step ?? 0) * 0.02)
    .map((p) => p.value);
  const values = settled.length > 0 ? settled : points.map((p) => p.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.05, 1e-3);
  return {
    title: title(
      heading,
      subtitle ?? (window > 1 ? `train loss averaged over windows of ${window} steps` : undefined),
    ),
    width: PANEL * 1.4,
    height: PANEL * 0.8,
    data: { values: points },
    mark: { type: 'line', point: false, clip: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'nats per example',
        scale: { domain: [lo - pad, hi + pad], zero: false, nice: false },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { range: [SERIES_COLOURS.samples, SERIES_COLOURS.data] },
        legend: { orient: 'top-right', labelLimit: 400 },
      },
    },
  };
}

/** Up to {@link MAX_POINTS} rows of two columns `i`, `j` as `{x, y, series}` records. */
function scatterRecords(
  table: PointTable,
  i: number,
  j: number,
  series: string,
): Record<string, number | string>[] {
  const n = Math.min(MAX_POINTS, Math.floor(table.values.length / table.cols));
  return Array.from({ length: n }, (_, r) => ({
    x: table.values[r * table.cols + i] as number,
    y: table.values[r * table.cols + j] as number,
    series,
  }));
}

/**
 * A 2-D density heat map: `logDensity` on a `resolution x resolution` grid over `bounds` (row-major
 * from the top row, as `gridPoints` orders it), coloured by p(x) on the viridis scale with a colour
 * bar, and optionally the data points overlaid (with a legend entry).
 */
export function densityChart(
  logDensity: ArrayLike<number>,
  resolution: number,
  bounds: Bounds,
  names: readonly [string, string],
  heading: string,
  subtitle?: string,
  overlay?: PointTable,
): VegaLiteSpec {
  const dx = (bounds.xMax - bounds.xMin) / resolution;
  const dy = (bounds.yMax - bounds.yMin) / resolution;
  const cells: { x: number; x2: number; y: number; y2: number; density: number }[] = [];
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const v = logDensity[row * resolution + col] as number;
      const y2 = bounds.yMax - row * dy;
      const x = bounds.xMin + col * dx;
      // Cells overlap by a fifth of their size, so that anti-aliasing leaves no seams between them.
      cells.push({
        x,
        x2: x + 1.2 * dx,
        y: y2 - 1.2 * dy,
        y2,
        density: Number.isFinite(v) ? Math.exp(v) : 0,
      });
    }
  }
  const axis = (field: string, name: string, domain: [number, number]) => ({
    field,
    type: 'quantitative',
    title: name,
    scale: { domain, nice: false, zero: false },
  });
  const xAxis = axis('x', names[0], [bounds.xMin, bounds.xMax]);
  const yAxis = axis('y', names[1], [bounds.yMin, bounds.yMax]);
  const layers: VegaLiteSpec[] = [
    {
      data: { values: cells },
      mark: { type: 'rect', strokeWidth: 0, clip: true },
      encoding: {
        x: xAxis,
        x2: { field: 'x2' },
        y: yAxis,
        y2: { field: 'y2' },
        color: {
          field: 'density',
          type: 'quantitative',
          title: 'p(x)',
          scale: { scheme: 'viridis' },
          legend: { gradientLength: PANEL * 0.6, format: '.3~g' },
        },
      },
    },
  ];
  if (overlay) {
    layers.push({
      data: {
        values: scatterRecords(
          overlay,
          0,
          1,
          `data (${Math.min(MAX_POINTS, overlay.values.length / overlay.cols)} rows)`,
        ),
      },
      mark: {
        type: 'point',
        filled: true,
        size: 10,
        fill: 'white',
        stroke: 'black',
        strokeWidth: 0.3,
        opacity: 0.8,
        clip: true,
      },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        shape: {
          field: 'series',
          type: 'nominal',
          title: null,
          legend: {
            encode: { symbols: { update: { fill: { value: 'white' }, stroke: { value: 'black' } } } },
          },
        },
      },
    });
  }
  return { title: title(heading, subtitle), width: PANEL, height: PANEL, layer: layers };
}

/** Samples against data in two columns (`i`, `j`): a scatter plot with a legend. */
export function samplesChart(
  samples: PointTable,
  data: PointTable | undefined,
  names: readonly string[],
  heading: string,
  subtitle?: string,
  bounds?: Bounds,
): VegaLiteSpec {
  const records = [
    ...(data ? scatterRecords(data, 0, 1, 'data') : []),
    ...scatterRecords(samples, 0, 1, 'samples'),
  ];
  const scale = (lo?: number, hi?: number) =>
    lo === undefined ? { zero: false } : { domain: [lo, hi], zero: false, nice: false };
  return {
    title: title(heading, subtitle),
    width: PANEL,
    height: PANEL,
    data: { values: records },
    mark: { type: 'point', filled: true, size: 9, opacity: 0.55, clip: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: names[0] ?? 'x0',
        scale: scale(bounds?.xMin, bounds?.xMax),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: names[1] ?? 'x1',
        scale: scale(bounds?.yMin, bounds?.yMax),
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['data', 'samples'], range: [SERIES_COLOURS.data, SERIES_COLOURS.samples] },
      },
    },
  };
}

/**
 * A pair plot of the first `columns.length` columns: scatter plots of samples against data below
 * the diagonal and overlaid histograms on it, one legend for both series.
 */
export function pairsChart(
  samples: PointTable,
  data: PointTable | undefined,
  columns: readonly number[],
  names: readonly string[],
  heading: string,
  subtitle?: string,
): VegaLiteSpec {
  const side = Math.max(130, Math.floor((PANEL * 1.6) / columns.length));
  const records: Record<string, number | string>[] = [];
  for (const [table, series] of [
    [data, 'data'],
    [samples, 'samples'],
  ] as const) {
    if (!table) continue;
    const n = Math.min(MAX_POINTS, Math.floor(table.values.length / table.cols));
    for (let r = 0; r < n; r++) {
      const record: Record<string, number | string> = { series };
      columns.forEach((c, k) => (record[`c${k}`] = table.values[r * table.cols + c] as number));
      records.push(record);
    }
  }
  const colour = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: ['data', 'samples'], range: [SERIES_COLOURS.data, SERIES_COLOURS.samples] },
  };
  const label = (k: number) => names[columns[k] as number] ?? `x${columns[k]}`;
  const rows = columns.map((_, i) => ({
    hconcat: columns.slice(0, i + 1).map((__, j) =>
      i === j
        ? {
            // Each series' histogram as shares of its own rows, so that data and samples compare.
            width: side,
            height: side,
            // (Field names are per column: vega-lite shares the data source between the cells.)
            transform: [
              { bin: { maxbins: 30 }, field: `c${i}`, as: [`lo${i}`, `hi${i}`] },
              { aggregate: [{ op: 'count', as: `rows${i}` }], groupby: [`lo${i}`, `hi${i}`, 'series'] },
              { joinaggregate: [{ op: 'sum', field: `rows${i}`, as: `total${i}` }], groupby: ['series'] },
              { calculate: `datum.rows${i} / datum.total${i}`, as: `share${i}` },
            ],
            mark: { type: 'bar', opacity: 0.5, binSpacing: 0 },
            encoding: {
              x: { field: `lo${i}`, type: 'quantitative', bin: 'binned', title: label(i) },
              x2: { field: `hi${i}` },
              y: { field: `share${i}`, type: 'quantitative', title: 'share of rows', stack: null },
              color: colour,
            },
          }
        : {
            width: side,
            height: side,
            mark: { type: 'point', filled: true, size: 6, opacity: 0.45 },
            encoding: {
              x: { field: `c${j}`, type: 'quantitative', title: label(j), scale: { zero: false } },
              y: { field: `c${i}`, type: 'quantitative', title: label(i), scale: { zero: false } },
              color: colour,
            },
          },
    ),
  }));
  return { title: title(heading, subtitle), data: { values: records }, vconcat: rows };
}

/** A grid of images (PNG data URLs, `cols` a row) under one title. */
export function imageGridChart(
  urls: readonly string[],
  cols: number,
  heading: string,
  subtitle?: string,
): VegaLiteSpec {
  const tile = 64;
  const rows = Math.ceil(urls.length / cols);
  return {
    title: title(heading, subtitle),
    width: cols * (tile + 4),
    height: rows * (tile + 4),
    data: { values: urls.map((url, k) => ({ url, col: k % cols, row: Math.floor(k / cols) })) },
    mark: { type: 'image', width: tile, height: tile, aspect: false, smooth: false },
    encoding: {
      x: { field: 'col', type: 'ordinal', axis: null },
      y: { field: 'row', type: 'ordinal', axis: null },
      url: { field: 'url', type: 'nominal' },
    },
  };
}

/**
 * Density heat maps side by side on one grid (e.g. a flow q beside the target it was fitted to),
 * one panel each with its own title, sharing axes' ranges and one colour scale, so that their
 * colours compare; `overlay` points go on the first panel.
 */
export function sideBySideDensityChart(
  panels: readonly { logDensity: ArrayLike<number>; heading: string }[],
  resolution: number,
  bounds: Bounds,
  names: readonly [string, string],
  heading: string,
  subtitle?: string,
  overlay?: PointTable,
): VegaLiteSpec {
  return {
    title: title(heading, subtitle),
    hconcat: panels.map((panel, i) => {
      const { title: panelTitle, ...chart } = densityChart(
        panel.logDensity,
        resolution,
        bounds,
        names,
        panel.heading,
        undefined,
        i === 0 ? overlay : undefined,
      );
      return { ...chart, title: { text: (panelTitle as { text: string }).text, fontSize: 13 } };
    }),
    resolve: { scale: { color: 'shared' } },
  };
}
