// Regression tests for crafted model files (issue #13): each is refused with one ModelFileError
// naming the file and the problem, before the memory or time it asks for is spent.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import '../index.js';
import { Flow } from '../flow.js';
import { createByName } from '../registry.js';
import { ModelFileError } from './errors.js';
import { httpModelHandler } from './http-reader.js';
import { loadFlow } from './load-flow.js';
import { loadFlowFromDirectory } from './node-files.js';
import { saveFlow } from './save-flow.js';

let root = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'bijective-hostile-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const base = { name: 'standard-normal', options: { eventShape: [2] } };
const affine = { name: 'affine', options: { eventShape: [2] } };
/** The weight specs of `affine` on 2 scalars: shift and unconstrained scale. */
const affineSpecs = [
  { name: 'v000', shape: [2], dtype: 'float32' },
  { name: 'v001', shape: [2], dtype: 'float32' },
];

/** `bijector` nested in `depth` chains, built as text (JSON.stringify overflows on deep values). */
function nestedChainText(depth: number, bijector: object = affine): string {
  let text = JSON.stringify(bijector);
  for (let i = 0; i < depth; i++) text = `{"name":"chain","options":{"bijectors":[${text}]}}`;
  return text;
}

/** A model.json text with the given flow bijector text, manifest and metadata. */
function modelJsonText(bijector: string, weights: unknown[] = affineSpecs, extra = ''): string {
  return `{"format":"bijective-model","formatVersion":1,"flow":{"base":${JSON.stringify(base)},"bijector":${bijector}},"metadata":{}${extra},"weightsManifest":[{"paths":["weights.bin"],"weights":${JSON.stringify(weights)}}]}`;
}

let count = 0;
/** Writes a model directory and returns its path. */
async function modelDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = path.join(root, `m${count++}`);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

const weights16 = new Uint8Array(new Float32Array([0.5, -1, 0.25, 2]).buffer);

/** Expects loading `dir` to fail with a ModelFileError matching `message`, leaving no tensor behind. */
async function expectRefused(load: () => Promise<unknown>, message: RegExp): Promise<ModelFileError> {
  const before = tf.memory().numTensors;
  const error = await load().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message.length).toBeLessThan(1000);
  expect(tf.memory().numTensors).toBe(before);
  return error as ModelFileError;
}

