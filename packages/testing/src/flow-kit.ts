import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import { eventSize, formatShape, hostRng, OptionError } from '@bijective/core';
import { caseArbitrary, drawBatch, standardNormal, type PropertyCase, type SizeRange } from './cases.js';
import { formatRows } from './compare.js';
import { ConformanceError, type ConformanceFailure } from './failure.js';
import { FLOW_CHECKS, type FlowCheck, type FlowCheckName } from './flow-checks/index.js';
import type { FlowUnderTest } from './flow-subject.js';
import { CaseError, problemOf, runProperty, type RunOptions } from './run-property.js';
import { DEFAULT_FLOW_TOLERANCES, type FlowTolerances } from './tolerance.js';

/** Builds a fresh flow over events of `eventSize` scalars. */
export type FlowFactory = (eventSize: number) => FlowUnderTest;

/** Options of the flow kit. */
export interface FlowKitOptions extends RunOptions {
  /** Checks to run (default: all of {@link FLOW_CHECKS}). */
  checks?: readonly FlowCheckName[];
  /** Event sizes handed to the factory (default 1 to 3: both the grid and the importance-sampling paths). */
  eventSizes?: SizeRange;
  /** Overrides of the {@link DEFAULT_FLOW_TOLERANCES}. */
  tolerances?: Partial<FlowTolerances>;
}

/** Default cases per flow check: each evaluates thousands of log-densities. */
export const DEFAULT_FLOW_RUNS = 4;

/** The flow checks selected by `options.checks`, in run order; an unknown name throws an OptionError. */
export function selectedFlowChecks(options: FlowKitOptions = {}): FlowCheck<FlowCheckName>[] {
  const names = options.checks;
  if (!names) return [...FLOW_CHECKS];
  const known: readonly string[] = FLOW_CHECKS.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new OptionError(`unknown flow check(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return FLOW_CHECKS.filter((c) => names.includes(c.name));
}

/** Runs one flow check on one case: builds the flow, draws a context row if it is conditional, runs, frees. */
function runFlowCase(factory: FlowFactory, check: FlowCheck, c: PropertyCase, options: FlowKitOptions): void {
  const tolerances = { ...DEFAULT_FLOW_TOLERANCES, ...options.tolerances };
  let flow: FlowUnderTest | undefined;
  let context: { tensor: tf.Tensor; values: Float32Array } | undefined;
  try {
    flow = factory(c.eventSize);
    const contextShape = flow.bijector?.contextShape ?? null;
    if (contextShape) context = drawBatch(hostRng(c.seed), 1, contextShape, standardNormal);
    const subject = {
      flow,
      size: eventSize(flow.eventShape),
      context: context?.tensor,
      seed: c.seed,
      tolerances,
    };
    tf.tidy(() => check.run(subject));
  } catch (e) {
    const shape = flow ? ` (event shape ${formatShape(flow.eventShape)})` : '';
    const row = context ? `\ncontext = ${formatRows(context.values, context.values.length)}` : '';
    throw new CaseError(problemOf(e), `event size ${c.eventSize}${shape}, seed ${c.seed}${row}`);
  } finally {
    context?.tensor.dispose();
    flow?.dispose();
  }
}

/** The fast-check property of one flow check over random event sizes and seeds. */
export function flowProperty(
  factory: FlowFactory,
  check: FlowCheck,
  options: FlowKitOptions = {},
): fc.IProperty<[PropertyCase]> {
  const cases = caseArbitrary(options.eventSizes ?? { min: 1, max: 3 }, [1]);
  return fc.property(cases, (c) => runFlowCase(factory, check, c, options));
}

/** The fast-check properties of the selected flow checks, by check name. */
export function flowProperties(
  factory: FlowFactory,
  options: FlowKitOptions = {},
): Partial<Record<FlowCheckName, fc.IProperty<[PropertyCase]>>> {
  return Object.fromEntries(
    selectedFlowChecks(options).map((c) => [c.name, flowProperty(factory, c, options)]),
  );
}

/** Runs the selected flow checks and returns every failure (empty when the flow conforms). */
export function flowFailures(
  name: string,
  factory: FlowFactory,
  options: FlowKitOptions = {},
): ConformanceFailure[] {
  return selectedFlowChecks(options).flatMap((check) => {
    const label = { subject: `flow '${name}'`, check: check.name, claim: check.claim };
    const failure = runProperty(flowProperty(factory, check, options), label, options, DEFAULT_FLOW_RUNS);
    return failure ? [failure] : [];
  });
}

/**
 * Checks that a flow is a normalised density consistent with its sampler on the active backend
 * (check h in the README), throwing a {@link ConformanceError} naming each failed check and case.
 */
export function checkFlow(name: string, factory: FlowFactory, options: FlowKitOptions = {}): void {
  const failures = flowFailures(name, factory, options);
  if (failures.length > 0) throw new ConformanceError(failures);
}
