/**
 * The playground page: builds its model form from the registry (every flow family's option schema,
 * the base distributions, as the worker lists them), reads settings from the form (filled from the
 * URL), runs training in a module Web Worker, and draws what the worker reports. The data are a
 * 2-D toy, points drawn on the density canvas, or a CSV file dropped on the page. `<body data-state>`
 * says where a run is (`idle`, `training`, `done`, `error`), with `data-test-nll` and `data-error`
 * for tools.
 * @module
 */
import { drawCurve, drawDensity, drawInside } from './draw.js';
import { renderOptions, readOptions } from './option-form.js';
import { readUrl } from './params.js';
import { BACKENDS, DATASETS, type FromWorker, type OwnData, type RunConfig, type View } from './protocol.js';
import type { BaseInfo, FamilyInfo } from './registry-info.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const density = $<HTMLCanvasElement>('density');
const curve = $<HTMLCanvasElement>('curve');
const optionsBox = $<HTMLFieldSetElement>('flow-options');
const body = document.body;
/** The window in which points are drawn (data units). */
const DRAW_EXTENT: [number, number, number, number] = [-4, 4, -4, 4];
/** Points added per pointer event while drawing, and their spread around the pointer (data units). */
const SPRAY = { points: 3, spread: 0.12 };
/** The family the form starts with. */
const DEFAULT_FLOW = 'realnvp';

const select = (name: string): HTMLSelectElement => form.elements.namedItem(name) as HTMLSelectElement;
function fill(name: string, values: readonly string[]): void {
  for (const v of values) select(name).add(new Option(v, v));
}
fill('data', [...DATASETS, 'drawn']);
fill('backend', BACKENDS);

const field = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;
const setField = (name: string, value: string): void => {
  (form.elements.namedItem(name) as HTMLInputElement).value = value;
};

let families: FamilyInfo[] = [];
let bases: BaseInfo[] = [];
/** Points drawn on the canvas, x0, y0, x1, y1, ... (data units). */
let drawn: number[] = [];
/** The CSV file dropped last. */
let csv: { name: string; text: string } | undefined;

function ownData(): OwnData | undefined {
  const data = field('data');
  if (data === 'drawn') return { kind: 'drawn', points: Float32Array.from(drawn) };
  if (data === 'csv' && csv) return { kind: 'csv', ...csv };
  return undefined;
}

function config(): RunConfig {
  const own = ownData();
  return {
    flow: field('flow'),
    flowOptions: readOptions(optionsBox),
    base: field('base'),
    data: field('data'),
    ...(own ? { own } : {}),
    steps: Number(field('steps')),
    learningRate: Number(field('lr')),
    batchSize: Number(field('batch')),
    seed: Number(field('seed')),
    backend: field('backend'),
    wasmPaths: new URL('wasm/', document.baseURI).href,
  };
}

/** Shows the chosen family's description, its options from its schema, and what it recommends. */
function showFamily(values: Readonly<Record<string, string>> = {}): void {
  const family = families.find((f) => f.name === field('flow'));
  if (!family) return;
  renderOptions(optionsBox, family, values);
  const r = family.recommended;
  const recommended = r
    ? ` Recommended: ${[
        r.base && `base ${r.base}`,
        r.learningRate && `learning rate ${r.learningRate}`,
        r.batchSize && `batch ${r.batchSize}`,
        r.steps && `${r.steps} steps`,
      ]
        .filter(Boolean)
        .join(', ')}.`
    : '';
  $('flow-note').textContent = `${family.description}.${recommended}`;
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
  const drawing = field('data') === 'drawn' && body.dataset.state !== 'training';
  density.classList.toggle('drawing', field('data') === 'drawn');
  if (drawing && !view) drawDensity(density, undefined, Float32Array.from(drawn), DRAW_EXTENT, show);
  else drawDensity(density, view, data, extent, show);
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

/** Fills the form from the registry, then from the URL, and starts what the URL asks for. */
function ready(): void {
  const flows = select('flow');
  for (const f of families) {
    const option = new Option(f.unavailable ? `${f.name} (${f.unavailable})` : f.name, f.name);
    option.disabled = f.unavailable !== undefined;
    flows.add(option);
  }
  flows.value = DEFAULT_FLOW;
  try {
    const url = readUrl(location.search, families, bases, DEFAULT_FLOW);
    for (const [name, value] of Object.entries(url.fields)) setField(name, value);
    showFamily(url.options);
    redraw();
    body.dataset.ready = 'true';
    if (url.model) {
      setState('training', 'loading');
      worker.postMessage({ type: 'load-url', config: config(), url: new URL(url.model, location.href).href });
    } else if (url.autostart) start();
  } catch (e) {
    showFamily();
    body.dataset.ready = 'true';
    setState('error', e instanceof Error ? e.message : String(e));
  }
}
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onerror = (e) => setState('error', e.message || 'the training worker failed to start');
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'registry':
      families = m.families;
      bases = m.bases;
      for (const b of bases) select('base').add(new Option(b.name, b.name));
      setField('base', 'standard-normal');
      ready();
      break;
    case 'backend':
      $('backend').textContent = m.name + (m.skipped.length ? ` (skipped ${m.skipped.join('; ')})` : '');
      body.dataset.backend = m.name;
      break;
    case 'data': {
      data = m.points;
      extent = m.extent;
      const [train, val, test] = m.rows;
      $('data-info').textContent =
        `${train} / ${val} / ${test} rows (train / validation / test), ${m.cols} columns` +
        (m.cols > 2 ? '; pictures show the first two, no heat map' : '');
      body.dataset.cols = String(m.cols);
      redraw();
      break;
    }
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
  delete body.dataset.insideStages;
  $('test').textContent = '-';
  setState('training', 'training');
  worker.postMessage({ type: 'start', config: config() });
}

