import * as tf from '@tensorflow/tfjs-core';
import { create, listRegistered, OptionError, register, RegistryError, useBackend } from '@bijective/core';
import { describe, expect, it } from 'vitest';
import { CpuBackendProvider } from './index.js';

describe('@bijective/backend-cpu', () => {
  it('registers cpu, which useBackend selects with nothing skipped', async () => {
    expect(listRegistered('backend').map((l) => l.name)).toContain('cpu');
    await expect(useBackend('cpu')).resolves.toEqual({ backend: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects options, since it takes none', () => {
    expect(() => create('backend', 'cpu', { threads: 2 } as never)).toThrow(OptionError);
    expect(() => create('backend', 'cpu', { threads: 2 } as never)).toThrow(
      /unknown option\(s\) threads; it takes none/,
    );
    expect(create('backend', 'cpu', {})).toBeInstanceOf(CpuBackendProvider);
  });

  it('refuses a second registration of cpu with a clear error', () => {
    const again = () =>
      register('backend', 'cpu', { description: 'again', create: (o) => new CpuBackendProvider(o) });
    expect(again).toThrow(RegistryError);
    expect(again).toThrow(
      "register: backend 'cpu' is already registered (pass { replace: true } to replace it)",
    );
  });
});
