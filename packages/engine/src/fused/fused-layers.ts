import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type CallOptions, type ValueAndLogDet, type EventShape } from '@bijective/core';
import { layerBackward, layerForward, type LayerSpec } from './conditioner-math.js';
import type { Direction } from './elementwise-transform.js';
import { LogDetPacking } from './log-det-packing.js';
import { ParameterLayout } from './parameter-layout.js';
import {
  activeTape,
  customOp,
  isRecordingOps,
  isTapeActive,
  type CustomOpResult,
} from '../tfjs/internals.js';
import { wasmFusedBackward, wasmFusedForward } from '../wasm/fused-train.js';
import { wasmFusedRun, wasmFusedRunEnabled, wasmRunPlan, type WasmRunPlan } from '../wasm/fused-run.js';
import { wasmMlpAvailable } from '../wasm/mlp-kernels.js';

/** A fused layer: its spec, its conditioner widths `[inputRows + context, ...hidden, heads·|columns|]` and its initial θ. */
export interface FusedLayer {
  /** What the layer computes. */
  spec: LayerSpec;
  /** The conditioner's widths, input first. */
  widths: number[];
  /** θ at initialisation, in {@link ParameterLayout}'s order. */
  initial: Float32Array;
  /** One row-major 0/1 mask per kernel applied by the layout (MADE masks), or none. */
  masks?: readonly ArrayLike<number>[];
}

/** Everything a {@link FusedLayers} run is built from. */
export interface FusedLayerSetup {
  /** `[d]`. */
  eventShape: [number];
  /** Context event shape, or null. */
  contextShape: EventShape | null;
  /** The layers in forward (base -> data) order. */
  layers: FusedLayer[];
  /** Constant tensors the specs use (masks, selections), freed with the bijector. */
  constants: tf.Tensor[];
}

type Op = (...inputs: tf.Tensor[]) => tf.Tensor2D;

/** The tensors one recorded call keeps for its backward pass, and the gradient tape it was recorded on. */
interface Pending {
  tape: unknown;
  tensors: tf.Tensor[];
}

/**
 * Conditioner-driven elementwise layers y = g(u; m(u[, c])) (coupling layers, Dinh et al. 2015, 2017;
 * MADE layers, Germain et al. 2015; splines, Durkan et al. 2019) run in sequence as ONE
 * custom-gradient op per direction with a hand-written backward pass
 * (log|det J| = Σ_layers Σ log|∂g/∂u|). tfjs then records one tape node for the whole run instead of
 * ~25 per layer and keeps only what the backward needs: per-op dispatch, not arithmetic, dominates
 * small flows (docs/benchmarks.md). Each layer's conditioner weights are one flat variable
 * ({@link ParameterLayout}); g is a host kernel ({@link ElementwiseTransform}); the log-det leaves
 * the op packed with the value (a packing of value and log-det in one tensor).
 *
 * The tensors the backward pass reads are kept by the op itself rather than handed to tfjs's
 * `save`, which clones each one (an Identity kernel apiece, ~90 per RealNVP train step); only the
 * op's inputs are cloned (the caller may dispose them before the backward pass). They are freed
 * after the backward pass or, when it never runs (a call on a tape whose gradient does not reach
 * it), at the first call after that tape ended, or by {@link dispose}.
 */
export abstract class FusedLayers extends BaseBijector {
  /** Each layer's conditioner weights θ, in forward order. */
  readonly parameters: readonly tf.Variable[];
  /** Each layer's θ layout. */
  readonly layouts: readonly ParameterLayout[];
  /** Each layer's spec, in forward order. */
  protected readonly specs: readonly LayerSpec[];
  private readonly constants: readonly tf.Tensor[];
  private readonly packing: LogDetPacking | null;
  private readonly ops: Record<Direction, Op>;
  private readonly pending = new Set<Pending>();
  /** The tape the op now being called is recorded on, or null (read by the op's forward). */
  private tape: unknown = null;
  /** Each direction's (and pass mode's) plan for the one-kernel wasm run, null where it cannot run so; built on first use. */
  private readonly wasmPlans = new Map<string, WasmRunPlan | null>();

