/** How a workload is timed: warm-up time, the number of timed windows and the length of each. */
export interface TimingOptions {
  /** Seconds of untimed calls first (JIT, kernel set-up, optimizer buffers). */
  warmupSeconds: number;
  /** Timed windows; the median window is reported. */
  windows: number;
  /** Seconds per window: the calls per window are calibrated to it. */
  windowSeconds: number;
  /**
   * What a second is: `wall` (performance.now, the default) or `cpu` (this process's user + system
   * time, which a single-threaded workload accrues at the same rate however busy a shared machine is).
   */
  clock?: 'wall' | 'cpu';
}

/** The chosen clock in milliseconds. */
function clockMs(o: TimingOptions): () => number {
  if (o.clock !== 'cpu') return () => performance.now();
  return () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
}

/** Median seconds per call of `fn` over timed windows, after warming up; calls per window are calibrated. */
export function medianSecondsPerCall(fn: () => void, o: TimingOptions): number {
  const now = clockMs(o);
  const warmupEnd = now() + o.warmupSeconds * 1000;
  let calls = 0;
  do {
    fn();
    calls += 1;
  } while (now() < warmupEnd || calls < 2);
  const start = now();
  fn();
  const once = (now() - start) / 1000;
  const reps = Math.max(1, Math.ceil(o.windowSeconds / Math.max(once, 1e-6)));
  const perCall: number[] = [];
  for (let w = 0; w < o.windows; w++) {
    const begin = now();
    for (let r = 0; r < reps; r++) fn();
    perCall.push((now() - begin) / 1000 / reps);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] as number;
}

/**
 * Per-call time of `b` over that of `a` in interleaved windows (a b, then b a, alternating, so that
 * drifts in machine speed hit both alike), after warming both up: one ratio per pair of windows,
 * sorted. Calls per window are calibrated for each function to `o.windowSeconds`.
 */
export function interleavedRatios(a: () => void, b: () => void, o: TimingOptions, pairs: number): number[] {
  const calibrate = (fn: () => void) => {
    const warmupEnd = performance.now() + o.warmupSeconds * 1000;
    do fn();
    while (performance.now() < warmupEnd);
    const start = performance.now();
    fn();
    return Math.max(1, Math.ceil(o.windowSeconds / Math.max((performance.now() - start) / 1000, 1e-6)));
  };
  const window = (fn: () => void, reps: number) => {
    const begin = performance.now();
    for (let r = 0; r < reps; r++) fn();
    return (performance.now() - begin) / reps;
  };
  const repsA = calibrate(a);
  const repsB = calibrate(b);
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const first = p % 2 === 0;
    const ta = first ? window(a, repsA) : 0;
    const tb = window(b, repsB);
    ratios.push(tb / (first ? ta : window(a, repsA)));
  }
  return ratios.sort((x, y) => x - y);
}
