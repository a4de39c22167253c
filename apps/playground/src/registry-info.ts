/**
 * What the page offers, read from the registry in the worker: every registered flow family with the
 * inputs of its option schema (core's `defineOptions`), and the base distributions. The page renders
 * its model form from this, so a family registered tomorrow shows up with its options.
 * @module
 */
import { getEntry, listRegistered, type JsonObject, type OptionInput } from '@bijective/core';

/** Options the page sets itself (the data's shape, the run's seed) or does not offer (conditioning). */
const PAGE_OWNED = new Set(['eventShape', 'imageShape', 'seed', 'contextShape', 'contextDropout']);

/** One option as the page's form shows it. */
export interface OptionInfo {
  key: string;
  /**
   * The schema's input; for a custom option, `text` when its default is a name (`solver`,
   * `estimator`) and `number` when it is a number (flow matching's ODE `steps`).
   */
  input: OptionInput | { type: 'text'; default: string };
}

/** One flow family as the page offers it. */
export interface FamilyInfo {
  name: string;
  description: string;
  tags: readonly string[];
  /** Why the page cannot train it on its data (glow needs images); absent when it can. */
  unavailable?: string;
  /** The schema's options the form shows; empty when the family declares no schema. */
  options: OptionInfo[];
  /** Whether the family declares an option schema. */
  hasSchema: boolean;
  /** The family's recommended training settings, as registered. */
  recommended?: { base?: string; learningRate?: number; batchSize?: number; steps?: number };
}

/** A registered base distribution. */
export interface BaseInfo {
  name: string;
  description: string;
}

/** Every registered flow family (tag `flow`) with its options, in registry order. */
export function describeFamilies(): FamilyInfo[] {
  return listRegistered('bijector', 'flow').map(({ name, description, tags }) => {
    const entry = getEntry('bijector', name as never);
    const fields = entry.schema?.fields ?? {};
    const options: OptionInfo[] = [];
    for (const [key, field] of Object.entries(fields)) {
      if (PAGE_OWNED.has(key)) continue;
      const text = /^`(.*)`$/.exec(field.defaultText ?? '')?.[1];
      const number = Number(field.defaultText ?? 'x');
      if (field.input) options.push({ key, input: field.input });
      else if (text !== undefined) options.push({ key, input: { type: 'text', default: text } });
      else if (Number.isFinite(number)) options.push({ key, input: { type: 'number', default: number } });
    }
    return {
      name,
      description,
      tags,
      ...(tags.includes('image')
        ? { unavailable: 'needs image data (an [h, w, c] image shape); the page trains on points' }
        : {}),
      options,
      hasSchema: entry.schema !== undefined,
      ...(entry.recommended ? { recommended: { ...entry.recommended } } : {}),
    };
  });
}

/** Every registered base distribution, except composites built from whole flows (core's `flow-mixture`). */
export function describeBases(): BaseInfo[] {
  return listRegistered('distribution')
    .filter((l) => !l.tags.includes('composite'))
    .map(({ name, description }) => ({ name, description }));
}

/**
 * The flow's options from form values (strings, as inputs and URLs hold them): each parsed by its
 * input type; an absent or empty value leaves the option to the family (its default, or none where
 * an option applies only with another, like a fixed-step solver's `steps`). Throws one message
 * naming a bad value.
 */
export function flowOptions(family: FamilyInfo, values: Readonly<Record<string, string>>): JsonObject {
  const options: JsonObject = {};
  for (const { key, input } of family.options) {
    const raw = values[key]?.trim();
    if (raw === undefined || raw === '') continue;
    const bad = (wanted: string): Error => new Error(`${family.name} option ${key}: ${wanted}, got '${raw}'`);
    switch (input.type) {
      case 'number':
      case 'integer': {
        const value = Number(raw);
        if (!Number.isFinite(value)) throw bad('expected a number');
        options[key] = value;
        break;
      }
      case 'boolean':
        if (raw !== 'true' && raw !== 'false') throw bad('expected true or false');
        options[key] = raw === 'true';
        break;
      case 'choice': {
        const value = input.values.find((v) => String(v) === raw);
        if (value === undefined) throw bad(`expected one of ${input.values.join(', ')}`);
        options[key] = value;
        break;
      }
      case 'integers': {
        const list = raw.split(/[\s,]+/).filter((s) => s !== '');
        const values = list.map(Number);
        if (values.length === 0 || !values.every((v) => Number.isInteger(v) && v > 0))
          throw bad('expected positive integers separated by commas');
        options[key] = values;
        break;
      }
      case 'text':
        options[key] = raw;
        break;
    }
  }
  return options;
}