  /** Creates θ from each layer's initial values and the two ops. */
  protected constructor(setup: FusedLayerSetup) {
    super({ eventShape: setup.eventShape, contextShape: setup.contextShape });
    this.specs = setup.layers.map((l) => l.spec);
    this.layouts = setup.layers.map((l) => new ParameterLayout(l.widths, l.masks));
    // In a tidy: the initial tensor is freed, the variable keeps its data.
    this.parameters = setup.layers.map((l) => tf.tidy(() => tf.variable(tf.tensor1d(l.initial))));
    this.constants = setup.constants;
    this.packing = this.specs.some((s) => s.transform.hasLogDet)
      ? new LogDetPacking(setup.eventShape[0])
      : null;
    this.ops = { forward: this.op('forward'), inverse: this.op('inverse') };
  }

  /** Every layer's θ, in forward order. */
  override get variables(): readonly tf.Variable[] {
    return this.parameters;
  }

  /** Frees θ and the constants. */
  override dispose(): void {
    super.dispose();
    tf.dispose(this.constants as tf.Tensor[]);
    this.packing?.dispose();
    for (const p of this.pending) tf.dispose(p.tensors);
    this.pending.clear();
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.runFused('forward', x as tf.Tensor2D, options.context);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.runFused('inverse', y as tf.Tensor2D, options.context);
  }

  /** The layers in `direction` as the fused op (subclasses whose other direction is sequential call this for the parallel one). */
  protected runFused(direction: Direction, u: tf.Tensor2D, context: tf.Tensor | undefined): ValueAndLogDet {
    const flat = this.contextShape && context ? tf.reshape(context, [context.shape[0] as number, -1]) : null;
    const tape = activeTape();
    for (const p of this.pending) {
      if (p.tape === tape) continue;
      tf.dispose(p.tensors);
      this.pending.delete(p);
    }
    if (flat === null && !isTapeActive()) {
      const run = this.wasmRun(direction, u, false);
      if (run) return run;
    }
    // Where tfjs records this call (it does when a tape is open outside any kernel), the op keeps its own.
    this.tape = isRecordingOps() ? tape : null;
    const out = this.ops[direction](...(flat ? [u, flat] : [u]), ...this.parameters);
    if (this.packing) return this.packing.unpack(out);
    return { value: out, logDet: tf.zeros([u.shape[0]]) };
  }

  /**
   * Outside any gradient tape, on tfjs's wasm backend with the engine's SIMD kernels: every layer in
   * `direction` as ONE kernel (`sequential`: d passes per layer from v = 0, an autoregressive
   * layer's slow direction), the MLPs on the SIMD products and g on its host loop, with no op, tape
   * bookkeeping or per-layer dispatch; the same arithmetic as the fused op's forward. Null where
   * that does not apply (another backend, a context, a conditioner or map it cannot run).
   */
  protected wasmRun(direction: Direction, u: tf.Tensor2D, sequential: boolean): ValueAndLogDet | null {
    const plan = this.wasmPlan(direction, sequential);
    return plan ? wasmFusedRun(u, this.parameters as readonly tf.Tensor1D[], plan) : null;
  }

  /** The plan of the one-kernel wasm passes in `direction`, or null where they do not apply now. */
  private wasmPlan(direction: Direction, sequential: boolean): WasmRunPlan | null {
    if (this.contextShape !== null || !wasmFusedRunEnabled() || !wasmMlpAvailable()) return null;
    const key = `${direction}:${sequential}`;
    let plan = this.wasmPlans.get(key);
    if (plan === undefined) {
      plan = wasmRunPlan(this.specs, this.layouts, this.eventShape[0] as number, direction, sequential);
      this.wasmPlans.set(key, plan);
    }
    return plan;
  }

  /**
   * The fused op's forward on tfjs's wasm backend with the engine's SIMD kernels: all layers as ONE
   * kernel that keeps each layer's input, hidden activations and raw output in one saved tensor,
   * and the backward pass as ONE kernel that returns ∂L/∂u and every ∂L/∂θ in θ's layout (instead
   * of ~9 kernels per layer).
   */
  private wasmOpForward(plan: WasmRunPlan, inputs: tf.Tensor[]): CustomOpResult {
    const [u, ...thetas] = inputs as [tf.Tensor2D, ...tf.Tensor[]];
    const tape = this.tape;
    this.tape = null;
    const { out, saved } = wasmFusedForward(u, thetas, plan);
    if (tape === null) return { value: out, gradFunc: () => [] };
    const pending: Pending = { tape, tensors: [tf.keep(saved)] };
    this.pending.add(pending);
    return {
      value: out,
      gradFunc: (dy) => {
        const grads = wasmFusedBackward(dy as tf.Tensor2D, saved, thetas, plan);
        if (!isTapeActive()) {
          tf.dispose(pending.tensors);
          this.pending.delete(pending);
        }
        return grads;
      },
    };
  }

