/**
 * The training worker: builds the dataset and flow a run asks for, trains it with `fitAsync`
 * (which hands this worker's event loop a turn between steps, so a `stop` message is heard), and
 * posts progress, density pictures and the final test NLL to the page.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Affine,
  type Bijector,
  Chain,
  Flow,
  StandardNormal,
  create,
  httpModelHandler,
  loadFlow,
  saveFlow,
  useBackend,
} from '@bijective/core';
import { fitStandardisation, type GenerativeDataset, type Table } from '@bijective/datasets';
import { fitAsync, meanNegLogProb } from '@bijective/train';
import '@bijective/datasets';
import '@bijective/coupling';
import '@bijective/autoregressive';
import '@bijective/spline';
import '@bijective/planar';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/backend-webgl';
import type { FromWorker, RunConfig, ToWorker, View } from './protocol.js';
import { modelFiles, MODEL_FILE, WEIGHTS_FILE } from './model-files.js';

const TRAIN_ROWS = 200_000;
const TEST_ROWS = 20_000;
const GRID = 64;
const VIEW_EVERY_MS = 300;
const PROGRESS_EVERY_MS = 50;

interface Session {
  config: RunConfig;
  flow?: Flow;
  train: tf.Tensor2D;
  /** The training rows as a table (for the standardisation). */
  trainTable: Table;
  validation: tf.Tensor2D;
  test: tf.Tensor2D;
  extent: [number, number, number, number];
}

let session: Session | undefined;
let controller: AbortController | undefined;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

/** A square window around the points with a 15% margin. */
function extentOf(points: Float32Array): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i] as number);
    x1 = Math.max(x1, points[i] as number);
    y0 = Math.min(y0, points[i + 1] as number);
    y1 = Math.max(y1, points[i + 1] as number);
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.15;
  return [cx - half, cx + half, cy - half, cy + half];
}

async function prepare(config: RunConfig): Promise<Session> {
  const names = [...new Set([config.backend, 'wasm', 'cpu'])];
  const choice = await useBackend(names, { wasm: { wasmPaths: config.wasmPaths } });
  post({
    type: 'backend',
    name: tf.getBackend(),
    skipped: choice.skipped.map((s) => `${s.name}: ${s.reason}`),
  });
  const dataset = create('dataset', config.data as 'moons', {}) as GenerativeDataset;
  // The CLI's draws (apps/cli: 200000 training and validation rows, 20000 test rows), so that the page's
  // test NLL compares with `bijective train`'s.
  const { train, validation, test } = dataset.splits({
    seed: config.seed,
    validationFraction: 0.1,
    size: TRAIN_ROWS,
    testSize: TEST_ROWS,
  });
  const extent = extentOf(train.data.subarray(0, 2 * 5000));
  post({ type: 'data', points: train.data.slice(0, 2 * 1000), extent });
  session?.flow?.dispose();
  session?.train.dispose();
  session?.validation.dispose();
  session?.test.dispose();
  const table = (t: Table | null): tf.Tensor2D => {
    if (!t) throw new Error(`dataset ${config.data} has no rows to split`);
    return tf.tensor2d(t.data, [t.rows, t.cols]);
  };
  return {
    config,
    train: table(train),
    trainTable: train as Table,
    validation: table(validation),
    test: table(test),
    extent,
  };
}

/** log p on a GRID x GRID lattice over the session's window, and 500 samples. */
function view(flow: Flow, extent: [number, number, number, number], seed: number): View {
  const [x0, x1, y0, y1] = extent;
  const points = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      points[2 * (r * GRID + c)] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      points[2 * (r * GRID + c) + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
    }
  }
  const [grid, samples] = tf.tidy(() => [
    flow.logProb(tf.tensor2d(points, [GRID * GRID, 2])).dataSync() as Float32Array,
    flow.sample(500, { seed }).dataSync() as Float32Array,
  ]);
  return { size: GRID, extent, grid: Float32Array.from(grid), samples: Float32Array.from(samples) };
}

function postView(flow: Flow, s: Session, seed: number): void {
  const v = view(flow, s.extent, seed);
  post({ type: 'view', ...v }, [v.grid.buffer, v.samples.buffer]);
}

/**
 * The links of a bijector, base side first, nested chains and chained flows opened up (a fused
 * block such as RealNVP's coupling sequence stays one link: the engine runs its layers as one kernel).
 */
function linksOf(bijector: Bijector): Bijector[] {
  const b = bijector as Bijector & { chain?: Bijector; bijectors?: readonly Bijector[] };
  if (b.chain) return linksOf(b.chain);
  if (b.bijectors) return b.bijectors.flatMap(linksOf);
  return [bijector];
}

