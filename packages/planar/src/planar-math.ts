import type { HostLayerMath } from './host-stack.js';

/**
 * One planar layer on the host for events of d scalars, parameters (û, w, b, m, 1 + m) from `at`:
 * y = z + û t, t = tanh(wᵀz + b), log-det log S with S = (1 + m) + t²(1 − (1 + m)); backward
 * dL/dt = gᵀû + gl·2t(1 − (1 + m))/S, dL/da = dL/dt (1 − t²), dL/dz = g + (dL/da) w.
 */
export const PLANAR_MATH: HostLayerMath = {
  name: 'Bijective.Planar',
  forward(d, z, p, at, cache) {
    let a = p[at + 2 * d] as number;
    for (let j = 0; j < d; j++) a += (p[at + d + j] as number) * (z[j] as number);
    const t = Math.tanh(a);
    for (let j = 0; j < d; j++) z[j] = (z[j] as number) + (p[at + j] as number) * t;
    cache.value = t;
    const onePlusM = p[at + 2 * d + 2] as number;
    return Math.log(onePlusM + t * t * (1 - onePlusM));
  },
  backward(d, z, t, g, gl, p, at, gp) {
    const onePlusM = p[at + 2 * d + 2] as number;
    const s = onePlusM + t * t * (1 - onePlusM);
    let dt = (gl * 2 * t * (1 - onePlusM)) / s;
    for (let j = 0; j < d; j++) dt += (g[j] as number) * (p[at + j] as number);
    const sech2 = 1 - t * t;
    const da = dt * sech2;
    for (let j = 0; j < d; j++) {
      gp[at + j] = (gp[at + j] as number) + (g[j] as number) * t;
      gp[at + d + j] = (gp[at + d + j] as number) + da * (z[j] as number);
      g[j] = (g[j] as number) + da * (p[at + d + j] as number);
    }
    gp[at + 2 * d] = (gp[at + 2 * d] as number) + da;
    gp[at + 2 * d + 2] = (gp[at + 2 * d + 2] as number) + (gl * sech2) / s;
  },
};
