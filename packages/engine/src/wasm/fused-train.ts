import * as tf from '@tensorflow/tfjs-core';
import { runKernelOutputs } from '../tfjs/internals.js';
import type { DensePlace } from '../fused/parameter-layout.js';
import { layerProduct, layerWeights, type RunLayer, type WasmRunPlan } from './fused-run.js';
import { backwardRanges, constantsOnHeap, gradientSlots, scatterGradients } from './masked-packing.js';
import { mlpBackward } from './mlp-kernels.js';
import { RELU, simdRuntime, type SimdRuntime } from './simd-runtime.js';
import { simdTransform, simdTransformGrad } from './simd-transforms.js';
import { kernelBlock } from './kernel-cache.js';
import {
  compactRows,
  gatherColumns,
  headsOf,
  mapSaveAt,
  mapSavesOf,
  trainingShortcuts,
} from './training-shortcuts.js';

const FORWARD = 'Bijective.WasmFusedForward';
const BACKWARD = 'Bijective.WasmFusedBackward';

function runtimeOf(backend: unknown, kernel: string): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${kernel}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/**
 * One layer's batches in the saved buffer at `base` (bytes): its input u `[n, d]`, each hidden
 * activation, raw. Built by this one constructor (one hidden class, `hidden` a packed integer
 * array) so that the kernels' reads of it stay monomorphic.
 * @internal
 */
class SavedLayout {
  readonly input: number;
  readonly hidden: number[];
  readonly raw: number;

  constructor(base: number, n: number, d: number, layer: RunLayer) {
    let at = base + 4 * n * layer.saved;
    this.input = at;
    at += 4 * n * d;
    const hidden: number[] = [];
    for (let i = 0; i < layer.dense.length - 1; i++) {
      hidden.push(at);
      at += 4 * n * (layer.dense[i] as DensePlace).cols;
    }
    this.hidden = hidden;
    this.raw = at;
  }
}

/** A kernel operand of {@link mlpBackward}: `[rows, cols]` at byte `ptr` (one constructor, one hidden class). @internal */
class KernelOperand {
  constructor(
    readonly ptr: number,
    readonly rows: number,
    readonly cols: number,
  ) {}
}

/** Whether dense layer i's kernel gradient goes through scratch (a placement, a mask), not straight into θ. @internal */
function mappedGradient(layer: RunLayer, i: number, compact: readonly number[] | null): boolean {
  return (i === 0 && layer.placement !== null && !compact) || (layer.dense[i] as DensePlace).mask !== null;
}

const attrsOf = (attrs: unknown) => (attrs as { plan: WasmRunPlan }).plan;

/**
 * (u, θ₁, ..., θ_L) -> ([value | log-det] `[n, d + 1]` (`[n, d]` without a log-det), saved): the
 * layers of a trainable {@link WasmRunPlan} as one kernel, keeping each layer's input, hidden
 * activations and raw output in `saved` (1-D) for {@link BACKWARD}, and after them the affine maps'
 * tanh(ŝ/c) and e^{±s} ({@link mapSavesOf}).
 */
