import {
  OptionError,
  optionRecord,
  readActivation,
  readContextShape,
  readEventShape,
  readHiddenSizes,
  readInteger,
  readSeed,
  type ActivationName,
  type EventShape,
  type JsonObject,
} from '@bijective/core';

/** Options shared by the `planar` and `radial` flows. */
export interface LayerStackOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** Number of layers K (default 32, the largest flow of Rezende & Mohamed 2015). */
  layers?: number;
  /** Context event shape of a conditional flow: every layer's parameters become θ + MLP(c); default none. */
  contextShape?: number[];
  /** Hidden widths of the context network of a conditional flow; default [64]. */
  hidden?: number[];
  /** Hidden activation of the context network; default `relu`. */
  activation?: ActivationName;
  /** Seed of the initial parameters; random when absent (the config stores the one drawn). */
  seed?: number;
}

/** Validated {@link LayerStackOptions} with every default filled in. */
export interface ResolvedStackOptions {
  /** `[d]`. */
  eventShape: [number];
  /** K. */
  layers: number;
  /** Context shape, or null when unconditional. */
  contextShape: EventShape | null;
  /** Hidden widths of the context network. */
  hidden: number[];
  /** Hidden activation of the context network. */
  activation: ActivationName;
  /** Seed of the initialisation. */
  seed: number;
}

/** Default number of layers of the `planar` and `radial` flows. */
export const DEFAULT_STACK_LAYERS = 32;
/** Default hidden widths of the context network of a conditional planar or radial flow. */
export const DEFAULT_CONTEXT_HIDDEN: readonly number[] = [64];

const KEYS = ['eventShape', 'layers', 'contextShape', 'hidden', 'activation', 'seed'];

/** Reads the options of `owner` (`planar` or `radial`); an unknown key or bad value is an OptionError or ShapeError. */
export function resolveStackOptions(owner: string, options: unknown): ResolvedStackOptions {
  const record = optionRecord(owner, options, KEYS);
  const eventShape = readEventShape(owner, record, true) as [number];
  const layers = readInteger(owner, record, 'layers', DEFAULT_STACK_LAYERS);
  if (layers > 4096) throw new OptionError(`${owner}: option 'layers' must be at most 4096, got ${layers}`);
  return {
    eventShape,
    layers,
    contextShape: readContextShape(owner, record),
    hidden: readHiddenSizes(owner, record, DEFAULT_CONTEXT_HIDDEN),
    activation: readActivation(owner, record),
    seed: readSeed(owner, record),
  };
}

/** The options as JSON with every default filled in, for configs. */
export function stackOptionsJson(r: ResolvedStackOptions): JsonObject {
  return {
    eventShape: [...r.eventShape],
    layers: r.layers,
    ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
    hidden: [...r.hidden],
    activation: r.activation,
    seed: r.seed,
  };
}
