import * as tf from '@tensorflow/tfjs-core';
import { formatBytes, LIMITS, type Limits } from '../limits.js';
import { previewJson } from '../json.js';
import { formatShape, sameShape } from '../shapes.js';
import { ModelFileError, quoted, shortened } from './errors.js';
import { isPlainObject } from './json-check.js';
import { weightName } from './format.js';

/** Bytes per stored value, by dtype and by quantisation dtype. */
const BYTES_PER_VALUE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** The flow's variables encoded with `tf.io.encodeWeights` under the stable names `v000`, `v001`, ... */
export async function encodeVariables(
  variables: readonly tf.Variable[],
): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  // Clones share the variables' data, so an assignment during the asynchronous read (training
  // continuing while a browser saves) cannot free or change what is being written.
  const snapshot = variables.map((v, i) => ({ name: weightName(i), tensor: tf.clone(v) }));
  try {
    return await tf.io.encodeWeights(snapshot);
  } finally {
    for (const { tensor } of snapshot) tensor.dispose();
  }
}

/** Checks the structure of a weight manifest's entries; returns them typed. Errors name `file`. */
export function checkWeightSpecs(specs: unknown, file: string): tf.io.WeightsManifestEntry[] {
  if (!Array.isArray(specs))
    throw new ModelFileError(file, 'the weight manifest is missing or is not a list');
  specs.forEach((spec: unknown, i) => {
    const where = `weight manifest entry ${i}`;
    if (!isPlainObject(spec)) throw new ModelFileError(file, `${where} is not an object`);
    if (typeof spec.name !== 'string') throw new ModelFileError(file, `${where} has no name`);
    const label = `${where} (${shortened(spec.name)})`;
    const shape = spec.shape;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && (s as number) >= 0)) {
      throw new ModelFileError(file, `${label} has an invalid shape ${previewJson(shape)}`);
    }
    const dtype = spec.dtype;
    if (typeof dtype !== 'string' || dtype === 'string' || !Object.hasOwn(BYTES_PER_VALUE, dtype)) {
      throw new ModelFileError(file, `${label} has an unsupported dtype ${previewJson(dtype)}`);
    }
    const quantization = spec.quantization;
    if (quantization !== undefined) checkQuantization(quantization, label, file);
  });
  return specs as tf.io.WeightsManifestEntry[];
}

/** Checks a manifest entry's quantization: uint8/uint16 with a finite scale and minimum, or float16. */
function checkQuantization(quantization: unknown, label: string, file: string): void {
  const q = isPlainObject(quantization) ? quantization : {};
  if (q.dtype === 'float16') return;
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16') {
    throw new ModelFileError(file, `${label} has an unsupported quantization ${previewJson(quantization)}`);
  }
  for (const key of ['scale', 'min']) {
    const v = q[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelFileError(
        file,
        `${label}: its ${q.dtype} quantization needs a finite '${key}', found ${previewJson(v)}`,
      );
    }
  }
  const largest =
    Math.abs(q.scale as number) * (q.dtype === 'uint8' ? 255 : 65535) + Math.abs(q.min as number);
  if (!Number.isFinite(Math.fround(largest))) {
    throw new ModelFileError(file, `${label}: its quantization scale and min overflow float32`);
  }
}

/** Number of values of a shape (0 when any dimension is 0, however large the others). */
export function shapeSize(shape: readonly number[]): number {
  return shape.includes(0) ? 0 : shape.reduce((n, s) => n * s, 1);
}

/** Bytes that `specs` occupy in the weight data (quantised entries at their stored size). */
export function weightSpecsByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((total, spec) => {
    const bytes = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype] ?? NaN;
    return total + shapeSize(spec.shape) * bytes;
  }, 0);
}

/**
 * Checks checked manifest entries against the model-file limits: number of tensors, total values
 * (parameters) and total bytes. Runs before any weight is read, so that a manifest claiming
 * terabytes is refused at once.
 */
export function checkWeightLimits(
  specs: readonly tf.io.WeightsManifestEntry[],
  file: string,
  limits: Limits = LIMITS,
): void {
  if (specs.length > limits.maxWeightTensors) {
    throw new ModelFileError(
      file,
      `the weight manifest lists ${specs.length} tensors; model files allow at most ${limits.maxWeightTensors} (LIMITS.maxWeightTensors)`,
    );
  }
  const values = specs.reduce((n, spec) => n + shapeSize(spec.shape), 0);
  if (values > limits.maxParameters) {
    throw new ModelFileError(
      file,
      `the weight manifest describes ${values} parameters; model files allow at most ${limits.maxParameters} (LIMITS.maxParameters)`,
    );
  }
  const bytes = weightSpecsByteLength(specs);
  if (bytes > limits.maxWeightBytes) {
    throw new ModelFileError(
      file,
      `the weight manifest describes ${formatBytes(bytes)} of weights; model files allow at most ${formatBytes(limits.maxWeightBytes)} (LIMITS.maxWeightBytes)`,
    );
  }
}

