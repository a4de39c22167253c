import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  LIMITS,
  OptionError,
  ShapeError,
  type TrainingLossOptions,
  defineOptions,
  formatShape,
  option,
  previewJson,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import { ActNorm } from './actnorm.js';
import { GlowCoupling } from './affine-coupling.js';
import { ChannelPermutation } from './channel-permutation.js';
import { ContextPrior } from './context-prior.js';
import { MAX_LU_CHANNELS, hiddenChannelsOption, imageShapeOption, type ImageShape } from './image-shape.js';
import { InvertibleConv1x1 } from './invertible-conv.js';
import { LogitTransform } from './logit.js';
import { MaskedCoupling } from './masked-coupling.js';
import { SplitPrior } from './split-prior.js';
import { squeeze2x2, unsqueeze2x2 } from './squeeze.js';
import { IMAGE_LEVELS, VariationalDequantizer, binCorners } from './variational-dequantization.js';

/** Options of the `glow` flow ({@link Glow}). */
export interface GlowOptions {
  /** Image `[height, width, channels]` of the data; height and width divisible by 2^levels. */
  imageShape: number[];
  /** Vector event shape of the flattened data (rows of a table); default [h·w·c]. */
  eventShape?: number[];
  /** Scales: each squeezes 2x2 -> channels, runs its steps and (but the last) factors out half the channels; default 2 (1 when the sides are not divisible by 4). */
  levels?: number;
  /** Flow steps (actnorm, channel mixing, coupling) per level; default 6. */
  stepsPerLevel?: number;
  /** Channels of each coupling conditioner's hidden layers; default 64. */
  hiddenChannels?: number;
  /** `affine`: Glow's channel-split affine coupling; `realnvp`: RealNVP's checkerboard then channel masks; default `affine`. */
  coupling?: 'affine' | 'realnvp';
  /** Channel mixing before each affine coupling: `lu` (invertible 1x1 convolution) or `reverse` (fixed); default `lu`. */
  mixing?: 'lu' | 'reverse';
  /** Prior of the factored-out channels: `learned` (Glow's conditional prior) or `standard` (N(0, I)); default `learned`. */
  splitPrior?: 'learned' | 'standard';
  /** α of the logit pre-transform on data in [0, 1]; default 0.05. */
  logitAlpha?: number;
  /**
   * `uniform`: the data come dequantised, (x + u)/256 with u ~ U[0, 1); `variational`: training
   * draws u ~ q(u | x) from a learned conditional flow instead (Ho et al. 2019) and minimises the
   * bound −E_q[log p(x + u) − log q(u | x)]; default `uniform`.
   */
  dequantization?: 'uniform' | 'variational';
  /**
   * Shape `[k]` of a context vector (a one-hot class: class-conditional Glow, Kingma & Dhariwal
   * 2018) that conditions every level's prior: mean and log-scale per channel linear in it; default none (unconditional).
   */
  contextShape?: number[] | null;
  /** Seed of every initial weight; random when absent. */
  seed?: number;
}

/** The image shape at each level after its squeeze, and the shape of the latent it factors out. */
export interface GlowLevelShape {
  /** The squeezed shape `[h, w, c]` the level's steps act on. */
  shape: ImageShape;
  /** The shape of this level's latent (factored-out channels, or everything at the last level). */
  latent: ImageShape;
}

/** The level shapes of a Glow of `levels` levels on `image` (see {@link GlowLevelShape}). */
export function glowLevelShapes(image: readonly number[], levels: number): GlowLevelShape[] {
  const out: GlowLevelShape[] = [];
  let [h, w, c] = image as ImageShape;
  for (let l = 0; l < levels; l++) {
    [h, w, c] = [h / 2, w / 2, 4 * c];
    const last = l === levels - 1;
    const kept = Math.ceil(c / 2);
    out.push({ shape: [h, w, c], latent: last ? [h, w, c] : [h, w, c - kept] });
    c = last ? c : kept;
  }
  return out;
}

