import { listRegistered } from '@bijective/core';
import { resolve as resolveModule } from 'import-meta-resolve';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './usage-error.js';

/** The file in the working directory that lists plugin modules: `{"plugins": ["acme-flows", "./my.mjs"]}`. */
export const CONFIG_FILE = 'bijective.config.json';

/** A plugin module the CLI imported, and the registry entries (`kind:name`) it added. */
export interface LoadedPlugin {
  /** The module as the user named it (a package name or a path). */
  module: string;
  /** Where it was loaded from (a file URL). */
  url: string;
  /** Registry entries it added, as `kind:name` (e.g. `bijector:acme/wave`). */
  registers: string[];
}

/** Whether `spec` is a file path rather than a package name. */
export function isPluginPath(spec: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(spec) || /\.[cm]?js$/.test(spec);
}

/** The plugin modules listed in `bijective.config.json` in `cwd` (none when the file is absent). */
export function configuredPlugins(cwd: string): string[] {
  const file = path.join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return [];
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${CONFIG_FILE}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`${CONFIG_FILE}: expected an object like {"plugins": ["module"]}`);
  }
  const unknown = Object.keys(config).filter((k) => k !== 'plugins');
  if (unknown.length > 0) throw new UsageError(`${CONFIG_FILE}: unknown key '${unknown[0]}'; known: plugins`);
  const plugins = (config as { plugins?: unknown }).plugins ?? [];
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== 'string' || p.trim() === '')) {
    throw new UsageError(`${CONFIG_FILE}: "plugins" must be a list of module names or paths`);
  }
  return plugins as string[];
}

/** The file URL of a plugin module: a path against `cwd`, or a package resolved from `cwd` as Node's `import` would. */
function pluginUrl(spec: string, cwd: string): string {
  if (isPluginPath(spec)) {
    const file = path.resolve(cwd, spec);
    if (!existsSync(file)) throw new UsageError(`plugin '${spec}' does not exist (looked for ${file})`);
    return pathToFileURL(file).href;
  }
  try {
    return resolveModule(spec, pathToFileURL(path.join(cwd, 'noop.js')).href);
  } catch (e) {
    throw new UsageError(
      `plugin '${spec}' cannot be found from ${cwd}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} ` +
        '(install the package, or give a path like ./plugin.mjs)',
    );
  }
}

const registryKeys = (): Set<string> => new Set(listRegistered().map((l) => `${l.kind}:${l.name}`));

/**
 * Imports the plugin modules (`--plugin` values after those of `bijective.config.json` in `cwd`,
 * each once) so that their registrations (flows, datasets, targets, ...) reach the CLI, and
 * records what each added. A module that cannot be found or fails to load is a usage error.
 */
export async function loadPlugins(specs: readonly string[], cwd: string): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const spec of [...new Set([...configuredPlugins(cwd), ...specs])]) {
    const url = pluginUrl(spec, cwd);
    const before = registryKeys();
    try {
      await import(url);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new UsageError(`plugin '${spec}' failed to load: ${message}`);
    }
    const registers = [...registryKeys()].filter((k) => !before.has(k));
    loaded.push({ module: spec, url, registers });
  }
  return loaded;
}

/**
 * The hint for a model that names an unregistered component: which plugin module (as recorded
 * by `train` in the model's metadata) registers it, or how to load one.
 */
export function missingPluginHint(message: string, recorded: readonly LoadedPlugin[]): string | null {
  const match =
    /(bijector|base distribution|distribution|dataset|target)\s+'([^']+)' is not registered|unknown (\w+) '([^']+)'/.exec(
      message,
    );
  if (!match) return null;
  const name = (match[2] ?? match[4]) as string;
  const owner = recorded.find((p) => p.registers.some((k) => k.endsWith(`:${name}`)));
  if (owner) {
    return `'${name}' comes from the plugin '${owner.module}' this model was trained with: pass --plugin ${owner.module} (or list it in ${CONFIG_FILE})`;
  }
  return `load the plugin module that registers '${name}' with --plugin MODULE (or list it in ${CONFIG_FILE})`;
}