/** Total byte length of tfjs weight data (one buffer or shards). */
export function weightDataByteLength(data: tf.io.WeightData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}

/**
 * Checks the byte length of the weight data against the manifest; errors say whether the data
 * are truncated or too long.
 */
export function checkWeightBytes(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: tf.io.WeightData,
  file: string,
): void {
  const expected = weightSpecsByteLength(specs);
  const found = weightDataByteLength(data);
  if (found < expected) {
    throw new ModelFileError(
      file,
      `truncated: the weight manifest describes ${expected} bytes (${specs.length} tensors), found ${found}`,
    );
  }
  if (found > expected) {
    throw new ModelFileError(
      file,
      `corrupt: ${found} bytes where the weight manifest describes ${expected} (${specs.length} tensors)`,
    );
  }
}

/**
 * Checks the manifest against the rebuilt flow's variables: count, stable names, shapes and
 * dtypes, each error naming the tensor's index and both values.
 */
export function checkSpecsMatchVariables(
  specs: readonly tf.io.WeightsManifestEntry[],
  variables: readonly tf.Variable[],
  file: string,
): void {
  if (specs.length !== variables.length) {
    throw new ModelFileError(
      file,
      `expected ${variables.length} tensors, found ${specs.length} (the flow built from the model's config has ${variables.length} variables)`,
    );
  }
  specs.forEach((spec, i) => {
    const v = variables[i] as tf.Variable;
    const name = weightName(i);
    if (spec.name !== name) {
      throw new ModelFileError(file, `tensor ${i} is named ${quoted(spec.name)}, expected '${name}'`);
    }
    if (!sameShape(spec.shape, v.shape)) {
      throw new ModelFileError(
        file,
        `tensor ${i} (${name}) has shape ${formatShape(spec.shape)}, but the flow built from the model's config expects ${formatShape(v.shape)}`,
      );
    }
    if (spec.dtype !== v.dtype) {
      throw new ModelFileError(
        file,
        `tensor ${i} (${name}) has dtype ${spec.dtype}, but the flow built from the model's config expects ${v.dtype}`,
      );
    }
  });
}

/** The first element of a float16 value stored at `offset` of `view` that is NaN or infinite (all exponent bits set), or -1. */
function firstNonFiniteFloat16(view: DataView, offset: number, count: number): number {
  for (let i = 0; i < count; i++) if ((view.getUint16(offset + 2 * i, true) & 0x7c00) === 0x7c00) return i;
  return -1;
}

/** The first element of float32 values stored at `offset` of `view` that is NaN or infinite, or -1. */
function firstNonFiniteFloat32(view: DataView, offset: number, count: number): number {
  for (let i = 0; i < count; i++) if (!Number.isFinite(view.getFloat32(offset + 4 * i, true))) return i;
  return -1;
}

/**
 * Checks that every floating-point weight is finite, on the stored bytes (little-endian, as
 * `tf.io.encodeWeights` writes them), so that a corrupt or diverged file never yields a NaN model.
 * The error names the tensor and the first bad element. Run after the byte length is checked.
 */
export function checkFiniteWeights(
  data: tf.io.WeightData,
  specs: readonly tf.io.WeightsManifestEntry[],
  file: string,
): void {
  const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  const view = new DataView(buffer);
  let offset = 0;
  specs.forEach((spec, i) => {
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const count = shapeSize(spec.shape);
    let bad = -1;
    if (stored === 'float32') bad = firstNonFiniteFloat32(view, offset, count);
    else if (stored === 'complex64') bad = firstNonFiniteFloat32(view, offset, 2 * count);
    else if (stored === 'float16') bad = firstNonFiniteFloat16(view, offset, count);
    if (bad >= 0) {
      throw new ModelFileError(
        file,
        `tensor ${i} (${shortened(spec.name)}) holds a NaN or infinite value at element ${stored === 'complex64' ? Math.floor(bad / 2) : bad}`,
      );
    }
    offset += count * (BYTES_PER_VALUE[stored] as number);
  });
}

/** Decodes checked weight data and assigns it to the variables in order; no tensor is left behind. */
export function assignWeights(
  variables: readonly tf.Variable[],
  data: tf.io.WeightData,
  specs: readonly tf.io.WeightsManifestEntry[],
): void {
  const decoded = tf.io.decodeWeights(data, [...specs]);
  try {
    specs.forEach((spec, i) => (variables[i] as tf.Variable).assign(decoded[spec.name] as tf.Tensor));
  } finally {
    for (const t of Object.values(decoded)) t.dispose();
  }
}
