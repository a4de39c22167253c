import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BaseBijector, type Bijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { DiagonalNormal } from '../distributions/diagonal-normal.js';
import { StandardNormal } from '../distributions/standard-normal.js';
import { OptionError } from '../errors.js';
import { Flow } from '../flow.js';
import type { JsonObject } from '../json.js';
import { createBijector, register, unregister } from '../registry.js';
import { nodeAtomicWriteOps } from './atomic-directory.js';
import { ModelFileError } from './errors.js';
import type { ModelJson } from './format.js';
import { loadFlow } from './load-flow.js';
import { createFileSystemHandler, loadFlowFromDirectory, saveFlowToDirectory } from './node-files.js';
import { saveFlow } from './save-flow.js';

/**
 * y = x·exp(s) + t + m: trainable log-scale s and shift t, and — like batch norm's running
 * statistics — a non-trainable float `m` and a non-trainable int32 step counter.
 */
class TestAffine extends BaseBijector {
  readonly name = 'test/io-affine';
  readonly logScale: tf.Variable;
  readonly shift: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly steps: tf.Variable;

  constructor(options: { size: number }) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new OptionError(`test/io-affine: size must be a positive integer, got ${options.size}`);
    }
    super({ eventShape: [options.size] });
    const zeros = (trainable: boolean) => tf.tidy(() => tf.variable(tf.zeros([options.size]), trainable));
    this.logScale = zeros(true);
    this.shift = zeros(true);
    this.runningMean = zeros(false);
    this.steps = tf.tidy(() => tf.variable(tf.scalar(0, 'int32'), false));
  }

  override get variables(): readonly tf.Variable[] {
    return [this.logScale, this.shift, this.runningMean, this.steps];
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: { size: this.eventShape[0] as number } };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const value = tf.add(tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift), this.runningMean);
    return { value, logDet: tf.mul(tf.ones([x.shape[0] as number]), tf.sum(this.logScale)) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const value = tf.mul(tf.sub(tf.sub(y, this.shift), this.runningMean), tf.exp(tf.neg(this.logScale)));
    return { value, logDet: tf.mul(tf.ones([y.shape[0] as number]), tf.neg(tf.sum(this.logScale))) };
  }
}

/** A chain whose layers are rebuilt through the registry, as a saved chain is. */
class TestChain extends BaseBijector {
  readonly name = 'test/io-chain';
  readonly layers: Bijector[];

  constructor(options: { layers: BijectorConfig[] }) {
    const layers: Bijector[] = [];
    try {
      for (const c of options.layers) layers.push(createBijector(c));
    } catch (e) {
      for (const l of layers) l.dispose(); // a later layer failed: free the ones built
      throw e;
    }
    super({ eventShape: (layers[0] as Bijector).eventShape });
    this.layers = layers;
  }

  override get variables(): readonly tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: { layers: this.layers.map((l) => l.getConfig()) } as unknown as JsonObject,
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    let value = x;
    let logDet = tf.zeros([x.shape[0] as number]);
    for (const layer of this.layers) {
      const step = layer.forwardAndLogDet(value);
      value = step.value;
      logDet = tf.add(logDet, step.logDet);
    }
    return { value, logDet };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    let value = y;
    let logDet = tf.zeros([y.shape[0] as number]);
    for (const layer of [...this.layers].reverse()) {
      const step = layer.inverseAndLogDet(value);
      value = step.value;
      logDet = tf.add(logDet, step.logDet);
    }
    return { value, logDet };
  }
}

const affine = { name: 'test/io-affine', options: { size: 3 } };
const chainConfig = {
  name: 'test/io-chain',
  options: { layers: [affine, affine] },
} as unknown as BijectorConfig;
const x = [
  [0.5, -1.25, 2],
  [-0.3, 0.8, 0.1],
];

/**
 * A chain of two affines (4 variables each: 8 tensors, 80 bytes) on a standard normal base, or on
 * a diagonal normal (2 more variables: 10 tensors, 104 bytes). The diagonal normal leaves its
 * initialisers behind when built, so tests that count tensors use the standard normal.
 */
