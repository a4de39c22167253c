// Wall-clock timers around every export of the engine's wasm SIMD module, keyed by export and, for the
// products, by shape: shared by the profiles that split a call's time inside the module.
import type { SimdRuntime } from '@bijective/engine';

/** Calls and wall milliseconds per key. */
export type ModuleCalls = Map<string, { n: number; ms: number }>;

/** The products whose first three arguments are (M, N, K) (transpose and columnSums: two sizes); the other exports are keyed by name. */
const SHAPED = new Set(['gemm', 'gemmDot', 'gemmRanged', 'transpose', 'columnSums']);

/**
 * Wraps every export of `runtime`'s module by a timer (performance.now around the call: wall clock,
 * so read it at low load; the process's CPU clock costs a system call, too much for calls of a few
 * µs) and returns the map the calls accumulate in (clear it between measurements).
 */
export function timeModuleExports(runtime: SimdRuntime): ModuleCalls {
  const calls: ModuleCalls = new Map();
  const timed = Object.fromEntries(
    Object.entries(runtime.kernels).map(([name, f]) => {
      if (typeof f !== 'function') return [name, f];
      const fn = f as (...a: number[]) => unknown;
      return [
        name,
        (...a: number[]) => {
          const t = performance.now();
          const out = fn(...a);
          const dt = performance.now() - t;
          const key = SHAPED.has(name)
            ? `${name}(${a.slice(0, name === 'transpose' || name === 'columnSums' ? 2 : 3).join(', ')})`
            : name;
          const c = calls.get(key) ?? { n: 0, ms: 0 };
          c.n++;
          c.ms += dt;
          calls.set(key, c);
          return out;
        },
      ];
    }),
  );
  Object.defineProperty(runtime, 'kernels', { value: timed });
  return calls;
}