describe('crafted model files are refused clearly', () => {
  test('a chain nested 3000 deep: one error naming the depth, not a stack overflow', async () => {
    const dir = await modelDir({
      'model.json': modelJsonText(nestedChainText(3000)),
      'weights.bin': weights16,
    });
    const error = await expectRefused(
      () => loadFlowFromDirectory(dir),
      /model\.json: nests bijector configs more than 16 deep \(LIMITS\.maxBijectorDepth\) at flow\.bijector\.options\.bijectors\[0\]/,
    );
    expect(error.file).toBe(path.join(dir, 'model.json'));
    // The same through any handler (IndexedDB, fetch, memory): the artifacts are checked alike.
    const artifacts = {
      format: 'bijective-model',
      modelTopology: {
        format: 'bijective-model',
        formatVersion: 1,
        flow: JSON.parse(`{"base":${JSON.stringify(base)},"bijector":${nestedChainText(3000)}}`),
      },
      weightSpecs: affineSpecs as tf.io.WeightsManifestEntry[],
      weightData: weights16.slice().buffer,
    };
    await expectRefused(
      () => loadFlow(tf.io.fromMemory(artifacts)),
      /nests bijector configs more than 16 deep/,
    );
  });

  test('deep metadata and deep option values are refused without recursion', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const inMetadata = await modelDir({
      'model.json': modelJsonText(JSON.stringify(affine)).replace(
        '"metadata":{}',
        `"metadata":{"x":${deep}}`,
      ),
      'weights.bin': weights16,
    });
    await expectRefused(
      () => loadFlowFromDirectory(inMetadata),
      /more than 64 levels deep \(LIMITS\.maxJsonDepth\) at model\.json\.metadata\.x\[0\]/,
    );
    const inOptions = await modelDir({
      'model.json': modelJsonText(`{"name":"affine","options":{"eventShape":${deep}}}`),
      'weights.bin': weights16,
    });
    await expectRefused(() => loadFlowFromDirectory(inOptions), /more than 64 levels deep/);
  });

  test('weights path traversal: ../../../../etc/passwd, absolute paths and NUL bytes', async () => {
    for (const p of [
      '../../../../etc/passwd',
      '/etc/passwd',
      'sub/../../weights.bin',
      'weights.bin\u0000x',
    ]) {
      const dir = await modelDir({
        'model.json': modelJsonText(JSON.stringify(affine)).replace('["weights.bin"]', JSON.stringify([p])),
        'weights.bin': weights16,
      });
      await expectRefused(
        () => loadFlowFromDirectory(dir),
        /weightsManifest path '.*' (is not a file inside the model directory|holds a NUL character)/,
      );
    }
  });

  test('a weights path that is a device (a symbolic link to /dev/zero) is never read', async () => {
    const dir = await modelDir({ 'model.json': modelJsonText(JSON.stringify(affine)) });
    await symlink('/dev/zero', path.join(dir, 'weights.bin'));
    await expectRefused(() => loadFlowFromDirectory(dir), /weights\.bin: is not a regular file/);
  });

  test('a manifest claiming 4 TB is refused from the manifest, before any weight is read', async () => {
    const specs = [{ name: 'v000', shape: [2 ** 20, 2 ** 20], dtype: 'float32' }];
    const dir = await modelDir({
      'model.json': modelJsonText(JSON.stringify(affine), specs),
      'weights.bin': weights16,
    });
    await expectRefused(
      () => loadFlowFromDirectory(dir),
      /model\.json: the weight manifest describes 1099511627776 parameters; model files allow at most 67108864 \(LIMITS\.maxParameters\)/,
    );
  });

  test('huge shapes in the config are refused before anything is built', async () => {
    const cases: [object, RegExp][] = [
      [
        { name: 'affine', options: { eventShape: [1e9] } },
        /option 'eventShape' \[1000000000\] holds 1000000000 scalars; model files allow at most 65536/,
      ],
      [{ name: 'affine', options: { eventShape: [1e5, 1e5, 1e5] } }, /holds 1000000000000000 scalars/],
      [
        { name: 'lu-linear', options: { eventShape: [5000] } },
        /a vector of 5000 scalars; model files allow at most 4096 \(LIMITS\.maxVectorSize\)/,
      ],
      [
        { name: 'x', options: { eventShape: [2], hidden: [1e5, 1e5] } },
        /option 'hidden' has a layer of width 100000/,
      ],
      [
        { name: 'x', options: { eventShape: [2], layers: 1e7 } },
        /option 'layers' is 10000000; model files allow at most 256/,
      ],
      [
        { name: 'x', options: { eventShape: [4096], hidden: [4096, 4096, 4096], layers: 8 } },
        /asks for at least \d+ parameters/,
      ],
    ];
    for (const [bijector, message] of cases) {
      const dir = await modelDir({
        'model.json': modelJsonText(JSON.stringify(bijector)),
        'weights.bin': weights16,
      });
      const start = performance.now();
      await expectRefused(() => loadFlowFromDirectory(dir), message);
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });

  test("registry-like keys are not looked up on Object.prototype: dtype 'constructor', '__proto__' options", async () => {
    for (const dtype of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const specs = [{ name: 'v000', shape: [2], dtype }, affineSpecs[1]];
      const dir = await modelDir({
        'model.json': modelJsonText(JSON.stringify(affine), specs),
        'weights.bin': weights16,
      });
      await expectRefused(
        () => loadFlowFromDirectory(dir),
        /weight manifest entry 0 \(v000\) has an unsupported dtype/,
      );
    }
    const protoOption = '{"name":"affine","options":{"eventShape":[2],"__proto__":{"eventShape":[9]}}}';
    const dir = await modelDir({ 'model.json': modelJsonText(protoOption), 'weights.bin': weights16 });
    await expectRefused(() => loadFlowFromDirectory(dir), /affine: unknown option '__proto__'/);
    const protoName = await modelDir({
      'model.json': modelJsonText('{"name":"__proto__","options":{}}'),
      'weights.bin': weights16,
    });
    await expectRefused(() => loadFlowFromDirectory(protoName), /bijector '__proto__' is not registered/);
    expect(({} as { eventShape?: unknown }).eventShape).toBeUndefined();
  });

  test('shapes whose size is 0 × ∞ and quantizations without a scale cannot produce NaN sizes or weights', async () => {
    const zeroTimesHuge = [{ name: 'v000', shape: [1e308, 1e308, 0], dtype: 'float32' }];
    const a = await modelDir({
      'model.json': modelJsonText(JSON.stringify(affine), zeroTimesHuge),
      'weights.bin': weights16,
    });
    await expectRefused(
      () => loadFlowFromDirectory(a),
      /corrupt \(longer than its manifest\): model\.json describes 0 bytes/,
    );
    const noScale = [{ ...affineSpecs[0], quantization: { dtype: 'uint8' } }, affineSpecs[1]];
    const b = await modelDir({
      'model.json': modelJsonText(JSON.stringify(affine), noScale),
      'weights.bin': weights16,
    });
    await expectRefused(
      () => loadFlowFromDirectory(b),
      /its uint8 quantization needs a finite 'scale', found undefined/,
    );
  });

  test('NaN or infinite weights are refused: never a NaN model', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const w = new Uint8Array(new Float32Array([0.5, -1, bad, 2]).buffer);
      const dir = await modelDir({ 'model.json': modelJsonText(JSON.stringify(affine)), 'weights.bin': w });
      await expectRefused(
        () => loadFlowFromDirectory(dir),
        /weights\.bin: tensor 1 \(v001\) holds a NaN or infinite value at element 0/,
      );
    }
  });

  test('duplicate keys: the last one wins, as JSON.parse does', async () => {
    const dupVersion = modelJsonText(JSON.stringify(affine)).replace(
      '"formatVersion":1',
      '"formatVersion":99,"formatVersion":1',
    );
    const ok = await modelDir({ 'model.json': dupVersion, 'weights.bin': weights16 });
    const { flow } = await loadFlowFromDirectory(ok);
    expect(flow.eventShape).toEqual([2]);
    flow.dispose();
    const lastBad = modelJsonText(JSON.stringify(affine)).replace(
      '"formatVersion":1',
      '"formatVersion":1,"formatVersion":99',
    );
    const bad = await modelDir({ 'model.json': lastBad, 'weights.bin': weights16 });
    await expectRefused(() => loadFlowFromDirectory(bad), /formatVersion 99 is newer than/);
  });

  test('a flow beyond the limits is never saved (so every saved file loads)', async () => {
    let bijector = createByName('bijector', 'affine', { eventShape: [2] });
    for (let i = 0; i < 17; i++)
      bijector = createByName('bijector', 'chain', { bijectors: [bijector.getConfig()] });
    const flow = new Flow(createByName('distribution', 'standard-normal', { eventShape: [2] }), bijector);
    await expectRefused(
      () =>
        saveFlow(flow, {
          save: async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
        }),
      /\(cannot save\): nests bijector configs more than 16 deep/,
    );
    flow.dispose();
  });
});