tf.registerKernel({
  kernelName: FORWARD,
  backendName: 'wasm',
  kernelFunc: function fusedTrainForward({ inputs, backend, attrs }) {
    const rt = runtimeOf(backend, FORWARD);
    const plan = attrsOf(attrs);
    const [u, ...thetas] = Object.values(inputs) as tf.TensorInfo[];
    const [n, d] = (u as tf.TensorInfo).shape as [number, number];
    const width = plan.hasLogDet ? d + 1 : d;
    const out = rt.heap.makeOutput([n, width]);
    const savedSize = n * (trainingShortcuts() ? mapSavesOf(plan).total : plan.savedPerRow);
    const saved = rt.heap.makeOutput([savedSize]);
    // Scratch (bytes): the value [n, d], the log-det sum and the layer's [n] each, the products'
    // scratch, the transformed columns' indices [d]; the placed kernels in the kernel block (kept
    // for the backward pass).
    const base = rt.scratch(4 * (n * d + 2 * n + plan.largest + d + n * d));
    const cached = kernelBlock(rt, plan, thetas, plan.weights);
    const consts = plan.constants ? constantsOnHeap(rt, plan.constants) : 0;
    const value = base;
    const sumAt = base + 4 * n * d;
    const layerAt = sumAt + 4 * n;
    const t = layerAt + 4 * n;
    const columnsAt = t + 4 * plan.largest;
    const compactAt = columnsAt + 4 * d;
    const f = new Float32Array(rt.heap.memory.buffer);
    const view = (at: number, size: number) => f.subarray(at >>> 2, (at >>> 2) + size);
    const savedAt = rt.heap.offset(saved);
    const sum = view(sumAt, n);
    sum.fill(0);
    const lt = view(layerAt, n);
    let src = rt.heap.offset(u as tf.TensorInfo);
    for (const [index, layer] of plan.layers.entries()) {
      const s = new SavedLayout(savedAt, n, d, layer);
      f.copyWithin(s.input >>> 2, src >>> 2, (src >>> 2) + n * d);
      const theta = rt.heap.offset(thetas[layer.theta] as tf.TensorInfo);
      const w = layerWeights(rt, theta, layer, d, cached.at + 4 * layer.weightOffset, cached.fresh, consts);
      let x = s.input;
      let k = d;
      const compact = compactRows(layer, d);
      for (let i = 0; i < layer.dense.length; i++) {
        const p = layer.dense[i] as DensePlace;
        const top = i === layer.dense.length - 1;
        const o = top ? s.raw : (s.hidden[i] as number);
        if (i === 0 && compact) {
          gatherColumns(f, x, n, d, compact, compactAt);
          const rows = compact.length;
          rt.product(
            n,
            p.cols,
            rows,
            compactAt,
            rows,
            1,
            theta + 4 * p.kernel,
            o,
            w.biases[0]!,
            0,
            top ? 0 : RELU,
            t,
          );
        } else layerProduct(rt, layer, i, n, x, k, w, o, top ? 0 : RELU, t, consts);
        x = o;
        k = p.cols;
      }
      const mapAt = { u: s.input, raw: s.raw, columns: columnsAt };
      const logDetAt = layer.hasLogDet ? layerAt : 0;
      const mapSave = mapSaveAt(plan, savedAt, savedSize, n, index);
      if (
        !simdTransform(rt, layer.simd, plan.direction, layer.columns, n, d, mapAt, value, logDetAt, mapSave)
      )
        layer.transform(
          plan.direction,
          layer.columns,
          [n, d],
          view(s.input, n * d),
          view(s.raw, n * headsOf(layer)),
          view(value, n * d),
          layer.hasLogDet ? lt : null,
        );
      if (layer.hasLogDet) for (let r = 0; r < n; r++) sum[r]! += lt[r]!;
      src = value;
    }
    const packed = view(rt.heap.offset(out), n * width);
    const v = view(value, n * d);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) packed[r * width + j] = v[r * d + j]!;
      if (plan.hasLogDet) packed[r * width + d] = sum[r]!;
    }
    return [out, saved];
  },
});

/**
 * (∂L/∂output, saved, θ₁, ..., θ_L) -> (∂L/∂u, ∂L/∂θ₁, ..., ∂L/∂θ_L): the backward pass of
 * {@link FORWARD} as one kernel, layer by layer from the last: g's host backward pass, then the
 * MLP's ({@link mlpBackward}), its kernel gradients taken back through the row placement and the
 * masks into θ's layout.
 */
