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
