import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '@bijective/core';

/** tfjs's kernel names: the 2-D filter gradient wasm lacks and the 3-D one it has. */
const CONV2D_FILTER = 'Conv2DBackpropFilter';
const CONV3D_FILTER = 'Conv3DBackpropFilterV2';

/** The attributes tfjs passes to `Conv2DBackpropFilter`. */
interface FilterAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | unknown;
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient of a 2-D convolution on tfjs's wasm backend, which has no
 * `Conv2DBackpropFilter` kernel (so `tf.conv2d` could not be trained there): dW[i, j, c, o] =
 * Σ_{b,h,w} x[b, h·s + i − p, w·s + j − p, c] · dy[b, h, w, o], run as wasm's compiled 3-D kernel
 * on depth-1 views of the same buffers (no copy). Registered once; a no-op when tfjs or another
 * package already provides the kernel.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@bijective/engine/gradients';
 * import { useBackend } from '@bijective/core';
 * import { registerWasmConv2dFilterGradient } from '@bijective/engine';
 * import '@bijective/backend-wasm';
 *
 * registerWasmConv2dFilterGradient();
 * await useBackend('wasm');
 * const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
 * const w = tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.1, 'float32', 2)) as tf.Variable<tf.Rank.R4>;
 * const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, w, 1, 'same'))) as tf.Scalar, [w]);
 * console.log(grads[w.name]?.shape); // [3, 3, 3, 4]
 * ```
 */
export function registerWasmConv2dFilterGradient(): void {
  if (tf.getKernel(CONV2D_FILTER, 'wasm')) return;
  tf.registerKernel({
    kernelName: CONV2D_FILTER,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const conv3d = tf.getKernel(CONV3D_FILTER, 'wasm');
      if (!conv3d) {
        throw new BijectiveError(
          'backend',
          `wasm backend: no ${CONV3D_FILTER} kernel to compute conv2d filter gradients with`,
        );
      }
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as FilterAttrs;
      if ((a.dataFormat ?? 'NHWC') !== 'NHWC') {
        throw new BijectiveError(
          'backend',
          `wasm conv2d filter gradient: only NHWC data is supported, got ${String(a.dataFormat)}`,
        );
      }
      if (!(a.pad === 'same' || a.pad === 'valid' || typeof a.pad === 'number')) {
        throw new BijectiveError(
          'backend',
          "wasm conv2d filter gradient: padding must be 'same', 'valid' or a number",
        );
      }
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const depth1 = (t: tf.TensorInfo): tf.TensorInfo => ({
        dataId: t.dataId,
        dtype: t.dtype,
        shape: [t.shape[0] as number, 1, ...t.shape.slice(1)],
      });
      const dw = conv3d.kernelFunc({
        inputs: { x: depth1(x), dy: depth1(dy) },
        backend,
        attrs: { strides: [1, sh, sw], pad: a.pad as 'same', filterShape: [1, ...a.filterShape] } as never,
      }) as tf.TensorInfo;
      // In tfjs-wasm's property order (dataId, shape, dtype): one hidden class for tfjs's kernel dispatch.
      return { dataId: dw.dataId, shape: [...a.filterShape], dtype: dw.dtype };
    },
  });
}
