import type * as tf from '@tensorflow/tfjs-core';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { formatBytes, LIMITS } from '../limits.js';
import { fileSystemReason, messageOf, ModelFileError, quoted } from './errors.js';
import { MODEL_JSON_FILE } from './format.js';
import { parseModelJson } from './model-json.js';
import { checkWeightLimits, checkWeightSpecs, weightSpecsByteLength } from './weights.js';

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
      throw new ModelFileError(dir, `cannot be read: ${fileSystemReason(e)}`, { cause: e });
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

/** Turns a file-system error into a {@link ModelFileError} saying the file is missing or unreadable. */
function fileError(file: string, missing: string, e: unknown): ModelFileError {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new ModelFileError(file, missing);
  return new ModelFileError(file, `cannot be read: ${fileSystemReason(e)}`, { cause: e });
}

/**
 * The size of a file of the model, which must be a regular file (after symbolic links) of at most
 * `maxBytes`; checked before reading, so that a device, a directory or a huge file is never read.
 */
async function modelFileSize(file: string, missing: string, maxBytes: number): Promise<number> {
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    throw fileError(file, missing, e);
  }
  if (!info.isFile()) throw new ModelFileError(file, 'is not a regular file');
  if (info.size > maxBytes) {
    throw new ModelFileError(
      file,
      `is ${formatBytes(info.size)}; at most ${formatBytes(maxBytes)} are read here`,
    );
  }
  return info.size;
}

/** Reads a file of the model, with errors that say it is missing or unreadable. */
async function readModelFile(file: string, missing: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw fileError(file, missing, e);
  }
}

/** Resolves a manifest path inside `dir`; refuses absolute paths and paths that leave the directory. */
function weightsPath(dir: string, relative: string, modelFile: string): string {
  if (relative.includes('\0')) {
    throw new ModelFileError(modelFile, `weightsManifest path ${quoted(relative)} holds a NUL character`);
  }
  const resolved = path.resolve(dir, relative);
  const inside = path.relative(path.resolve(dir), resolved);
  if (path.isAbsolute(relative) || inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new ModelFileError(
      modelFile,
      `weightsManifest path ${quoted(relative)} is not a file inside the model directory`,
    );
  }
  return path.join(dir, relative);
}

/** A Node buffer's bytes as an ArrayBuffer of exactly its length. */
function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/**
 * Reads a model directory into tfjs model artifacts: parses `model.json`, checks its manifest
 * against the model-file limits, then checks every weight shard's size and reads them. Sizes are
 * checked before reading (a device or a file longer than its manifest says is never read). Errors
 * name the file: missing directory, missing `model.json`, invalid JSON, wrong format tag, a path
 * outside the directory, missing, truncated or oversized weights.
 */
export async function readModelDirectory(dir: string): Promise<tf.io.ModelArtifacts> {
  await checkDirectory(dir);
  const modelFile = path.join(dir, MODEL_JSON_FILE);
  const missingJson = `missing: the directory holds no ${MODEL_JSON_FILE}`;
  await modelFileSize(modelFile, missingJson, LIMITS.maxModelJsonBytes);
  // TextDecoder skips a UTF-8 byte-order mark, as editors on Windows write one.
  const text = new TextDecoder().decode(await readModelFile(modelFile, missingJson));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(modelFile, `invalid JSON (${messageOf(e)})`, { cause: e });
  }
  const { artifacts, weightsManifest } = parseModelJson(json, modelFile);
  checkWeightLimits(checkWeightSpecs(artifacts.weightSpecs, modelFile), modelFile);
  const missingShard = `missing: ${MODEL_JSON_FILE} lists it in its weightsManifest`;
  const groups = weightsManifest.map((group) => {
    const files = group.paths.map((p) => weightsPath(dir, p, modelFile));
    return { files, expected: weightSpecsByteLength(group.weights), tensors: group.weights.length };
  });
  for (const { files, expected, tensors } of groups) {
    let found = 0;
    for (const file of files) found += await modelFileSize(file, missingShard, LIMITS.maxWeightBytes);
    if (found !== expected) {
      const problem = found < expected ? 'truncated' : 'corrupt (longer than its manifest)';
      throw new ModelFileError(
        files.length > 0 ? files.join(', ') : `${modelFile} (a weightsManifest group without paths)`,
        `${problem}: ${MODEL_JSON_FILE} describes ${expected} bytes (${tensors} tensors), found ${found}`,
      );
    }
  }
  const shards: ArrayBuffer[] = [];
  for (const { files, expected } of groups) {
    const buffers: Buffer[] = [];
    for (const file of files) buffers.push(await readModelFile(file, missingShard));
    const found = buffers.reduce((n, b) => n + b.byteLength, 0);
    if (found !== expected) {
      throw new ModelFileError(
        files.join(', '),
        `changed while being read (${found} bytes, expected ${expected})`,
      );
    }
    shards.push(...buffers.map(arrayBufferOf));
  }
  return { ...artifacts, weightData: shards.length === 1 ? (shards[0] as ArrayBuffer) : shards };
}
