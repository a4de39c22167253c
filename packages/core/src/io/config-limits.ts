import { LIMITS, type Limits } from '../limits.js';
import { ModelFileError } from './errors.js';
import { isPlainObject } from './json-check.js';
import { nodePath, walkJson, type JsonNode, type ValueCount } from './json-limits.js';

/** A component config: `{name: string, options: {...}}` (a bijector or a distribution). */
function isComponent(value: unknown): value is { name: string; options: Record<string, unknown> } {
  return isPlainObject(value) && typeof value.name === 'string' && isPlainObject(value.options);
}

/**
 * Hidden widths assumed for a component that has `layers` but no `hidden` option: the default of
 * every conditioner-based family (coupling, autoregressive, spline).
 */
const ASSUMED_HIDDEN: readonly number[] = [64, 64];

/** A list of finite numbers, or undefined for anything else (left to the component to reject). */
function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? (value as number[])
    : undefined;
}

/** A finite number option, or undefined. */
function numberOption(options: Record<string, unknown>, key: string): number | undefined {
  const v = options[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** What one component's options ask for, checked against the limits; returns its parameter estimate. */
function checkComponent(
  component: { name: string; options: Record<string, unknown> },
  where: string,
  file: string,
  limits: Limits,
): number {
  const { options } = component;
  const refuse = (what: string, limit: number, name: string): never => {
    throw new ModelFileError(
      file,
      `${where} ('${component.name.slice(0, 60)}'): ${what}; model files allow at most ${limit} (LIMITS.${name})`,
    );
  };
  let eventSize: number | undefined;
  for (const key of ['eventShape', 'contextShape']) {
    const shape = numbers(options[key]);
    if (shape === undefined || shape.some((s) => s < 0)) continue;
    const size = shape.includes(0) ? 0 : shape.reduce((n, s) => n * s, 1);
    if (size > limits.maxEventSize) {
      refuse(
        `option '${key}' [${shape.join(', ')}] holds ${size} scalars`,
        limits.maxEventSize,
        'maxEventSize',
      );
    }
    if (key === 'eventShape') {
      if (shape.length === 1 && size > limits.maxVectorSize) {
        refuse(
          `option 'eventShape' [${size}] is a vector of ${size} scalars`,
          limits.maxVectorSize,
          'maxVectorSize',
        );
      }
      eventSize = size;
    }
  }
  const hidden = numbers(options.hidden);
  if (hidden !== undefined) {
    if (hidden.length > limits.maxHiddenLayers) {
      refuse(`option 'hidden' lists ${hidden.length} layers`, limits.maxHiddenLayers, 'maxHiddenLayers');
    }
    const widest = Math.max(0, ...hidden);
    if (widest > limits.maxHiddenWidth) {
      refuse(`option 'hidden' has a layer of width ${widest}`, limits.maxHiddenWidth, 'maxHiddenWidth');
    }
  }
  const counts: [string, number, keyof Limits][] = [
    ['layers', limits.maxLayers, 'maxLayers'],
    ['bins', limits.maxBins, 'maxBins'],
    ['components', limits.maxComponents, 'maxComponents'],
  ];
  for (const [key, limit, name] of counts) {
    const n = numberOption(options, key);
    if (n !== undefined && n > limit) refuse(`option '${key}' is ${n}`, limit, name);
  }
  return eventSize === undefined ? 0 : parameterEstimate(options, eventSize, hidden);
}

/**
 * A lower bound on the parameters a component with these options builds, from the options every
 * family shares: `layers` conditioners, each an MLP from half the event through the `hidden` widths
 * back to half the event times the `bins`, and `components` × event-size mixture parameters.
 */
function parameterEstimate(
  options: Record<string, unknown>,
  eventSize: number,
  hidden: readonly number[] | undefined,
): number {
  let estimate = 0;
  const layers = numberOption(options, 'layers');
  if (hidden !== undefined || layers !== undefined) {
    const widths = hidden ?? ASSUMED_HIDDEN;
    const half = Math.floor(eventSize / 2);
    const bins = Math.max(1, numberOption(options, 'bins') ?? 1);
    const sizes = [half, ...widths.map((w) => Math.max(0, w)), half * bins];
    let perLayer = 0;
    for (let i = 1; i < sizes.length; i++) perLayer += (sizes[i - 1] as number) * (sizes[i] as number);
    estimate += Math.max(1, layers ?? 1) * perLayer;
  }
  const components = numberOption(options, 'components');
  if (components !== undefined && components > 0) estimate += components * eventSize;
  return estimate;
}

/**
 * Checks a flow config against the model-file limits before anything is built: JSON nesting and
 * size, component nesting depth and count, and what each component's shared options (`eventShape`,
 * `contextShape`, `hidden`, `layers`, `bins`, `components`) ask for, including an estimate of the
 * parameters they build. Throws a {@link ModelFileError} naming `file`, the component and the limit.
 */
export function checkFlowConfigLimits(
  flow: unknown,
  file: string,
  count: ValueCount = { values: 0 },
  limits: Limits = LIMITS,
): void {
  let components = 0;
  let estimate = 0;
  walkJson(flow, 'flow', file, count, limits, (node: JsonNode) => {
    if (!isComponent(node.value)) return;
    components++;
    const where = nodePath(node, 'flow');
    if (components > limits.maxBijectors) {
      throw new ModelFileError(
        file,
        `holds more than ${limits.maxBijectors} bijector and distribution configs (LIMITS.maxBijectors); refused at ${where}`,
      );
    }
    let depth = 0;
    for (let n: JsonNode | null = node; n !== null; n = n.parent) if (isComponent(n.value)) depth++;
    if (depth > limits.maxBijectorDepth) {
      throw new ModelFileError(
        file,
        `nests bijector configs more than ${limits.maxBijectorDepth} deep (LIMITS.maxBijectorDepth) at ${where}`,
      );
    }
    estimate += checkComponent(node.value, where, file, limits);
    if (estimate > limits.maxParameters) {
      throw new ModelFileError(
        file,
        `the flow config asks for at least ${estimate} parameters by ${where} (its layers, hidden widths, bins and event sizes); model files allow at most ${limits.maxParameters} (LIMITS.maxParameters)`,
      );
    }
  });
}
