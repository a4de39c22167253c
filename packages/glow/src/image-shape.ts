import {
  LIMITS,
  OptionError,
  ShapeError,
  formatShape,
  option,
  previewJson,
  type OptionField,
} from '@bijective/core';

/** An image event shape `[height, width, channels]` (tfjs's NHWC without the batch axis). */
export type ImageShape = [number, number, number];

/**
 * The option field of an image shape `[h, w, c]`: positive integers, with at least `minChannels`
 * channels and, when `evenSides`, even height and width (a squeeze halves them); a bad shape is a ShapeError.
 * @internal
 */
export function imageShapeOption(
  settings: { minChannels?: number; maxChannels?: number; evenSides?: boolean; why?: string } = {},
): OptionField<ImageShape> {
  const { minChannels = 1, maxChannels = LIMITS.maxVectorSize, evenSides = false, why = '' } = settings;
  return option.custom({
    read: (value, c) => {
      if (
        !Array.isArray(value) ||
        value.length !== 3 ||
        !value.every((s) => typeof s === 'number' && Number.isInteger(s) && s > 0)
      ) {
        throw new ShapeError(
          `${c.what} must be an image shape [height, width, channels], got ${previewJson(value)}`,
        );
      }
      const [h, w, ch] = value as ImageShape;
      if (ch < minChannels) {
        throw new ShapeError(
          `${c.what} needs at least ${minChannels} channels${why}, got ${formatShape([h, w, ch])}`,
        );
      }
      if (h * w * ch > LIMITS.maxEventSize) {
        throw new OptionError(
          `${c.what} ${formatShape([h, w, ch])} has more than ${LIMITS.maxEventSize} values (LIMITS.maxEventSize)`,
        );
      }
      if (ch > maxChannels) {
        throw new OptionError(`${c.what} has ${ch} channels; at most ${maxChannels} are supported`);
      }
      if (evenSides && (h % 2 !== 0 || w % 2 !== 0)) {
        throw new ShapeError(
          `${c.what} needs an even height and width${why}, got ${formatShape([h, w, ch])}`,
        );
      }
      return [h, w, ch];
    },
  });
}

/** Pixels per image, h·w. @internal */
export function pixelCount(shape: readonly number[]): number {
  return (shape[0] as number) * (shape[1] as number);
}

/** Checks a hidden-channel count. @internal */
export function hiddenChannelsOption(fallback: number): OptionField<number> {
  return option.custom({
    read: (value, c) => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS.maxHiddenWidth) {
        throw new OptionError(
          `${c.what} must be an integer in [1, ${LIMITS.maxHiddenWidth}], got ${previewJson(v)}`,
        );
      }
      return v;
    },
    default: String(fallback),
  });
}

/** Most channels of an LU-parameterised 1x1 convolution (its LU set-up costs O(c³) on the host). @internal */
export const MAX_LU_CHANNELS = 512;
