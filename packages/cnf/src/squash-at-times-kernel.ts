import * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel, type HostKernelAttrs } from '@bijective/engine';
import type { FieldActivationName } from './activations.js';
import { hostGemm } from './host-gemm.js';

/** Attributes of the per-row concat-squash kernels: the hidden activation. */
interface AtTimesAttrs extends HostKernelAttrs {
  activation: string;
}

/**
 * h = a(x) and the slope a'(x), in place over a layer's pre-activations (`h` holds x on entry): one
 * loop per activation, each evaluating its exponential once for both (a shared per-element callback
 * is not inlined and costs 2-3x).
 */
const ACTIVATE: Readonly<Record<FieldActivationName, (h: Float32Array, slope: Float32Array) => void>> = {
  tanh: (h, slope) => {
    for (let o = 0; o < h.length; o++) {
      const y = Math.tanh(h[o] as number);
      h[o] = y;
      slope[o] = 1 - y * y;
    }
  },
  sigmoid: (h, slope) => {
    for (let o = 0; o < h.length; o++) {
      const y = 1 / (1 + Math.exp(-(h[o] as number)));
      h[o] = y;
      slope[o] = y * (1 - y);
    }
  },
  softplus: (h, slope) => {
    for (let o = 0; o < h.length; o++) {
      const x = h[o] as number;
      const e = Math.exp(-Math.abs(x));
      h[o] = Math.max(x, 0) + Math.log1p(e);
      slope[o] = x > 0 ? 1 / (1 + e) : e / (1 + e);
    }
  },
  elu: (h, slope) => {
    for (let o = 0; o < h.length; o++) {
      const x = h[o] as number;
      const y = x > 0 ? x : Math.expm1(x);
      h[o] = y;
      slope[o] = x > 0 ? 1 : y + 1;
    }
  },
  swish: (h, slope) => {
    for (let o = 0; o < h.length; o++) {
      const x = h[o] as number;
      const s = 1 / (1 + Math.exp(-x));
      h[o] = x * s;
      slope[o] = s * (1 + x * (1 - s));
    }
  },
};

/** From the shapes of (z, S, θ...): the widths [d, hidden..., d], the batch n and the hyper-input width q. */
function widths(shapes: readonly (readonly number[])[]): { sizes: number[]; n: number; q: number } {
  const layers = (shapes.length - 2) / 5;
  const sizes = [(shapes[0] as readonly number[])[1] as number];
  for (let l = 0; l < layers; l++) sizes.push((shapes[2 + 5 * l] as readonly number[])[1] as number);
  return {
    sizes,
    n: (shapes[0] as readonly number[])[0] as number,
    q: (shapes[1] as readonly number[])[1] as number,
  };
}

/**
 * Floats a forward pass keeps per layer: P = h W + b and the gate G, and for a hidden layer also the
 * activation h' = a(A) and its slope a'(A); in layer order.
 */
function savedSize(sizes: readonly number[], n: number): number {
  const layers = sizes.length - 1;
  let total = 0;
  for (let l = 0; l < layers; l++) total += n * (sizes[l + 1] as number) * (l < layers - 1 ? 4 : 2);
  return total;
}

/** Per-layer views into the saved buffer: P, G, and (hidden layers) h' and a'(A) as H and D. */
function savedViews(saved: Float32Array, sizes: readonly number[], n: number) {
  const layers = sizes.length - 1;
  const views: { P: Float32Array; G: Float32Array; H: Float32Array | null; D: Float32Array | null }[] = [];
  let o = 0;
  const take = (size: number) => {
    const v = saved.subarray(o, o + size);
    o += size;
    return v;
  };
  for (let l = 0; l < layers; l++) {
    const size = n * (sizes[l + 1] as number);
    const hidden = l < layers - 1;
    views.push({
      P: take(size),
      G: take(size),
      H: hidden ? take(size) : null,
      D: hidden ? take(size) : null,
    });
  }
  return views;
}

/**
 * G = σ(S W_g + b_g) and A = P ⊙ G + S W_h row by row, `[n, m]`, for a narrow S `[n, q]` (one loop
 * over the rows; the unconditional field's q = 1 without the inner sums).
 */
