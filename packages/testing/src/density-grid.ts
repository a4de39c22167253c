/** A regular grid of cell midpoints over a box in a few dimensions (axis 0 varies slowest). */
export interface Grid {
  /** Dimensions of the box. */
  dims: number;
  /** Cells per axis. */
  cells: number;
  /** Lower corner of the box. */
  lo: number[];
  /** Cell width per axis. */
  width: number[];
  /** Cell midpoints, `dims` coordinates each, cells^dims points. */
  points: Float32Array;
  /** Volume of one cell. */
  cellVolume: number;
}

/**
 * The bounding box of `samples` (rows of `dims` values) widened by `margin` times its extent on
 * every side, so that little mass of the sampled density lies outside it.
 */
export function boxAround(
  samples: ArrayLike<number>,
  dims: number,
  margin: number,
): { lo: number[]; hi: number[] } {
  const lo = new Array<number>(dims).fill(Infinity);
  const hi = new Array<number>(dims).fill(-Infinity);
  for (let k = 0; k < samples.length; k++) {
    const axis = k % dims;
    lo[axis] = Math.min(lo[axis]!, samples[k]!);
    hi[axis] = Math.max(hi[axis]!, samples[k]!);
  }
  const extent = lo.map((l, i) => Math.max(hi[i]! - l, 1e-3));
  return { lo: lo.map((l, i) => l - margin * extent[i]!), hi: hi.map((h, i) => h + margin * extent[i]!) };
}

/** The midpoint grid with `cells` cells per axis over the box [lo, hi]. */
export function midpointGrid(lo: readonly number[], hi: readonly number[], cells: number): Grid {
  const dims = lo.length;
  const width = lo.map((l, i) => (hi[i]! - l) / cells);
  const count = cells ** dims;
  const points = new Float32Array(count * dims);
  for (let p = 0; p < count; p++) {
    let rest = p;
    for (let axis = dims - 1; axis >= 0; axis--) {
      const index = rest % cells;
      rest = Math.floor(rest / cells);
      points[p * dims + axis] = lo[axis]! + (index + 0.5) * width[axis]!;
    }
  }
  return { dims, cells, lo: [...lo], width, points, cellVolume: width.reduce((v, w) => v * w, 1) };
}

/** The flat index of the cell holding `point` (coordinates `offset..offset+dims`), or -1 outside the grid. */
export function cellOf(grid: Grid, point: ArrayLike<number>, offset = 0): number {
  let index = 0;
  for (let axis = 0; axis < grid.dims; axis++) {
    const i = Math.floor((point[offset + axis]! - grid.lo[axis]!) / grid.width[axis]!);
    if (!(i >= 0 && i < grid.cells)) return -1;
    index = index * grid.cells + i;
  }
  return index;
}

/** Sums the values of fine cells into blocks of `factor` cells per axis (a coarser grid of cells/factor per axis). */
export function coarsen(grid: Grid, values: ArrayLike<number>, factor: number): number[] {
  const coarse = grid.cells / factor;
  const out = new Array<number>(coarse ** grid.dims).fill(0);
  for (let p = 0; p < values.length; p++) {
    let rest = p;
    let index = 0;
    let scale = 1;
    for (let axis = grid.dims - 1; axis >= 0; axis--) {
      index += Math.floor((rest % grid.cells) / factor) * scale;
      rest = Math.floor(rest / grid.cells);
      scale *= coarse;
    }
    out[index]! += values[p]!;
  }
  return out;
}
