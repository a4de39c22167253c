import {
  createByName,
  Flow,
  getEntry,
  listRegistered,
  StandardNormal,
  type Bijector,
  type RegistryListing,
} from '@bijective/core';
import { activateBackend } from './backend.js';
import {
  bijectorFailures,
  checkBijector,
  selectedBijectorChecks,
  type BijectorFactory,
  type BijectorKitOptions,
} from './bijector-kit.js';
import { ConformanceError, type ConformanceFailure } from './failure.js';
import {
  checkFlow,
  flowFailures,
  selectedFlowChecks,
  type FlowFactory,
  type FlowKitOptions,
} from './flow-kit.js';
import type { BackendOptions, TestRegistrar } from './suite.js';

/** Per-bijector settings of a registered run, e.g. event sizes a bijector needs or looser tolerances. */
export interface RegisteredOverride {
  /** Options merged over the run's bijector options. */
  bijector?: BijectorKitOptions;
  /** Options merged over the run's flow options, or false to skip the flow checks of this bijector. */
  flow?: FlowKitOptions | false;
}

/** Options of a run over every registered bijector. */
export interface RegisteredOptions extends BackendOptions {
  /** Which registrations to check (default: all). */
  filter?: (listing: RegistryListing) => boolean;
  /** Options of every bijector run. */
  bijector?: BijectorKitOptions;
  /** Options of the flow checks on `Flow(standard normal, bijector)`, or false to skip them. */
  flow?: FlowKitOptions | false;
  /** Per-name settings. */
  overrides?: Readonly<Record<string, RegisteredOverride>>;
}

/** Builds the registered bijector `name` from its registration's `example(eventSize)` options. */
export function registeredFactory(name: string): BijectorFactory {
  const entry = getEntry('bijector', name);
  return (d) => {
    if (!entry.example)
      throw new Error(`bijector '${name}' has no example(eventSize) for the conformance kit`);
    return createByName('bijector', name, entry.example(d));
  };
}

/** The flow `x = f(z), z ~ N(0, I)` of a bijector factory: any bijector gives a normalised density. */
export function standardNormalFlow(factory: BijectorFactory): FlowFactory {
  return (d) => {
    const bijector: Bijector = factory(d);
    try {
      return new Flow(new StandardNormal({ eventShape: [...bijector.eventShape] }), bijector);
    } catch (e) {
      bijector.dispose();
      throw e;
    }
  };
}

/** How failure reports name the flow of a registered bijector. */
function flowName(bijector: string): string {
  return `${bijector} over N(0, I)`;
}

/** One registered bijector with its effective options. */
interface Planned {
  name: string;
  factory: BijectorFactory;
  bijector: BijectorKitOptions;
  flow: FlowKitOptions | false;
}

function plan(options: RegisteredOptions): Planned[] {
  return listRegistered('bijector')
    .filter((l) => options.filter?.(l) ?? true)
    .map((l) => {
      const override = options.overrides?.[l.name] ?? {};
      const flowBase = options.flow ?? {};
      const flowOverride = override.flow ?? {};
      return {
        name: l.name,
        factory: registeredFactory(l.name),
        bijector: { ...options.bijector, ...override.bijector },
        flow: flowBase === false || flowOverride === false ? false : { ...flowBase, ...flowOverride },
      };
    });
}

/**
 * Registers, for every registered bijector (after `filter`) and backend, one test per check:
 * `describe('<backend>')` > `describe('<name>')` > `test('<check>')` and `test('flow <check>')`,
 * the flow checks running on `Flow(standard normal, bijector)`. Import every package whose
 * bijectors should be checked before calling it.
 */
export function describeRegisteredBijectors(registrar: TestRegistrar, options: RegisteredOptions = {}): void {
  const planned = plan(options);
  for (const backend of options.backends ?? ['cpu']) {
    registrar.describe(backend, () => {
      for (const p of planned) {
        registrar.describe(p.name, () => {
          for (const check of selectedBijectorChecks(p.bijector)) {
            registrar.test(check.name, async () => {
              await activateBackend(backend);
              checkBijector(p.name, p.factory, { ...p.bijector, checks: [check.name] });
            });
          }
          if (p.flow === false) return;
          const flow = p.flow;
          for (const check of selectedFlowChecks(flow)) {
            registrar.test(`flow ${check.name}`, async () => {
              await activateBackend(backend);
              checkFlow(flowName(p.name), standardNormalFlow(p.factory), { ...flow, checks: [check.name] });
            });
          }
        });
      }
    });
  }
}

/**
 * Runs the kit over every registered bijector (after `filter`) on each backend in turn and throws
 * one {@link ConformanceError} listing every failure; for scripts and runners without describe.
 */
export async function checkRegisteredBijectors(options: RegisteredOptions = {}): Promise<void> {
  const failures: ConformanceFailure[] = [];
  const planned = plan(options);
  for (const backend of options.backends ?? ['cpu']) {
    await activateBackend(backend);
    for (const p of planned) {
      failures.push(...bijectorFailures(p.name, p.factory, p.bijector));
      if (p.flow !== false)
        failures.push(...flowFailures(flowName(p.name), standardNormalFlow(p.factory), p.flow));
    }
  }
  if (failures.length > 0) throw new ConformanceError(failures);
}