describe('the HTTP loader', () => {
  let server: Server;
  let origin = '';
  const files = new Map<string, { body: Uint8Array | string; headers?: Record<string, string> }>();
  const requested: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const file = files.get((req.url ?? '').split('?')[0] as string);
      if (file === undefined) res.writeHead(404, 'Not Found').end();
      else res.writeHead(200, file.headers ?? {}).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('loads a model by URL (loadFlow routes http(s) URLs to it) and appends the query to weights', async () => {
    files.clear();
    files.set('/m/model.json', { body: modelJsonText(JSON.stringify(affine)) });
    files.set('/m/weights.bin', { body: weights16 });
    requested.length = 0;
    const { flow } = await loadFlow(`${origin}/m/model.json?token=1`);
    expect(flow.variables.map((v) => v.dataSync()[0])).toEqual([0.5, 0.25]);
    flow.dispose();
    expect(requested).toEqual(['/m/model.json?token=1', '/m/weights.bin?token=1']);
  });

  test('refuses weight paths outside the model folder without fetching them', async () => {
    for (const p of [
      '../secret.bin',
      '/secret.bin',
      'http://127.0.0.2/w.bin',
      '//127.0.0.2/w.bin',
      '%2e%2e/secret.bin',
    ]) {
      files.clear();
      files.set('/m/model.json', {
        body: modelJsonText(JSON.stringify(affine)).replace('["weights.bin"]', JSON.stringify([p])),
      });
      requested.length = 0;
      await expectRefused(
        () => loadFlow(httpModelHandler(`${origin}/m/model.json`)),
        /weightsManifest path '.*' is not a file inside the model's folder http:\/\/127\.0\.0\.1:\d+\/m\//,
      );
      expect(requested).toEqual(['/m/model.json']);
    }
  });

  test('refuses an oversized model.json by its Content-Length and weights longer than the manifest', async () => {
    files.clear();
    files.set('/m/model.json', { body: '{}', headers: { 'content-length': String(2 ** 40) } });
    await expectRefused(
      () => loadFlow(httpModelHandler(`${origin}/m/model.json`)),
      /model\.json: is 1099511627776 bytes \(1048576\.0 MiB\) or more; at most 67108864 bytes \(64\.0 MiB\) are read here/,
    );
    files.set('/m/model.json', { body: modelJsonText(JSON.stringify(affine)) });
    files.set('/m/weights.bin', { body: new Uint8Array(1000) });
    await expectRefused(
      () => loadFlow(httpModelHandler(`${origin}/m/model.json`)),
      /weights\.bin: corrupt \(longer than its manifest\): model\.json describes 16 bytes \(2 tensors\)/,
    );
    files.delete('/m/weights.bin');
    await expectRefused(
      () => loadFlow(httpModelHandler(`${origin}/m/model.json`)),
      /weights\.bin: HTTP 404 Not Found/,
    );
  });
});
