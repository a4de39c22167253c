// This process's CPU clock and the machine's load, shared by the benchmarks that time on CPU
// (robust to other processes' load, unlike the wall clock).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');
}

/** This process's CPU time so far (user + system, all its threads), in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/**
 * CPU microseconds per call of `fn`: the best of `windows` windows of `seconds / windows` CPU
 * seconds each, after `warmup` calls.
 */
export function bestCpuMicroseconds(fn: () => void, seconds: number, warmup: number, windows = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let w = 0; w < windows; w++) {
    let calls = 0;
    const start = cpuMs();
    while (cpuMs() - start < (seconds * 1e3) / windows) {
      fn();
      calls++;
    }
    best = Math.min(best, ((cpuMs() - start) * 1e3) / calls);
  }
  return best;
}

/** CPU seconds (user + system) of this process's waited-for children, from /proc (Linux), else NaN. */
export function childCpuSeconds(): number {
  try {
    // Fields after the command's closing parenthesis: cutime and cstime are the 14th and 15th.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}
