import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import type { PropertyCase } from './cases.js';
import { CheckFailure, type ConformanceFailure } from './failure.js';

/** The fast-check seed the kit uses unless told otherwise, so that every run is reproducible. */
export const DEFAULT_SEED = 0x0b17ec7;

/** How a property is run: fast-check's run count, seed and, to replay one case, its path. */
export interface RunOptions {
  /** Cases per property (default set by the caller, e.g. 10 per bijector check). */
  numRuns?: number;
  /** fast-check seed (default {@link DEFAULT_SEED}). */
  seed?: number;
  /** Replay path from a failure report (with its `seed`). */
  path?: string;
  /** Stop at the first failure without shrinking it (faster for slow components). */
  endOnFailure?: boolean;
}

/** Thrown from inside one case: what went wrong and the case, formatted with its inputs. */
export class CaseError extends Error {
  /** Wraps a problem with the counterexample it happened on. */
  constructor(
    readonly problem: string,
    readonly counterexample: string,
  ) {
    super(`${problem}\n${counterexample}`);
    this.name = 'CaseError';
  }
}

/** The problem an exception describes: a check's own message, or what the component threw. */
export function problemOf(e: unknown): string {
  if (e instanceof CheckFailure) return e.message;
  if (e instanceof Error) return `threw ${e.name}: ${e.message}`;
  return `threw ${String(e)}`;
}

/** What a failure report says about the property besides the case. */
export interface PropertyLabel {
  /** e.g. `bijector 'affine'`. */
  subject: string;
  /** The check's name. */
  check: string;
  /** The check's claim. */
  claim: string;
}

/** Runs a property with fast-check and turns a failure into a {@link ConformanceFailure}, or returns null. */
export function runProperty(
  property: fc.IProperty<[PropertyCase]>,
  label: PropertyLabel,
  options: RunOptions,
  defaultRuns: number,
): ConformanceFailure | null {
  const seed = options.seed ?? DEFAULT_SEED;
  const details = fc.check(property, {
    numRuns: options.numRuns ?? defaultRuns,
    seed,
    ...(options.path === undefined ? {} : { path: options.path }),
    endOnFailure: options.endOnFailure ?? false,
  });
  if (!details.failed) return null;
  const e = details.errorInstance;
  const [c] = details.counterexample ?? [];
  return {
    ...label,
    backend: tf.getBackend(),
    problem: e instanceof CaseError ? e.problem : problemOf(e),
    counterexample: e instanceof CaseError ? e.counterexample : JSON.stringify(c),
    replay: { seed, path: details.counterexamplePath ?? '' },
    runs: details.numRuns + details.numShrinks,
  };
}
