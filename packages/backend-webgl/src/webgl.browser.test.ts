import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, runInChromium } from '../../../tools/browser-test/chromium.js';

const missing = chromiumMissing();
const entry = fileURLToPath(new URL('../../../tools/browser-test/webgl-entry.ts', import.meta.url));
const stepEntry = fileURLToPath(new URL('../../../tools/browser-test/webgl-step-entry.ts', import.meta.url));
const resolveDir = fileURLToPath(new URL('.', import.meta.url));

/** One run of the entry's computation, as it reports it. */
interface Computed {
  value: number[][];
  grad: number[][];
  host: number[];
  leaked: number;
}

/** Per-step figures of one training run, as webgl-step-entry.ts reports them. */
interface StepRun {
  flow: string;
  mode: 'after' | 'before';
  syncsPerStep: number;
  kernelsPerStep: number;
  programsPerStep: number;
  leaked: number;
  finalLoss: number;
}

/** Makes every canvas refuse WebGL contexts, as a browser with WebGL disabled or blocklisted does. */
const withoutWebgl = `for (const C of [globalThis.HTMLCanvasElement, globalThis.OffscreenCanvas]) {
  const getContext = C.prototype.getContext;
  C.prototype.getContext = function (type, ...rest) {
    return /webgl/.test(type) ? null : getContext.call(this, type, ...rest);
  };
}`;

describe.skipIf(missing !== undefined)(
  `webgl in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('useBackend selects webgl, and a computation, its gradient and core host kernels match cpu without leaking tensors', async () => {
      const { result, log } = await runInChromium({ entry, resolveDir, timeoutMs: 20_000 });
      expect(result, log.join('\n')).toMatchObject({
        selected: true,
        choice: { backend: 'webgl', skipped: [] },
        activeBackend: 'webgl',
      });
      const r = result as { webglVersion: number; webgl: Computed; cpu: Computed };
      expect(r.webglVersion).toBeGreaterThan(0);
      for (const key of ['value', 'grad', 'host'] as const) {
        const cpu = r.cpu[key].flat();
        expect(r.webgl[key].flat()).toHaveLength(cpu.length);
        r.webgl[key].flat().forEach((v, i) => expect(v).toBeCloseTo(cpu[i] ?? NaN, 4));
      }
      expect([r.webgl.leaked, r.cpu.leaked]).toEqual([0, 0]);
    }, 30_000);

    it('the shader versions of the host kernels match the cpu host loops, and a RealNVP, MAF or NSF training step reads back only its loss and leaks nothing', async () => {
      const { result, log } = await runInChromium({ entry: stepEntry, resolveDir, timeoutMs: 100_000 });
      const r = result as {
        backend: string;
        webglVersion: number;
        runs: StepRun[];
        parity: { webgl: Record<string, number[]>; cpu: Record<string, number[]> };
      };
      expect(r, log.join('\n')).toMatchObject({ backend: 'webgl', webglVersion: 2 });
      const names = Object.keys(r.parity.cpu);
      expect(names).toHaveLength(45);
      expect(Object.keys(r.parity.webgl)).toEqual(names);
      for (const name of names) {
        const [gpu, cpu] = [r.parity.webgl[name] as number[], r.parity.cpu[name] as number[]];
        expect(gpu, name).toHaveLength(cpu.length);
        expect(cpu.length, name).toBeGreaterThan(0);
        // float32 on both sides; the flows' products and sums accumulate in another order; the
        // spline's host loop runs in float64 (its shader in float32: softmaxes, root, log-slope).
        const tolerance = name.includes('loss') ? 1e-4 : name.startsWith('spline') ? 2e-4 : 2e-5;
        const worst = Math.max(...cpu.map((c, i) => Math.abs((gpu[i] as number) - c) / (1e-3 + Math.abs(c))));
        expect(worst, `${name}: worst relative difference`).toBeLessThan(tolerance);
      }
      expect(r.runs.map((run) => [run.flow, run.mode])).toEqual([
        ['realnvp', 'after'],
        ['maf', 'after'],
        ['nsf', 'after'],
        ['realnvp', 'before'],
        ['maf', 'before'],
        ['nsf', 'before'],
      ]);
      for (const run of r.runs) {
        expect(run.leaked, `${run.flow} ${run.mode}: tensors left per 3 steps`).toBe(0);
        expect(Number.isFinite(run.finalLoss)).toBe(true);
      }
      for (const flow of ['realnvp', 'maf', 'nsf']) {
        const after = r.runs.find((run) => run.flow === flow && run.mode === 'after') as StepRun;
        const before = r.runs.find((run) => run.flow === flow && run.mode === 'before') as StepRun;
        // The one read per step is the loss with the gradient norm (the divergence guard).
        expect(after.syncsPerStep, flow).toBe(1);
        expect(before.syncsPerStep, flow).toBeGreaterThan(10);
        expect(after.kernelsPerStep, flow).toBeLessThanOrEqual(before.kernelsPerStep);
      }
    }, 120_000);

    it('useBackend refuses webgl with the reason when the browser gives no WebGL context', async () => {
      const { result, log } = await runInChromium({
        entry,
        resolveDir,
        timeoutMs: 20_000,
        initScript: withoutWebgl,
      });
      expect(result, log.join('\n')).toMatchObject({ selected: false });
      expect((result as { error: string }).error).toMatch(
        /no usable backend among webgl \(webgl: this browser could not create a WebGL context/,
      );
    }, 30_000);
  },
);