function gateAndShift(
  S: Float32Array,
  gK: Float32Array,
  gB: Float32Array,
  hK: Float32Array,
  P: Float32Array,
  G: Float32Array,
  A: Float32Array,
  n: number,
  q: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    const t = S[i * q] as number;
    for (let j = 0; j < m; j++) {
      let pre = (gB[j] as number) + t * (gK[j] as number);
      let shift = t * (hK[j] as number);
      for (let r = 1; r < q; r++) {
        const s = S[i * q + r] as number;
        pre += s * (gK[r * m + j] as number);
        shift += s * (hK[r * m + j] as number);
      }
      const g = 1 / (1 + Math.exp(-pre));
      const o = i * m + j;
      G[o] = g;
      A[o] = (P[o] as number) * g + shift;
    }
  }
}

/**
 * The concat-squash field with one hypernetwork input per row, as ONE kernel (forward): inputs z
 * `[n, d]`, S `[n, q]` ([t, c] row by row), then per layer W `[in, out]`, b `[out]`, W_g `[q, out]`,
 * b_g `[out]`, W_h `[q, out]`; outputs f `[n, d]` and the saved buffer of {@link savedSize} floats.
 * Layer l: A = (h W + b) ⊙ σ(S W_g + b_g) + S W_h, h' = a(A) between layers (a'(A) kept). Products on the
 * engine's wasm SIMD gemm on wasm ({@link hostGemm}).
 */
const atTimesKernel = defineHostKernel<AtTimesAttrs>({
  name: 'Bijective.SquashAtTimes',
  outputShapes: (shapes) => {
    const { sizes, n } = widths(shapes);
    return [[n, sizes[sizes.length - 1] as number], [savedSize(sizes, n)]];
  },
  run(inputs, outputs, shapes, { activation }) {
    const { sizes, n, q } = widths(shapes);
    const layers = sizes.length - 1;
    const activate = ACTIVATE[activation as FieldActivationName];
    const [f, saved] = outputs as [Float32Array, Float32Array];
    const gemm = hostGemm([...inputs, ...outputs]);
    const views = savedViews(saved, sizes, n);
    const S = inputs[1] as Float32Array;
    let h = inputs[0] as Float32Array;
    for (let l = 0; l < layers; l++) {
      const [W, b, gK, gB, hK] = inputs.slice(2 + 5 * l, 7 + 5 * l) as Float32Array[];
      const k = sizes[l] as number;
      const m = sizes[l + 1] as number;
      const { P, G, H, D } = views[l] as (typeof views)[number];
      gemm(n, m, k, h, k, 1, W as Float32Array, P, b as Float32Array, false);
      const [gk, gb, hk] = [gK, gB, hK] as [Float32Array, Float32Array, Float32Array];
      gateAndShift(S, gk, gb, hk, P, G, H ?? f, n, q, m);
      if (H && D) {
        activate(H, D);
        h = H;
      }
    }
  },
});

/**
 * The backward pass of {@link atTimesKernel} as ONE kernel: inputs ∂L/∂f, then the forward's inputs
 * and its saved buffer; outputs ∂L/∂z, ∂L/∂S, each layer's (∂W, ∂b, ∂W_g, ∂b_g, ∂W_h) and a
 * workspace (freed by the caller). From δ_A = ∂L/∂A: δ_P = δ_A ⊙ G, δ_g = δ_A ⊙ P ⊙ G (1 − G),
 * ∂W = hᵀ δ_P, ∂b = Σ_rows δ_P, ∂W_g = Sᵀ δ_g, ∂b_g = Σ_rows δ_g, ∂W_h = Sᵀ δ_A,
 * ∂S += δ_g W_gᵀ + δ_A W_hᵀ, ∂h = δ_P Wᵀ, and δ_A of the layer below = ∂h ⊙ a'(A).
 */
