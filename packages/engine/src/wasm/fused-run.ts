import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec } from '../fused/conditioner-math.js';
import type {
  Direction,
  HostTransform,
  HostTransformGrad,
  SimdTransformSpec,
} from '../fused/elementwise-transform.js';
import type { DensePlace, ParameterLayout } from '../fused/parameter-layout.js';
import { IDENTITY_KERNEL_MAP, type RowPlacement } from '../fused/kernel-map.js';
import { runKernelOutputs } from '../tfjs/internals.js';
import { RELU, simdRuntime, type SimdRuntime } from './simd-runtime.js';
import { simdTransform } from './simd-transforms.js';
import { kernelBlock } from './kernel-cache.js';
import {
  constantWriter,
  maskedPacking,
  packedProduct,
  packedWeights,
  constantsOnHeap,
  type MaskedPacking,
} from './masked-packing.js';

const RUN = 'Bijective.WasmFusedRun';

/** Rows per block of the inference run (its scratch holds one block's batches). */
const BLOCK_ROWS = 1024;

let enabled = true;

/**
 * Turns the one-kernel wasm run of fused layers outside a gradient tape on or off (default on);
 * off, `logProb` and `sample` run layer by layer (each MLP still one SIMD kernel). For benchmarks;
 * both give the same numbers.
 * @internal
 */
export function useWasmFusedRun(on: boolean): void {
  enabled = on;
}

let firstPassRow = true;

/**
 * Turns on or off (default on) a sequential run's first pass from the MLP row at v = 0 cached per θ;
 * off, it runs the MLP on every row as the other passes do. For benchmarks; both give the same numbers.
 * @internal
 */
export function useWasmFirstPassRow(on: boolean): void {
  firstPassRow = on;
}

/** Whether the one-kernel wasm run is switched on ({@link useWasmFusedRun}). @internal */
export function wasmFusedRunEnabled(): boolean {
  return enabled;
}

/** One layer of a {@link WasmRunPlan}. @internal */
export interface RunLayer {
  /** Index of the layer's θ among the run's θ inputs. */
  theta: number;
  /** Its dense layers' places in θ, input layer first. */
  dense: readonly DensePlace[];
  /** Where the first kernel's rows go in the event (a coupling's A), or null: row i reads column i. */
  placement: RowPlacement | null;
  /** The transformed columns, in head order. */
  columns: readonly number[];
  /** g on host buffers. */
  transform: HostTransform;
  /** g's backward pass on host buffers, or null (then the plan cannot train). */
  grad: HostTransformGrad | null;
  /** g as a kernel of the SIMD module (used instead of the host loops where present). */
  simd: SimdTransformSpec | undefined;
  /** Where the layer's placed and masked kernels start in the plan's kernel scratch (floats). */
  weightOffset: number;
  /** A sequential plan's: where the layer's MLP output at v = 0 (one row of raw, the first pass's) is kept in the kernel block (floats), else -1. */
  zeroRawOffset: number;
  /** A MADE's kernels packed for the ranged products (hidden units sorted by degree), or null. */
  packing: MaskedPacking | null;
  /** Where the layer's saved batches start in a training pass's saved buffer, in floats per batch row: its input u, each hidden activation, raw. */
  saved: number;
  /** Whether g writes a log-det. */
  hasLogDet: boolean;
}

/**
 * Layers of ReLU conditioners without context, in the order one direction runs them, for
 * {@link wasmFusedRun}: each layer's MLP reads the current batch (`sequential`: d passes per layer
 * from v = 0, an autoregressive layer's slow direction) and drives g.
 * @internal
 */
export interface WasmRunPlan {
  /** The layers in run order. */
  readonly layers: readonly RunLayer[];
  /** g or g⁻¹. */
  readonly direction: Direction;
  /** d passes per layer (v ← g(u; MADE(v)) from v = 0) instead of one. */
  readonly sequential: boolean;
  /** The widest batch a layer writes (event, hidden or raw), in floats per row. */
  readonly widest: number;
  /** Floats of every layer's placed and masked kernels. */
  readonly weights: number;
  /** Floats the run keeps per θ in its kernel block: the kernels, then (sequential) each layer's raw row at v = 0. */
  readonly cachedFloats: number;
  /** Floats of the largest kernel (the products' transposition scratch). */
  readonly largest: number;
  /** Floats per batch row a training pass saves for its backward pass (every layer's u, hidden activations and raw). */
  readonly savedPerRow: number;
  /** Whether every layer has a host backward pass (a training pass can run as the plan's two kernels). */
  readonly trainable: boolean;
  /** Whether the output carries a log-det (some layer changes volume). */
  readonly hasLogDet: boolean;
  /** The masked layers' packing constants (copied to the heap by `constantsOnHeap`), or null when no layer is packed. */
  readonly constants: Uint8Array | null;
}

