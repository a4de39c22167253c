// Property-based fuzzing of every parser a model file reaches (issue #13): model.json (structure,
// option values, registry names, nesting, duplicate and prototype keys), its text, the weights
// manifest and weights file (through the Node directory reader), artifacts as IndexedDB or any
// tfjs handler returns them, and the HTTP loader. Fixed seed; each input must load into a finite
// flow or be refused with a typed error naming the file, quickly and without leaking tensors.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createByName, Flow, flowMixture, httpModelHandler, loadFlow, type Bijector } from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import {
  applyJsonEdits,
  assertFuzz,
  applyTextEdits,
  checkLoadOutcome,
  hostileJson,
  hostileNumber,
  jsonEdits,
  jsonText,
  OutcomeTally,
  saveToMemory,
  textEdits,
  type SavedModel,
} from './model-file-fuzz.js';

const RUNS = {
  modelJson: 500,
  modelText: 250,
  manifest: 400,
  weights: 250,
  artifacts: 400,
  http: 150,
};

const seeds: SavedModel[] = [];
let dir = '';

/** The flows whose saved files the suites start from: core's bijectors and base distributions. */
function seedFlows(): Flow[] {
  const b = (name: string, options: object): Bijector => createByName('bijector', name, options);
  const d = (name: string, options: object) => createByName('distribution', name, options);
  // A mixture of flows (an ensemble, `train --flow auto`): nested flow configs and their weights.
  const parts = [
    new Flow(d('standard-normal', { eventShape: [2] }), b('affine', { eventShape: [2], shift: 1 })),
    new Flow(
      d('diagonal-normal', { eventShape: [2] }),
      b('chain', {
        bijectors: [
          { name: 'sinh-arcsinh', options: { eventShape: [2], skew: 0.5 } },
          { name: 'lu-linear', options: { eventShape: [2], seed: 4 } },
        ],
      }),
    ),
  ];
  const mixture = flowMixture(parts, [0.3, 0.7]);
  for (const p of parts) p.dispose();
  return [
    mixture,
    new Flow(
      d('standard-normal', { eventShape: [3] }),
      b('chain', {
        bijectors: [
          { name: 'affine', options: { eventShape: [3], shift: 0.5, scale: 1.5 } },
          { name: 'lu-linear', options: { eventShape: [3], seed: 1 } },
          { name: 'batch-norm', options: { eventShape: [3] } },
          { name: 'permute', options: { eventShape: [3], seed: 2 } },
          { name: 'leaky-relu', options: { eventShape: [3], negativeSlope: 0.3 } },
          {
            name: 'sinh-arcsinh',
            options: {
              eventShape: [3],
              loc: [0.1, 0, -0.2],
              scale: 1.5,
              skew: [0.5, -1, 0],
              tailweight: 0.7,
            },
          },
        ],
      }),
    ),
    new Flow(
      d('diagonal-normal', { eventShape: [2] }),
      b('invert', { bijector: { name: 'scale', options: { eventShape: [2], scale: [2, 0.5] } } }),
    ),
    new Flow(
      d('gaussian-mixture', { eventShape: [2], components: 2, seed: 3 }),
      b('triangular-affine', { eventShape: [2], matrix: [1, 0, 0.5, 2], shift: [0, 1] }),
    ),
  ];
}

async function writeModel(modelJson: string | Uint8Array, weights: Uint8Array | Uint8Array[]): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), modelJson);
  const shards = Array.isArray(weights) ? weights : [weights];
  await Promise.all(
    shards.map((w, i) => writeFile(path.join(dir, i === 0 ? 'weights.bin' : `w${i}.bin`), w)),
  );
}

