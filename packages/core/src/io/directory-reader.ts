import type * as tf from '@tensorflow/tfjs-core';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { messageOf, ModelFileError } from './errors.js';
import { MODEL_JSON_FILE } from './format.js';
import { parseModelJson } from './model-json.js';
import { checkWeightSpecs, weightSpecsByteLength } from './weights.js';

/** The hidden `.<name>.old-*` siblings an interrupted save may have left holding the previous model. */
async function interruptedSaves(dir: string): Promise<string[]> {
  const parent = path.dirname(path.resolve(dir));
  const prefix = `.${path.basename(path.resolve(dir))}.old-`;
  const entries = await readdir(parent).catch(() => [] as string[]);
  return entries.filter((e) => e.startsWith(prefix)).map((e) => path.join(parent, e));
}

/** Checks that `dir` is an existing directory. */
async function checkDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ModelFileError(dir, `cannot be read: ${messageOf(e)}`, { cause: e });
    }
    const left = await interruptedSaves(dir);
    const hint =
      left.length > 0 ? ` (an interrupted save left the previous model at ${left.join(', ')})` : '';
    throw new ModelFileError(dir, `model directory does not exist${hint}`);
  }
  if (!isDirectory) {
    throw new ModelFileError(
      dir,
      `is not a directory (a model is a directory holding ${MODEL_JSON_FILE} and its weights)`,
    );
  }
}

/** Reads a file of the model, with errors that say it is missing or unreadable. */
async function readModelFile(file: string, missing: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelFileError(file, missing);
    throw new ModelFileError(file, `cannot be read: ${messageOf(e)}`, { cause: e });
  }
}

/** Resolves a manifest path inside `dir`; refuses absolute paths and paths that leave the directory. */
function weightsPath(dir: string, relative: string, modelFile: string): string {
  const resolved = path.resolve(dir, relative);
  const inside = path.relative(path.resolve(dir), resolved);
  if (path.isAbsolute(relative) || inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new ModelFileError(
      modelFile,
      `weightsManifest path '${relative}' is not a file inside the model directory`,
    );
  }
  return path.join(dir, relative);
}

/** A Node buffer's bytes as an ArrayBuffer of exactly its length. */
function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/**
 * Reads a model directory into tfjs model artifacts: parses `model.json`, reads every weight
 * shard its manifest lists and checks each group's byte length. Errors name the file: missing
 * directory, missing `model.json`, invalid JSON, wrong format tag, missing or truncated weights.
 */
export async function readModelDirectory(dir: string): Promise<tf.io.ModelArtifacts> {
  await checkDirectory(dir);
  const modelFile = path.join(dir, MODEL_JSON_FILE);
  const text = (
    await readModelFile(modelFile, `missing: the directory holds no ${MODEL_JSON_FILE}`)
  ).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(modelFile, `invalid JSON (${messageOf(e)})`, { cause: e });
  }
  const { artifacts, weightsManifest } = parseModelJson(json, modelFile);
  const shards: ArrayBuffer[] = [];
  for (const group of weightsManifest) {
    const files = group.paths.map((p) => weightsPath(dir, p, modelFile));
    const buffers: Buffer[] = [];
    for (const file of files)
      buffers.push(await readModelFile(file, `missing: ${MODEL_JSON_FILE} lists it in its weightsManifest`));
    const expected = weightSpecsByteLength(checkWeightSpecs(group.weights, modelFile));
    const found = buffers.reduce((n, b) => n + b.byteLength, 0);
    if (found !== expected) {
      const problem = found < expected ? 'truncated' : 'corrupt (longer than its manifest)';
      throw new ModelFileError(
        files.join(', '),
        `${problem}: ${MODEL_JSON_FILE} describes ${expected} bytes (${group.weights.length} tensors), found ${found}`,
      );
    }
    shards.push(...buffers.map(arrayBufferOf));
  }
  return { ...artifacts, weightData: shards.length === 1 ? (shards[0] as ArrayBuffer) : shards };
}
