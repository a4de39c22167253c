import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import {
  BijectiveError,
  listRegistered,
  previewJson,
  saveFlow,
  type Flow,
  type LoadedFlow,
} from '@bijective/core';

/** The fast-check seed of the model-file fuzz suites (issue #13), so that every run is reproducible. */
export const MODEL_FUZZ_SEED = 0x13f17e;

/** Numbers a hostile file puts where sizes, counts and options are expected. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    2,
    3,
    0.5,
    -1.5,
    1e-300,
    1e300,
    Number.MAX_VALUE,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    4097,
    65_537,
    1e6,
    1e9,
    -1e9,
    3000,
  ),
  fc.integer({ min: -4, max: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Property names that trip naive lookups (`obj[key]`), and near-miss option names. */
export const hostileKey: fc.Arbitrary<string> = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  'name',
  'options',
  'eventShape',
  'bijectors',
  'bijector',
  'hidden',
  'layers',
  'seed',
  'x'.repeat(300),
);

/** Strings: registry names (registered now, unknown, prototype keys), empty, long and odd text. */
export function hostileString(): fc.Arbitrary<string> {
  const registered = [
    ...listRegistered('bijector').map((l) => l.name),
    ...listRegistered('distribution').map((l) => l.name),
  ];
  return fc.oneof(
    hostileKey,
    fc.constantFrom(...(registered.length > 0 ? registered : ['chain'])),
    fc.constantFrom('relu', 'elu', 'tanh', 'random', 'reverse', 'checkerboard', 'float32', 'int32', 'bool'),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('x'.repeat(100_000), '\u0000', '\uFFFD\uD800', 'é∂😀', '../../../../etc/passwd'),
  );
}

/** Any JSON value a hostile model file may hold, including deep and large ones. */
export function hostileJson(): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileNumber,
      hostileString(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 3 }).map(ownKeys),
      fc
        .constantFrom<(() => unknown)[]>(
          () => deepArray(100),
          () => deepArray(3000),
          () => new Array<number>(20_000).fill(1),
          () => [2 ** 20, 2 ** 20],
          () => [1e9],
          () => [0],
          () => [],
          () => ({}),
        )
        .map((make) => make()),
    ),
  }));
  return value;
}

/** A plain object holding `entries` as own properties (`__proto__` included, as JSON.parse makes it). */
function ownKeys(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `[[[...]]]` nested `depth` deep. */
export function deepArray(depth: number): unknown[] {
  let v: unknown[] = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** One edit of a JSON document at the node with index `at` (modulo the number of nodes, depth-first). */
export type JsonEdit =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'rename'; at: number; name: string }
  | { op: 'wrap'; at: number; depth: number };

/** Random edits of a JSON document: replace, delete, add a key, rename a component, wrap one in chains. */
export function jsonEdits(maxEdits = 3): fc.Arbitrary<JsonEdit[]> {
  const at = fc.nat();
  const edit: fc.Arbitrary<JsonEdit> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: hostileJson() }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), at }), weight: 2 },
    {
      arbitrary: fc.record({ op: fc.constant('add' as const), at, key: hostileKey, value: hostileJson() }),
      weight: 2,
    },
    { arbitrary: fc.record({ op: fc.constant('rename' as const), at, name: hostileString() }), weight: 2 },
    {
      arbitrary: fc.record({
        op: fc.constant('wrap' as const),
        at,
        depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(3000)),
      }),
      weight: 1,
    },
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}

interface Slot {
  holder: Record<string, unknown> | unknown[] | null;
  key: string | number | null;
  value: unknown;
}

/** Every node of `doc` depth-first (iteratively), with where it is held. */
function slots(doc: unknown): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ holder: null, key: null, value: doc }];
  while (stack.length > 0 && out.length < 100_000) {
    const slot = stack.pop() as Slot;
    out.push(slot);
    const v = slot.value;
    if (Array.isArray(v)) {
      if (v.length > 50) continue;
      for (let i = v.length - 1; i >= 0; i--) stack.push({ holder: v, key: i, value: v[i] });
    } else if (typeof v === 'object' && v !== null) {
      const record = v as Record<string, unknown>;
      for (const k of Object.keys(record).reverse()) stack.push({ holder: record, key: k, value: record[k] });
    }
  }
  return out;
}

