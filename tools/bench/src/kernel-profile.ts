// Kernel calls and exclusive CPU time by kernel name over a piece of code, for the loop profilers.
import * as tf from '@tensorflow/tfjs-core';
import { cpuMs } from './process-clock.js';

/** Calls and exclusive CPU ms (a kernel's own time without the kernels it calls) of one kernel name. */
export interface KernelCost {
  calls: number;
  ms: number;
}

/**
 * Kernel calls and exclusive CPU ms by kernel name over `run` (which may be asynchronous: tfjs
 * kernels run synchronously, so the count holds whatever else awaits in between).
 */
export async function kernelProfile(run: () => unknown): Promise<Map<string, KernelCost>> {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...a: unknown[]) => unknown };
  const original = engine.runKernel;
  const out = new Map<string, KernelCost>();
  const stack: number[] = [];
  engine.runKernel = (name: string, ...a: unknown[]) => {
    const started = cpuMs();
    stack.push(0);
    try {
      return original.call(engine, name, ...a);
    } finally {
      const inner = stack.pop() as number;
      const total = cpuMs() - started;
      if (stack.length > 0) stack[stack.length - 1]! += total;
      const entry = out.get(name) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += total - inner;
      out.set(name, entry);
    }
  };
  try {
    await run();
  } finally {
    engine.runKernel = original;
  }
  return out;
}
