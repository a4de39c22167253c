// Which names each entry registers: a family's main entry registers that family only (core's
// standard bijectors aside, which every family's core import brings), and the `/pure` entries
// register nothing. The registry lives on globalThis, so the order of the steps below matters.
import { describe, expect, test } from 'vitest';
import { listRegistered } from '@bijective/core/pure';

const bijectors = () => new Set(listRegistered('bijector').map((l) => l.name));
const FAMILIES: Record<string, readonly string[]> = {
  coupling: ['additive-coupling', 'affine-coupling', 'coupling-sequence', 'nice', 'realnvp'],
  autoregressive: ['masked-affine-autoregressive', 'maf', 'iaf'],
  spline: ['spline-coupling', 'spline-autoregressive', 'nsf'],
};
const familyNames = new Set(Object.values(FAMILIES).flat());

describe('entry points and registration', () => {
  test('the /pure entries register nothing', async () => {
    await import('@bijective/spline/pure');
    await import('@bijective/coupling/pure');
    await import('@bijective/autoregressive/pure');
    await import('@bijective/datasets/pure');
    await import('@bijective/ode/pure');
    await import('@bijective/trace/pure');
    expect([...bijectors()].filter((n) => familyNames.has(n))).toEqual([]);
    expect(listRegistered('dataset')).toEqual([]);
    expect(listRegistered('odeSolver')).toEqual([]);
    expect(listRegistered('traceEstimator')).toEqual([]);
  });

  test('importing @bijective/spline registers the spline family and no other family', async () => {
    await import('@bijective/spline');
    const names = bijectors();
    for (const n of FAMILIES.spline!) expect(names.has(n), n).toBe(true);
    for (const n of [...FAMILIES.coupling!, ...FAMILIES.autoregressive!]) expect(names.has(n), n).toBe(false);
    expect(names.has('chain')).toBe(true); // core's standard bijectors come with core's main entry
  });

  test('a hand registration through the /pure entry matches the main entry', async () => {
    const { registerCoupling } = await import('@bijective/coupling/pure');
    registerCoupling();
    registerCoupling(); // idempotent
    const names = bijectors();
    for (const n of FAMILIES.coupling!) expect(names.has(n), n).toBe(true);
    for (const n of FAMILIES.autoregressive!) expect(names.has(n), n).toBe(false);
  });
});
