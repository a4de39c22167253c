import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import { OptionError, type Bijector } from '@bijective/core';
import {
  caseArbitrary,
  describeCase,
  disposeInputs,
  drawInputs,
  standardNormal,
  type CaseInputs,
  type PropertyCase,
  type ScalarSampler,
  type SizeRange,
} from './cases.js';
import {
  BIJECTOR_CHECKS,
  OPT_IN_BIJECTOR_CHECKS,
  type BijectorCheck,
  type BijectorCheckName,
} from './checks/index.js';
import { ConformanceError, type ConformanceFailure } from './failure.js';
import { CaseError, problemOf, runProperty, type RunOptions } from './run-property.js';
import { DEFAULT_BIJECTOR_TOLERANCES, type BijectorTolerances } from './tolerance.js';

/** Builds a fresh bijector for events of `eventSize` scalars (its event shape may arrange them). */
export type BijectorFactory = (eventSize: number) => Bijector;

/** Options of the bijector kit. */
export interface BijectorKitOptions extends RunOptions {
  /** Checks to run (default: all of {@link BIJECTOR_CHECKS}); may name {@link OPT_IN_BIJECTOR_CHECKS}. */
  checks?: readonly BijectorCheckName[];
  /** Add the opt-in stress checks (`inverse-stress`) to the default checks; default false. */
  stress?: boolean;
  /** Standard deviation σ of the data-side inputs y ~ N(0, σ²) of `inverse-stress` (default 20). */
  stressScale?: number;
  /** Event sizes handed to the factory (default 1 to 6). */
  eventSizes?: SizeRange;
  /** Batch sizes (default 1 to 8). */
  batchSizes?: SizeRange;
  /** Overrides of the {@link DEFAULT_BIJECTOR_TOLERANCES}. */
  tolerances?: Partial<BijectorTolerances>;
  /** Draws each base-side input scalar (default N(0, 1)); y = forward(x) is then always a valid inverse input. */
  sampler?: ScalarSampler;
}

/** Default cases per bijector check: small, since every case builds a bijector; raise it for deeper runs. */
export const DEFAULT_BIJECTOR_RUNS = 10;

/** The checks selected by `options.checks`, in run order; an unknown name throws an OptionError. */
export function selectedBijectorChecks(options: BijectorKitOptions = {}): BijectorCheck<BijectorCheckName>[] {
  const names = options.checks;
  const all: BijectorCheck<BijectorCheckName>[] = [...BIJECTOR_CHECKS, ...OPT_IN_BIJECTOR_CHECKS];
  if (!names) return [...BIJECTOR_CHECKS, ...(options.stress ? OPT_IN_BIJECTOR_CHECKS : [])];
  const known: readonly string[] = all.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new OptionError(`unknown check(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return all.filter((c) => names.includes(c.name));
}

/** Default σ of the `inverse-stress` inputs: 20 standard deviations of standardised data. */
export const DEFAULT_STRESS_SCALE = 20;

/** Runs one check on one case: builds the bijector, draws inputs, runs, and frees everything. */
function runCase(
  factory: BijectorFactory,
  check: BijectorCheck,
  c: PropertyCase,
  options: BijectorKitOptions,
): void {
  const tolerances = { ...DEFAULT_BIJECTOR_TOLERANCES, ...options.tolerances };
  let bijector: Bijector | undefined;
  let inputs: CaseInputs | undefined;
  let y: tf.Tensor | undefined;
  try {
    bijector = factory(c.eventSize);
    inputs = drawInputs(c, bijector.eventShape, bijector.contextShape, options.sampler ?? standardNormal);
    const context = inputs.context?.tensor;
    y = bijector.forward(inputs.x.tensor, context ? { training: false, context } : { training: false });
    const stressScale = options.stressScale ?? DEFAULT_STRESS_SCALE;
    const subject = { bijector, x: inputs.x.tensor, y, context, seed: c.seed, tolerances, stressScale };
    tf.tidy(() => check.run(subject));
  } catch (e) {
    throw new CaseError(problemOf(e), describeCase(c, bijector?.eventShape ?? null, inputs ?? null));
  } finally {
    y?.dispose();
    if (inputs) disposeInputs(inputs);
    bijector?.dispose();
  }
}

/** The fast-check property of one check over random event sizes, batches and seeded inputs. */
export function bijectorProperty(
  factory: BijectorFactory,
  check: BijectorCheck,
  options: BijectorKitOptions = {},
): fc.IProperty<[PropertyCase]> {
  const cases = caseArbitrary(
    options.eventSizes ?? { min: 1, max: 6 },
    options.batchSizes ?? { min: 1, max: 8 },
  );
  return fc.property(cases, (c) => runCase(factory, check, c, options));
}

/** The fast-check properties of the selected checks, by check name, to run with any fast-check runner. */
export function bijectorProperties(
  factory: BijectorFactory,
  options: BijectorKitOptions = {},
): Partial<Record<BijectorCheckName, fc.IProperty<[PropertyCase]>>> {
  return Object.fromEntries(
    selectedBijectorChecks(options).map((c) => [c.name, bijectorProperty(factory, c, options)]),
  );
}

/** Runs the selected checks and returns every failure (empty when the bijector conforms). */
export function bijectorFailures(
  name: string,
  factory: BijectorFactory,
  options: BijectorKitOptions = {},
): ConformanceFailure[] {
  return selectedBijectorChecks(options).flatMap((check) => {
    const label = { subject: `bijector '${name}'`, check: check.name, claim: check.claim };
    const failure = runProperty(
      bijectorProperty(factory, check, options),
      label,
      options,
      DEFAULT_BIJECTOR_RUNS,
    );
    return failure ? [failure] : [];
  });
}

/**
 * Checks that a bijector conforms to the contract on the active tfjs backend: runs the selected
 * checks (a-g in the README) as fast-check properties and throws a {@link ConformanceError} naming
 * the bijector, each failed check and its shrunk counterexample.
 *
 * @example
 * ```ts
 * import { create, useBackend } from '@bijective/core';
 * import { checkBijector } from '@bijective/testing';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * // Throws a ConformanceError listing every failed check, each with a replayable counterexample.
 * checkBijector('tanh', (d) => create('bijector', 'tanh', { eventShape: [d] }));
 * console.log('tanh conforms');
 * ```
 */
export function checkBijector(
  name: string,
  factory: BijectorFactory,
  options: BijectorKitOptions = {},
): void {
  const failures = bijectorFailures(name, factory, options);
  if (failures.length > 0) throw new ConformanceError(failures);
}