tf.registerKernel({
  kernelName: BACKWARD,
  backendName: 'wasm',
  kernelFunc: function fusedTrainBackward({ inputs, backend, attrs }) {
    const rt = runtimeOf(backend, BACKWARD);
    const plan = attrsOf(attrs);
    const [dy, saved, ...thetas] = Object.values(inputs) as tf.TensorInfo[];
    const [n, width] = (dy as tf.TensorInfo).shape as [number, number];
    const d = plan.hasLogDet ? width - 1 : width;
    const du = rt.heap.makeOutput([n, d]);
    const grads: tf.TensorInfo[] = [];
    for (let l = 0; l < thetas.length; l++)
      grads.push(rt.heap.makeOutput((thetas[l] as tf.TensorInfo).shape.slice()));
    const { widest } = plan;
    // Scratch (bytes): ∂L/∂value twice [n, d], ∂L/∂logDet [n], ∂L/∂raw [n, widest], its sums, two δ
    // buffers [n, widest], the placed kernels' gradients, the products' scratch, the transformed
    // columns' indices [d]; the placed kernels in the kernel block (written by the forward pass).
    const floats =
      2 * n * d + n + n * widest + widest + 2 * n * widest + plan.weights + plan.largest + d + 2 * n * d;
    const base = rt.scratch(4 * floats);
    const cached = kernelBlock(rt, plan, thetas, plan.weights);
    const consts = plan.constants ? constantsOnHeap(rt, plan.constants) : 0;
    const dvs = [base, base + 4 * n * d];
    const dLogDetAt = base + 8 * n * d;
    const dRawAt = dLogDetAt + 4 * n;
    const sumsAt = dRawAt + 4 * n * widest;
    const buffers: [number, number] = [sumsAt + 4 * widest, sumsAt + 4 * widest + 4 * n * widest];
    const gradWeights = buffers[1] + 4 * n * widest;
    const t = gradWeights + 4 * plan.weights;
    const columnsAt = t + 4 * plan.largest;
    // A compact first layer's gathered input [n, |A|] and its ∂L/∂input (compactRows).
    const compactIn = columnsAt + 4 * d;
    const compactDu = compactIn + 4 * n * d;
    const f = new Float32Array(rt.heap.memory.buffer);
    const view = (at: number, size: number) => f.subarray(at >>> 2, (at >>> 2) + size);
    const g = view(rt.heap.offset(dy as tf.TensorInfo), n * width);
    let dv = dvs[0] as number;
    const dValue = view(dv, n * d);
    const dLogDet = view(dLogDetAt, n);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) dValue[r * d + j] = g[r * width + j]!;
      if (plan.hasLogDet) dLogDet[r] = g[r * width + d]!;
    }
    const savedAt = rt.heap.offset(saved as tf.TensorInfo);
    for (let k = plan.layers.length - 1; k >= 0; k--) {
      const layer = plan.layers[k] as RunLayer;
      const s = new SavedLayout(savedAt, n, d, layer);
      const theta = rt.heap.offset(thetas[layer.theta] as tf.TensorInfo);
      const dTheta = rt.heap.offset(grads[layer.theta] as tf.TensorInfo);
      const weights = layerWeights(
        rt,
        theta,
        layer,
        d,
        cached.at + 4 * layer.weightOffset,
        cached.fresh,
        consts,
      );
      const kernels = weights.kernels;
      const heads = headsOf(layer);
      const next = (dv === dvs[0] ? dvs[1] : dvs[0]) as number;
      const mapAt = { u: s.input, raw: s.raw, columns: columnsAt };
      const dLogDetOf = layer.hasLogDet ? dLogDetAt : 0;
      if (
        !simdTransformGrad(
          rt,
          layer.simd,
          plan.direction,
          layer.columns,
          n,
          d,
          mapAt,
          dv,
          dLogDetOf,
          next,
          dRawAt,
          sumsAt,
          mapSaveAt(plan, savedAt, (saved as tf.TensorInfo).shape[0] as number, n, k),
        )
      )
        (layer.grad as NonNullable<RunLayer['grad']>)(
          plan.direction,
          layer.columns,
          [n, d],
          view(s.input, n * d),
          view(s.raw, n * heads),
          view(dv, n * d),
          layer.hasLogDet ? dLogDet : null,
          view(next, n * d),
          view(dRawAt, n * heads),
          view(sumsAt, heads),
        );
      // Kernel gradients straight into θ's layout, except where a placement, a mask or a MADE's packing maps them.
      let at = gradWeights + 4 * layer.weightOffset;
      const compact = compactRows(layer, d);
      let slots: { kernels: number[]; biases: number[] };
      if (layer.packing) slots = gradientSlots(layer.packing, layer.dense, dTheta, at);
      else {
        const kernelSlots: number[] = [];
        const biasSlots: number[] = [];
        for (let i = 0; i < layer.dense.length; i++) {
          const p = layer.dense[i] as DensePlace;
          biasSlots.push(dTheta + 4 * p.bias);
          if (!mappedGradient(layer, i, compact)) kernelSlots.push(dTheta + 4 * p.kernel);
          else {
            kernelSlots.push(at);
            at += 4 * (i === 0 ? d : p.rows) * p.cols;
          }
        }
        slots = { kernels: kernelSlots, biases: biasSlots };
      }
      const dKernels = slots.kernels;
      if (compact) {
        gatherColumns(f, s.input, n, d, compact, compactIn);
        f.fill(0, compactDu >>> 2, (compactDu >>> 2) + n * compact.length);
      }
      const operands: KernelOperand[] = [];
      for (let i = 0; i < layer.dense.length; i++) {
        const p = layer.dense[i] as DensePlace;
        operands.push(
          i === 0 && compact
            ? new KernelOperand(theta + 4 * p.kernel, compact.length, p.cols)
            : new KernelOperand(kernels[i] as number, i === 0 ? d : p.rows, p.cols),
        );
      }
      const inputs: number[] = [compact ? compactIn : s.input];
      for (let i = 0; i < s.hidden.length; i++) inputs.push(s.hidden[i] as number);
      mlpBackward(rt, {
        n,
        kernels: operands,
        inputs,
        dRaw: dRawAt,
        dKernels,
        dBiases: slots.biases,
        du: compact ? compactDu : next,
        buffers,
        t,
        ranges: layer.packing ? backwardRanges(layer.packing, consts) : undefined,
      });
      // The compact layer's ∂L/∂(its columns) added into ∂L/∂u.
      if (compact) {
        const k0 = compact.length;
        for (let r = 0, o = next >>> 2, i = compactDu >>> 2; r < n; r++, o += d, i += k0)
          for (let j = 0; j < k0; j++) f[o + compact[j]!]! += f[i + j]!;
      }
      if (layer.packing)
        scatterGradients(
          rt,
          layer.packing,
          layer.dense,
          consts,
          dTheta,
          gradWeights + 4 * layer.weightOffset,
        );
      else
        for (let i = 0; i < layer.dense.length; i++) {
          if (!mappedGradient(layer, i, compact)) continue;
          const p = layer.dense[i] as DensePlace;
          const src = (dKernels[i] as number) >>> 2;
          const dst = (dTheta >>> 2) + p.kernel;
          const mask = p.mask;
          for (let r = 0; r < p.rows; r++) {
            const from =
              src + (i === 0 && layer.placement ? (layer.placement.rows[r] as number) : r) * p.cols;
            for (let j = 0; j < p.cols; j++)
              f[dst + r * p.cols + j] = f[from + j]! * (mask ? mask[r * p.cols + j]! : 1);
          }
        }
      dv = next;
    }
    f.copyWithin(rt.heap.offset(du) >>> 2, dv >>> 2, (dv >>> 2) + n * d);
    return [du, ...grads];
  },
});

