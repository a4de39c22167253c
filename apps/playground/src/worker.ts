/**
 * The training worker: builds the dataset and flow a run asks for, trains it with `fitAsync`
 * (which hands this worker's event loop a turn between steps, so a `stop` message is heard), and
 * posts progress, density pictures and the final test NLL to the page.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Affine,
  Chain,
  Flow,
  create,
  createByName,
  flowStages,
  httpModelHandler,
  loadFlow,
  saveFlow,
  useBackend,
} from '@bijective/core';
import {
  fitStandardisation,
  parseCsv,
  splitTable,
  type GenerativeDataset,
  type Table,
} from '@bijective/datasets';
import { fitAsync, meanNegLogProb } from '@bijective/train';
import './families.js';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/backend-webgl';
import '@bijective/backend-webgpu';
import type { FromWorker, OwnData, RunConfig, ToWorker, View } from './protocol.js';
import { modelFiles, MODEL_FILE, WEIGHTS_FILE } from './model-files.js';
import { describeBases, describeFamilies, flowOptions } from './registry-info.js';
import { solvesOde } from './solves-ode.js';

const TRAIN_ROWS = 200_000;
const TEST_ROWS = 20_000;
/** Fewest rows of the user's own data: enough to hold out validation and test rows. */
const MIN_OWN_ROWS = 20;
const PROGRESS_EVERY_MS = 50;
/** Density pictures: the grid's side and the time between them, smaller and rarer for an ODE flow, which also validates and tests on fewer rows. */
const FAST = { grid: 64, viewEveryMs: 300 };
const SLOW = { grid: 32, viewEveryMs: 2000, validationRows: 1000, testRows: 2000 };

interface Session {
  config: RunConfig;
  flow?: Flow;
  train: tf.Tensor2D;
  /** The training rows as a table (for the standardisation). */
  trainTable: Table;
  validation: tf.Tensor2D;
  test: tf.Tensor2D;
  extent: [number, number, number, number];
  /** Side of the density grid (0: no heat map, the data have more than two columns). */
  grid: number;
}

let session: Session | undefined;
let controller: AbortController | undefined;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

/** The first two columns of the first `rows` rows of a row-major table with `cols` columns. */
function firstTwo(data: Float32Array, cols: number, rows = data.length / cols): Float32Array {
  const n = Math.min(rows, data.length / cols);
  const out = new Float32Array(2 * n);
  for (let r = 0; r < n; r++) {
    out[2 * r] = data[r * cols] as number;
    out[2 * r + 1] = data[r * cols + 1] as number;
  }
  return out;
}

/** The user's own rows as a table: drawn points, or a dropped CSV file (one clear message when bad). */
function ownTable(own: OwnData): Table {
  const table: Table =
    own.kind === 'drawn'
      ? { data: own.points, rows: own.points.length / 2, cols: 2, columns: ['x', 'y'] }
      : parseCsv(own.text, { source: own.name });
  const what = own.kind === 'drawn' ? 'drawn data' : own.name;
  if (table.cols < 2)
    throw new Error(`${what}: ${table.cols} column; the page plots the first two, so it needs at least 2`);
  if (table.rows < MIN_OWN_ROWS)
    throw new Error(
      `${what}: ${table.rows} rows; the page needs at least ${MIN_OWN_ROWS} (10% are held out for validation and 10% for testing)`,
    );
  return table;
}

/** A square window around the points (n x 2) with a 15% margin. */
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

/** The run's training, validation and test rows; posts the first two columns of the training rows. */
function splitsOf(config: RunConfig): {
  train: Table;
  validation: Table | null;
  test: Table | null;
  extent: [number, number, number, number];
} {
  const splits = config.own
    ? splitTable(ownTable(config.own), { seed: config.seed, validationFraction: 0.1, testFraction: 0.1 })
    : // The CLI's draws (apps/cli: 200000 training and validation rows, 20000 test rows), so that the
      // page's test NLL compares with `bijective train`'s.
      (create('dataset', config.data as 'moons', {}) as GenerativeDataset).splits({
        seed: config.seed,
        validationFraction: 0.1,
        size: TRAIN_ROWS,
        testSize: TEST_ROWS,
      });
  const { train, validation, test } = splits;
  const cols = train.cols;
  const extent = extentOf(firstTwo(train.data, cols, 5000));
  post({
    type: 'data',
    points: firstTwo(train.data, cols, 1000),
    extent,
    cols,
    rows: [train.rows, validation?.rows ?? 0, test?.rows ?? 0],
  });
  return { train, validation, test, extent };
}

async function prepare(config: RunConfig): Promise<Session> {
  const names = [...new Set([config.backend, 'wasm', 'cpu'])];
  const choice = await useBackend(names, { wasm: { wasmPaths: config.wasmPaths } });
  post({
    type: 'backend',
    name: tf.getBackend(),
    skipped: choice.skipped.map((s) => `${s.name}: ${s.reason}`),
  });
  const { train, validation, test, extent } = splitsOf(config);
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
    grid: train.cols === 2 ? FAST.grid : 0,
  };
}