function makeFlow(seed: number, base: 'standard-normal' | 'diagonal-normal' = 'standard-normal'): Flow {
  const distribution =
    base === 'standard-normal'
      ? new StandardNormal({ eventShape: [3] })
      : new DiagonalNormal({ eventShape: [3] });
  const flow = new Flow(distribution, createBijector(chainConfig));
  tf.tidy(() =>
    flow.variables.forEach((v, i) =>
      v.assign(
        v.dtype === 'int32'
          ? tf.scalar(seed + i, 'int32')
          : tf.randomNormal(v.shape, 0, 0.5, 'float32', seed + i),
      ),
    ),
  );
  return flow;
}

function values(flow: Flow): unknown[] {
  return flow.variables.map((v) => v.arraySync());
}

function logProb(flow: Flow): number[] {
  return tf.tidy(() => flow.logProb(tf.tensor2d(x)).arraySync() as number[]);
}

/** An in-memory IO handler that keeps what it saves. */
function memoryHandler(): tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } {
  const handler: tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } = {
    save: async (artifacts) => {
      handler.artifacts = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => handler.artifacts as tf.io.ModelArtifacts,
  };
  return handler;
}

/** Artifacts of a saved test flow, edited by `edit`, as a load handler. */
async function edited(edit: (a: tf.io.ModelArtifacts) => tf.io.ModelArtifacts): Promise<tf.io.IOHandler> {
  const flow = makeFlow(1);
  const handler = memoryHandler();
  await saveFlow(flow, handler);
  flow.dispose();
  return tf.io.fromMemory(edit(structuredClone(handler.artifacts as tf.io.ModelArtifacts)));
}

/** Expects loading to fail with a ModelFileError matching `message`, leaving no tensor behind. */
async function expectLoadError(source: tf.io.IOHandler | string, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const error = await loadFlow(source).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as ModelFileError).code).toBe('io');
  expect((error as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

let scratch: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  register(
    'bijector',
    'test/io-affine' as never,
    { description: 'test', create: (o) => new TestAffine(o as never), example: () => ({}) as never },
    { replace: true },
  );
  register(
    'bijector',
    'test/io-chain' as never,
    { description: 'test', create: (o) => new TestChain(o as never), example: () => ({}) as never },
    { replace: true },
  );
  scratch = await mkdtemp(path.join(tmpdir(), 'bijective-io-'));
});

afterAll(async () => {
  unregister('bijector', 'test/io-affine');
  unregister('bijector', 'test/io-chain');
  await rm(scratch, { recursive: true, force: true });
});

