/**
 * Reads a run's settings from the page URL (`?flow=realnvp&data=moons&steps=300&backend=wasm&autostart=1`).
 * @module
 */
import { BACKENDS, DATASETS, FAMILIES } from './protocol.js';

/** Settings a URL can carry, by form field name, and whether it asks to start at once. */
export interface UrlSettings {
  fields: Record<string, string>;
  autostart: boolean;
  /** `model=URL`: a model.json (with its weights.bin beside it) to load, relative to the page. */
  model?: string;
}

const NUMBERS: Record<string, string> = {
  steps: 'steps',
  lr: 'lr',
  layers: 'layers',
  hidden: 'hidden',
  batch: 'batch',
  seed: 'seed',
};

/** The URL's settings; throws one clear message naming a bad value. */
export function readUrl(search: string): UrlSettings {
  const params = new URLSearchParams(search);
  const fields: Record<string, string> = {};
  const choose = (name: string, allowed: readonly string[]): void => {
    const value = params.get(name);
    if (value === null) return;
    if (!allowed.includes(value))
      throw new Error(`URL parameter ${name}=${value}: expected one of ${allowed.join(', ')}`);
    fields[name] = value;
  };
  choose('flow', FAMILIES);
  choose('data', DATASETS);
  choose('backend', BACKENDS);
  for (const [param, field] of Object.entries(NUMBERS)) {
    const value = params.get(param);
    if (value === null) continue;
    if (!Number.isFinite(Number(value)) || Number(value) < 0)
      throw new Error(`URL parameter ${param}=${value}: expected a non-negative number`);
    fields[field] = value;
  }
  const model = params.get('model');
  return { fields, autostart: params.get('autostart') === '1', ...(model ? { model } : {}) };
}