/** Sets `holder[key]` as an own data property (so that `__proto__` stays a plain key). */
function put(holder: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies `edits` to a copy of the JSON document `doc` and returns the copy (the root may be replaced). */
export function applyJsonEdits(doc: unknown, edits: readonly JsonEdit[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const edit of edits) {
    const all = slots(root);
    const slot = all[edit.at % all.length] as Slot;
    const set = (value: unknown) => {
      if (slot.holder === null) root = value;
      else put(slot.holder, slot.key as string | number, value);
    };
    switch (edit.op) {
      case 'replace':
        set(edit.value);
        break;
      case 'delete':
        if (Array.isArray(slot.holder)) slot.holder.splice(slot.key as number, 1);
        else if (slot.holder !== null) delete slot.holder[slot.key as string];
        break;
      case 'add':
        if (Array.isArray(slot.value)) slot.value.push(edit.value);
        else if (typeof slot.value === 'object' && slot.value !== null) {
          put(slot.value as Record<string, unknown>, edit.key, edit.value);
        } else set({ [edit.key]: edit.value });
        break;
      case 'rename': {
        const component = all.slice(all.indexOf(slot)).find((s) => isComponentLike(s.value));
        if (component) (component.value as Record<string, unknown>).name = edit.name;
        break;
      }
      case 'wrap': {
        const component = all.slice(all.indexOf(slot)).find((s) => isComponentLike(s.value));
        const target = component ?? slot;
        let wrapped = target.value;
        for (let i = 0; i < edit.depth; i++) wrapped = { name: 'chain', options: { bijectors: [wrapped] } };
        if (target.holder === null) root = wrapped;
        else put(target.holder, target.key as string | number, wrapped);
        break;
      }
    }
  }
  return root;
}

function isComponentLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

/**
 * JSON text of `value` without recursion limits (deep documents are what the fuzz suites need;
 * `JSON.stringify` overflows the stack on them). Keys appear as own properties, `__proto__` included.
 */
export function jsonText(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Token) out.push(v.text);
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push(CLOSE_ARRAY);
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i] === undefined ? null : v[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      stack.push(CLOSE_OBJECT);
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push(record[k]);
        stack.push(new Token(`${JSON.stringify(k)}:`));
        if (i > 0) stack.push(COMMA);
      }
    } else out.push(JSON.stringify(v) ?? 'null');
  }
  return out.join('');
}

/** Literal text in {@link jsonText}'s work stack. */
class Token {
  constructor(readonly text: string) {}
}
const CLOSE_ARRAY = new Token(']');
const CLOSE_OBJECT = new Token('}');
const COMMA = new Token(',');

/** One edit of a model file's text (what a truncated download or a hand edit does). */
export type TextEdit =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; byte: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'bom' };

/** Random byte-level edits of a document's text. */
export function textEdits(): fc.Arbitrary<TextEdit[]> {
  const edit: fc.Arbitrary<TextEdit> = fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom(
        '1e400',
        '-1e400',
        ',',
        '"',
        '{',
        ']',
        '\u0000',
        '\uFEFF',
        '"__proto__":{},',
        'NaN',
      ),
    }),
    fc.constant({ op: 'bom' as const }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 3 });
}

/** Applies byte-level edits to UTF-8 bytes. */
export function applyTextEdits(bytes: Uint8Array, edits: readonly TextEdit[]): Uint8Array {
  let out = bytes;
  for (const e of edits) {
    if (e.op === 'truncate') out = out.slice(0, e.at % (out.length + 1));
    else if (e.op === 'flip') {
      out = out.slice();
      if (out.length > 0) out[e.at % out.length] = e.byte;
    } else if (e.op === 'insert') {
      const at = e.at % (out.length + 1);
      const text = new TextEncoder().encode(e.text);
      const next = new Uint8Array(out.length + text.length);
      next.set(out.subarray(0, at));
      next.set(text, at);
      next.set(out.subarray(at), at + text.length);
      out = next;
    } else {
      const next = new Uint8Array(out.length + 3);
      next.set([0xef, 0xbb, 0xbf]);
      next.set(out, 3);
      out = next;
    }
  }
  return out;
}

/** A saved flow as the two files of a model directory: `model.json`'s document and the weight bytes. */
export interface SavedModel {
  /** The `model.json` document. */
  modelJson: Record<string, unknown>;
  /** The weights (`weights.bin`). */
  weights: Uint8Array;
}

