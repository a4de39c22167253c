/** Rows of fewer floats than this are copied element by element, longer ones as one block copy each. */
const SHORT_ROW = 64;

/**
 * Rows `rows` of a row-major float table of `width` floats per row, copied in order into `out`
 * (length ≥ rows.length · width; a new array by default): the one host-side row gather behind the
 * wasm minibatch kernel, the replicas' shards and `selectRows`. Short rows (table columns) are
 * copied element by element, since a subarray view per row costs more than its copy.
 * @internal
 */
export function gatherRowsInto(
  source: Float32Array,
  width: number,
  rows: ArrayLike<number>,
  out: Float32Array = new Float32Array(rows.length * width),
): Float32Array {
  if (width < SHORT_ROW)
    for (let r = 0; r < rows.length; r++) {
      const from = (rows[r] as number) * width;
      const to = r * width;
      for (let k = 0; k < width; k++) out[to + k] = source[from + k] as number;
    }
  else
    for (let r = 0; r < rows.length; r++) {
      const from = (rows[r] as number) * width;
      out.set(source.subarray(from, from + width), r * width);
    }
  return out;
}