async function loadFiles(files: File[]): Promise<void> {
  const contents: Record<string, ArrayBuffer> = {};
  for (const f of files)
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

/** A dropped CSV file becomes the data: its first two columns are shown at once, all of them trained. */
async function loadCsv(file: File): Promise<void> {
  csv = { name: file.name, text: await file.text() };
  const data = select('data');
  const existing = Array.from(data.options).find((o) => o.value === 'csv');
  if (existing) existing.text = `CSV: ${file.name}`;
  else data.add(new Option(`CSV: ${file.name}`, 'csv'));
  data.value = 'csv';
  view = undefined;
  setState('idle', `${file.name}: press Train to fit it`);
  worker.postMessage({ type: 'preview', config: config() });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
select('flow').addEventListener('change', () => showFamily());
select('data').addEventListener('change', () => {
  view = undefined;
  data = undefined;
  redraw();
});
$('stop').addEventListener('click', () => worker.postMessage({ type: 'stop' }));
$('save').addEventListener('click', () => worker.postMessage({ type: 'save' }));
$('clear').addEventListener('click', () => {
  drawn = [];
  view = undefined;
  redraw();
});
$<HTMLInputElement>('load').addEventListener('change', (e) => {
  const files = (e.target as HTMLInputElement).files;
  if (files) void loadFiles(Array.from(files));
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

// Drawing: with data "drawn" (chosen by the first stroke), a click or a drag sprays points.
let painting = false;
function paint(e: PointerEvent): void {
  const box = density.getBoundingClientRect();
  const [x0, x1, y0, y1] = DRAW_EXTENT;
  const x = x0 + ((e.clientX - box.left) / box.width) * (x1 - x0);
  const y = y1 - ((e.clientY - box.top) / box.height) * (y1 - y0);
  for (let i = 0; i < SPRAY.points; i++) {
    // Box-Muller: a Gaussian spray around the pointer.
    const r = SPRAY.spread * Math.sqrt(-2 * Math.log(1 - Math.random()));
    const a = 2 * Math.PI * Math.random();
    drawn.push(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  body.dataset.drawnPoints = String(drawn.length / 2);
  redraw();
}
density.addEventListener('pointerdown', (e) => {
  if (body.dataset.state === 'training') return;
  if (field('data') !== 'drawn') {
    setField('data', 'drawn');
    view = undefined;
  }
  if (view) {
    // A new stroke after a run draws over the points, not over the trained model.
    view = undefined;
  }
  painting = true;
  density.setPointerCapture(e.pointerId);
  paint(e);
});
density.addEventListener('pointermove', (e) => painting && paint(e));
density.addEventListener('pointerup', () => (painting = false));

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
  const files = Array.from(e.dataTransfer?.files ?? []);
  const table = files.find((f) => /\.(csv|tsv|txt)$/i.test(f.name) || f.type === 'text/csv');
  if (table) void loadCsv(table);
  else if (files.length) void loadFiles(files);
});
