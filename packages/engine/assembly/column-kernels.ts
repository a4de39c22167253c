// AssemblyScript source of per-column scalings in 128-bit wasm SIMD: a weight matrix times one
// factor per column (a gated layer's kernel, K = W ⊙ g with g broadcast over the rows, as in
// FFJORD's concat-squash layers) and the backward pass of that product. Compiled with
// mlp-kernels.ts into one module (src/wasm/mlp-kernels.generated.ts); same conventions: pointers
// are byte offsets into tfjs-wasm's memory, sizes count floats, no data segments, no allocation.

/** dst[r, j] = src[r, j] · scale[j] for row-major src, dst `[rows, cols]` (dst may be src). */
export function scaleColumns(rows: i32, cols: i32, src: usize, scale: usize, dst: usize): void {
  const c4 = cols & ~3;
  const rs = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * rs;
    const d = dst + <usize>r * rs;
    let j = 0;
    for (; j < c4; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(d + o, f32x4.mul(v128.load(s + o), v128.load(scale + o)));
    }
    for (; j < cols; j++) {
      const o = (<usize>j) << 2;
      store<f32>(d + o, load<f32>(s + o) * load<f32>(scale + o));
    }
  }
}

/**
 * The backward pass of {@link scaleColumns} from dst̄ `[rows, cols]`: srcBar = dst̄ ⊙ scale (row by
 * row) and scaleBar[j] = Σ_r dst̄[r, j] src[r, j] (the column dot products, accumulated over the
 * rows in float32).
 */
export function scaleColumnsGrad(
  rows: i32,
  cols: i32,
  dstBar: usize,
  src: usize,
  scale: usize,
  srcBar: usize,
  scaleBar: usize,
): void {
  const c4 = cols & ~3;
  const rs = (<usize>cols) << 2;
  memory.fill(scaleBar, 0, rs);
  for (let r = 0; r < rows; r++) {
    const g = dstBar + <usize>r * rs;
    const s = src + <usize>r * rs;
    const b = srcBar + <usize>r * rs;
    let j = 0;
    for (; j < c4; j += 4) {
      const o = (<usize>j) << 2;
      const gv = v128.load(g + o);
      v128.store(b + o, f32x4.mul(gv, v128.load(scale + o)));
      v128.store(scaleBar + o, f32x4.add(v128.load(scaleBar + o), f32x4.mul(gv, v128.load(s + o))));
    }
    for (; j < cols; j++) {
      const o = (<usize>j) << 2;
      const gv = load<f32>(g + o);
      store<f32>(b + o, gv * load<f32>(scale + o));
      store<f32>(scaleBar + o, load<f32>(scaleBar + o) + gv * load<f32>(s + o));
    }
  }
}
