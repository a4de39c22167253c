import * as tf from '@tensorflow/tfjs-core';
import { formatShape, sameShape } from '../shapes.js';
import { ModelFileError } from './errors.js';
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
    const shape = spec.shape;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && (s as number) >= 0)) {
      throw new ModelFileError(file, `${where} (${spec.name}) has an invalid shape ${JSON.stringify(shape)}`);
    }
    const dtype = spec.dtype;
    if (typeof dtype !== 'string' || dtype === 'string' || BYTES_PER_VALUE[dtype] === undefined) {
      throw new ModelFileError(
        file,
        `${where} (${spec.name}) has an unsupported dtype ${JSON.stringify(dtype)}`,
      );
    }
    const quantization = spec.quantization;
    if (quantization !== undefined) {
      const q = isPlainObject(quantization) ? quantization.dtype : undefined;
      if (q !== 'uint8' && q !== 'uint16' && q !== 'float16') {
        throw new ModelFileError(file, `${where} (${spec.name}) has an unsupported quantization`);
      }
    }
  });
  return specs as tf.io.WeightsManifestEntry[];
}

/** Bytes that `specs` occupy in the weight data (quantised entries at their stored size). */
export function weightSpecsByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((total, spec) => {
    const values = spec.shape.reduce((n, s) => n * s, 1);
    const bytes = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype] ?? NaN;
    return total + values * bytes;
  }, 0);
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
      throw new ModelFileError(file, `tensor ${i} is named '${spec.name}', expected '${name}'`);
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
