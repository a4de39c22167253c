/**
 * The playground page: reads settings from the form (filled from the URL), runs training in a
 * module Web Worker, and draws what the worker reports. `<body data-state>` says where a run is
 * (`idle`, `training`, `done`, `error`), with `data-test-nll` and `data-error` for tools.
 * @module
 */
import { drawCurve, drawDensity, drawInside } from './draw.js';
import { readUrl } from './params.js';
import { BACKENDS, DATASETS, FAMILIES, type FromWorker, type RunConfig, type View } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const density = $<HTMLCanvasElement>('density');
const curve = $<HTMLCanvasElement>('curve');
const body = document.body;

function fill(name: string, values: readonly string[]): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  for (const v of values) select.add(new Option(v, v));
}
fill('data', DATASETS);
fill('flow', FAMILIES);
fill('backend', BACKENDS);

const field = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;
const setField = (name: string, value: string): void => {
  (form.elements.namedItem(name) as HTMLInputElement).value = value;
};

function config(): RunConfig {
  return {
    flow: field('flow'),
    data: field('data'),
    steps: Number(field('steps')),
    learningRate: Number(field('lr')),
    layers: Number(field('layers')),
    hidden: Number(field('hidden')),
    batchSize: Number(field('batch')),
    seed: Number(field('seed')),
    backend: field('backend'),
    wasmPaths: new URL('wasm/', document.baseURI).href,
  };
}

// What is on screen.
let view: View | undefined;
let data: Float32Array | undefined;
let extent: [number, number, number, number] | undefined;
let loss: [number, number][] = [];
let validation: [number, number][] = [];
let totalSteps = 1;
const show = { data: true, samples: true };

function redraw(): void {
  drawDensity(density, view, data, extent, show);
  drawCurve(curve, loss, validation, totalSteps);
}

function setState(state: 'idle' | 'training' | 'done' | 'error', message = ''): void {
  body.dataset.state = state;
  $('train').toggleAttribute('disabled', state === 'training');
  $('stop').toggleAttribute('disabled', state !== 'training');
  $('save').toggleAttribute('disabled', state === 'training' || view === undefined);
  if (state === 'error') body.dataset.error = message;
  else delete body.dataset.error;
  $('message').textContent = message;
}

// Frame times while training: the page's responsiveness, reported as the 95th percentile.
let frames: number[] = [];
let lastFrame = performance.now();
function frame(now: number): void {
  if (body.dataset.state === 'training') frames.push(now - lastFrame);
  lastFrame = now;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
function frameP95(): number {
  const sorted = [...frames].sort((a, b) => a - b);
  return sorted[Math.floor(0.95 * (sorted.length - 1))] ?? NaN;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onerror = (e) => setState('error', e.message || 'the training worker failed to start');
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'backend':
      $('backend').textContent = m.name + (m.skipped.length ? ` (skipped ${m.skipped.join('; ')})` : '');
      body.dataset.backend = m.name;
      break;
    case 'data':
      data = m.points;
      extent = m.extent;
      redraw();
      break;
    case 'progress': {
      totalSteps = m.totalSteps;
      loss.push(...m.losses);
      validation.push(...m.validations);
      const lastLoss = loss.at(-1)?.[1];
      const lastValidation = validation.at(-1)?.[1];
      if (lastValidation !== undefined) $('val').textContent = lastValidation.toFixed(3);
      if (lastLoss !== undefined) $('loss').textContent = lastLoss.toFixed(3);
      $('step').textContent = `${m.step} / ${m.totalSteps}`;
      $('speed').textContent = m.stepsPerSecond.toFixed(1);
      drawCurve(curve, loss, validation, totalSteps);
      break;
    }
    case 'view':
      view = m;
      redraw();
      break;
    case 'done':
      $('test').textContent = m.testNll.toFixed(4);
      $('frames').textContent = `${frameP95().toFixed(1)} ms`;
      body.dataset.testNll = String(m.testNll);
      body.dataset.framesP95 = String(frameP95());
      body.dataset.stepsPerSecond = String(1 / m.secondsPerStep);
      body.dataset.loss = JSON.stringify([loss[0]?.[1], loss.at(-1)?.[1]]);
      setState('done', `${m.stopReason} after ${m.steps} steps`);
      break;
    case 'inside':
      drawInside($<HTMLCanvasElement>('inside'), m);
      body.dataset.insideStages = String(m.data.length);
      break;
    case 'stopped':
      setState('idle', 'stopped');
      break;
    case 'saved':
      for (const [name, bytes] of Object.entries(m.files)) {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([bytes]));
        a.download = name;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      }
      $('message').textContent = 'saved model.json and weights.bin';
      break;
    case 'loaded':
      $('test').textContent = m.testNll.toFixed(4);
      body.dataset.testNll = String(m.testNll);
      setState('done', `loaded a ${m.flow} model; test NLL on ${field('data')}`);
      break;
    case 'error':
      setState('error', m.message);
      break;
  }
};

function start(): void {
  loss = [];
  validation = [];
  frames = [];
  view = undefined;
  delete body.dataset.testNll;
  $('test').textContent = '-';
  setState('training', 'training');
  worker.postMessage({ type: 'start', config: config() });
}

async function loadFiles(files: FileList | File[]): Promise<void> {
  const contents: Record<string, ArrayBuffer> = {};
  for (const f of Array.from(files))
    contents[f.name.endsWith('.json') ? 'model.json' : 'weights.bin'] = await f.arrayBuffer();
  if (!contents['model.json'] || !contents['weights.bin']) {
    setState('error', 'load a model by choosing or dropping both its model.json and its weights.bin');
    return;
  }
  loss = [];
  validation = [];
  setState('training', 'loading');
  worker.postMessage({ type: 'load', config: config(), files: contents }, Object.values(contents));
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
$('stop').addEventListener('click', () => worker.postMessage({ type: 'stop' }));
$('save').addEventListener('click', () => worker.postMessage({ type: 'save' }));
$<HTMLInputElement>('load').addEventListener('change', (e) => {
  const files = (e.target as HTMLInputElement).files;
  if (files) void loadFiles(files);
});
for (const [id, key] of [
  ['show-samples', 'samples'],
  ['show-data', 'data'],
] as const) {
  $<HTMLInputElement>(id).addEventListener('change', (e) => {
    show[key] = (e.target as HTMLInputElement).checked;
    redraw();
  });
}
// How long a click waited for this page's main thread (event creation to handler), for tools and tests.
document.addEventListener('click', (e) => {
  body.dataset.clickDelayMs = String(Math.max(0, performance.now() - e.timeStamp));
});
body.addEventListener('dragover', (e) => {
  e.preventDefault();
  body.classList.add('dragging');
});
body.addEventListener('dragleave', () => body.classList.remove('dragging'));
body.addEventListener('drop', (e) => {
  e.preventDefault();
  body.classList.remove('dragging');
  if (e.dataTransfer?.files.length) void loadFiles(e.dataTransfer.files);
});

try {
  const { fields, autostart, model } = readUrl(location.search);
  for (const [name, value] of Object.entries(fields)) setField(name, value);
  redraw();
  if (model) {
    setState('training', 'loading');
    worker.postMessage({ type: 'load-url', config: config(), url: new URL(model, location.href).href });
  } else if (autostart) start();
} catch (e) {
  setState('error', e instanceof Error ? e.message : String(e));
}
