import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readModelDirectory } from './directory-reader.js';
import { ModelFileError } from './errors.js';

const flow = {
  base: { name: 'standard-normal', options: { eventShape: [2] } },
  bijector: { name: 'test/any', options: {} },
};
const weights = [
  { name: 'v000', shape: [2], dtype: 'float32' },
  { name: 'v001', shape: [], dtype: 'int32' },
];
const modelJson = {
  format: 'bijective-model',
  formatVersion: 1,
  flow,
  metadata: { data: 'moons' },
  weightsManifest: [{ paths: ['weights.bin'], weights }],
};
const bytes = new Uint8Array(new Float32Array([1.5, -2, 7]).buffer); // v000 = [1.5, -2]; v001 reads 4 bytes

let scratch: string;
let count = 0;

/** A fresh model directory holding `files` (objects are written as JSON). */
async function modelDir(files: Record<string, unknown>): Promise<string> {
  const dir = path.join(scratch, `m${count++}`, 'model');
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const data =
      content instanceof Uint8Array || typeof content === 'string' ? content : JSON.stringify(content);
    await writeFile(path.join(dir, name), data);
  }
  return dir;
}

async function readError(dir: string): Promise<ModelFileError> {
  const error = await readModelDirectory(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  return error as ModelFileError;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'bijective-reader-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('readModelDirectory', () => {
  test('reads model.json and weights.bin into tfjs model artifacts', async () => {
    const dir = await modelDir({ 'model.json': modelJson, 'weights.bin': bytes });
    const artifacts = await readModelDirectory(dir);
    expect(artifacts).toMatchObject({
      format: 'bijective-model',
      modelTopology: { format: 'bijective-model', formatVersion: 1, flow },
      userDefinedMetadata: { data: 'moons' },
      weightSpecs: weights,
    });
    expect(new Uint8Array(artifacts.weightData as ArrayBuffer)).toEqual(bytes);
  });

  test("also reads tfjs's own layout (as downloads:// writes it) with sharded weights", async () => {
    const tfjsJson = {
      modelTopology: { format: 'bijective-model', formatVersion: 1, flow },
      format: 'bijective-model',
      userDefinedMetadata: { data: 'x' },
      weightsManifest: [{ paths: ['./a.weights.bin', 'b.weights.bin'], weights }],
    };
    const dir = await modelDir({
      'model.json': tfjsJson,
      'a.weights.bin': bytes.subarray(0, 5),
      'b.weights.bin': bytes.subarray(5),
    });
    const artifacts = await readModelDirectory(dir);
    expect(artifacts.userDefinedMetadata).toEqual({ data: 'x' });
    expect(artifacts.modelTopology).toEqual(tfjsJson.modelTopology);
    expect((artifacts.weightData as ArrayBuffer[]).map((b) => b.byteLength)).toEqual([5, 7]);
  });

  test('a missing directory, or a file in its place, is named', async () => {
    const missing = path.join(scratch, 'nowhere', 'model');
    expect((await readError(missing)).message).toBe(`${missing}: model directory does not exist`);
    const parent = path.join(scratch, 'file-parent');
    await mkdir(parent);
    await writeFile(path.join(parent, 'model'), 'not a directory');
    expect((await readError(path.join(parent, 'model'))).message).toMatch(
      /model: is not a directory \(a model is a directory/,
    );
  });

  test('a missing directory with the previous model left aside by an interrupted save says where it is', async () => {
    const parent = path.join(scratch, 'interrupted');
    await mkdir(path.join(parent, '.model.old-123-abcdef'), { recursive: true });
    const error = await readError(path.join(parent, 'model'));
    expect(error.message).toContain(
      `an interrupted save left the previous model at ${path.join(parent, '.model.old-123-abcdef')}`,
    );
  });

  test('missing model.json, invalid JSON and a wrong or absent format tag name model.json', async () => {
    let dir = await modelDir({ 'weights.bin': bytes });
    expect((await readError(dir)).message).toBe(
      `${dir}/model.json: missing: the directory holds no model.json`,
    );
    dir = await modelDir({ 'model.json': '{"format": "bijective-model",', 'weights.bin': bytes });
    expect((await readError(dir)).message).toMatch(
      new RegExp(`^${dir}/model\\.json: invalid JSON \\(.+\\)$`),
    );
    dir = await modelDir({ 'model.json': { ...modelJson, format: 'layers-model' }, 'weights.bin': bytes });
    expect((await readError(dir)).message).toBe(
      `${dir}/model.json: not a bijective model file: its format is "layers-model", expected "bijective-model"`,
    );
    dir = await modelDir({ 'model.json': [1, 2], 'weights.bin': bytes });
    expect((await readError(dir)).message).toMatch(
      /model\.json: not a bijective model file: expected a JSON object/,
    );
    dir = await modelDir({ 'model.json': { weightsManifest: [] } });
    expect((await readError(dir)).message).toMatch(
      /model\.json: not a bijective model file: it has no format tag/,
    );
  });

  test('missing, truncated or overlong weights.bin is named with the byte counts', async () => {
    let dir = await modelDir({ 'model.json': modelJson });
    expect((await readError(dir)).message).toBe(
      `${dir}/weights.bin: missing: model.json lists it in its weightsManifest`,
    );
    dir = await modelDir({ 'model.json': modelJson, 'weights.bin': bytes.subarray(0, 10) });
    expect((await readError(dir)).message).toBe(
      `${dir}/weights.bin: truncated: model.json describes 12 bytes (2 tensors), found 10`,
    );
    dir = await modelDir({ 'model.json': modelJson, 'weights.bin': new Uint8Array(13) });
    expect((await readError(dir)).message).toMatch(
      /weights\.bin: corrupt \(longer than its manifest\): .* 12 bytes .*found 13/,
    );
  });

  test('a malformed manifest or one that points outside the directory is refused', async () => {
    const withManifest = (weightsManifest: unknown) => ({ ...modelJson, weightsManifest });
    let dir = await modelDir({ 'model.json': withManifest([{ paths: ['../secret.bin'], weights }]) });
    expect((await readError(dir)).message).toMatch(
      /weightsManifest path '\.\.\/secret\.bin' is not a file inside the model directory/,
    );
    dir = await modelDir({ 'model.json': withManifest([{ paths: ['/etc/passwd'], weights }]) });
    expect((await readError(dir)).message).toMatch(
      /weightsManifest path '\/etc\/passwd' is not a file inside/,
    );
    dir = await modelDir({ 'model.json': withManifest({}) });
    expect((await readError(dir)).message).toMatch(
      /model\.json: weightsManifest is missing or is not a list/,
    );
    dir = await modelDir({ 'model.json': withManifest([{ paths: 'weights.bin', weights }]) });
    expect((await readError(dir)).message).toMatch(
      /weightsManifest\[0\] must be \{"paths": \[string\], "weights": \[\.\.\.\]\}/,
    );
    const stringWeight = [{ name: 'v000', shape: [1], dtype: 'string' }];
    dir = await modelDir({
      'model.json': withManifest([{ paths: ['weights.bin'], weights: stringWeight }]),
      'weights.bin': bytes,
    });
    expect((await readError(dir)).message).toMatch(
      /weight manifest entry 0 \(v000\) has an unsupported dtype "string"/,
    );
  });
});
