// `--threads auto`: a second thread only with a free core and a step whose shards keep enough arithmetic.
import { describe, expect, test } from 'vitest';
import { AUTO_THREADS_MIN_STEPS, AUTO_THREADS_MIN_WORK, autoThreads } from './auto-threads.js';

describe('autoThreads', () => {
  const big = { batch: 512, weights: 40_000, steps: 10_000 }; // 16-D table, 5 MAF layers of 2x64
  const small = { batch: 256, weights: 22_000, steps: 10_000 }; // moons, 5 RealNVP couplings of 2x64

  test('two threads on two idle cores for a large step, one for a small step', () => {
    expect(autoThreads({ cores: 2, load: 0.3, ...big }).threads).toBe(2);
    // this process's own thread is part of the load
    expect(autoThreads({ cores: 2, load: 1, ...big }).threads).toBe(2);
    expect(autoThreads({ cores: 2, load: 1.2, ...big }).threads).toBe(1);
    const one = autoThreads({ cores: 2, load: 0.3, ...small });
    expect(one.threads).toBe(1);
    expect(one.reason).toMatch(/too little to share out/);
  });

  test('one thread on a busy or a one-core machine', () => {
    const busy = autoThreads({ cores: 2, load: 6.5, ...big });
    expect(busy).toEqual({ threads: 1, reason: '1 thread: 2 cores at load 6.5 leave no core free' });
    expect(autoThreads({ cores: 1, load: 0, ...big })).toEqual({ threads: 1, reason: '1 thread: one core' });
  });

  test('more cores: as many threads as stay free and keep the shard arithmetic', () => {
    // 512 × 40000 / t ≥ 4e6 up to t = 5; 8 cores at load 2.2 leave 5.8 idle: t − 1 ≤ 5.8 up to t = 6.
    expect(autoThreads({ cores: 8, load: 2.2, ...big }).threads).toBe(5);
    expect(autoThreads({ cores: 8, load: 5.2, ...big }).threads).toBe(3);
    // never more threads than minibatch rows
    expect(autoThreads({ cores: 16, load: 0, batch: 3, weights: 1e9, steps: null }).threads).toBe(3);
  });

  test('the threshold is the shard arithmetic of a second thread', () => {
    const at = { cores: 2, load: 0, batch: 2, weights: AUTO_THREADS_MIN_WORK, steps: null };
    expect(autoThreads(at).threads).toBe(2);
    expect(autoThreads({ ...at, weights: AUTO_THREADS_MIN_WORK - 1 }).threads).toBe(1);
  });

  test('a run too short to pay back the warm-up stays on one thread; a time budget does not count', () => {
    const at = { cores: 2, load: 0.3, ...big };
    expect(autoThreads({ ...at, steps: AUTO_THREADS_MIN_STEPS }).threads).toBe(2);
    expect(autoThreads({ ...at, steps: null }).threads).toBe(2);
    expect(autoThreads({ ...at, steps: AUTO_THREADS_MIN_STEPS - 1 })).toEqual({
      threads: 1,
      reason: "1 thread: 2999 steps are too few to pay back a second thread's warm-up (3000 or more)",
    });
    expect(autoThreads({ ...at, cores: 8, steps: 1000 }).threads).toBe(1);
  });
});