const seedIndex = () => fc.nat({ max: 3 });

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'bijective-fuzz-')), 'model');
  for (const flow of seedFlows()) {
    seeds.push(await saveToMemory(flow));
    flow.dispose();
  }
});
afterAll(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

describe('model-file fuzzing (fixed seed)', () => {
  test(`model.json documents: ${RUNS.modelJson} edited documents load or are refused clearly`, async () => {
    const tally = new OutcomeTally();
    await assertFuzz(
      fc.asyncProperty(seedIndex(), jsonEdits(3), async (i, edits) => {
        const seed = seeds[i] as SavedModel;
        await writeModel(jsonText(applyJsonEdits(seed.modelJson, edits)), seed.weights);
        tally.add(await checkLoadOutcome(() => loadFlowFromDirectory(dir), { names: dir }));
      }),
      { numRuns: RUNS.modelJson },
    );
    console.info(`model.json documents: ${tally}`);
    expect(tally.refused).toBeGreaterThan(0);
  }, 120_000);

  test(`model.json text: ${RUNS.modelText} byte-edited files load or are refused clearly`, async () => {
    const tally = new OutcomeTally();
    await assertFuzz(
      fc.asyncProperty(seedIndex(), textEdits(), async (i, edits) => {
        const seed = seeds[i] as SavedModel;
        const text = new TextEncoder().encode(jsonText(seed.modelJson));
        await writeModel(applyTextEdits(text, edits), seed.weights);
        tally.add(await checkLoadOutcome(() => loadFlowFromDirectory(dir), { names: dir }));
      }),
      { numRuns: RUNS.modelText },
    );
    console.info(`model.json text: ${tally}`);
  }, 120_000);

  test(`weights manifest: ${RUNS.manifest} edited manifests (sizes, dtypes, shapes, paths) load or are refused clearly`, async () => {
    const tally = new OutcomeTally();
    const traversal = fc.constantFrom(
      '../weights.bin',
      '../../../../etc/passwd',
      '/etc/passwd',
      'sub/../../weights.bin',
      'sub/../weights.bin',
      './weights.bin',
      '.',
      '',
      '..',
      'weights.bin\u0000.txt',
      '%2e%2e/weights.bin',
      'C:\\weights.bin',
      '..\\weights.bin',
      'w1.bin',
      'missing.bin',
      'x'.repeat(5000),
    );
    const manifestEdit = fc.oneof(
      jsonEdits(2).map((edits) => ({ kind: 'edits' as const, edits })),
      fc.array(traversal, { minLength: 1, maxLength: 3 }).map((paths) => ({ kind: 'paths' as const, paths })),
      fc
        .record({
          entry: fc.nat(),
          field: fc.constantFrom('shape', 'dtype', 'name', 'quantization'),
          value: hostileJson(),
        })
        .map((e) => ({ kind: 'entry' as const, ...e })),
      fc
        .record({
          entry: fc.nat(),
          shape: fc.array(fc.oneof(hostileNumber, fc.constantFrom(2 ** 20, 2 ** 40, 1e308)), {
            maxLength: 4,
          }),
        })
        .map((e) => ({ kind: 'entry' as const, entry: e.entry, field: 'shape', value: e.shape })),
    );
    await assertFuzz(
      fc.asyncProperty(seedIndex(), manifestEdit, async (i, edit) => {
        const seed = seeds[i] as SavedModel;
        const doc = structuredClone(seed.modelJson) as { weightsManifest: unknown };
        const group = (doc.weightsManifest as { paths: string[]; weights: Record<string, unknown>[] }[])[0]!;
        if (edit.kind === 'edits') doc.weightsManifest = applyJsonEdits(doc.weightsManifest, edit.edits);
        else if (edit.kind === 'paths') group.paths = edit.paths;
        else if (group.weights.length > 0) {
          const entry = group.weights[edit.entry % group.weights.length]!;
          Object.defineProperty(entry, edit.field, { value: edit.value, enumerable: true, writable: true });
        }
        await writeModel(jsonText(doc), [seed.weights, seed.weights.slice(0, 8)]);
        tally.add(await checkLoadOutcome(() => loadFlowFromDirectory(dir), { names: dir }));
      }),
      { numRuns: RUNS.manifest },
    );
    console.info(`weights manifest: ${tally}`);
  }, 120_000);

  test(`weights file: ${RUNS.weights} truncated, extended, split or corrupted files load or are refused clearly`, async () => {
    const tally = new OutcomeTally();
    const bytesEdit = fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
      fc.record({
        op: fc.constant('overwrite' as const),
        at: fc.nat(),
        bytes: fc.oneof(
          fc.constantFrom(
            Uint8Array.of(0, 0, 0xc0, 0x7f), // NaN
            Uint8Array.of(0, 0, 0x80, 0x7f), // +Infinity
            Uint8Array.of(0, 0, 0x80, 0xff), // -Infinity
            Uint8Array.of(0xff, 0xff, 0x7f, 0x7f), // largest float32
          ),
          fc.uint8Array({ minLength: 1, maxLength: 8 }),
        ),
      }),
      fc.record({ op: fc.constant('split' as const), at: fc.nat() }),
    );
    await assertFuzz(
      fc.asyncProperty(seedIndex(), bytesEdit, async (i, edit) => {
        const seed = seeds[i] as SavedModel;
        const w = seed.weights;
        let shards: Uint8Array[] = [w];
        const doc = structuredClone(seed.modelJson) as { weightsManifest: { paths: string[] }[] };
        if (edit.op === 'truncate') shards = [w.slice(0, edit.at % (w.length + 1))];
        else if (edit.op === 'extend') shards = [Uint8Array.from([...w, ...edit.extra])];
        else if (edit.op === 'overwrite') {
          const copy = w.slice();
          if (copy.length > 0) {
            const at = edit.at % copy.length;
            copy.set(edit.bytes.subarray(0, copy.length - at), at);
          }
          shards = [copy];
        } else {
          const at = edit.at % (w.length + 1);
          shards = [w.slice(0, at), w.slice(at)];
          doc.weightsManifest[0]!.paths = ['weights.bin', 'w1.bin'];
        }
        await writeModel(jsonText(doc), shards);
        tally.add(await checkLoadOutcome(() => loadFlowFromDirectory(dir), { names: dir }));
      }),
      { numRuns: RUNS.weights },
    );
    console.info(`weights file: ${tally}`);
    expect(tally.loaded).toBeGreaterThan(0);
  }, 120_000);

  test(`artifacts (IndexedDB, custom handlers): ${RUNS.artifacts} stored objects load or are refused clearly`, async () => {
    const tally = new OutcomeTally();
    const stored = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
      withSparseArray: true,
    });
    const field = fc.constantFrom(
      'modelTopology',
      'userDefinedMetadata',
      'weightSpecs',
      'weightData',
      'format',
      'flow',
    );
    /** Weight data as stored: intact (-1) or one of these variants. */
    const weightVariants = (w: Uint8Array): unknown[] => [
      [w.slice(0, 4).buffer, w.slice(4).buffer],
      w,
      w.slice(0, Math.max(0, w.length - 1)).buffer,
      'weights',
      null,
      [new ArrayBuffer(0), 7],
      new Float32Array(w.length / 4).fill(NaN).buffer,
    ];
    await assertFuzz(
      fc.asyncProperty(
        seedIndex(),
        fc.array(fc.tuple(field, fc.oneof(stored, hostileJson())), { maxLength: 2 }),
        jsonEdits(2),
        fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, fc.nat({ max: 6 })),
        async (i, replacements, edits, dataChoice) => {
          const seed = seeds[i] as SavedModel;
          const m = seed.modelJson as Record<string, unknown>;
          const topology = applyJsonEdits(
            { format: m.format, formatVersion: m.formatVersion, flow: m.flow },
            edits,
          );
          const artifacts: Record<string, unknown> = {
            format: 'bijective-model',
            modelTopology: topology,
            userDefinedMetadata: {},
            weightSpecs: (m.weightsManifest as { weights: unknown[] }[])[0]!.weights,
            weightData:
              dataChoice < 0 ? seed.weights.slice().buffer : weightVariants(seed.weights)[dataChoice],
          };
          for (const [key, value] of replacements) artifacts[key] = value;
          const handler = { load: async () => artifacts as tf.io.ModelArtifacts };
          tally.add(await checkLoadOutcome(() => loadFlow(handler)));
        },
      ),
      { numRuns: RUNS.artifacts },
    );
    console.info(`artifacts: ${tally}`);
  }, 120_000);
});

