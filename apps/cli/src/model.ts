import * as tf from '@tensorflow/tfjs-core';
import {
  Affine,
  Chain,
  Flow,
  SinhArcsinh,
  TriangularAffine,
  ValueError,
  createByName,
  isRegistered,
  listRegistered,
  sameShape,
  type Bijector,
  type JsonObject,
} from '@bijective/core';
import {
  fitSinhArcsinhMarginals,
  fitStandardisation,
  fitWhitening,
  type Standardisation,
  type Whitening,
} from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/** Flow options the CLI passes through from its flags (`--layers`, `--hidden`, `--bins`, ...). */
export type FlowFlagOptions = JsonObject;

/** Training rows (data units) from which {@link buildFlow} fits the base-side whitening. */
export interface LatentFit {
  /** Rows `[n, d]` in the data's units. */
  rows: tf.Tensor2D;
  /** Their context rows, for conditional flows. */
  context?: tf.Tensor;
  /** Whether to fit the base-side whitening (default true; false: the rows only fit the marginal layer). */
  whiten?: boolean;
  /**
   * Whether the marginal layer's outputs are restandardised for the flow (default false): a fixed
   * per-column affine map to mean 0 and variance 1 on these rows between the marginal layer and the flow.
   */
  restandardise?: boolean;
}

/** The per-column marginal layer at the data side of a table's flow (`train --marginal`). */
export type MarginalKind = 'none' | 'sinh-arcsinh';

/**
 * Builds `--flow` for d-dimensional data in the data's own units. From the base: an optional fixed
 * whitening map u -> L u + m (below), the registered flow, which acts on standardised data, and a
 * fixed affine map x = std ⊙ z + mean (from the training rows) to data space, so logProb already
 * includes the standardisation's log-det and samples come out in data units.
 *
 * With `latentFit`, the flow at its initialisation maps the standardised training rows to latent
 * codes, and L, m are the Cholesky factor and mean of their covariance: a data-dependent
 * initialisation of a fixed base-side affine map (like Glow's actnorm, with a full covariance). For
 * a flow that starts at the identity (or a permutation), the model then starts AT the maximum-
 * likelihood full-covariance Gaussian of the training rows, and training only adds the non-Gaussian
 * structure, in standardised data coordinates, where skewed columns stay axis-aligned. When that
 * covariance is singular (collinear columns, fewer rows than columns) the map is left out.
 *
 * With `marginal: 'sinh-arcsinh'` (and `latentFit`'s rows), a trainable per-column sinh-arcsinh map
 * sits between the flow and the standardisation, initialised at each standardised column's
 * maximum-likelihood fit (`fitSinhArcsinhMarginals`): the whitening is then fitted on the
 * Gaussianised columns, so the model starts at the Gaussian copula with sinh-arcsinh marginals.
 */
export function buildFlow(
  name: string,
  dims: number,
  standardisation: Standardisation,
  options: FlowFlagOptions,
  contextDims?: number,
  base = 'standard-normal',
  latentFit?: LatentFit,
  marginal: MarginalKind = 'none',
): Flow {
  const bases = listRegistered('distribution').filter((l) => !l.tags.includes('composite'));
  if (!isRegistered('distribution', base) || !bases.some((l) => l.name === base)) {
    const known = bases.map((l) => l.name).join(', ');
    throw new UsageError(
      isRegistered('distribution', base)
        ? `'${base}' mixes whole flows (what --flow auto saves as an ensemble); it is not a base for --base; known: ${known}`
        : `unknown base distribution '${base}'; known: ${known}`,
    );
  }
  const core = createFlowBijector(name, dims, options, contextDims);
  const toData = new Affine({
    eventShape: [dims],
    shift: [...standardisation.mean],
    scale: [...standardisation.std],
    minScale: Math.min(...standardisation.std) * 1e-3,
    trainable: false,
  });
  const dataSide: Bijector[] = [toData];
  if (marginal === 'sinh-arcsinh' && latentFit) {
    dataSide.unshift(fitMarginal(dims, toData, latentFit.rows));
    const restandardise = latentFit.restandardise ? columnStandardiser(dims, dataSide, latentFit.rows) : null;
    if (restandardise) dataSide.unshift(restandardise);
  }
  // A flow whose base side is wider than its data (an augmented CNF) takes its base's shape from it.
  const baseShape = [...core.eventShape];
  const whitening =
    latentFit &&
    latentFit.whiten !== false &&
    sameShape(baseShape, [dims]) &&
    fitLatentWhitening(core, dataSide, latentFit);
  const bijectors = whitening
    ? [
        new TriangularAffine({
          eventShape: [dims],
          matrix: [...whitening.cholesky],
          shift: [...whitening.mean],
        }),
        core,
        ...dataSide,
      ]
    : [core, ...dataSide];
  return new Flow(createByName('distribution', base, { eventShape: baseShape }), new Chain(bijectors));
}

