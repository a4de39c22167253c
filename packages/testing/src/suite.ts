import type { BijectorFactory, BijectorKitOptions } from './bijector-kit.js';
import { checkBijector, selectedBijectorChecks } from './bijector-kit.js';
import { activateBackend } from './backend.js';
import type { FlowFactory, FlowKitOptions } from './flow-kit.js';
import { checkFlow, selectedFlowChecks } from './flow-kit.js';

/**
 * The test-runner functions the kit registers its tests with: vitest's and jest's `describe`/`test`,
 * mocha's `describe`/`it` and node:test's `describe`/`test` all fit, so the kit needs no runner.
 */
export interface TestRegistrar {
  /** Opens a group of tests. */
  describe(name: string, body: () => void): void;
  /** Registers one asynchronous test. */
  test(name: string, body: () => Promise<void>): void;
}

/** Backends to run on; each must be importable and registered with tfjs by the caller. */
export interface BackendOptions {
  /** tfjs backend names (default `['cpu']`). */
  backends?: readonly string[];
}

/**
 * Registers one test per backend and check of a bijector: `describe(name)` holding tests named
 * `<check> [<backend>]`, each activating its backend and running {@link checkBijector}.
 *
 * @example
 * ```ts
 * import { describe, test } from 'node:test'; // or vitest's, jest's, mocha's describe and test/it
 * import { create } from '@bijective/core';
 * import { describeBijectorConformance } from '@bijective/testing';
 * import '@bijective/backend-cpu';
 * import '@bijective/backend-wasm';
 *
 * const sigmoid = (d: number) => create('bijector', 'sigmoid', { eventShape: [d] });
 * describeBijectorConformance({ describe, test }, 'sigmoid', sigmoid, { backends: ['cpu', 'wasm'] });
 * ```
 */
export function describeBijectorConformance(
  registrar: TestRegistrar,
  name: string,
  factory: BijectorFactory,
  options: BijectorKitOptions & BackendOptions = {},
): void {
  registrar.describe(name, () => {
    for (const backend of options.backends ?? ['cpu']) {
      for (const check of selectedBijectorChecks(options)) {
        registrar.test(`${check.name} [${backend}]`, async () => {
          await activateBackend(backend);
          checkBijector(name, factory, { ...options, checks: [check.name] });
        });
      }
    }
  });
}

/**
 * Registers one test per backend and check of a flow: `describe(name)` holding tests named
 * `flow <check> [<backend>]`, each activating its backend and running {@link checkFlow}.
 */
export function describeFlowConformance(
  registrar: TestRegistrar,
  name: string,
  factory: FlowFactory,
  options: FlowKitOptions & BackendOptions = {},
): void {
  registrar.describe(name, () => {
    for (const backend of options.backends ?? ['cpu']) {
      for (const check of selectedFlowChecks(options)) {
        registrar.test(`flow ${check.name} [${backend}]`, async () => {
          await activateBackend(backend);
          checkFlow(name, factory, { ...options, checks: [check.name] });
        });
      }
    }
  });
}
