import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError, create, OptionError, RegistryError, useBackend } from '@bijective/core';
import { describe, expect, it } from 'vitest';
import { WebgpuBackendProvider } from './index.js';
// The other backends come from the sibling packages' source (not dependencies of this one).
import '../../backend-wasm/src/index.js';
import '../../backend-cpu/src/index.js';

const NO_WEBGPU =
  /^WebGPU needs navigator\.gpu, which Node\.js \S+ does not have \(use webgl, wasm or cpu\)$/;

describe('@bijective/backend-webgpu in Node', () => {
  it('a preference list skips webgpu with the reason and selects the next backend', async () => {
    const choice = await useBackend(['webgpu', 'cpu']);
    expect(choice).toEqual({
      backend: 'cpu',
      skipped: [{ name: 'webgpu', reason: expect.stringMatching(NO_WEBGPU) }],
    });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('asking for webgpu alone fails fast with the reason', async () => {
    const attempt = useBackend('webgpu');
    await expect(attempt).rejects.toThrow(BijectiveError);
    await expect(attempt).rejects.toThrow(
      /^no usable backend among webgpu \(webgpu: WebGPU needs navigator\.gpu/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('an unknown backend name is an error that lists the registered ones, webgpu among them', async () => {
    await expect(useBackend('tpu')).rejects.toThrow(RegistryError);
    await expect(useBackend('tpu')).rejects.toThrow(/unknown backend 'tpu'; known: .*webgpu/);
  });

  it('rejects options, since it takes none', () => {
    expect(() => create('backend', 'webgpu', { powerPreference: 'low' } as never)).toThrow(OptionError);
    expect(() => create('backend', 'webgpu', { powerPreference: 'low' } as never)).toThrow(
      'unknown option(s) powerPreference; it takes none',
    );
    expect(create('backend', 'webgpu', {})).toBeInstanceOf(WebgpuBackendProvider);
  });
});