describe('HTTP loader fuzzing (fixed seed)', () => {
  let server: Server;
  let base = '';
  const files = new Map<string, Uint8Array>();
  const requested: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      requested.push(url);
      const body = files.get(url.split('?')[0] as string);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test(`${RUNS.http} served models (edited documents, paths, weights) load or are refused, never fetching outside the model's folder`, async () => {
    const tally = new OutcomeTally();
    const pathChoice = fc.oneof(
      { arbitrary: fc.constant('weights.bin'), weight: 6 },
      fc.constantFrom(
        '../weights.bin',
        '../../secret.bin',
        '/secret.bin',
        'http://127.0.0.2/weights.bin',
        '//127.0.0.2/weights.bin',
        '%2e%2e/secret.bin',
        'sub/../weights.bin',
        'sub/..%2f..%2fsecret.bin',
        '',
        '?x=1',
        '#frag',
        'javascript:alert(1)',
        'data:application/octet-stream;base64,AAAA',
      ),
    );
    await assertFuzz(
      fc.asyncProperty(
        seedIndex(),
        fc.option(jsonEdits(2), { nil: undefined }),
        pathChoice,
        fc.option(fc.nat(), { nil: undefined }),
        async (i, edits, weightsPath, cut) => {
          const seed = seeds[i] as SavedModel;
          let doc = structuredClone(seed.modelJson) as { weightsManifest: { paths: string[] }[] };
          doc.weightsManifest[0]!.paths = [weightsPath];
          if (edits) doc = applyJsonEdits(doc, edits) as typeof doc;
          files.clear();
          files.set('/models/m/model.json', new TextEncoder().encode(jsonText(doc)));
          const w = cut === undefined ? seed.weights : seed.weights.slice(0, cut % (seed.weights.length + 1));
          files.set('/models/m/weights.bin', w);
          files.set('/models/secret.bin', seed.weights);
          files.set('/secret.bin', seed.weights);
          requested.length = 0;
          const url = `${base}/models/m/model.json`;
          tally.add(
            await checkLoadOutcome(() => loadFlow(httpModelHandler(url)), { names: `${base}/models/` }),
          );
          const outside = requested.filter((r) => !r.startsWith('/models/m/'));
          if (outside.length > 0)
            throw new Error(`fetched outside the model's folder: ${outside.join(', ')}`);
        },
      ),
      { numRuns: RUNS.http },
    );
    console.info(`HTTP loader: ${tally}`);
    expect(tally.loaded).toBeGreaterThan(0);
  }, 120_000);
});