/** log p on a grid x grid lattice over the session's window (two columns only), and 500 samples. */
function view(flow: Flow, s: Session, seed: number): View {
  const [x0, x1, y0, y1] = s.extent;
  const size = s.grid;
  const points = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      points[2 * (r * size + c)] = x0 + ((c + 0.5) / size) * (x1 - x0);
      points[2 * (r * size + c) + 1] = y1 - ((r + 0.5) / size) * (y1 - y0);
    }
  }
  const cols = s.train.shape[1];
  const [grid, samples] = tf.tidy(() => [
    size > 0
      ? Float32Array.from(flow.logProb(tf.tensor2d(points, [size * size, 2])).dataSync())
      : new Float32Array(0),
    firstTwo(flow.sample(500, { seed }).dataSync() as Float32Array, cols),
  ]);
  return { size, extent: s.extent, grid, samples };
}

function postView(flow: Flow, s: Session, seed: number): void {
  const v = view(flow, s, seed);
  post({ type: 'view', ...v }, [v.grid.buffer, v.samples.buffer]);
}

/**
 * "See inside" (core's `flowStages`): 500 test rows pushed link by link to the base, and 500 base
 * samples pulled link by link to the data, each stage's first two columns.
 */
function postInside(flow: Flow, s: Session): void {
  const rows = Math.min(500, s.test.shape[0]);
  const project = (states: tf.Tensor[]): Float32Array[] =>
    states.map((t) => firstTwo(t.dataSync() as Float32Array, t.shape[1] as number));
  const pushed = flowStages(flow, tf.slice(s.test, 0, rows));
  const data = project(pushed.states);
  tf.dispose(pushed.states);
  const z = flow.base.sample(500, { seed: 7 });
  const pulled = flowStages(flow, z, { direction: 'forward' });
  z.dispose();
  // Drawn in the order of the data's stages (data side first), so panel k shows both at one stage.
  const samples = project(pulled.states).reverse();
  tf.dispose(pulled.states);
  post(
    { type: 'inside', data, samples, links: pushed.links },
    [...data, ...samples].map((a) => a.buffer),
  );
}

/** Builds the run's flow, as `bijective train` does: base, the family (on standardised data), then the map to data units. */
function buildFlow(config: RunConfig, s: Session): Flow {
  const family = describeFamilies().find((f) => f.name === config.flow);
  if (!family) {
    const known = describeFamilies().map((f) => f.name);
    throw new Error(`unknown flow '${config.flow}'; registered: ${known.join(', ')}`);
  }
  if (family.unavailable) throw new Error(`${family.name} ${family.unavailable}`);
  const d = s.train.shape[1];
  const options = { ...flowOptions(family, config.flowOptions), eventShape: [d], seed: config.seed };
  // The flow acts on standardised data and a fixed affine map x = std * z + mean (fitted on the
  // training rows) takes it to data units, so log p includes it.
  const standardisation = fitStandardisation(s.trainTable);
  const core = createByName('bijector', config.flow, options);
  try {
    return new Flow(
      createByName('distribution', config.base, { eventShape: [...core.eventShape] }),
      new Chain([
        core,
        new Affine({
          eventShape: [d],
          shift: [...standardisation.mean],
          scale: [...standardisation.std],
          minScale: Math.min(...standardisation.std) * 1e-3,
          trainable: false,
        }),
      ]),
    );
  } catch (e) {
    core.dispose();
    throw e;
  }
}

/** The first `rows` rows of `t` as a new tensor, `t` disposed (or `t` itself when it has no more). */
function cut(t: tf.Tensor2D, rows: number): tf.Tensor2D {
  if (t.shape[0] <= rows) return t;
  const head = tf.slice(t, 0, rows);
  t.dispose();
  return head;
}

async function start(config: RunConfig): Promise<void> {
  session = await prepare(config);
  const s = session;
  const flow = buildFlow(config, s);
  s.flow = flow;
  let viewEveryMs = FAST.viewEveryMs;
  if (solvesOde(flow, s.train)) {
    s.validation = cut(s.validation, SLOW.validationRows);
    s.test = cut(s.test, SLOW.testRows);
    if (s.grid > 0) s.grid = SLOW.grid;
    viewEveryMs = SLOW.viewEveryMs;
  }
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
        if (now - lastView > viewEveryMs) {
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
    } else if (e instanceof Error && e.message.startsWith('Cannot compute gradient')) {
      // tfjs's words for an op without a gradient (flow matching draws its path's start from the
      // base, and a gaussian-mixture base samples through Multinomial): say which choice caused it.
      throw new Error(
        `${config.flow} cannot train with the ${config.base} base here (${e.message}); choose standard-normal`,
      );
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
    {
      flow: config.flow,
      base: config.base,
      data: config.own?.kind === 'csv' ? config.own.name : config.data,
      steps: config.steps,
      seed: config.seed,
      trainedIn: 'playground',
    },
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
  if (solvesOde(flow, s.train)) {
    s.test = cut(s.test, SLOW.testRows);
    if (s.grid > 0) s.grid = SLOW.grid;
  }
  postView(flow, s, 0);
  postInside(flow, s);
  post({ type: 'loaded', testNll: meanNegLogProb(flow, s.test), flow: flow.bijector.name });
}

post({ type: 'registry', families: describeFamilies(), bases: describeBases() });

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const run = async (): Promise<void> => {
    if (message.type === 'start') await start(message.config);
    else if (message.type === 'stop') controller?.abort();
    else if (message.type === 'preview') splitsOf(message.config);
    else if (message.type === 'save') await save();
    else if (message.type === 'load') await load(message.config, filesHandler(message.files));
    else if (message.type === 'load-url') await load(message.config, httpModelHandler(message.url));
  };
  run().catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
