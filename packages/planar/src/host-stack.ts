import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel } from '@bijective/engine';

/**
 * One family's layer on the host, in float64: the forward map of one row through one layer (in
 * place) and its backward pass. `p` holds the layer's constrained parameters from `at`
 * (Q values); `cache` one scalar the backward pass reuses (planar: tanh(a); radial: r).
 */
export interface HostLayerMath {
  /** Kernel name prefix, e.g. `Bijective.Planar`. */
  readonly name: string;
  /** Maps z (length d) in place through the layer; stores its cached scalar; returns log|det ∂f/∂z|. */
  forward(d: number, z: Float64Array, p: Float32Array, at: number, cache: { value: number }): number;
  /**
   * From the layer's input z (length d), its cached scalar, dL/dy in `g` and dL/d(log-det) `gl`:
   * overwrites `g` with dL/dz and adds dL/dp into `gp` from `at`.
   */
  backward(
    d: number,
    z: Float64Array,
    cached: number,
    g: Float64Array,
    gl: number,
    p: Float32Array,
    at: number,
    gp: Float64Array,
  ): void;
}

/** The attributes of a stack kernel: event size d, layers K, constrained values per layer Q, parameter rows B. */
type StackAttrs = { d: number; layers: number; width: number; rows: number };

/**
 * The forward pass of a stack of K layers as one custom-gradient op on two host kernels:
 * (z `[n, d]`, constrained parameters `[B, K, Q]`) -> [y | Σ log-det] `[n, d + 1]`. The forward
 * kernel keeps every layer's input and cached scalar (`[n, K, d + 1]`); the backward kernel runs
 * the layers in reverse from them. A planar step is then 4 kernels instead of ~40 per layer. Call
 * it once per family (it registers the kernels with tfjs).
 */
export function hostStackOp(math: HostLayerMath): (z: tf.Tensor2D, packed: tf.Tensor3D) => tf.Tensor2D {
  const forwardKernel = defineHostKernel<StackAttrs>({
    name: `${math.name}.Forward`,
    outputShapes: ([z], { d, layers }) => [
      [(z as number[])[0] as number, d + 1],
      [(z as number[])[0] as number, layers, d + 1],
    ],
    run([zIn, p], [out, cache], _shapes, { d, layers, width, rows }) {
      const n = (zIn as Float32Array).length / d;
      const z = new Float64Array(d);
      const cached = { value: 0 };
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) z[j] = (zIn as Float32Array)[i * d + j] as number;
        let logDet = 0;
        for (let k = 0; k < layers; k++) {
          const c = (i * layers + k) * (d + 1);
          for (let j = 0; j < d; j++) (cache as Float32Array)[c + j] = z[j] as number;
          logDet += math.forward(
            d,
            z,
            p as Float32Array,
            ((rows === 1 ? 0 : i) * layers + k) * width,
            cached,
          );
          (cache as Float32Array)[c + d] = cached.value;
        }
        for (let j = 0; j < d; j++) (out as Float32Array)[i * (d + 1) + j] = z[j] as number;
        (out as Float32Array)[i * (d + 1) + d] = logDet;
      }
    },
  });
  const backwardKernel = defineHostKernel<StackAttrs>({
    name: `${math.name}.Backward`,
    outputShapes: ([dOut, p], { d }) => [[(dOut as number[])[0] as number, d], [...(p as number[])]],
    run([dOut, p, cache], [dz, dp], _shapes, { d, layers, width, rows }) {
      const n = (dOut as Float32Array).length / (d + 1);
      const g = new Float64Array(d);
      const z = new Float64Array(d);
      const gp = new Float64Array((dp as Float32Array).length);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) g[j] = (dOut as Float32Array)[i * (d + 1) + j] as number;
        const gl = (dOut as Float32Array)[i * (d + 1) + d] as number;
        const base = (rows === 1 ? 0 : i) * layers;
        for (let k = layers - 1; k >= 0; k--) {
          const c = (i * layers + k) * (d + 1);
          for (let j = 0; j < d; j++) z[j] = (cache as Float32Array)[c + j] as number;
          const at = (base + k) * width;
          math.backward(d, z, (cache as Float32Array)[c + d] as number, g, gl, p as Float32Array, at, gp);
        }
        for (let j = 0; j < d; j++) (dz as Float32Array)[i * d + j] = g[j] as number;
      }
      (dp as Float32Array).set(gp);
    },
  });
  return tf.customGrad(((z: tf.Tensor2D, packed: tf.Tensor3D, save: tf.GradSaveFunc) => {
    const [rows, layers, width] = packed.shape;
    const attrs = { d: z.shape[1] as number, layers, width, rows };
    const [out, cache] = forwardKernel([z, packed], attrs) as [tf.Tensor2D, tf.Tensor];
    save([packed, cache as tf.Tensor]);
    return {
      value: out,
      gradFunc: (dOut: tf.Tensor2D, [p, c]: tf.Tensor[]) =>
        backwardKernel([dOut, p as tf.Tensor, c as tf.Tensor], attrs),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    z: tf.Tensor2D,
    packed: tf.Tensor3D,
  ) => tf.Tensor2D;
}
