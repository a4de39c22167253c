/** Control points of a perceptually ordered dark-to-bright colour map (viridis-like), RGB in 0..255. */
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Maps t in [0, 1] to an RGB colour by piecewise-linear interpolation of {@link STOPS}. */
export function colormap(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i] as [number, number, number];
  const b = STOPS[i + 1] as [number, number, number];
  return [0, 1, 2].map((k) => Math.round((a[k] as number) * (1 - f) + (b[k] as number) * f)) as [
    number,
    number,
    number,
  ];
}