/**
 * The plan of fused layers `specs` (forward order, θ laid out by `layouts`) on events of `d` scalars
 * run in `direction`, or null where a layer cannot run as one host-side kernel: a context, an
 * activation other than ReLU, a kernel map other than a row placement of the first kernel, or a
 * transform without a host loop.
 * @internal
 */
export function wasmRunPlan(
  specs: readonly LayerSpec[],
  layouts: readonly ParameterLayout[],
  d: number,
  direction: Direction,
  sequential: boolean,
): WasmRunPlan | null {
  const layers: RunLayer[] = [];
  let widest = d;
  let weights = 0;
  let saved = 0;
  const writer = constantWriter();
  for (let k = 0; k < specs.length; k++) {
    const l = direction === 'forward' ? k : specs.length - 1 - k;
    const spec = specs[l] as LayerSpec;
    const dense = (layouts[l] as ParameterLayout).dense;
    const transform = spec.transform.host;
    if (spec.activation.fused !== 'relu' || !transform || spec.kernelMaps.some((m) => m !== null))
      return null;
    const placement = spec.inputMap.placement ?? null;
    const first = dense[0] as DensePlace;
    // Without a placement the input map must be the identity on the whole event (a MADE's).
    if (placement ? placement.size !== d || first.rows !== placement.rows.length : first.rows !== d)
      return null;
    if (!placement && spec.inputMap !== IDENTITY_KERNEL_MAP) return null;
    const packing = placement ? null : maskedPacking(dense, writer);
    layers.push({
      theta: l,
      dense,
      placement,
      columns: spec.columns,
      transform,
      grad: spec.transform.hostGrad ?? null,
      simd: spec.transform.simd,
      weightOffset: weights,
      zeroRawOffset: -1,
      packing,
      saved,
      hasLogDet: spec.transform.hasLogDet,
    });
    saved += d + dense.reduce((sum, p) => sum + p.cols, 0);
    let own = packing?.floats ?? 0;
    for (const [i, p] of dense.entries()) {
      widest = Math.max(widest, p.cols);
      if (!packing && ((i === 0 && placement) || p.mask)) own += (i === 0 && placement ? d : p.rows) * p.cols;
    }
    weights += own;
  }
  const largest = Math.max(...layouts.flatMap((lay) => lay.dense.map((p) => Math.max(p.rows, d) * p.cols)));
  let cachedFloats = weights;
  if (sequential)
    for (const layer of layers) {
      layer.zeroRawOffset = cachedFloats;
      cachedFloats += (layer.dense[layer.dense.length - 1] as DensePlace).cols;
    }
  return {
    layers,
    direction,
    sequential,
    widest,
    weights,
    cachedFloats,
    largest,
    savedPerRow: saved,
    trainable: layers.every((l) => l.grad !== null),
    hasLogDet: layers.some((l) => l.hasLogDet),
    constants: layers.some((l) => l.packing) ? writer.done() : null,
  };
}

function runtimeOf(backend: unknown): SimdRuntime {
  const runtime = simdRuntime(backend as object);
  if (!runtime) throw new Error(`${RUN}: the wasm SIMD kernels are not available on this backend`);
  return runtime;
}

/**
 * The first kernel placed on its event rows and masked kernels at `at` (bytes), written there
 * unless `write` is false (they are there already); the kernel pointers, input layer first.
 */
function placedKernels(
  f: Float32Array,
  theta: number,
  layer: RunLayer,
  d: number,
  at: number,
  write: boolean,
): number[] {
  // Pushed into a fresh [] rather than built by Array.prototype.map: read through `.map`'s arrays,
  // the training kernels deoptimised ("wrong map", --trace-deopt-verbose) and TurboFan recompiled
  // them (docs/benchmarks.md, "One hidden class per plan object").
  const kernels: number[] = [];
  for (let i = 0; i < layer.dense.length; i++) {
    const p = layer.dense[i] as DensePlace;
    const src = (theta >>> 2) + p.kernel;
    if (i === 0 && layer.placement) {
      const out = at >>> 2;
      if (write) {
        f.fill(0, out, out + d * p.cols);
        const rows = layer.placement.rows;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r] as number;
          for (let j = 0; j < p.cols; j++)
            f[out + row * p.cols + j] = f[src + r * p.cols + j]! * (p.mask ? p.mask[r * p.cols + j]! : 1);
        }
      }
      at += 4 * d * p.cols;
      kernels.push(4 * out);
    } else if (!p.mask) kernels.push(theta + 4 * p.kernel);
    else {
      const out = at >>> 2;
      const mask = p.mask;
      if (write) for (let j = 0; j < mask.length; j++) f[out + j] = f[src + j]! * mask[j]!;
      at += 4 * mask.length;
      kernels.push(4 * out);
    }
  }
  return kernels;
}

