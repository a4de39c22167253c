import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import { eventSize, formatShape, hostRng, type EventShape, type HostRng } from '@bijective/core';
import { formatRows } from './compare.js';

/** One random case of a property: the event size handed to the factory, the batch size and the seed of the inputs. */
export interface PropertyCase {
  /** Scalars per event asked of the factory (the built component's event shape may arrange them). */
  eventSize: number;
  /** Rows of the input batch. */
  batch: number;
  /** Seed of the host generator that draws the inputs. */
  seed: number;
}

/** An inclusive integer range, or an explicit list of allowed values. */
export type SizeRange = { min: number; max: number } | readonly number[];

/** Draws an integer from a {@link SizeRange}; ranges shrink towards `min`, lists towards their first value. */
function sizeArbitrary(range: SizeRange): fc.Arbitrary<number> {
  if ('min' in range) return fc.integer({ min: range.min, max: range.max });
  return fc.constantFrom(...range);
}

/** The fast-check arbitrary of {@link PropertyCase}s: event sizes and batches from their ranges, seeds from 32 bits. */
export function caseArbitrary(eventSizes: SizeRange, batchSizes: SizeRange): fc.Arbitrary<PropertyCase> {
  return fc.record({
    eventSize: sizeArbitrary(eventSizes),
    batch: sizeArbitrary(batchSizes),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
  });
}

/** Draws one scalar of an input from the host generator; the default is N(0, 1). */
export type ScalarSampler = (rng: HostRng) => number;

/** The standard normal sampler: base-space draws, valid for every bijector's forward. */
export const standardNormal: ScalarSampler = (rng) => rng.normal();

/** A host-drawn batch `[batch, ...shape]` as a tensor and its float32 values. */
export interface DrawnBatch {
  /** The batch as a float32 tensor (owned by the caller). */
  tensor: tf.Tensor;
  /** Its values, exactly as the tensor holds them. */
  values: Float32Array;
}

/** Draws a `[batch, ...shape]` batch of independent scalars from `rng`. */
export function drawBatch(
  rng: HostRng,
  batch: number,
  shape: EventShape,
  sampler: ScalarSampler,
): DrawnBatch {
  const values = Float32Array.from({ length: batch * eventSize(shape) }, () => sampler(rng));
  return { tensor: tf.tensor(values, [batch, ...shape]), values };
}

/** The base-side inputs of one case: x and, for conditional components, a context. */
export interface CaseInputs {
  /** Base-side batch `[batch, ...eventShape]`. */
  x: DrawnBatch;
  /** Context `[batch, ...contextShape]` drawn from N(0, 1), when the component is conditional. */
  context?: DrawnBatch;
}

/** Draws x (with `sampler`) and the context (N(0, 1)) of a case from its seed. */
export function drawInputs(
  c: PropertyCase,
  shape: EventShape,
  contextShape: EventShape | null,
  sampler: ScalarSampler,
): CaseInputs {
  const rng = hostRng(c.seed);
  const x = drawBatch(rng, c.batch, shape, sampler);
  if (contextShape === null) return { x };
  return { x, context: drawBatch(rng, c.batch, contextShape, standardNormal) };
}

/** Frees the tensors of {@link CaseInputs}. */
export function disposeInputs(inputs: CaseInputs): void {
  inputs.x.tensor.dispose();
  inputs.context?.tensor.dispose();
}

/** Describes a case for a failure message: sizes, seed and every input value. */
export function describeCase(c: PropertyCase, shape: EventShape | null, inputs: CaseInputs | null): string {
  const lines = [
    `event size ${c.eventSize}${shape ? ` (event shape ${formatShape(shape)})` : ''}, batch ${c.batch}, input seed ${c.seed}`,
  ];
  if (inputs && shape) lines.push(`x = ${formatRows(inputs.x.values, eventSize(shape))}`);
  if (inputs?.context) {
    const rowSize = inputs.context.values.length / c.batch;
    lines.push(`context = ${formatRows(inputs.context.values, rowSize)}`);
  }
  return lines.join('\n');
}
