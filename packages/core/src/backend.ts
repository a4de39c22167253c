import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError, RegistryError } from './errors.js';
import { createByName, isRegistered, listRegistered } from './registry.js';

/** What a backend package registers: a tfjs backend that can be prepared and selected. */
export interface BackendProvider {
  /** The tfjs backend name (`cpu`, `wasm`, `webgl`). */
  readonly name: string;
  /** Makes the tfjs backend selectable (loads binaries, checks the platform); throws when it cannot run here. */
  prepare(): Promise<void>;
}

/** The outcome of {@link useBackend}: the backend now active and why earlier preferences were skipped. */
export interface BackendChoice {
  /** The active tfjs backend. */
  backend: string;
  /** Preferences tried before it, each with the reason it was not used. */
  skipped: { name: string; reason: string }[];
}

/**
 * Preference order of {@link useBackend} when none is given: fastest first.
 * @internal
 */
export const FASTEST_FIRST: readonly string[] = ['webgl', 'wasm', 'cpu'];

/**
 * Selects the first usable backend from a name or a preference list (default: fastest first),
 * passing each its registered options, and reports what it got. tfjs silently falls back to
 * another backend when one fails; this call checks `tf.getBackend()` and says why it skipped any.
 *
 * @example
 * ```ts
 * import { useBackend } from '@bijective/core';
 * import '@bijective/backend-wasm'; // each backend package registers its backend on import
 * import '@bijective/backend-cpu';
 *
 * const { backend, skipped } = await useBackend(['wasm', 'cpu']);
 * console.log(backend, skipped); // 'wasm' []; a browser bundle passes { wasm: { wasmPaths: '/tfjs-wasm/' } }
 * ```
 */
export async function useBackend(
  preference: string | readonly string[] = FASTEST_FIRST,
  options: Readonly<Record<string, unknown>> = {},
): Promise<BackendChoice> {
  const names = typeof preference === 'string' ? [preference] : preference;
  const skipped: BackendChoice['skipped'] = [];
  for (const name of names) {
    if (!isRegistered('backend', name)) {
      skipped.push({ name, reason: 'not registered (import its @bijective/backend-* package)' });
      continue;
    }
    try {
      await createByName('backend', name, options[name] ?? {}).prepare();
      const ok = await tf.setBackend(name);
      await tf.ready();
      if (ok && tf.getBackend() === name) return { backend: name, skipped };
      skipped.push({ name, reason: `tfjs could not initialise it (active backend: ${tf.getBackend()})` });
    } catch (e) {
      skipped.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  const known = listRegistered('backend').map((l) => l.name);
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  if (typeof preference === 'string' && !known.includes(preference)) {
    throw new RegistryError(
      `unknown backend '${preference}'; known: ${known.join(', ') || '(none registered)'}`,
    );
  }
  throw new BijectiveError('option', `no usable backend among ${names.join(', ')} (${why})`);
}
