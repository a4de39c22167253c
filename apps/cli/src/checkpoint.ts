import type { FitState } from '@bijective/train';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';
import { lossCsv, parseLossCsv, type LossRow } from './loss-history.js';
import { UsageError } from './usage-error.js';

/** The format tag and version of `checkpoint.json`. */
const FORMAT = 'bijective-checkpoint';
const VERSION = 1;
const JSON_FILE = 'checkpoint.json';
const STATE_FILE = 'state.bin';
const HISTORY_FILE = 'loss.csv';

/** A resumable training run: the command line that started it, fit's state and the loss history so far. */
export interface Checkpoint {
  /** The `train` arguments of the run (paths made absolute), without `--resume`. */
  argv: string[];
  /** fit's state after `state.step` steps. */
  state: FitState;
  /** Loss history up to `state.step`. */
  history: LossRow[];
}

/** Where `train --out DIR` keeps its checkpoint: the sibling `DIR.checkpoint`. */
export function checkpointDirFor(modelDir: string): string {
  return `${modelDir.replace(/[\\/]+$/, '')}.checkpoint`;
}

/** The checkpoint directory `--resume DIR` names: DIR itself when it holds a checkpoint, else `DIR.checkpoint`. */
export function resolveCheckpointDir(dir: string): string {
  if (existsSync(path.join(dir, JSON_FILE))) return dir;
  const sibling = checkpointDirFor(dir);
  if (existsSync(path.join(sibling, JSON_FILE))) return sibling;
  throw new UsageError(`no checkpoint at '${dir}' (nor at '${sibling}'): nothing to resume`);
}

function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `files` as directory `dir`, atomically and synchronously (training runs synchronously):
 * into a hidden temporary sibling, each file fsynced, then swapped in by renames; an old `dir` is
 * replaced only after the new one is complete.
 */
export function writeDirectorySync(dir: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  const target = path.resolve(dir);
  mkdirSync(path.dirname(target), { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${tag}`);
  const aside = path.join(path.dirname(target), `.${path.basename(target)}.old-${tag}`);
  try {
    mkdirSync(temp);
    for (const [name, data] of files) writeFileSynced(path.join(temp, name), data);
    const hadOld = existsSync(target);
    if (hadOld) renameSync(target, aside);
    renameSync(temp, target);
    if (hadOld) rmSync(aside, { recursive: true, force: true });
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(aside)) renameSync(aside, target);
    throw e;
  }
}

/** The arrays of a state in file order: weights, each present Adam moment (m then v), best weights. */
function arraysOf(state: FitState): Float32Array[] {
  const moments = state.optimiser.moments.flatMap((mv) => (mv ? [mv.m, mv.v] : []));
  return [...state.weights, ...moments, ...(state.best?.weights ?? [])];
}

/** Writes a checkpoint directory atomically (`checkpoint.json`, `state.bin`, `loss.csv`). */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  const { state } = checkpoint;
  const arrays = arraysOf(state);
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let offset = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  const json = {
    format: FORMAT,
    version: VERSION,
    created: new Date().toISOString(),
    argv: checkpoint.argv,
    step: state.step,
    layout: {
      weights: state.weights.map((w) => w.length),
      moments: state.optimiser.moments.map((mv) => (mv ? mv.m.length : null)),
      best: state.best ? state.best.weights.map((w) => w.length) : null,
    },
    optimiser: { t: state.optimiser.t },
    sampler: state.sampler,
    best: state.best ? { nll: state.best.nll, step: state.best.step } : null,
    sinceImprovement: state.sinceImprovement,
    finalLoss: Number.isFinite(state.finalLoss) ? state.finalLoss : null,
    // The seconds the run has spent: a run on a time budget without --steps resumes its schedule there.
    seconds: state.seconds ?? 0,
  };
  writeDirectorySync(
    dir,
    new Map<string, string | Uint8Array>([
      [JSON_FILE, `${JSON.stringify(json, null, 2)}\n`],
      [STATE_FILE, bytes],
      [HISTORY_FILE, lossCsv(checkpoint.history)],
    ]),
  );
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Reads a checkpoint directory written by {@link writeCheckpoint}; any damage is a usage error naming the file. */
export function readCheckpoint(dir: string): Checkpoint {
  const jsonFile = path.join(dir, JSON_FILE);
  const bad = (why: string): never => {
    throw new UsageError(`checkpoint '${dir}' is unusable: ${why}`);
  };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return bad(`${JSON_FILE}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json !== 'object' || json === null || json.format !== FORMAT || json.version !== VERSION)
    bad(`${JSON_FILE} is not a ${FORMAT} version ${VERSION}`);
  const layout = json.layout as { weights?: unknown; moments?: unknown; best?: unknown } | undefined;
  const argv = json.argv;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
    return bad('argv is not a list of strings');
  if (!layout || !Array.isArray(layout.weights) || !layout.weights.every(isCount))
    return bad('bad layout.weights');
  if (!Array.isArray(layout.moments) || !layout.moments.every((m) => m === null || isCount(m)))
    return bad('bad layout.moments');
  if (layout.best !== null && (!Array.isArray(layout.best) || !layout.best.every(isCount)))
    return bad('bad layout.best');
  const sampler = json.sampler as { epoch?: unknown; position?: unknown } | undefined;
  const optimiser = json.optimiser as { t?: unknown } | undefined;
  const best = json.best as { nll?: unknown; step?: unknown } | null;
  if (
    !isCount(json.step) ||
    !isCount(optimiser?.t) ||
    !isCount(sampler?.epoch) ||
    !isCount(sampler?.position) ||
    !isCount(json.sinceImprovement)
  ) {
    return bad('bad step, optimiser, sampler or sinceImprovement');
  }
  // Checkpoints written before the field existed have no `seconds`: they count as 0 spent.
  const seconds = json.seconds === undefined ? 0 : json.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
    return bad('bad seconds (the time the run had spent)');
  if (
    (best === null) !== (layout.best === null) ||
    (best !== null && (typeof best.nll !== 'number' || !isCount(best.step)))
  ) {
    return bad('bad best-validation record');
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(dir, STATE_FILE));
  } catch (e) {
    return bad(`${STATE_FILE}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const sizes = [
    ...(layout.weights as number[]),
    ...(layout.moments as (number | null)[]).flatMap((m) => (m === null ? [] : [m, m])),
    ...((layout.best as number[] | null) ?? []),
  ];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== total * 4)
    bad(`${STATE_FILE} has ${bytes.byteLength} bytes, expected ${total * 4}`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const take = (n: number): Float32Array => all.slice(offset, (offset += n));
  const weights = (layout.weights as number[]).map(take);
  const moments = (layout.moments as (number | null)[]).map((m) =>
    m === null ? null : { m: take(m), v: take(m) },
  );
  const bestWeights = ((layout.best as number[] | null) ?? []).map(take);
  let history: LossRow[] = [];
  try {
    history = parseLossCsv(readFileSync(path.join(dir, HISTORY_FILE), 'utf8'), path.join(dir, HISTORY_FILE));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    bad(`${HISTORY_FILE}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    argv: argv as string[],
    history,
    state: {
      step: json.step,
      weights,
      optimiser: { t: optimiser!.t as number, moments },
      sampler: { epoch: sampler!.epoch as number, position: sampler!.position as number },
      best:
        best === null ? null : { nll: best.nll as number, step: best.step as number, weights: bestWeights },
      sinceImprovement: json.sinceImprovement as number,
      finalLoss: typeof json.finalLoss === 'number' ? json.finalLoss : NaN,
      seconds,
    },
  };
}
