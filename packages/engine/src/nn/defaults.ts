/** Default hidden widths of every conditioner network (coupling, MADE and spline conditioners): two layers of 64 units. */
export const DEFAULT_HIDDEN: readonly number[] = [64, 64];