/**
 * The registered flow `name` (registry tag `flow`) for d-dimensional events with the flag options
 * (and a context of `contextDims` columns); an unknown name is a usage error listing the flows.
 */
export function createFlowBijector(
  name: string,
  dims: number,
  options: FlowFlagOptions,
  contextDims?: number,
): Bijector {
  if (!isRegistered('bijector', name) || !listRegistered('bijector', 'flow').some((l) => l.name === name)) {
    const known = listRegistered('bijector', 'flow').map((l) => l.name);
    throw new UsageError(`unknown flow '${name}'; known: ${known.join(', ')}`);
  }
  return createByName('bijector', name, {
    eventShape: [dims],
    ...options,
    ...(contextDims ? { contextShape: [contextDims] } : {}),
  });
}

/** The sinh-arcsinh marginal map fitted per column to the standardised rows (the identity if any is not finite). */
function fitMarginal(dims: number, toData: Bijector, rows: tf.Tensor2D): SinhArcsinh {
  const marginal = new SinhArcsinh({ eventShape: [dims] });
  const standardised = tf.tidy(() => toData.inverse(rows));
  try {
    const data = standardised.dataSync() as Float32Array;
    if (rows.shape[0] >= 2 && data.every(Number.isFinite))
      marginal.assign(fitSinhArcsinhMarginals({ data, rows: rows.shape[0], cols: dims }));
  } finally {
    standardised.dispose();
  }
  return marginal;
}

/**
 * A fixed affine map z = m + σ ⊙ w whose inverse standardises the data side's outputs on `rows` (per
 * column mean m and standard deviation σ), or null when a column is not finite or constant. The sinh-arcsinh
 * fit leaves each column's mean and variance free (the whitening absorbs them), so its outputs can sit
 * far off the flow's working range (a spline's interval [−B, B]); this puts the flow back on
 * standardised coordinates without changing the initial density (the whitening absorbs the map).
 */
function columnStandardiser(dims: number, dataSide: Bijector[], rows: tf.Tensor2D): Affine | null {
  const codes = tf.tidy(() => dataSide.reduceRight<tf.Tensor>((x, b) => b.inverse(x), rows));
  try {
    const data = codes.dataSync() as Float32Array;
    const { mean, std } = fitStandardisation({ data, rows: rows.shape[0], cols: dims });
    return new Affine({
      eventShape: [dims],
      shift: [...mean],
      scale: [...std],
      minScale: Math.min(...std) * 1e-3,
      trainable: false,
    });
  } catch (e) {
    if (e instanceof ValueError) return null; // a constant or non-finite column: keep the fit's outputs
    throw e;
  } finally {
    codes.dispose();
  }
}

/** Mean and Cholesky factor of the initial flow's latent codes of the training rows, or null when singular. */
function fitLatentWhitening(core: Bijector, dataSide: Bijector[], fit: LatentFit): Whitening | null {
  const dims = fit.rows.shape[1];
  if (dims < 2 || fit.rows.shape[0] <= dims) return null;
  const codes = tf.tidy(() =>
    core.inverse(
      dataSide.reduceRight<tf.Tensor>((x, b) => b.inverse(x), fit.rows),
      { context: fit.context },
    ),
  );
  try {
    const data = codes.dataSync() as Float32Array;
    if (!data.every(Number.isFinite)) return null;
    return fitWhitening({ data, rows: fit.rows.shape[0], cols: dims });
  } catch (e) {
    if (e instanceof ValueError) return null;
    throw e;
  } finally {
    codes.dispose();
  }
}
