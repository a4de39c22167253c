// Registers core's gaussian-mixture log-density (`MIXTURE_LOG_DENSITY_KERNEL`) as one host kernel on
// tfjs's wasm backend, with its backward pass as one more (imported for this side effect).
import { HALF_LOG_TWO_PI, MIXTURE_LOG_DENSITY_KERNEL } from '@bijective/core';
import { defineHostKernel } from './host-kernel.js';

/** What every row shares: log π_k − Σ_i ℓ_ki − (d/2) log 2π per component, log π_k, and e^{−ℓ_ki}, float64. */
interface Components {
  base: Float64Array;
  logPi: Float64Array;
  inv: Float64Array;
}

function components(logits: Float32Array, logScales: Float32Array, d: number): Components {
  const k = logits.length;
  let top = -Infinity;
  for (let c = 0; c < k; c++) top = Math.max(top, logits[c]!);
  let total = 0;
  for (let c = 0; c < k; c++) total += Math.exp(logits[c]! - top);
  const logNorm = top + Math.log(total);
  const base = new Float64Array(k);
  const logPi = new Float64Array(k);
  const inv = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let i = 0; i < d; i++) {
      sum += logScales[c * d + i]!;
      inv[c * d + i] = Math.exp(-logScales[c * d + i]!);
    }
    logPi[c] = logits[c]! - logNorm;
    base[c] = logPi[c]! - sum - d * HALF_LOG_TWO_PI;
  }
  return { base, logPi, inv };
}

/** a_rk = base_k − ½ Σ_i z_rki² for row r into `a`; returns max_k a_rk. */
function rowTerms(
  x: Float32Array,
  means: Float32Array,
  r: number,
  d: number,
  m: Components,
  a: Float64Array,
): number {
  let top = -Infinity;
  for (let c = 0; c < a.length; c++) {
    let q = 0;
    for (let i = 0; i < d; i++) {
      const z = (x[r * d + i]! - means[c * d + i]!) * m.inv[c * d + i]!;
      q += z * z;
    }
    a[c] = m.base[c]! - 0.5 * q;
    top = Math.max(top, a[c]!);
  }
  return top;
}

/** (dy [n], x, logits, means, logScales, log p(x)) -> ∂L/∂x, ∂L/∂logits, ∂L/∂means, ∂L/∂logScales. */
const mixtureGradKernel = defineHostKernel<Record<string, number>>({
  name: `${MIXTURE_LOG_DENSITY_KERNEL}Grad`,
  backends: ['wasm'],
  outputShapes: ([, x, logits, means]) => [[...x!], [...logits!], [...means!], [...means!]],
  run([dy, x, logits, means, logScales, value], [dx, dLogits, dMeans, dLogScales], [, shape]) {
    const d = shape![1] as number;
    const k = logits!.length;
    const m = components(logits!, logScales!, d);
    const a = new Float64Array(k);
    const row = new Float64Array(d);
    const gLogits = new Float64Array(k);
    const gMeans = new Float64Array(k * d);
    const gScales = new Float64Array(k * d);
    let upstream = 0;
    for (let r = 0; r < dy!.length; r++) {
      rowTerms(x!, means!, r, d, m, a);
      const up = dy![r]!;
      upstream += up;
      row.fill(0);
      for (let c = 0; c < k; c++) {
        const resp = Math.exp(a[c]! - value![r]!) * up;
        gLogits[c]! += resp;
        for (let i = 0; i < d; i++) {
          const j = c * d + i;
          const z = (x![r * d + i]! - means![j]!) * m.inv[j]!;
          row[i]! -= resp * z * m.inv[j]!;
          gMeans[j]! += resp * z;
          gScales[j]! += resp * (z * z - 1);
        }
      }
      for (let i = 0; i < d; i++) dx![r * d + i] = row[i]!;
    }
    for (let c = 0; c < k; c++) {
      dLogits![c] = gLogits[c]! - Math.exp(m.logPi[c]!) * upstream;
      for (let i = 0; i < d; i++) {
        dMeans![c * d + i] = gMeans[c * d + i]! * m.inv[c * d + i]!;
        dLogScales![c * d + i] = gScales[c * d + i]!;
      }
    }
  },
});

/**
 * Core's gaussian-mixture log-density (`mixtureLogDensity`) as ONE host kernel on tfjs's wasm
 * backend, log p(x_r) = logsumexp_k a_rk in float64, with its backward pass as one more from the
 * responsibilities (the EM identities, Bishop 2006 §9.2): two kernels per training step instead of
 * ~50. Registered for wasm only (cpu and webgl keep tfjs's ops).
 */
defineHostKernel<Record<string, number>>({
  name: MIXTURE_LOG_DENSITY_KERNEL,
  backends: ['wasm'],
  outputShapes: ([x]) => [[x![0] as number]],
  gradient: {
    saveInputs: [0, 1, 2, 3],
    saveOutputs: [0],
    grad: ([dy], saved) => mixtureGradKernel([dy!, ...saved], {}),
  },
  run([x, logits, means, logScales], [value], [shape]) {
    const d = shape![1] as number;
    const k = logits!.length;
    const m = components(logits!, logScales!, d);
    const a = new Float64Array(k);
    for (let r = 0; r < (shape![0] as number); r++) {
      const top = rowTerms(x!, means!, r, d, m, a);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(a[c]! - top);
      value![r] = top + Math.log(sum);
    }
  },
});