/**
 * The layers of a trainable `plan` on u with θ₁..θ_L as ONE kernel: the packed [value | log-det]
 * and what {@link wasmFusedBackward} reads.
 * @internal
 */
export function wasmFusedForward(
  u: tf.Tensor2D,
  thetas: readonly tf.Tensor[],
  plan: WasmRunPlan,
): { out: tf.Tensor2D; saved: tf.Tensor1D } {
  const named: tf.NamedTensorMap = { u };
  thetas.forEach((t, l) => (named[`t${l}`] = t));
  const [out, saved] = runKernelOutputs(FORWARD, named, { plan } as unknown as tf.NamedAttrMap);
  return { out: out as tf.Tensor2D, saved: saved as tf.Tensor1D };
}

/**
 * ∂L/∂u and every ∂L/∂θ_l of {@link wasmFusedForward} from the gradient of its packed output, as ONE kernel.
 * @internal
 */
export function wasmFusedBackward(
  dy: tf.Tensor2D,
  saved: tf.Tensor1D,
  thetas: readonly tf.Tensor[],
  plan: WasmRunPlan,
): tf.Tensor[] {
  const named: tf.NamedTensorMap = { dy, saved };
  thetas.forEach((t, l) => (named[`t${l}`] = t));
  return runKernelOutputs(BACKWARD, named, { plan } as unknown as tf.NamedAttrMap);
}
