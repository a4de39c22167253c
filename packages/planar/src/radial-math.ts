import type { HostLayerMath } from './host-stack.js';

/** r = max(|z − z0|, 1e-15): the floor of the tfjs path's sqrt(max(|z − z0|², 1e-30)). */
const RADIUS_FLOOR = 1e-15;

/**
 * One radial layer on the host for events of d scalars, parameters (z0, α, β, γ) from `at`:
 * y = z + h (z − z0), h = β/(α + r), log-det (d − 1) log(γ + r) − (d + 1) log(α + r) + log Q with
 * Q = α(γ + 2r) + r², and its backward pass (the radius's derivative is 0 below its floor).
 */
export const RADIAL_MATH: HostLayerMath = {
  name: 'Bijective.Radial',
  forward(d, z, p, at, cache) {
    const alpha = p[at + d] as number;
    const beta = p[at + d + 1] as number;
    const gamma = p[at + d + 2] as number;
    let squares = 0;
    for (let j = 0; j < d; j++) squares += ((z[j] as number) - (p[at + j] as number)) ** 2;
    const r = Math.max(Math.sqrt(squares), RADIUS_FLOOR);
    const h = beta / (alpha + r);
    for (let j = 0; j < d; j++) z[j] = (z[j] as number) + h * ((z[j] as number) - (p[at + j] as number));
    cache.value = r;
    const q = alpha * (gamma + 2 * r) + r * r;
    return (d - 1) * Math.log(gamma + r) - (d + 1) * Math.log(alpha + r) + Math.log(q);
  },
  backward(d, z, r, g, gl, p, at, gp) {
    const alpha = p[at + d] as number;
    const beta = p[at + d + 1] as number;
    const gamma = p[at + d + 2] as number;
    const s = alpha + r;
    const q = alpha * (gamma + 2 * r) + r * r;
    const h = beta / s;
    let gh = 0;
    for (let j = 0; j < d; j++) gh += (g[j] as number) * ((z[j] as number) - (p[at + j] as number));
    const dhdr = -beta / (s * s);
    const gr =
      r > RADIUS_FLOOR ? gh * dhdr + gl * ((d - 1) / (gamma + r) - (d + 1) / s + (2 * alpha + 2 * r) / q) : 0;
    for (let j = 0; j < d; j++) {
      const diff = (z[j] as number) - (p[at + j] as number);
      const dDiff = (g[j] as number) * h + (gr * diff) / r;
      gp[at + j] = (gp[at + j] as number) - dDiff;
      g[j] = (g[j] as number) + dDiff;
    }
    gp[at + d] = (gp[at + d] as number) + gh * dhdr + gl * (-(d + 1) / s + (gamma + 2 * r) / q);
    gp[at + d + 1] = (gp[at + d + 1] as number) + gh / s;
    gp[at + d + 2] = (gp[at + d + 2] as number) + gl * ((d - 1) / (gamma + r) + alpha / q);
  },
};
