import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeAtomicWriteOps, writeDirectoryAtomically, type AtomicWriteOps } from './atomic-directory.js';

let scratch: string;
let count = 0;
const files = new Map<string, string>([
  ['model.json', '{"new": true}'],
  ['weights.bin', 'new weights'],
]);

/** A fresh parent directory; `old` files, when given, are written as an existing `model` directory in it. */
async function parentWith(old?: Record<string, string>): Promise<{ parent: string; dir: string }> {
  const parent = path.join(scratch, `p${count++}`);
  const dir = path.join(parent, 'model');
  await mkdir(parent, { recursive: true });
  if (old) {
    await mkdir(dir);
    for (const [name, content] of Object.entries(old)) await writeFile(path.join(dir, name), content);
  }
  return { parent, dir };
}

async function contents(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')])),
  );
}

/** Real file-system steps except that renames whose source matches `failing` throw. */
function failingRename(failing: RegExp): AtomicWriteOps {
  return {
    ...nodeAtomicWriteOps,
    rename: (from, to) => {
      if (failing.test(path.basename(from))) throw new Error(`EIO: cannot rename ${path.basename(from)}`);
      nodeAtomicWriteOps.rename(from, to);
    },
  };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'bijective-atomic-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('writeDirectoryAtomically', () => {
  test('creates the directory (and missing parents) with exactly the given files', async () => {
    const dir = path.join(scratch, 'deep', 'er', 'model');
    await writeDirectoryAtomically(dir, files);
    expect(await contents(dir)).toEqual({ 'model.json': '{"new": true}', 'weights.bin': 'new weights' });
    expect(await readdir(path.dirname(dir))).toEqual(['model']);
  });

  test('replaces an existing model directory, or an empty one, as a whole', async () => {
    const { parent, dir } = await parentWith({
      'model.json': 'old',
      'weights.bin': 'old',
      'notes.txt': 'old',
    });
    await writeDirectoryAtomically(dir, files);
    expect(await contents(dir)).toEqual({ 'model.json': '{"new": true}', 'weights.bin': 'new weights' });
    expect(await readdir(parent)).toEqual(['model']);
    const empty = await parentWith({});
    await writeDirectoryAtomically(empty.dir, files);
    expect(Object.keys(await contents(empty.dir))).toEqual(['model.json', 'weights.bin']);
  });

  test('refuses to replace a file or a directory that is not a model, and leaves it untouched', async () => {
    const notModel = await parentWith({ 'thesis.tex': 'precious' });
    await expect(writeDirectoryAtomically(notModel.dir, files)).rejects.toThrow(
      `${notModel.dir}: exists and is not a model directory (it has files but no model.json); refusing to replace it`,
    );
    expect(await contents(notModel.dir)).toEqual({ 'thesis.tex': 'precious' });
    expect(await readdir(notModel.parent)).toEqual(['model']);
    const { parent, dir } = await parentWith();
    await writeFile(dir, 'a file');
    await expect(writeDirectoryAtomically(dir, files)).rejects.toThrow(
      /exists and is not a directory; refusing to replace it/,
    );
    expect(await readdir(parent)).toEqual(['model']);
  });

  test('a write that fails mid-way leaves no temporary directory and no model', async () => {
    const { parent, dir } = await parentWith();
    let writes = 0;
    const ops: AtomicWriteOps = {
      ...nodeAtomicWriteOps,
      writeFile: async (file, data) => {
        if (++writes === 2) throw new Error('ENOSPC: no space left on device');
        await nodeAtomicWriteOps.writeFile(file, data);
      },
    };
    await expect(writeDirectoryAtomically(dir, files, ops)).rejects.toThrow(
      `${dir}: could not save the model: ENOSPC: no space left on device; nothing was written`,
    );
    expect(await readdir(parent)).toEqual([]);
  });

  test('a failed swap moves the existing model back and removes the temporary directory', async () => {
    const old = { 'model.json': 'old', 'weights.bin': 'old' };
    const { parent, dir } = await parentWith(old);
    await expect(writeDirectoryAtomically(dir, files, failingRename(/^\.model\.tmp-/))).rejects.toThrow(
      /could not save the model: EIO: cannot rename \.model\.tmp-.*; the existing model is unchanged$/,
    );
    expect(await contents(dir)).toEqual(old);
    expect(await readdir(parent)).toEqual(['model']);
  });

  test('when the existing model cannot be moved back either, the error says where it is', async () => {
    const old = { 'model.json': 'old', 'weights.bin': 'old' };
    const { parent, dir } = await parentWith(old);
    const error = (await writeDirectoryAtomically(dir, files, failingRename(/^\.model\.(tmp|old)-/)).catch(
      (e: unknown) => e,
    )) as Error;
    const aside = (await readdir(parent)).filter((n) => n.startsWith('.model.old-'));
    expect(aside).toHaveLength(1);
    expect(error.message).toContain(`nor move the previous model back`);
    expect(error.message).toContain(`it is at ${path.join(parent, aside[0] as string)}`);
    expect(await contents(path.join(parent, aside[0] as string))).toEqual(old);
    expect((await readdir(parent)).filter((n) => n.startsWith('.model.tmp-'))).toEqual([]);
  });
  test('the next save removes temporaries of killed saves, not those of live ones nor the aside copies', async () => {
    const { parent, dir } = await parentWith({ 'model.json': 'old' });
    // A pid no process has: beyond Linux's pid_max (2^22).
    const dead = `.model.tmp-${2 ** 22 + 7}-0a1b2c`;
    const live = `.model.tmp-${process.pid}-3d4e5f`;
    const aside = `.model.old-${2 ** 22 + 7}-0a1b2c`;
    const other = `.other.tmp-${2 ** 22 + 7}-0a1b2c`;
    for (const name of [dead, live, aside, other]) {
      await mkdir(path.join(parent, name));
      await writeFile(path.join(parent, name, 'weights.bin'), 'partial');
    }
    await writeDirectoryAtomically(dir, files);
    expect((await readdir(parent)).sort()).toEqual([aside, other, live, 'model'].sort());
    expect(await contents(dir)).toEqual({ 'model.json': '{"new": true}', 'weights.bin': 'new weights' });
  });
});
