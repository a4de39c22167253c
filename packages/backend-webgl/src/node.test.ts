import * as tf from '@tensorflow/tfjs-core';
import {
  BijectiveError,
  create,
  FASTEST_FIRST,
  OptionError,
  RegistryError,
  useBackend,
} from '@bijective/core';
import { describe, expect, it } from 'vitest';
import { WebglBackendProvider } from './index.js';
// The other backends come from the sibling packages' source (not dependencies of this one).
import '../../backend-wasm/src/index.js';
import '../../backend-cpu/src/index.js';

const NO_WEBGL =
  /^WebGL needs a browser page or a worker with OffscreenCanvas; Node\.js \S+ has neither \(use wasm or cpu\)$/;

describe('@bijective/backend-webgl in Node', () => {
  it('fastest-first selection skips webgl with the reason and selects wasm', async () => {
    expect(FASTEST_FIRST).toEqual(['webgl', 'wasm', 'cpu']);
    const choice = await useBackend();
    expect(choice).toEqual({
      backend: 'wasm',
      skipped: [{ name: 'webgl', reason: expect.stringMatching(NO_WEBGL) }],
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('asking for webgl alone fails fast with the reason', async () => {
    const attempt = useBackend('webgl');
    await expect(attempt).rejects.toThrow(BijectiveError);
    await expect(attempt).rejects.toThrow(
      /^no usable backend among webgl \(webgl: WebGL needs a browser page/,
    );
    expect(tf.getBackend()).toBe('wasm');
  });

  it('an unknown backend name is an error that lists the registered ones', async () => {
    const attempt = useBackend('tpu');
    await expect(attempt).rejects.toThrow(RegistryError);
    await expect(attempt).rejects.toThrow("unknown backend 'tpu'; known: cpu, wasm, webgl");
  });

  it('rejects options, since it takes none', () => {
    expect(() => create('backend', 'webgl', { allowSoftware: true } as never)).toThrow(OptionError);
    expect(() => create('backend', 'webgl', { allowSoftware: true } as never)).toThrow(
      'unknown option(s) allowSoftware; it takes none',
    );
    expect(create('backend', 'webgl', {})).toBeInstanceOf(WebglBackendProvider);
  });
});
