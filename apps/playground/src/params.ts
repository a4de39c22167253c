/**
 * Reads a run's settings from the page URL
 * (`?flow=realnvp&data=moons&steps=300&backend=wasm&layers=4&hidden=32,32&autostart=1`): the page's
 * own settings, and the chosen flow's options by their schema keys (`flow.KEY` for a key that is
 * also a page setting, such as flow matching's ODE `steps`).
 * @module
 */
import { BACKENDS, DATASETS } from './protocol.js';
import type { BaseInfo, FamilyInfo } from './registry-info.js';

/** The page's own URL parameters (a flow option of the same name is given as `flow.NAME`). */
export const PAGE_PARAMS = [
  'flow',
  'data',
  'base',
  'backend',
  'steps',
  'lr',
  'batch',
  'seed',
  'autostart',
  'model',
] as const;

/** Settings a URL can carry, by form field name, and whether it asks to start at once. */
export interface UrlSettings {
  fields: Record<string, string>;
  /** The flow's options by key, as strings (checked against the schema when the run starts). */
  options: Record<string, string>;
  autostart: boolean;
  /** `model=URL`: a model.json (with its weights.bin beside it) to load, relative to the page. */
  model?: string;
}

const NUMBERS: Record<string, string> = { steps: 'steps', lr: 'lr', batch: 'batch', seed: 'seed' };

/** The URL parameter of flow option `key`. */
export function optionParam(key: string): string {
  return (PAGE_PARAMS as readonly string[]).includes(key) ? `flow.${key}` : key;
}

/** The URL's settings; throws one clear message naming a bad value. */
export function readUrl(
  search: string,
  families: readonly FamilyInfo[],
  bases: readonly BaseInfo[],
  defaultFlow: string,
): UrlSettings {
  const params = new URLSearchParams(search);
  const fields: Record<string, string> = {};
  const choose = (name: string, allowed: readonly string[]): void => {
    const value = params.get(name);
    if (value === null) return;
    if (!allowed.includes(value))
      throw new Error(`URL parameter ${name}=${value}: expected one of ${allowed.join(', ')}`);
    fields[name] = value;
  };
  choose(
    'flow',
    families.map((f) => f.name),
  );
  choose('data', [...DATASETS, 'drawn']);
  choose(
    'base',
    bases.map((b) => b.name),
  );
  choose('backend', BACKENDS);
  for (const [param, field] of Object.entries(NUMBERS)) {
    const value = params.get(param);
    if (value === null) continue;
    if (!Number.isFinite(Number(value)) || Number(value) < 0)
      throw new Error(`URL parameter ${param}=${value}: expected a non-negative number`);
    fields[field] = value;
  }
  const family = families.find((f) => f.name === (fields.flow ?? defaultFlow));
  if (family?.unavailable) throw new Error(`URL parameter flow=${family.name}: ${family.unavailable}`);
  const options: Record<string, string> = {};
  for (const { key } of family?.options ?? []) {
    const value = params.get(optionParam(key));
    if (value !== null) options[key] = value;
  }
  const model = params.get('model');
  return { fields, options, autostart: params.get('autostart') === '1', ...(model ? { model } : {}) };
}