/**
 * A layer's kernels and biases as its products read them, written from θ (at byte `theta`) into the
 * kernel block at byte `at` unless `write` is false (they are there already): a MADE's packed
 * (`consts`: its plan's constants on the heap), else the first kernel placed on its event rows and
 * masked kernels copied, the rest read from θ in place. Pointers, input layer first.
 * @internal
 */
export function layerWeights(
  rt: SimdRuntime,
  theta: number,
  layer: RunLayer,
  d: number,
  at: number,
  write: boolean,
  consts: number,
): { kernels: number[]; biases: number[] } {
  if (layer.packing) return packedWeights(rt, layer.packing, layer.dense, consts, theta, at, write);
  const f = new Float32Array(rt.heap.memory.buffer);
  const biases: number[] = [];
  for (let i = 0; i < layer.dense.length; i++) biases.push(theta + 4 * (layer.dense[i] as DensePlace).bias);
  return { kernels: placedKernels(f, theta, layer, d, at, write), biases };
}

/**
 * Dense layer i of a layer's MLP on m rows: out = epilogue(x W_i + b_i), ranged for a MADE's packed kernels.
 * @internal
 */
export function layerProduct(
  rt: SimdRuntime,
  layer: RunLayer,
  i: number,
  m: number,
  x: number,
  k: number,
  w: { kernels: number[]; biases: number[] },
  out: number,
  flags: number,
  t: number,
  consts: number,
): void {
  const p = layer.dense[i] as DensePlace;
  const packed = layer.packing?.kernels[i];
  if (packed) packedProduct(rt, packed, consts, m, x, w.kernels[i]!, out, w.biases[i]!, flags, t);
  else rt.product(m, p.cols, k, x, k, 1, w.kernels[i]!, out, w.biases[i]!, 0, flags, t);
}

/**
 * (u, θ₁, ..., θ_L) -> (value `[n, d]`, log|det J| `[n]`): every layer of a {@link WasmRunPlan}
 * (attribute `plan`) in one kernel, its MLP on the SIMD module's products, its g as the
 * transform's host loop, the log-dets summed; the layers' intermediate batches live in scratch.
 */