/** "See inside": data pushed layer by layer to the base, and base samples pulled layer by layer to the data. */
function postInside(flow: Flow, s: Session): void {
  const links = linksOf(flow.bijector);
  const data: Float32Array[] = [];
  const samples: Float32Array[] = [];
  tf.tidy(() => {
    let x: tf.Tensor = tf.slice(s.test, [0, 0], [500, 2]);
    data.push(Float32Array.from(x.dataSync()));
    for (let k = links.length - 1; k >= 0; k--) {
      x = (links[k] as Bijector).inverse(x);
      data.push(Float32Array.from(x.dataSync()));
    }
    let z: tf.Tensor = flow.base.sample(500, { seed: 7 });
    const pulled = [Float32Array.from(z.dataSync())];
    for (const link of links) {
      z = link.forward(z);
      pulled.push(Float32Array.from(z.dataSync()));
    }
    samples.push(...pulled.reverse());
  });
  const names = [...links].reverse().map((l) => l.name);
  post(
    { type: 'inside', data, samples, links: names },
    [...data, ...samples].map((a) => a.buffer),
  );
}

async function start(config: RunConfig): Promise<void> {
  session = await prepare(config);
  const s = session;
  // As `bijective train` builds it: the flow acts on standardised data and a fixed affine map
  // x = std * z + mean (fitted on the training rows) takes it to data units, so log p includes it.
  const standardisation = fitStandardisation(s.trainTable);
  const flow = new Flow(
    new StandardNormal({ eventShape: [2] }),
    new Chain([
      create(
        'bijector',
        config.flow as 'realnvp',
        {
          eventShape: [2],
          layers: config.layers,
          hidden: [config.hidden, config.hidden],
          seed: config.seed,
        } as never,
      ),
      new Affine({
        eventShape: [2],
        shift: [...standardisation.mean],
        scale: [...standardisation.std],
        minScale: Math.min(...standardisation.std) * 1e-3,
        trainable: false,
      }),
    ]),
  );
  s.flow = flow;
  postView(flow, s, 0);
  controller = new AbortController();
  const started = performance.now();
  let lastView = started;
  let lastProgress = started;
  const losses: [number, number][] = [];
  const validations: [number, number][] = [];
  try {
    const result = await fitAsync(flow, s.train, {
      steps: config.steps,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      seed: config.seed,
      validationData: s.validation,
      patience: Infinity,
      signal: controller.signal,
      onProgress: ({ step, totalSteps, loss, validationNll }) => {
        const now = performance.now();
        losses.push([step, loss]);
        if (validationNll !== undefined) validations.push([step, validationNll]);
        // Batched: a message per step would keep the page's main thread busy at hundreds of steps/s.
        if (now - lastProgress > PROGRESS_EVERY_MS || step === totalSteps) {
          post({
            type: 'progress',
            step,
            totalSteps,
            losses: losses.splice(0),
            validations: validations.splice(0),
            stepsPerSecond: (step * 1000) / (now - started),
          });
          lastProgress = now;
        }
        if (now - lastView > VIEW_EVERY_MS) {
          postView(flow, s, step);
          lastView = performance.now();
        }
      },
    });
    postView(flow, s, config.steps);
    postInside(flow, s);
    post({
      type: 'done',
      testNll: meanNegLogProb(flow, s.test),
      steps: result.steps,
      stopReason: result.stopReason,
      secondsPerStep: result.secondsPerStep,
    });
  } catch (e) {
    if (controller.signal.aborted) {
      postView(flow, s, 1);
      post({ type: 'stopped' });
    } else throw e;
  }
}

async function save(): Promise<void> {
  const flow = session?.flow;
  if (!session || !flow) throw new Error('there is no model to save yet: train or load one first');
  let files: Record<string, ArrayBuffer> = {};
  const { config } = session;
  await saveFlow(
    flow,
    tf.io.withSaveHandler(async (artifacts) => {
      files = modelFiles(artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { flow: config.flow, data: config.data, steps: config.steps, seed: config.seed, trainedIn: 'playground' },
  );
  post({ type: 'saved', files }, Object.values(files));
}

/** A handler that reads the dropped files through the project's URL loader (which checks model.json and its weights). */
function filesHandler(files: Record<string, ArrayBuffer>): tf.io.IOHandler {
  const base = 'https://playground.invalid/model/';
  return httpModelHandler(`${base}${MODEL_FILE}`, {
    fetch: async (url) => {
      const name = String(url).slice(base.length).split('?')[0] as string;
      const bytes = files[name === MODEL_FILE ? MODEL_FILE : WEIGHTS_FILE];
      return bytes ? new Response(bytes) : new Response(null, { status: 404 });
    },
  });
}

async function load(config: RunConfig, source: tf.io.IOHandler): Promise<void> {
  session = await prepare(config);
  const s = session;
  const { flow } = await loadFlow(source);
  s.flow = flow;
  postView(flow, s, 0);
  postInside(flow, s);
  post({ type: 'loaded', testNll: meanNegLogProb(flow, s.test), flow: flow.bijector.name });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const run = async (): Promise<void> => {
    if (message.type === 'start') await start(message.config);
    else if (message.type === 'stop') controller?.abort();
    else if (message.type === 'save') await save();
    else if (message.type === 'load') await load(message.config, filesHandler(message.files));
    else if (message.type === 'load-url') await load(message.config, httpModelHandler(message.url));
  };
  run().catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
