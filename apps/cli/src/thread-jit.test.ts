// `train --threads N` caps V8's inlining budget (process-wide, replica isolates included) before it
// starts the replicas: the flag string V8 is given.
import { beforeEach, describe, expect, test, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', () => ({ setFlagsFromString }));

describe('settleJitForThreads', () => {
  beforeEach(() => setFlagsFromString.mockClear());

  test('sets the cumulative inlining budget to THREADED_INLINING_BUDGET, below V8 default of 920', async () => {
    const { THREADED_INLINING_BUDGET, settleJitForThreads } = await import('./thread-jit.js');
    expect(THREADED_INLINING_BUDGET).toBeLessThan(920);
    settleJitForThreads();
    expect(setFlagsFromString).toHaveBeenCalledTimes(1);
    expect(setFlagsFromString).toHaveBeenCalledWith(
      `--max-inlined-bytecode-size-cumulative=${THREADED_INLINING_BUDGET}`,
    );
  });
});
