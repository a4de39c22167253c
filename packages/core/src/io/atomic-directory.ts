import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { BijectiveError } from '../errors.js';
import { messageOf, ModelFileError } from './errors.js';
import { MODEL_JSON_FILE } from './format.js';

/** The file-system steps of {@link writeDirectoryAtomically} that can fail mid-way; tests swap them to simulate failures. */
export interface AtomicWriteOps {
  /** Creates a new file holding `data` and flushes it to disk. */
  writeFile(file: string, data: Uint8Array | string): Promise<void>;
  /** Renames a file or directory, synchronously so that the swap never yields to the event loop. */
  rename(from: string, to: string): void;
}

/** The real steps: exclusive create + write + fsync, and `fs.renameSync`. */
export const nodeAtomicWriteOps: AtomicWriteOps = {
  async writeFile(file, data) {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => renameSync(from, to),
};

/** The hidden sibling names a save uses: `.<name>.tmp-<pid>-<hex>` and `.<name>.old-<pid>-<hex>`. */
export function siblingName(target: string, kind: 'tmp' | 'old', tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${tag}`);
}

/** Whether the process `pid` is alive (a signal-0 probe; EPERM means it exists under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `.<name>.tmp-<pid>-<hex>` siblings of `target` left by saves whose process no longer runs
 * (killed mid-write); best effort. Temporaries of live processes (concurrent saves) and the
 * `.old-*` siblings (possibly the only copy of a previous model) are left alone.
 */
async function removeStaleTemporaries(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.tmp-`;
  let entries: string[];
  try {
    entries = await readdir(path.dirname(target));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)-[0-9a-f]+$/.exec(entry.slice(prefix.length));
    if (!match || processAlive(Number(match[1]))) continue;
    await rm(path.join(path.dirname(target), entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** fsyncs a directory so that the entries just made or renamed in it survive a crash; best effort (Windows cannot). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directories cannot be opened or synced on some platforms; the renames are still atomic.
  }
}

/** Whether `target` exists; throws when it exists but is not an empty directory or a model directory. */
async function existingTarget(target: string): Promise<boolean> {
  let isDirectory: boolean;
  try {
    isDirectory = (await lstat(target)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ModelFileError(target, `cannot be inspected: ${messageOf(e)}`, { cause: e });
  }
  if (!isDirectory)
    throw new ModelFileError(target, 'exists and is not a directory; refusing to replace it with a model');
  const entries = await readdir(target);
  if (entries.length > 0 && !entries.includes(MODEL_JSON_FILE)) {
    throw new ModelFileError(
      target,
      `exists and is not a model directory (it has files but no ${MODEL_JSON_FILE}); refusing to replace it`,
    );
  }
  return true;
}

/** Moves the previous model back after a failed swap; says where it is if that fails too. */
function restore(aside: string, target: string, ops: AtomicWriteOps, error: unknown): never {
  try {
    ops.rename(aside, target);
  } catch (again) {
    throw new ModelFileError(
      target,
      `could not save the model (${messageOf(error)}) nor move the previous model back (${messageOf(again)}); it is at ${aside}`,
      { cause: error },
    );
  }
  throw error;
}

/**
 * Writes `files` (name -> content) as the directory `dir`, atomically: into a fresh hidden sibling
 * directory (same parent, unique name), each file fsynced, then swapped into place by renames (an
 * existing `dir` is renamed aside, the new one renamed in, the old one removed). On any failure
 * the temporary directory is removed and an existing `dir` is left as it was. An existing `dir`
 * is replaced only when it is empty or holds a `model.json`. A process killed between the two
 * renames of the swap leaves the previous model at `.<name>.old-*` beside `dir`; temporaries of
 * killed saves are removed by the next save to `dir`.
 */
export async function writeDirectoryAtomically(
  dir: string,
  files: ReadonlyMap<string, Uint8Array | string>,
  ops: AtomicWriteOps = nodeAtomicWriteOps,
): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw new ModelFileError(parent, `cannot create the model's parent directory: ${messageOf(e)}`, {
      cause: e,
    });
  }
  const exists = await existingTarget(target);
  await removeStaleTemporaries(target);
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const temp = siblingName(target, 'tmp', tag);
  let aside: string | undefined;
  try {
    await mkdir(temp);
    for (const [name, data] of files) await ops.writeFile(path.join(temp, name), data);
    await syncDirectory(temp);
    if (exists) {
      aside = siblingName(target, 'old', tag);
      ops.rename(target, aside);
    }
    try {
      ops.rename(temp, target);
    } catch (e) {
      if (aside !== undefined) restore(aside, target, ops, e);
      throw e;
    }
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof BijectiveError) throw e;
    const state = exists ? 'the existing model is unchanged' : 'nothing was written';
    throw new ModelFileError(target, `could not save the model: ${messageOf(e)}; ${state}`, { cause: e });
  }
  await syncDirectory(parent);
  if (aside !== undefined) await rm(aside, { recursive: true, force: true }).catch(() => undefined);
}