  /** The op of one direction: inputs (u, [context], θ₁, ..., θ_L) -> [value | log-det] (or value). */
  private op(direction: Direction): Op {
    const hasContext = this.contextShape !== null;
    const count = this.specs.length;
    const order = Array.from({ length: count }, (_, i) => (direction === 'forward' ? i : count - 1 - i));
    // tfjs's save function is unused: the op keeps its own tensors (see the class comment).
    const op = customOp<tf.Tensor[]>((inputs) => {
      const plan = hasContext ? null : this.wasmPlan(direction, false);
      if (plan?.trainable) return this.wasmOpForward(plan, inputs);
      let u = inputs[0] as tf.Tensor2D;
      const context = hasContext ? (inputs[1] as tf.Tensor2D) : null;
      const thetas = inputs.slice(hasContext ? 2 : 1) as tf.Tensor1D[];
      let logDet: tf.Tensor1D | null = null;
      // Each layer's saved tensors, as indices into one list without repeats (a layer's input is the
      // previous layer's output, which that layer saved too): tfjs clones every saved tensor.
      const saved: tf.Tensor[] = context ? [context] : [];
      const slots = new Map<tf.Tensor, number>();
      const slot = (t: tf.Tensor) => {
        if (!slots.has(t)) slots.set(t, saved.push(t) - 1);
        return slots.get(t) as number;
      };
      const layerSlots: number[][] = [];
      const recorded = this.tape !== null;
      for (const l of order) {
        const w = (this.layouts[l] as ParameterLayout).weights(thetas[l] as tf.Tensor1D);
        const out = layerForward(this.specs[l] as LayerSpec, direction, u, context, w, recorded);
        layerSlots.push(out.saved.map(slot));
        u = out.value;
        if (out.logDet) logDet = logDet ? (tf.add(logDet, out.logDet) as tf.Tensor1D) : out.logDet;
      }
      const value = this.packing && logDet ? this.packing.pack(u, logDet) : u;
      const tape = this.tape;
      this.tape = null;
      if (tape === null) return { value, gradFunc: () => [] };
      // Kept beyond the forward's tidy; the op's inputs and output are cloned (not ours to free).
      const pending: Pending = {
        tape,
        tensors: saved.map((t) => tf.keep(inputs.includes(t) || t === value ? tf.clone(t) : t)),
      };
      this.pending.add(pending);
      return {
        value,
        gradFunc: (dy) => {
          const grads = this.backward(direction, order, layerSlots, dy as tf.Tensor2D, pending.tensors);
          // Higher-order gradients may run this again on the same tape: then freed when it ends.
          if (!isTapeActive()) {
            tf.dispose(pending.tensors.filter((t) => !grads.includes(t)));
            this.pending.delete(pending);
          }
          return grads;
        },
      };
    });
    return (...inputs) => op(...inputs) as tf.Tensor2D;
  }

  /** Gradients for (u, [context], θ₁, ..., θ_L), running the layers backwards from the last one computed. */
  private backward(
    direction: Direction,
    order: readonly number[],
    layerSlots: readonly (readonly number[])[],
    dy: tf.Tensor2D,
    kept: readonly tf.Tensor[],
  ): tf.Tensor[] {
    const context = this.contextShape !== null ? (kept[0] as tf.Tensor2D) : null;
    const segments = layerSlots.map((slots) => slots.map((i) => kept[i] as tf.Tensor));
    const unpacked = this.packing ? this.packing.splitGradient(dy) : { dValue: dy, dLogDet: null };
    const dLogDet = unpacked.dLogDet ? (tf.reshape(unpacked.dLogDet, [-1]) as tf.Tensor1D) : null;
    let du = unpacked.dValue;
    let dContext: tf.Tensor2D | null = null;
    const dThetas = new Array<tf.Tensor>(order.length);
    for (let k = order.length - 1; k >= 0; k--) {
      const l = order[k] as number;
      const g = layerBackward(
        this.specs[l] as LayerSpec,
        direction,
        du,
        dLogDet,
        segments[k] as tf.Tensor[],
        context,
      );
      du = g.du;
      if (g.dContext) dContext = dContext ? (tf.add(dContext, g.dContext) as tf.Tensor2D) : g.dContext;
      dThetas[l] = (this.layouts[l] as ParameterLayout).flatten(g.dWeights);
    }
    return [du, ...(dContext ? [dContext] : []), ...dThetas];
  }
}
