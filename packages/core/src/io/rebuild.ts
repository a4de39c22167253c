import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from '../bijector.js';
import type { BaseDistribution } from '../distributions/distribution.js';
import { registerDistributions } from '../distributions/register.js';
import { RegistryError } from '../errors.js';
import { Flow, type FlowConfig } from '../flow.js';
import {
  createBijector,
  createByName,
  isRegistered,
  listRegistered,
  withCreationCheck,
  type RegistryKind,
} from '../registry.js';
import { formatBytes, LIMITS } from '../limits.js';
import { messageOf, ModelFileError, quoted } from './errors.js';

/** Which package probably registers `name`: scoped names (`acme/x`) point at their scope. */
function packageHint(kind: string, name: string): string {
  const slash = name.indexOf('/');
  const scope = slash > 0 ? name.slice(0, slash) : undefined;
  return scope === undefined
    ? `import the package that registers it (a @bijective/* family package or a plugin) before loading`
    : `import the package that registers '${scope}/...' ${kind}s (@bijective/${scope} or the '${scope}' plugin) before loading`;
}

/** Builds one component, turning registry and option errors into a {@link ModelFileError} naming `file`. */
function build<T>(kind: RegistryKind, name: string, what: string, file: string, make: () => T): T {
  const shown = quoted(name);
  if (!isRegistered(kind, name)) {
    const known = listRegistered(kind).map((l) => l.name);
    throw new ModelFileError(
      file,
      `${what} ${shown} is not registered (known: ${known.length > 0 ? known.join(', ') : 'none'}); ${packageHint(kind, name)}`,
    );
  }
  try {
    return make();
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    if (e instanceof RegistryError) {
      // A nested component (a chain's layer) names an unregistered entry: point at that one.
      const nested = /unknown (\w+) '([^']+)'/.exec(e.message);
      const hint = nested ? packageHint(nested[1] as string, nested[2] as string) : packageHint(kind, name);
      throw new ModelFileError(file, `${what} ${shown}: ${e.message}; ${hint}`, { cause: e });
    }
    throw new ModelFileError(
      file,
      `${what} ${shown} cannot be built from its saved options: ${messageOf(e)}`,
      {
        cause: e,
      },
    );
  }
}

/**
 * Rebuilds a flow from its saved config through the registry: the base with
 * `createByName('distribution', ...)`, the bijector with `createBijector`. Unregistered names and
 * invalid options throw a {@link ModelFileError} naming `file`; nothing built is left undisposed.
 * Before each component (nested ones included) is created, the tensor memory taken so far is
 * checked against `maxBuildBytes` (`LIMITS.maxBuildBytes`), so that a config asking for far more
 * than its weights hold is stopped early.
 */
export function rebuildFlow(config: FlowConfig, file: string, maxBuildBytes = LIMITS.maxBuildBytes): Flow {
  registerDistributions(); // a saved flow names core's base distributions even under the side-effect-free entry
  const start = tf.memory().numBytes;
  const check = (kind: string, name: string): void => {
    const used = tf.memory().numBytes - start;
    if (used > maxBuildBytes) {
      throw new ModelFileError(
        file,
        `rebuilding the flow from its config took ${formatBytes(used)} of tensor memory before ${kind} ${quoted(name)}; model files may take at most ${formatBytes(maxBuildBytes)} (LIMITS.maxBuildBytes)`,
      );
    }
  };
  return withCreationCheck(check, () => assemble(config, file));
}

/** Builds the base and the bijector and assembles the flow; see {@link rebuildFlow}. */
function assemble(config: FlowConfig, file: string): Flow {
  const base = build<BaseDistribution>('distribution', config.base.name, 'base distribution', file, () =>
    createByName('distribution', config.base.name, config.base.options),
  );
  let bijector: Bijector | undefined;
  try {
    bijector = build<Bijector>('bijector', config.bijector.name, 'bijector', file, () =>
      createBijector(config.bijector),
    );
    return new Flow(base, bijector);
  } catch (e) {
    base.dispose();
    bijector?.dispose();
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(file, `the saved flow cannot be assembled: ${messageOf(e)}`, { cause: e });
  }
}
