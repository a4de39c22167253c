import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@bijective/core';
import { expect, it, vi } from 'vitest';
import './index.js';
// The fallback comes from the sibling package's source (not a dependency of this one).
import '../../backend-cpu/src/index.js';

// Its own file: tfjs initialises wasm once per process, and this run must be the first.
it('wasmPaths reaches tfjs: with no binaries there, useBackend falls back to cpu and says why', async () => {
  // tfjs and emscripten log the failed load; capture it instead of printing it, and check the path.
  const logged = [
    vi.spyOn(console, 'warn').mockImplementation(() => {}),
    vi.spyOn(console, 'error').mockImplementation(() => {}),
  ];
  try {
    const choice = await useBackend(['wasm', 'cpu'], { wasm: { wasmPaths: '/nonexistent/wasm' } });
    expect(choice).toEqual({
      backend: 'cpu',
      skipped: [{ name: 'wasm', reason: expect.stringMatching(/tfjs could not initialise it/) }],
    });
    expect(tf.getBackend()).toBe('cpu');
    const text = logged.flatMap((spy) => spy.mock.calls.flat().map(String)).join('\n');
    expect(text).toContain("open '/nonexistent/wasm/tfjs-backend-wasm-simd.wasm'");
  } finally {
    logged.forEach((spy) => spy.mockRestore());
  }
});