const atTimesGradKernel = defineHostKernel<AtTimesAttrs>({
  name: 'Bijective.SquashAtTimesGrad',
  outputShapes: (shapes, _attrs) => {
    const forward = shapes.slice(1, -1);
    const { sizes, n } = widths(forward);
    const widest = Math.max(...sizes);
    return [
      [...(forward[0] as readonly number[])],
      [...(forward[1] as readonly number[])],
      ...forward.slice(2).map((s) => [...s]),
      [2 * n * widest + widest * widest],
    ];
  },
  run(inputs, outputs, shapes) {
    const forward = shapes.slice(1, -1);
    const { sizes, n, q } = widths(forward);
    const layers = sizes.length - 1;
    const gemm = hostGemm([...inputs, ...outputs]);
    const dF = inputs[0] as Float32Array;
    const z = inputs[1] as Float32Array;
    const S = inputs[2] as Float32Array;
    const views = savedViews(inputs[inputs.length - 1] as Float32Array, sizes, n);
    const dZ = outputs[0] as Float32Array;
    const dS = outputs[1] as Float32Array;
    const workspace = outputs[outputs.length - 1] as Float32Array;
    const widest = Math.max(...sizes);
    const buffers = [workspace.subarray(0, n * widest), workspace.subarray(n * widest, 2 * n * widest)];
    const transposed = workspace.subarray(2 * n * widest);
    let dA = dF;
    for (let l = layers - 1; l >= 0; l--) {
      const [W, , gK, , hK] = inputs.slice(3 + 5 * l, 8 + 5 * l) as Float32Array[];
      const [dW, db, dgK, dgB, dhK] = outputs.slice(2 + 5 * l, 7 + 5 * l) as Float32Array[];
      const k = sizes[l] as number;
      const m = sizes[l + 1] as number;
      const { P, G } = views[l] as (typeof views)[number];
      const h = l > 0 ? ((views[l - 1] as (typeof views)[number]).H as Float32Array) : z;
      // δ_P overwrites δ_A's buffer after δ_g, ∂W_h and ∂S have read δ_A.
      const dP = buffers[l % 2]!.subarray(0, n * m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const o = i * m + j;
          const a = dA[o] as number;
          const g = G[o] as number;
          const dg = a * (P[o] as number) * g * (1 - g);
          dgB![j] = (dgB![j] as number) + dg;
          for (let r = 0; r < q; r++) {
            const s = S[i * q + r] as number;
            dgK![r * m + j] = (dgK![r * m + j] as number) + s * dg;
            dhK![r * m + j] = (dhK![r * m + j] as number) + s * a;
            dS[i * q + r] =
              (dS[i * q + r] as number) + dg * (gK![r * m + j] as number) + a * (hK![r * m + j] as number);
          }
          const p = a * g;
          dP[o] = p;
          db![j] = (db![j] as number) + p;
        }
      }
      gemm(k, m, n, h, 1, k, dP, dW as Float32Array, null, false);
      // ∂h = δ_P Wᵀ through Wᵀ `[m, k]`.
      const Wt = transposed.subarray(0, k * m);
      for (let r = 0; r < k; r++) for (let j = 0; j < m; j++) Wt[j * k + r] = W![r * m + j] as number;
      const dH = l > 0 ? buffers[(l + 1) % 2]!.subarray(0, n * k) : dZ;
      gemm(n, k, m, dP, m, 1, Wt, dH, null, false);
      if (l > 0) {
        const D = (views[l - 1] as (typeof views)[number]).D as Float32Array;
        for (let o = 0; o < n * k; o++) dH[o] = (dH[o] as number) * (D[o] as number);
        dA = dH;
      }
    }
  },
});

/**
 * f(z, S) of a concat-squash field with one hypernetwork input row per batch row, as one taped
 * kernel whose gradient (first order) is one more kernel. `params` are the field's variables in
 * `ConcatSquashField.variables` order.
 * @internal
 */
export function squashAtTimes(
  z: tf.Tensor2D,
  hyperInput: tf.Tensor2D,
  params: readonly tf.Tensor[],
  activation: FieldActivationName,
): tf.Tensor2D {
  let op = OPS.get(activation);
  if (op === undefined) {
    op = makeOp(activation);
    OPS.set(activation, op);
  }
  return op(z, hyperInput, ...params);
}

/** The custom-gradient op of each activation. */
const OPS = new Map<FieldActivationName, (...inputs: tf.Tensor[]) => tf.Tensor2D>();

/** {@link squashAtTimes} as a custom-gradient op of (z, S, θ...). */
function makeOp(activation: FieldActivationName): (...inputs: tf.Tensor[]) => tf.Tensor2D {
  const attrs = { activation };
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    const [f, saved] = atTimesKernel(inputs, attrs) as [tf.Tensor2D, tf.Tensor];
    // Variables outlive the backward pass as they are: only the rest is saved (tfjs copies each).
    const isVariable = inputs.map((t) => t instanceof tf.Variable);
    save([...inputs.filter((_, i) => !isVariable[i]), saved]);
    saved.dispose(); // the tape keeps its own copy (tfjs's save clones)
    return {
      value: f,
      gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => {
        let next = 0;
        const forward = inputs.map((t, i) => (isVariable[i] ? t : (kept[next++] as tf.Tensor)));
        const grads = atTimesGradKernel([dy, ...forward, kept[next] as tf.Tensor], attrs);
        (grads.pop() as tf.Tensor).dispose();
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => op(...inputs) as tf.Tensor2D;
}
