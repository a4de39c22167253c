import {
  BijectiveError,
  createByName,
  previewJson,
  type JsonObject,
  type Target,
  type TargetConfig,
} from '@bijective/core';
import { missingPluginHint, type LoadedPlugin } from './plugins.js';
import { UsageError } from './usage-error.js';

/** Longest target name a model file may record (registry names are short). */
const MAX_NAME = 200;

/**
 * The target a model was trained against, from its metadata (`target`: the registry name,
 * `targetOptions`: the options that rebuild it), or null for a model trained on data. Metadata that
 * is not of that form (a hand-edited or damaged model.json) is a usage error naming the field.
 */
export function recordedTarget(metadata: JsonObject): TargetConfig | null {
  if (!Object.hasOwn(metadata, 'target') || metadata.target === undefined) return null;
  const { target: name } = metadata;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME)
    throw new UsageError(`model metadata 'target' must be a target's registry name, got ${preview(name)}`);
  const options = Object.hasOwn(metadata, 'targetOptions') ? metadata.targetOptions : {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new UsageError(
      `model metadata 'targetOptions' must be a JSON object of the target's options, got ${preview(options)}`,
    );
  return { name, options: options as JsonObject };
}

/** At most 60 characters of a JSON value, for error messages (deep values included). */
function preview(value: unknown): string {
  return value === undefined ? 'nothing' : previewJson(value);
}

/**
 * Rebuilds a recorded target through the registry; an unregistered name says which plugin module
 * registers it (from the model's recorded plugins), and bad options are the target's own errors.
 */
export function openRecordedTarget(config: TargetConfig, plugins: readonly LoadedPlugin[]): Target {
  try {
    return createByName('target', config.name, config.options);
  } catch (e) {
    const hint = e instanceof BijectiveError ? missingPluginHint(e.message, plugins) : null;
    if (hint) throw new UsageError(`${e instanceof Error ? e.message : String(e)}; ${hint}`);
    throw e;
  }
}

/** The plugins a model's metadata records (`plugins`), keeping only well-formed entries. */
export function recordedPluginList(metadata: JsonObject): LoadedPlugin[] {
  const list = metadata.plugins;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return [];
    const { module, url, registers } = p as Record<string, unknown>;
    if (typeof module !== 'string' || !Array.isArray(registers)) return [];
    const names = registers.filter((r): r is string => typeof r === 'string');
    return [{ module, url: typeof url === 'string' ? url : '', registers: names }];
  });
}