/** Saves `flow` in memory and returns its model directory's `model.json` document and weights. */
export async function saveToMemory(flow: Flow, metadata: Record<string, never> = {}): Promise<SavedModel> {
  let captured: tf.io.ModelArtifacts | undefined;
  await saveFlow(
    flow,
    {
      save: async (artifacts) => {
        captured = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      },
    },
    metadata,
  );
  const a = captured as tf.io.ModelArtifacts;
  const topology = a.modelTopology as Record<string, unknown>;
  const data = a.weightData ?? new ArrayBuffer(0);
  return {
    modelJson: {
      format: topology.format,
      formatVersion: topology.formatVersion,
      flow: topology.flow,
      metadata: a.userDefinedMetadata ?? {},
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
    },
    weights: new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data),
  };
}

/** What loading one fuzzed input came to. */
export type LoadOutcome = 'loaded' | 'refused';

/** What {@link checkLoadOutcome} requires of a refusal and of the load as a whole. */
export interface LoadExpectations {
  /** Text every error message must contain (the file or URL it names). */
  names?: string;
  /** Milliseconds one load may take (a hang otherwise). Default 10000. */
  maxMs?: number;
  /** Longest acceptable error message. Default 2000 characters. */
  maxMessage?: number;
}

/** Errors that mean a bug when they surface, even wrapped as the `cause` of a typed error. */
function isInternal(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError;
}

/**
 * Runs one load of a fuzzed input and checks the guarantees of issue #13: it ends in a loaded flow
 * whose variables are all finite, or in a `BijectiveError` whose message names the file and the
 * problem (not wrapping a TypeError, RangeError or ReferenceError), within `maxMs`, leaving no
 * tensor behind. Throws an Error describing the violation; returns the outcome otherwise.
 */
export async function checkLoadOutcome(
  load: () => Promise<LoadedFlow>,
  expectations: LoadExpectations = {},
): Promise<LoadOutcome> {
  const { names, maxMs = 10_000, maxMessage = 2000 } = expectations;
  const before = tf.memory().numTensors;
  const start = performance.now();
  let loaded: LoadedFlow;
  try {
    loaded = await load();
  } catch (e) {
    const ms = performance.now() - start;
    if (!(e instanceof BijectiveError)) {
      throw new Error(`internal failure: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, {
        cause: e,
      });
    }
    if (isInternal(e.cause)) {
      const cause = e.cause as Error;
      throw new Error(
        `typed error wrapping an internal failure (${cause.name}: ${cause.message}): ${e.message}`,
      );
    }
    if (e.message.length === 0 || e.message.length > maxMessage) {
      throw new Error(`error message of ${e.message.length} characters: ${e.message.slice(0, 300)}`);
    }
    if (names !== undefined && !e.message.includes(names)) {
      throw new Error(`error message does not name ${names}: ${e.message}`);
    }
    if (ms > maxMs) throw new Error(`refusal took ${ms.toFixed(0)} ms: ${e.message}`);
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) throw new Error(`${leaked} tensors left behind by a refused load: ${e.message}`);
    return 'refused';
  }
  const ms = performance.now() - start;
  try {
    loaded.flow.variables.forEach((v, i) => {
      const values = v.dataSync();
      const bad = values.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new Error(`loaded a flow whose variable ${i} holds ${values[bad]} at ${bad}`);
    });
    if (ms > maxMs) throw new Error(`load took ${ms.toFixed(0)} ms`);
  } finally {
    loaded.flow.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${leaked} tensors left behind after disposing a loaded flow`);
  return 'loaded';
}

/** Counts of outcomes over a fuzz run, for its report line. */
export class OutcomeTally {
  /** Inputs that loaded. */
  loaded = 0;
  /** Inputs refused with a typed error. */
  refused = 0;

  /** Adds one outcome. */
  add(outcome: LoadOutcome): void {
    this[outcome]++;
  }

  /** `N cases (L loaded, R refused)`. */
  toString(): string {
    return `${this.loaded + this.refused} cases (${this.loaded} loaded, ${this.refused} refused)`;
  }
}

/**
 * Runs a fast-check property and, when it fails, throws one short error: the failure, a preview
 * of the counterexample (fuzzed inputs can be megabytes) and the seed and path that replay it.
 */
export async function assertFuzz<T extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<T>,
  options: { numRuns: number; seed?: number },
): Promise<void> {
  const seed = options.seed ?? MODEL_FUZZ_SEED;
  const details = await fc.check(property, { numRuns: options.numRuns, seed, endOnFailure: true });
  if (!details.failed) return;
  const error = details.errorInstance;
  const message = error instanceof Error ? error.message : String(error);
  throw new Error(
    `${message.slice(0, 600)}\ncounterexample: ${previewJson(details.counterexample, 400)}\nreplay: { seed: ${seed}, path: '${details.counterexamplePath}' }`,
  );
}