const SCHEMA = defineOptions('glow', {
  imageShape: imageShapeOption(),
  eventShape: option.custom({
    read: (value, c) => {
      const [h, w, ch] = c.value<ImageShape>('imageShape');
      const size = h * w * ch;
      if (value !== undefined && !(Array.isArray(value) && value.length === 1 && value[0] === size)) {
        throw new ShapeError(
          `${c.what} must be [${size}] (the flattened imageShape), got ${previewJson(value)}`,
        );
      }
      return [size] as [number];
    },
    default: '[h·w·c]',
  }),
  levels: option.custom({
    read: (value, c) => {
      const [h, w] = c.value<ImageShape>('imageShape');
      // Default: 2 levels, or 1 when the sides do not halve twice (14x14 images).
      const levels = value ?? (h % 4 === 0 && w % 4 === 0 ? 2 : 1);
      if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 1) {
        throw new ShapeError(`${c.what} must be a positive integer, got ${previewJson(levels)}`);
      }
      const side = 2 ** levels;
      if (h % side !== 0 || w % side !== 0) {
        throw new ShapeError(
          `glow: ${levels} levels squeeze the image ${levels} times, so height and width must be divisible by ${side}; got imageShape ${formatShape(c.value<ImageShape>('imageShape'))}`,
        );
      }
      return levels;
    },
    default: '2',
  }),
  stepsPerLevel: option.custom({
    read: (value, c) => {
      const v = value ?? 6;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS.maxLayers) {
        throw new OptionError(
          `${c.what} must be an integer in [1, ${LIMITS.maxLayers}], got ${previewJson(v)}`,
        );
      }
      return v;
    },
    default: '6',
  }),
  hiddenChannels: hiddenChannelsOption(64),
  coupling: option.oneOf(['affine', 'realnvp'] as const, { default: 'affine' }),
  mixing: option.oneOf(['lu', 'reverse'] as const, { default: 'lu' }),
  splitPrior: option.oneOf(['learned', 'standard'] as const, { default: 'learned' }),
  logitAlpha: option.number({ default: 0.05, atLeast: 0, atMost: 0.49 }),
  dequantization: option.oneOf(['uniform', 'variational'] as const, { default: 'uniform' }),
  contextShape: option.contextShape(),
  seed: option.seed(),
});

/** Refuses, before allocating, a Glow whose channels or parameter count exceed the limits. */
function checkSize(o: ReturnType<typeof SCHEMA.read>): void {
  let parameters = 0;
  for (const { shape } of glowLevelShapes(o.imageShape, o.levels)) {
    const c = shape[2];
    if (o.mixing === 'lu' && o.coupling === 'affine' && c > MAX_LU_CHANNELS) {
      throw new OptionError(
        `glow: level shape ${formatShape(shape)} has more than ${MAX_LU_CHANNELS} channels for the LU 1x1 convolution; use fewer levels or mixing 'reverse'`,
      );
    }
    const h = o.hiddenChannels;
    parameters += o.stepsPerLevel * (c * c + 9 * c * h + h * h + 9 * h * 2 * c) + 9 * c * c;
  }
  const c = o.imageShape[2];
  if (o.dequantization === 'variational')
    parameters += 9 * c * o.hiddenChannels + o.hiddenChannels ** 2 + 18 * o.hiddenChannels * c;
  if (parameters > LIMITS.maxParameters) {
    throw new OptionError(
      `glow: about ${parameters} parameters, more than LIMITS.maxParameters (${LIMITS.maxParameters})`,
    );
  }
}

/** One level: its steps (in the density direction's order) and its split prior. */
interface Level {
  shape: GlowLevelShape;
  steps: Bijector[];
  prior: SplitPrior | null;
  /** The class-conditional prior of the level's latent (with a context), else null. */
  contextPrior: ContextPrior | null;
}

/**
 * Glow (Kingma & Dhariwal 2018): a multi-scale flow on images, flattened to vectors of h·w·c values
 * in [0, 1] (dequantised pixels / 256). In the density direction: the logit pre-transform (RealNVP),
 * then per level a 2x2 squeeze, K steps of actnorm → invertible 1x1 convolution → affine coupling,
 * and, at every level but the last, a split that factors out half the channels under a learned
 * conditional prior. The base side is the concatenation of one standard-normal latent per level
 * ({@link Glow.splitLatents}); log p(x) = Σ_l log N(ε_l) + Σ log|det| of every step.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { Glow } from '@bijective/glow';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const glow = new Glow({ imageShape: [4, 4, 1], levels: 2, stepsPerLevel: 2, hiddenChannels: 8, seed: 0 });
 * const flow = new Flow(new StandardNormal({ eventShape: [...glow.eventShape] }), glow);
 * const images = tf.randomUniform([3, 16], 0, 1, 'float32', 1); // three 4x4 images in [0, 1]
 * console.log(flow.logProb(images).shape, glow.latentShapes); // [3] [[2, 2, 2], [1, 1, 8]]
 * flow.dispose();
 * ```
 */
