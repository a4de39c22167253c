import { defineHostKernel } from '../kernels/host-kernel.js';
import type { ElementwiseTransform } from './elementwise-transform.js';
import { sizeOfRows, transformKernels, type TransformKernelAttrs } from './transform-kernels.js';

const apply = defineHostKernel<TransformKernelAttrs>({
  name: 'Bijective.Additive',
  outputShapes: ([u]) => [[...(u as number[])]],
  run([u, raw], [value], [shape], { columns, inverse }) {
    const [n, d] = sizeOfRows(shape);
    const b = columns.length;
    (value as Float32Array).set(u as Float32Array);
    for (let r = 0; r < n; r++)
      for (let k = 0; k < b; k++) {
        const i = r * d + (columns[k] as number);
        const t = (raw as Float32Array)[r * b + k]!;
        (value as Float32Array)[i] = (u as Float32Array)[i]! + (inverse ? -t : t);
      }
  },
});

const grad = defineHostKernel<TransformKernelAttrs>({
  name: 'Bijective.AdditiveGrad',
  outputShapes: ([u, raw]) => [
    [...(u as number[])],
    [...(raw as number[])],
    [(raw as number[])[1] as number],
  ],
  run([, , dValue], [du, dRaw, dRawSums], [shape], { columns, inverse }) {
    const [n, d] = sizeOfRows(shape);
    const b = columns.length;
    (du as Float32Array).set(dValue as Float32Array);
    const sums = new Float64Array(b);
    for (let r = 0; r < n; r++)
      for (let k = 0; k < b; k++) {
        const g = (dValue as Float32Array)[r * d + (columns[k] as number)]!;
        const dT = inverse ? -g : g;
        (dRaw as Float32Array)[r * b + k] = dT;
        sums[k] = sums[k]! + dT;
      }
    (dRawSums as Float32Array).set(sums);
  },
});

/** NICE's additive map (Dinh et al. 2015): head t, forward y = x + t, inverse x = y - t; volume-preserving. */
export const ADDITIVE_TRANSFORM: ElementwiseTransform = transformKernels({
  heads: 1,
  hasLogDet: false,
  apply,
  grad,
  attrs: {},
});
