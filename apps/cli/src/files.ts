import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from './usage-error.js';

/**
 * Writes a file atomically: a temporary sibling renamed into place, so that a reader never sees a
 * partial file. A path that cannot be written (missing folder, a directory, no permission) is a
 * usage error naming it, and leaves nothing behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new UsageError(`cannot write '${path}' (${reason})`);
  }
}