describe('saveFlow / loadFlow through tfjs IO handlers', () => {
  test('round trip: same config, every variable (trainable or not), metadata and identical logProb', async () => {
    const flow = makeFlow(3, 'diagonal-normal');
    const handler = memoryHandler();
    const metadata = {
      data: 'moons',
      dims: 3,
      stats: { mean: [0.1, 0.2, 0.3] },
      created: '2025-01-02T03:04:05.000Z',
    };
    await saveFlow(flow, handler, metadata);
    const loaded = await loadFlow(handler);
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.flow.getConfig()).toEqual(flow.getConfig());
    expect(values(loaded.flow)).toEqual(values(flow));
    expect(loaded.flow.variables.map((v) => [v.trainable, v.dtype])).toEqual(
      flow.variables.map((v) => [v.trainable, v.dtype]),
    );
    expect(logProb(loaded.flow)).toEqual(logProb(flow));
    flow.dispose();
    loaded.flow.dispose();
  });

  test('the artifacts hold {format, formatVersion, flow} as topology, the metadata, and v000... weights', async () => {
    const flow = makeFlow(4, 'diagonal-normal');
    const handler = memoryHandler();
    await saveFlow(flow, handler, { data: 'x' });
    const a = handler.artifacts as tf.io.ModelArtifacts;
    expect(a.format).toBe('bijective-model');
    expect(a.modelTopology).toEqual({ format: 'bijective-model', formatVersion: 1, flow: flow.getConfig() });
    expect(a.userDefinedMetadata).toEqual({ data: 'x' });
    expect(a.weightSpecs?.map((s) => s.name)).toEqual([
      'v000',
      'v001',
      'v002',
      'v003',
      'v004',
      'v005',
      'v006',
      'v007',
      'v008',
      'v009',
    ]);
    expect(a.weightSpecs?.[5]).toEqual({ name: 'v005', shape: [], dtype: 'int32' });
    expect((a.weightData as ArrayBuffer).byteLength).toBe(4 * (3 * 8 + 1 + 1));
    flow.dispose();
  });

  test('save and load leave no tensors behind except the loaded flow’s variables', async () => {
    const flow = makeFlow(5);
    const handler = memoryHandler();
    const start = tf.memory().numTensors;
    await saveFlow(flow, handler);
    expect(tf.memory().numTensors).toBe(start);
    const { flow: loaded } = await loadFlow(handler);
    expect(tf.memory().numTensors).toBe(start + loaded.variables.length);
    loaded.dispose();
    flow.dispose();
    expect(tf.memory().numTensors).toBe(start - 8);
  });

  test('another format, a newer or invalid formatVersion and a missing topology are refused', async () => {
    const topology = (a: tf.io.ModelArtifacts) =>
      a.modelTopology as { format: string; formatVersion: unknown };
    await expectLoadError(
      await edited((a) => ((topology(a).formatVersion = 2), a)),
      /^model: formatVersion 2 is newer than this version of @bijective\/core reads \(up to 1\); upgrade/,
    );
    await expectLoadError(
      await edited((a) => ((topology(a).formatVersion = '1'), a)),
      /invalid formatVersion "1"/,
    );
    await expectLoadError(
      await edited((a) => ((topology(a).format = 'layers-model'), a)),
      /not a bijective model: format "layers-model", expected format 'bijective-model'/,
    );
    await expectLoadError(
      await edited((a) => ({ ...a, modelTopology: undefined })),
      /model topology with the flow config is missing/,
    );
  });

  test('an unregistered bijector or base names the known ones and the package to import', async () => {
    const flowOf = (a: tf.io.ModelArtifacts) =>
      (a.modelTopology as { flow: { base: BijectorConfig; bijector: BijectorConfig } }).flow;
    await expectLoadError(
      await edited((a) => ((flowOf(a).bijector.name = 'coupling/realnvp'), a)),
      /bijector 'coupling\/realnvp' is not registered \(known: .*test\/io-affine, test\/io-chain.*\); import the package that registers 'coupling\/\.\.\.' bijectors \(@bijective\/coupling/,
    );
    await expectLoadError(
      await edited((a) => ((flowOf(a).base.name = 'student-t'), a)),
      /base distribution 'student-t' is not registered \(known: diagonal-normal, flow-mixture, gaussian-mixture, standard-normal\); import the package/,
    );
    await expectLoadError(
      await edited(
        (a) => (
          ((flowOf(a).bijector.options.layers as JsonObject[])[1] = { name: 'acme/warp', options: {} }),
          a
        ),
      ),
      /bijector 'test\/io-chain': unknown bijector 'acme\/warp'; known: .*; import the package that registers 'acme\/\.\.\.' bijectors/,
    );
  });

  test('saved options the factory rejects are reported with its message', async () => {
    const flowOf = (a: tf.io.ModelArtifacts) =>
      (a.modelTopology as { flow: { bijector: { options: { layers: JsonObject[] } } } }).flow;
    await expectLoadError(
      await edited(
        (a) => ((flowOf(a).bijector.options.layers[0] = { name: 'test/io-affine', options: { size: 0 } }), a),
      ),
      /bijector 'test\/io-chain' cannot be built from its saved options: test\/io-affine: size must be a positive integer, got 0/,
    );
  });

  test('weights that do not fit the rebuilt flow: count, name, shape, dtype and byte length', async () => {
    const specs = (a: tf.io.ModelArtifacts) => a.weightSpecs as tf.io.WeightsManifestEntry[];
    const truncate = (a: tf.io.ModelArtifacts, bytes: number) => ({
      ...a,
      weightData: (a.weightData as ArrayBuffer).slice(0, bytes),
    });
    await expectLoadError(
      await edited((a) => (specs(a).pop(), truncate(a, 76))),
      /^model weights: expected 8 tensors, found 7 \(the flow built from the model's config has 8 variables\)$/,
    );
    await expectLoadError(
      await edited((a) => ((specs(a)[2]!.name = 'weird'), a)),
      /tensor 2 is named 'weird', expected 'v002'/,
    );
    await expectLoadError(
      await edited((a) => ((specs(a)[1]!.shape = [1, 3]), a)),
      /^model weights: tensor 1 \(v001\) has shape \[1, 3\], but the flow built from the model's config expects \[3\]$/,
    );
    await expectLoadError(
      await edited((a) => ((specs(a)[3]!.dtype = 'float32'), a)),
      /tensor 3 \(v003\) has dtype float32, but the flow built from the model's config expects int32/,
    );
    await expectLoadError(
      await edited((a) => truncate(a, 40)),
      /^model weights: truncated: the weight manifest describes 80 bytes \(8 tensors\), found 40$/,
    );
    await expectLoadError(
      await edited((a) => ({ ...a, weightData: new ArrayBuffer(84) })),
      /corrupt: 84 bytes where the weight manifest describes 80/,
    );
    await expectLoadError(
      await edited((a) => ({ ...a, weightData: undefined })),
      /model weights: the weight data are missing/,
    );
  });

  test('metadata or a config that is not plain JSON is refused before the handler is called', async () => {
    const flow = makeFlow(6);
    const handler = memoryHandler();
    await expect(saveFlow(flow, handler, { stats: { nll: NaN } })).rejects.toThrow(
      /cannot save: metadata\.stats\.nll is NaN/,
    );
    await expect(saveFlow(flow, handler, { created: new Date() as never })).rejects.toThrow(
      /metadata\.created is a Date, not plain JSON \(store dates as date\.toISOString\(\)\)/,
    );
    expect(handler.artifacts).toBeUndefined();
    flow.dispose();
  });

  test('a URL that no tfjs handler takes here names the URL and the Node alternative', async () => {
    const flow = makeFlow(7);
    await expect(saveFlow(flow, 'indexeddb://my-flow')).rejects.toThrow(
      /^indexeddb:\/\/my-flow: no tfjs IO handler can save this URL here; .*saveFlowToDirectory from '@bijective\/core\/node'/,
    );
    await expectLoadError(
      'localstorage://my-flow',
      /^localstorage:\/\/my-flow: no tfjs IO handler can load this URL here/,
    );
    flow.dispose();
  });
});

describe('model directories', () => {
  test('model.json has the documented layout and weights.bin the weights; loading restores the flow', async () => {
    const dir = path.join(scratch, 'round-trip', 'model');
    const flow = makeFlow(8);
    await saveFlowToDirectory(flow, dir, { data: 'moons', dims: 3 });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
    expect(Object.keys(json)).toEqual(['format', 'formatVersion', 'flow', 'metadata', 'weightsManifest']);
    expect(json).toMatchObject({
      format: 'bijective-model',
      formatVersion: 1,
      flow: flow.getConfig(),
      metadata: { data: 'moons', dims: 3 },
    });
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0]?.weights[0]).toEqual({ name: 'v000', shape: [3], dtype: 'float32' });
    expect((await readFile(path.join(dir, 'weights.bin'))).byteLength).toBe(80);
    const before = tf.memory().numTensors;
    const loaded = await loadFlowFromDirectory(dir);
    expect(tf.memory().numTensors).toBe(before + 8);
    expect(loaded.metadata).toEqual({ data: 'moons', dims: 3 });
    expect(values(loaded.flow)).toEqual(values(flow));
    expect(logProb(loaded.flow)).toEqual(logProb(flow));
    flow.dispose();
    loaded.flow.dispose();
  });

  test('saving over a model replaces it and leaves nothing else beside it', async () => {
    const parent = path.join(scratch, 'replace');
    const dir = path.join(parent, 'model');
    const first = makeFlow(9);
    const second = makeFlow(10);
    await saveFlowToDirectory(first, dir);
    await saveFlowToDirectory(second, dir);
    expect(await readdir(parent)).toEqual(['model']);
    const loaded = await loadFlowFromDirectory(dir);
    expect(logProb(loaded.flow)).toEqual(logProb(second));
    for (const f of [first, second, loaded.flow]) f.dispose();
  });

  test('a save that fails after the temporary directory is written leaves the old model intact and no temp dirs', async () => {
    const parent = path.join(scratch, 'interrupted');
    const dir = path.join(parent, 'model');
    const old = makeFlow(11);
    await saveFlowToDirectory(old, dir, { version: 'old' });
    const oldFiles = await Promise.all(['model.json', 'weights.bin'].map((f) => readFile(path.join(dir, f))));
    const renames: string[] = [];
    const failingSwap = createFileSystemHandler(dir, {
      ...nodeAtomicWriteOps,
      rename: (from, to) => {
        renames.push(`${path.basename(from)} -> ${path.basename(to)}`);
        if (path.basename(from).startsWith('.model.tmp-')) throw new Error('EIO: simulated failure');
        nodeAtomicWriteOps.rename(from, to);
      },
    });
    const newer = makeFlow(12);
    await expect(saveFlow(newer, failingSwap, { version: 'new' })).rejects.toThrow(
      /model: could not save the model: EIO: simulated failure; the existing model is unchanged$/,
    );
    expect(renames).toHaveLength(3); // model aside, temp in (fails), model back
    expect(await readdir(parent)).toEqual(['model']);
    const files = await Promise.all(['model.json', 'weights.bin'].map((f) => readFile(path.join(dir, f))));
    expect(files).toEqual(oldFiles);
    const loaded = await loadFlowFromDirectory(dir);
    expect(loaded.metadata).toEqual({ version: 'old' });
    expect(logProb(loaded.flow)).toEqual(logProb(old));
    for (const f of [old, newer, loaded.flow]) f.dispose();
  });

  test('edited or damaged files give errors naming the file', async () => {
    const dir = path.join(scratch, 'damaged', 'model');
    const flow = makeFlow(13);
    await saveFlowToDirectory(flow, dir);
    flow.dispose();
    const modelFile = path.join(dir, 'model.json');
    const weightsFile = path.join(dir, 'weights.bin');
    const original = await readFile(modelFile, 'utf8');
    const weights = await readFile(weightsFile);
    const withJson = async (edit: (j: ModelJson) => void) => {
      const json = JSON.parse(original) as ModelJson;
      edit(json);
      await writeFile(modelFile, JSON.stringify(json));
    };
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    await withJson((j) => (j.formatVersion = 7));
    await expect(loadFlowFromDirectory(dir)).rejects.toThrow(
      new RegExp(`^${esc(modelFile)}: formatVersion 7 is newer`),
    );
    await withJson((j) => (j.flow.bijector.name = 'glow/actnorm'));
    await expect(loadFlowFromDirectory(dir)).rejects.toThrow(
      new RegExp(`^${esc(modelFile)}: bijector 'glow/actnorm' is not registered`),
    );
    await withJson((j) => j.weightsManifest[0]?.weights.pop());
    await expect(loadFlowFromDirectory(dir)).rejects.toThrow(
      new RegExp(
        `^${esc(weightsFile)}: corrupt \\(longer than its manifest\\): model.json describes 76 bytes \\(7 tensors\\), found 80$`,
      ),
    );
    await writeFile(weightsFile, weights.subarray(0, 76));
    await expect(loadFlowFromDirectory(dir)).rejects.toThrow(
      new RegExp(`^${esc(weightsFile)}: expected 8 tensors, found 7`),
    );
    await withJson(() => undefined);
    await expect(loadFlowFromDirectory(dir)).rejects.toThrow(
      new RegExp(`^${esc(weightsFile)}: truncated: model.json describes 80 bytes \\(8 tensors\\), found 76$`),
    );
  });
});
