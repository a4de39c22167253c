/**
 * Browser entry of the WebGL test (bundled and run by chromium.ts). Imports the packages as an
 * application does, selects `webgl` through `useBackend`, runs a small computation and its
 * gradient there and again on tfjs's `cpu`, and reports both with the backend tfjs actually used
 * and the tensors left behind; where WebGL is unavailable it reports why `useBackend` refused.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend, type BackendChoice } from '@bijective/core';
import { Adam } from '@bijective/train';
import { affineTransform } from '@bijective/engine';
import '@bijective/backend-webgl';

/** Values, gradient, host-kernel results and leaked tensor count of one run of the computation. */
interface Computed {
  value: number[][];
  grad: number[][];
  host: number[];
  leaked: number;
}

/** A matmul and tanh, and the gradient with respect to `x` of a softplus-weighted sum of them. */
function compute(): Computed {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.tensor2d([
      [0.5, -1.0, 2.0],
      [1.5, 0.25, -0.75],
    ]);
    const w = tf.tensor2d([
      [1.0, 0.5],
      [-0.5, 2.0],
      [0.25, -1.0],
    ]);
    const f = (v: tf.Tensor): tf.Tensor => tf.tanh(tf.matMul(v as tf.Tensor2D, w));
    const loss = (v: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(tf.softplus(f(v)), tf.exp(tf.mul(tf.sum(v, 1, true), 0.1))));
    return { value: f(x).arraySync() as number[][], grad: tf.grad(loss)(x).arraySync() as number[][] };
  });
  const host = hostKernels();
  return { ...out, host, leaked: tf.memory().numTensors - before };
}

/** core's host kernels (read back and uploaded on webgl): an affine map on columns 0 and 2, its backward pass, one Adam step. */
function hostKernels(): number[] {
  const variable = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -0.25, 1])));
  const adam = new Adam();
  const values = tf.tidy(() => {
    const u = tf.tensor2d([0.5, -1, 2, 1.5, 0.25, -0.75], [2, 3]);
    const raw = tf.tensor2d([0.3, -0.2, 0.1, 0.4, -0.6, 0.9, 0.2, -0.1], [2, 4]);
    const transform = affineTransform(2);
    const { value, logDet } = transform.apply('forward', u, raw, [0, 2]);
    const g = transform.grad('forward', u, raw, [0, 2], tf.onesLike(u), tf.ones([2]));
    adam.apply([variable], { [variable.name]: tf.tensor1d([0.1, -2, 0]) }, 0.1);
    return [value, logDet as tf.Tensor, g.du, g.dRaw, g.dRawSums, variable].flatMap((t) =>
      Array.from(t.dataSync()),
    );
  });
  adam.dispose();
  variable.dispose();
  return values;
}

/** What the Node side checks: either the selection and both runs, or why webgl was refused. */
type Report =
  | {
      selected: true;
      choice: BackendChoice;
      activeBackend: string;
      webglVersion: number;
      webgl: Computed;
      cpu: Computed;
    }
  | { selected: false; error: string };

async function main(): Promise<Report> {
  let choice: BackendChoice;
  try {
    choice = await useBackend('webgl');
  } catch (e) {
    return { selected: false, error: e instanceof Error ? e.message : String(e) };
  }
  const activeBackend = tf.getBackend();
  const webglVersion = tf.env().getNumber('WEBGL_VERSION');
  const webgl = compute();
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not switch to cpu for the reference run');
  return { selected: true, choice, activeBackend, webglVersion, webgl, cpu: compute() };
}

const holder = globalThis as { __bijectiveResult?: unknown };
main().then(
  (report) => (holder.__bijectiveResult = report),
  (e: unknown) =>
    (holder.__bijectiveResult = { crashed: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