tf.registerKernel({
  kernelName: RUN,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const rt = runtimeOf(backend);
    const plan = (attrs as unknown as { plan: WasmRunPlan }).plan;
    const [u, ...thetas] = Object.values(inputs) as tf.TensorInfo[];
    const [n, d] = (u as tf.TensorInfo).shape as [number, number];
    const value = rt.heap.makeOutput([n, d]);
    const logDet = rt.heap.makeOutput([n]);
    // Rows run in blocks (all layers per block), so the scratch does not grow with the batch.
    const block = Math.min(n, BLOCK_ROWS);
    // Scratch, in bytes: two value buffers [block, d], two hidden buffers and the raw output
    // [block, widest], the layer's log-det [block], the products' own scratch, the transformed
    // columns' indices [d]; every layer's placed and masked kernels in the kernel block.
    const { widest } = plan;
    // After every output: a malloc may grow the memory (and detach earlier views).
    const base = rt.scratch(4 * ((2 * d + 3 * widest + 1) * block + plan.largest + d));
    const cached = kernelBlock(rt, plan, thetas as tf.TensorInfo[], plan.cachedFloats);
    const consts = plan.constants ? constantsOnHeap(rt, plan.constants) : 0;
    const values = [base, base + 4 * block * d];
    const hidden = [base + 8 * block * d, base + 4 * block * (2 * d + widest)];
    const raw = base + 4 * block * (2 * d + 2 * widest);
    const layerLogDet = base + 4 * block * (2 * d + 3 * widest);
    const t = layerLogDet + 4 * block;
    const columnsAt = t + 4 * plan.largest;
    const f = new Float32Array(rt.heap.memory.buffer);
    const view = (at: number, size: number) => f.subarray(at >>> 2, (at >>> 2) + size);
    const sums = view(rt.heap.offset(logDet), n);
    sums.fill(0);
    const thetaAt = plan.layers.map((layer) => rt.heap.offset(thetas[layer.theta] as tf.TensorInfo));
    const weights = plan.layers.map((layer, k) =>
      layerWeights(
        rt,
        thetaAt[k] as number,
        layer,
        d,
        cached.at + 4 * layer.weightOffset,
        cached.fresh,
        consts,
      ),
    );
    // The layer's MLP on m rows at x into raw (its hidden batches in scratch).
    const mlp = (layer: RunLayer, k: number, m: number, x: number) => {
      let width = d;
      layer.dense.forEach((p, i) => {
        const top = i === layer.dense.length - 1;
        const o = top ? raw : (hidden[i % 2] as number);
        layerProduct(rt, layer, i, m, x, width, weights[k]!, o, top ? 0 : RELU, t, consts);
        x = o;
        width = p.cols;
      });
    };
    // A sequential run's first pass reads v = 0, so its MLP output is one row for every row: computed
    // once per θ (with the kernels) and kept in the kernel block, which saves one of the d passes.
    if (plan.sequential && cached.fresh)
      plan.layers.forEach((layer, k) => {
        f.fill(0, values[0]! >>> 2, (values[0]! >>> 2) + d);
        mlp(layer, k, 1, values[0]!);
        const heads = (layer.dense[layer.dense.length - 1] as DensePlace).cols;
        const at = (cached.at >>> 2) + layer.zeroRawOffset;
        f.copyWithin(at, raw >>> 2, (raw >>> 2) + heads);
      });
    const uAt = rt.heap.offset(u as tf.TensorInfo);
    const valueAt = rt.heap.offset(value);
    for (let r0 = 0; r0 < n; r0 += block) {
      const m = Math.min(block, n - r0);
      const sum = sums.subarray(r0, r0 + m);
      const lt = view(layerLogDet, m);
      let src = uAt + 4 * r0 * d;
      plan.layers.forEach((layer, k) => {
        const dst = k === plan.layers.length - 1 ? valueAt + 4 * r0 * d : (values[k % 2] as number);
        const heads = (layer.dense[layer.dense.length - 1] as DensePlace).cols;
        const apply = () => {
          const mapAt = { u: src, raw, columns: columnsAt };
          const logDetAt = layer.hasLogDet ? layerLogDet : 0;
          if (simdTransform(rt, layer.simd, plan.direction, layer.columns, m, d, mapAt, dst, logDetAt))
            return;
          layer.transform(
            plan.direction,
            layer.columns,
            [m, d],
            view(src, m * d),
            view(raw, m * heads),
            view(dst, m * d),
            layer.hasLogDet ? lt : null,
          );
        };
        if (plan.sequential) {
          f.fill(0, dst >>> 2, (dst >>> 2) + m * d);
          // Pass 1 from the cached row at v = 0; pass k > 1 reads v (dst) into raw before g overwrites it.
          const zero = (cached.at >>> 2) + layer.zeroRawOffset;
          if (firstPassRow)
            for (let r = 0; r < m; r++) f.copyWithin((raw >>> 2) + r * heads, zero, zero + heads);
          else mlp(layer, k, m, dst);
          apply();
          for (let pass = 1; pass < d; pass++) {
            mlp(layer, k, m, dst);
            apply();
          }
        } else {
          mlp(layer, k, m, src);
          apply();
        }
        if (layer.hasLogDet) for (let r = 0; r < m; r++) sum[r]! += lt[r]!;
        src = dst;
      });
    }
    return [value, logDet];
  },
});

/**
 * The layers of `plan` on u `[n, d]` with θ₁..θ_L (in the order of the plan's `theta` indices) as
 * ONE kernel of the engine's wasm SIMD module: value and log|det J|. Outside any gradient tape
 * only (no backward pass); check {@link wasmMlpAvailable} first.
 * @internal
 */
export function wasmFusedRun(
  u: tf.Tensor2D,
  thetas: readonly tf.Tensor1D[],
  plan: WasmRunPlan,
): { value: tf.Tensor2D; logDet: tf.Tensor1D } {
  const named: tf.NamedTensorMap = { u };
  thetas.forEach((t, l) => (named[`t${l}`] = t));
  const [value, logDet] = runKernelOutputs(RUN, named, { plan } as unknown as tf.NamedAttrMap);
  return { value: value as tf.Tensor2D, logDet: logDet as tf.Tensor1D };
}
