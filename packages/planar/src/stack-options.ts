import {
  OptionError,
  defineOptions,
  eventSize,
  option,
  type ActivationName,
  type EventShape,
  type JsonObject,
  type OptionSchema,
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

/** The most layers a stack may have. */
const MAX_LAYERS = 4096;
/** The most raw parameters (and per-row host values) a stack may hold: 2^24. */
const MAX_PARAMETERS = 2 ** 24;

/** The fields of the `planar` and `radial` options, in config order. */
function stackFields() {
  return {
    eventShape: option.vectorShape(),
    layers: option.integer({ default: DEFAULT_STACK_LAYERS, min: 1 }),
    contextShape: option.contextShape(),
    hidden: option.hiddenSizes({ default: DEFAULT_CONTEXT_HIDDEN }),
    activation: option.activation(),
    seed: option.seed(),
  };
}

/**
 * The options of `owner` (`planar` or `radial`), declared once: read by {@link resolveStackOptions},
 * listed by the registry entry (`schema`), from which tools render forms.
 */
export function stackSchema(owner: 'planar' | 'radial'): OptionSchema<ReturnType<typeof stackFields>> {
  return defineOptions(owner, stackFields());
}

const SCHEMAS = { planar: stackSchema('planar'), radial: stackSchema('radial') };

/** Reads the options of `owner` (`planar` or `radial`); an unknown key or bad value is an OptionError or ShapeError. */
export function resolveStackOptions(owner: string, options: unknown): ResolvedStackOptions {
  const schema = SCHEMAS[owner as 'planar' | 'radial'] ?? defineOptions(owner, stackFields());
  const { eventShape, layers, contextShape, hidden, activation, seed } = schema.read(options);
  if (layers > MAX_LAYERS)
    throw new OptionError(`${owner}: option 'layers' must be at most ${MAX_LAYERS}, got ${layers}`);
  if (layers * (2 * eventShape[0] + 3) > MAX_PARAMETERS)
    throw new OptionError(
      `${owner}: ${layers} layers of events [${eventShape[0]}] need more than ${MAX_PARAMETERS} parameters`,
    );
  if (contextShape !== null) {
    const widths = [eventSize(contextShape), ...hidden, layers * (2 * eventShape[0] + 1)];
    const weights = widths.slice(1).reduce((sum, w, i) => sum + w * ((widths[i] as number) + 1), 0);
    if (weights > MAX_PARAMETERS)
      throw new OptionError(
        `${owner}: the context network (widths ${widths.join(', ')}) needs more than ${MAX_PARAMETERS} parameters`,
      );
  }
  return { eventShape, layers, contextShape, hidden, activation, seed };
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