export class Glow extends BaseBijector {
  readonly name = 'glow';
  /** Its options, declared once. */
  static readonly schema = SCHEMA;
  /** The resolved options. */
  readonly options: ReturnType<typeof SCHEMA.read>;
  /** The logit pre-transform on the flattened data. */
  readonly logit: LogitTransform;
  /** The learned noise distribution q(u | x) with `dequantization: 'variational'`, else null. */
  readonly dequantizer: VariationalDequantizer | null;
  /**
   * With variational dequantisation, the training objective on dequantised rows y: the rows' bins
   * x = ⌊256 y⌋ get fresh noise u ~ q(u | x), and the loss is −mean[log p((x + u)/256) − log q(u | x)]
   * (in the units of log p(y), so comparable with uniform dequantisation's −mean log p(y)); absent with
   * uniform dequantisation (the NLL is the objective).
   */
  readonly trainingLoss?: (y: tf.Tensor, options: TrainingLossOptions) => tf.Scalar;
  private readonly levelList: Level[];

  /** Builds the flow; weights are seeded, actnorms initialise from the first training batch. */
  constructor(options: GlowOptions) {
    const o = SCHEMA.read(options);
    checkSize(o);
    if (o.contextShape !== null && o.contextShape.length !== 1) {
      throw new ShapeError(
        `glow: contextShape must be [k] (a vector, e.g. a one-hot class), got ${formatShape(o.contextShape)}`,
      );
    }
    super({ eventShape: o.eventShape, contextShape: o.contextShape });
    this.options = o;
    this.logit = new LogitTransform({ eventShape: o.eventShape, alpha: o.logitAlpha });
    let seed = o.seed;
    const next = () => (seed = (seed + 7919) % 2 ** 32);
    this.levelList = glowLevelShapes(o.imageShape, o.levels).map((shape, l) => {
      const s = [...shape.shape];
      const steps: Bijector[] = [];
      for (let k = 0; k < o.stepsPerLevel; k++) {
        steps.push(new ActNorm({ eventShape: s }));
        if (o.coupling === 'affine') {
          steps.push(
            o.mixing === 'lu'
              ? new InvertibleConv1x1({ eventShape: s, seed: next() })
              : new ChannelPermutation({ eventShape: s }),
          );
          steps.push(new GlowCoupling({ eventShape: s, hiddenChannels: o.hiddenChannels, seed: next() }));
        } else {
          const pixels = (s[0] as number) * (s[1] as number);
          const mask = k < Math.ceil(o.stepsPerLevel / 2) && pixels > 1 ? 'checkerboard' : 'channel';
          steps.push(
            new MaskedCoupling({
              eventShape: s,
              mask,
              parity: k % 2,
              hiddenChannels: o.hiddenChannels,
              seed: next(),
            }),
          );
        }
      }
      const last = l === o.levels - 1;
      const prior = !last && o.splitPrior === 'learned' ? new SplitPrior({ eventShape: s }) : null;
      const k = o.contextShape?.[0];
      const contextPrior = k === undefined ? null : new ContextPrior(shape.latent, k);
      return { shape, steps, prior, contextPrior };
    });
    this.dequantizer =
      o.dequantization === 'variational'
        ? new VariationalDequantizer(o.imageShape, o.hiddenChannels, next())
        : null;
    if (this.dequantizer) this.trainingLoss = (y, call) => this.variationalLoss(y, call);
  }

  /** −mean of log p((x + u)/256) − log q(u | x) over rows y, u ~ q(u | x) (see {@link Glow.trainingLoss}). */
  private variationalLoss(y: tf.Tensor, options: TrainingLossOptions): tf.Scalar {
    const { seed, sampleBase: _sampleBase, baseLogProb, ...call } = options;
    if (!baseLogProb || !this.dequantizer) {
      throw new OptionError(
        'glow: variational dequantisation trains through Flow.trainingLoss, which passes the base density',
      );
    }
    const dequantizer = this.dequantizer;
    return tf.tidy(() => {
      const corners = binCorners(y);
      const { u, logQ } = dequantizer.sample(corners, seed);
      const r = this.inverseAndLogDet(tf.add(corners, tf.div(u, IMAGE_LEVELS)), call);
      return tf.neg(tf.mean(tf.sub(tf.add(baseLogProb(r.value), r.logDet), logQ))) as tf.Scalar;
    });
  }

