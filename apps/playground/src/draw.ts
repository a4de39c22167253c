/**
 * Canvas drawing of the playground: the density heat map with points over it, and the loss curve.
 * @module
 */
import type { View } from './protocol.js';

/** A perceptual dark-to-bright colour ramp (approximately viridis), t in [0, 1]. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const a = stops[i] as [number, number, number];
  const b = stops[i + 1] as [number, number, number];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Draws p(x) = exp(log p) scaled to its maximum, then the data and the samples as dots. */
export function drawDensity(
  canvas: HTMLCanvasElement,
  view: View | undefined,
  data: Float32Array | undefined,
  extent: [number, number, number, number] | undefined,
  show: { data: boolean; samples: boolean },
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (view && view.size > 0) {
    let max = -Infinity;
    for (const v of view.grid) if (Number.isFinite(v) && v > max) max = v;
    const image = ctx.createImageData(view.size, view.size);
    view.grid.forEach((v, i) => {
      const [r, g, b] = ramp(Number.isFinite(v) ? Math.sqrt(Math.exp(v - max)) : 0);
      image.data.set([r, g, b, 255], 4 * i);
    });
    const small = new OffscreenCanvas(view.size, view.size);
    (small.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  }
  const box = view?.extent ?? extent;
  if (!box) return;
  const [x0, x1, y0, y1] = box;
  const dots = (points: Float32Array, colour: string): void => {
    ctx.fillStyle = colour;
    for (let i = 0; i < points.length; i += 2) {
      const px = (((points[i] as number) - x0) / (x1 - x0)) * canvas.width;
      const py = ((y1 - (points[i + 1] as number)) / (y1 - y0)) * canvas.height;
      ctx.fillRect(px - 1, py - 1, 2, 2);
    }
  };
  if (show.data && data) dots(data, 'rgba(255,255,255,0.55)');
  if (show.samples && view) dots(view.samples, 'rgba(255,140,0,0.85)');
}

/** Draws the training loss and the validation NLL against the step. */
export function drawCurve(
  canvas: HTMLCanvasElement,
  loss: [number, number][],
  validation: [number, number][],
  totalSteps: number,
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const values = [...loss, ...validation].map(([, v]) => v).filter(Number.isFinite);
  if (values.length === 0) return;
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[0] as number;
  const hi = sorted[Math.floor(0.98 * (sorted.length - 1))] as number;
  const pad = 30;
  const w = canvas.width - pad - 8;
  const h = canvas.height - 2 * 12;
  const x = (s: number): number => pad + (s / Math.max(totalSteps, 1)) * w;
  const y = (v: number): number => 12 + (1 - (Math.min(v, hi) - lo) / Math.max(hi - lo, 1e-6)) * h;
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(pad, 12, w, h);
  ctx.fillStyle = '#555';
  ctx.font = '10px sans-serif';
  ctx.fillText(hi.toFixed(2), 2, 16);
  ctx.fillText(lo.toFixed(2), 2, 12 + h);
  const line = (points: [number, number][], colour: string): void => {
    ctx.strokeStyle = colour;
    ctx.beginPath();
    points.forEach(([s, v], i) => (i === 0 ? ctx.moveTo(x(s), y(v)) : ctx.lineTo(x(s), y(v))));
    ctx.stroke();
  };
  line(loss, '#1f77b4');
  line(validation, '#ff7f0e');
}

/** A window holding the central 98% of the points of each axis, with a margin. */
function windowOf(points: Float32Array): [number, number, number, number] {
  const axis = (offset: number): [number, number] => {
    const v = Array.from({ length: points.length / 2 }, (_, i) => points[2 * i + offset] as number)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const lo = v[Math.floor(0.01 * (v.length - 1))] ?? -1;
    const hi = v[Math.ceil(0.99 * (v.length - 1))] ?? 1;
    const pad = 0.1 * Math.max(hi - lo, 1e-3);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = axis(0);
  const [y0, y1] = axis(1);
  return [x0, x1, y0, y1];
}

/**
 * "See inside" as small multiples: panel k shows the data pushed through the last k layers towards
 * the base (white) and base samples pulled through the first layers towards the data (orange).
 */
export function drawInside(
  canvas: HTMLCanvasElement,
  stages: { data: Float32Array[]; samples: Float32Array[]; links: string[] },
): void {
  const n = stages.data.length;
  const panel = 120;
  const columns = Math.min(n, 6);
  canvas.width = columns * (panel + 8);
  canvas.height = Math.ceil(n / columns) * (panel + 22);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '10px sans-serif';
  stages.data.forEach((data, k) => {
    const left = (k % columns) * (panel + 8);
    const top = Math.floor(k / columns) * (panel + 22);
    ctx.fillStyle = '#111';
    ctx.fillRect(left, top, panel, panel);
    const [x0, x1, y0, y1] = windowOf(data);
    const dots = (points: Float32Array | undefined, colour: string): void => {
      if (!points) return;
      ctx.fillStyle = colour;
      for (let i = 0; i < points.length; i += 2) {
        const px = left + (((points[i] as number) - x0) / (x1 - x0)) * panel;
        const py = top + ((y1 - (points[i + 1] as number)) / (y1 - y0)) * panel;
        if (px >= left && px <= left + panel && py >= top && py <= top + panel)
          ctx.fillRect(px - 1, py - 1, 2, 2);
      }
    };
    dots(stages.samples[k], 'rgba(255,140,0,0.7)');
    dots(data, 'rgba(255,255,255,0.7)');
    ctx.fillStyle = '#333';
    const label = k === 0 ? 'data' : `${k === n - 1 ? 'base, ' : ''}after ${stages.links[k - 1]}`;
    ctx.fillText(label.length > 24 ? `${label.slice(0, 23)}…` : label, left, top + panel + 12, panel);
  });
}
