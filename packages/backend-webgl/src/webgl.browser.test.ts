import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, runInChromium } from '../../../tools/browser-test/chromium.js';

const missing = chromiumMissing();
const entry = fileURLToPath(new URL('../../../tools/browser-test/webgl-entry.ts', import.meta.url));
const resolveDir = fileURLToPath(new URL('.', import.meta.url));

/** One run of the entry's computation, as it reports it. */
interface Computed {
  value: number[][];
  grad: number[][];
  host: number[];
  leaked: number;
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