  /** The shape of each level's latent, in the order the base side concatenates them. */
  get latentShapes(): ImageShape[] {
    return this.levelList.map((l) => l.shape.latent);
  }

  /** Splits base-side vectors `[n, h·w·c]` into one latent `[n, ...latentShapes[l]]` per level. */
  splitLatents(z: tf.Tensor): tf.Tensor[] {
    const sizes = this.latentShapes.map(([h, w, c]) => h * w * c);
    const shapes = this.latentShapes;
    return tf.tidy(() => {
      // tf.split's gradient fails on a single part: one level's latent is z itself.
      const parts = sizes.length === 1 ? [z] : tf.split(z, sizes, 1);
      return parts.map((part, l) => tf.reshape(part, [-1, ...(shapes[l] as ImageShape)]));
    });
  }

  /** Every step's and prior's variables, level by level, then the dequantiser's. */
  override get variables(): readonly tf.Variable[] {
    return [
      ...this.levelList.flatMap((l) => [
        ...l.steps.flatMap((b) => b.variables),
        ...(l.prior?.variables ?? []),
        ...(l.contextPrior?.variables ?? []),
      ]),
      ...(this.dequantizer?.variables ?? []),
    ];
  }

  /** `{name: 'glow', options}` with every default and the seed written out. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: SCHEMA.toConfig(this.options) };
  }

  /** Frees every variable. */
  override dispose(): void {
    for (const l of this.levelList) {
      for (const b of l.steps) b.dispose();
      l.prior?.dispose();
      l.contextPrior?.dispose();
    }
    this.dequantizer?.dispose();
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const n = y.shape[0] as number;
    const pre = this.logit.inverseAndLogDet(y);
    let logDet = pre.logDet;
    let h: tf.Tensor = tf.reshape(pre.value, [n, ...this.options.imageShape]);
    const latents: tf.Tensor[] = [];
    this.levelList.forEach((level, l) => {
      h = squeeze2x2(h);
      for (const b of level.steps) {
        const r = b.inverseAndLogDet(h, options);
        h = r.value;
        logDet = tf.add(logDet, r.logDet);
      }
      const latent = (t: tf.Tensor): tf.Tensor => {
        if (!level.contextPrior) return tf.reshape(t, [n, -1]);
        const r = level.contextPrior.inverse(t, options.context as tf.Tensor);
        logDet = tf.add(logDet, r.logDet);
        return tf.reshape(r.value, [n, -1]);
      };
      if (l === this.levelList.length - 1) {
        latents.push(latent(h));
        return;
      }
      if (level.prior) {
        const r = level.prior.inverseAndLogDet(h, options);
        h = r.value;
        logDet = tf.add(logDet, r.logDet);
      }
      const kept = level.shape.shape[2] - level.shape.latent[2];
      latents.push(latent(tf.slice(h, [0, 0, 0, kept], [-1, -1, -1, -1])));
      h = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, kept]);
    });
    return { value: tf.concat(latents, 1), logDet };
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const n = x.shape[0] as number;
    let logDet: tf.Tensor = tf.zeros([n]);
    const parts = this.splitLatents(x).map((part, l) => {
      const prior = (this.levelList[l] as Level).contextPrior;
      if (!prior) return part;
      const r = prior.forward(part, options.context as tf.Tensor);
      logDet = tf.add(logDet, r.logDet);
      return r.value;
    });
    let h = parts[parts.length - 1] as tf.Tensor;
    for (let l = this.levelList.length - 1; l >= 0; l--) {
      const level = this.levelList[l] as Level;
      if (l < this.levelList.length - 1) {
        h = tf.concat([h, parts[l] as tf.Tensor], 3);
        if (level.prior) {
          const r = level.prior.forwardAndLogDet(h, options);
          h = r.value;
          logDet = tf.add(logDet, r.logDet);
        }
      }
      for (let k = level.steps.length - 1; k >= 0; k--) {
        const r = (level.steps[k] as Bijector).forwardAndLogDet(h, options);
        h = r.value;
        logDet = tf.add(logDet, r.logDet);
      }
      h = unsqueeze2x2(h);
    }
    const post = this.logit.forwardAndLogDet(tf.reshape(h, [n, -1]));
    return { value: post.value, logDet: tf.add(logDet, post.logDet) };
  }
}
