// Finding a Python interpreter for the reference scripts.
import { spawnSync } from 'node:child_process';

/** Interpreters tried in order: the one on PATH, then Debian's (which has the python3-* packages). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/** The first interpreter (`preferred`, else {@link PYTHONS}) that can import `module`, or null. */
export function findPython(module: string, preferred?: string): string | null {
  for (const python of preferred ? [preferred] : PYTHONS) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

/**
 * The environment for a reference run on `threads` threads: torch.set_num_threads does not bound
 * OpenBLAS's pool (Debian's torch does its matrix products there), so its variables are set too.
 */
export function referenceEnv(threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
}
