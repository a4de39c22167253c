const buffer = new DataView(new ArrayBuffer(4));

/** The largest float32 strictly below the float32 value `b` (for b > 0 or b < 0 alike). */
export function float32Below(b: number): number {
  const f = Math.fround(b);
  if (f === 0) return -Math.fround(1.401298464324817e-45);
  buffer.setFloat32(0, f);
  const bits = buffer.getUint32(0);
  buffer.setUint32(0, f > 0 ? bits - 1 : bits + 1);
  return buffer.getFloat32(0);
}

/** Rounds `x` to float32 but keeps it strictly below `upper` (x < upper in float64 may round up to it). */
export function float32StrictlyBelow(x: number, upper: number): number {
  const f = Math.fround(x);
  return f < upper ? f : float32Below(upper);
}
