import * as tf from '@tensorflow/tfjs-core';

/** The four 2-D energies of Rezende & Mohamed (2015, Table 1), by target name. */
export type EnergyName = 'u1' | 'u2' | 'u3' | 'u4';

/** −½ (v / s)². */
function halfSquare(v: tf.Tensor, s: number): tf.Tensor {
  return tf.mul(-0.5, tf.square(tf.div(v, s)));
}

/** log(eᵃ + eᵇ) = max(a, b) + log1p(exp(−|a − b|)), without overflow. */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(tf.maximum(a, b), tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b))))));
}

/** w1(z) = sin(2π z1 / 4). */
function w1(z1: tf.Tensor): tf.Tensor {
  return tf.sin(tf.mul(Math.PI / 2, z1));
}

/** The soft wall ½ (z1 / 4)⁸ that makes U2–U4 normalisable (the paper draws them on |z1| ≤ 4). */
function wall(z1: tf.Tensor): tf.Tensor {
  const s = tf.square(tf.div(z1, 4));
  return tf.mul(0.5, tf.square(tf.square(s)));
}

/**
 * −U(z) of one of the energies of Rezende & Mohamed (2015, Table 1), for z `[n, 2]`, as `[n]`:
 * U1 = ½((‖z‖ − 2)/0.4)² − log(e^{−½((z1−2)/0.6)²} + e^{−½((z1+2)/0.6)²}) (normalisable as written);
 * U2 = ½((z2 − w1)/0.4)²; U3 = −log(e^{−½((z2−w1)/0.35)²} + e^{−½((z2−w1+w2)/0.35)²});
 * U4 = −log(e^{−½((z2−w1)/0.4)²} + e^{−½((z2−w1+w3)/0.35)²}), with w1 = sin(2πz1/4),
 * w2 = 3e^{−½((z1−1)/0.6)²}, w3 = 3σ((z1−1)/0.3); U2–U4 are constant along z1 far out and so not
 * normalisable: they get the soft wall ½(z1/4)⁸.
 */
export function negativeEnergy(name: EnergyName, z: tf.Tensor): tf.Tensor {
  const [z1, z2] = tf.unstack(z, 1) as [tf.Tensor, tf.Tensor];
  if (name === 'u1') {
    const r = tf.sqrt(tf.maximum(tf.add(tf.square(z1), tf.square(z2)), 1e-30));
    const modes = logAddExp(halfSquare(tf.sub(z1, 2), 0.6), halfSquare(tf.add(z1, 2), 0.6));
    return tf.add(halfSquare(tf.sub(r, 2), 0.4), modes);
  }
  const v = tf.sub(z2, w1(z1));
  let logP: tf.Tensor;
  if (name === 'u2') logP = halfSquare(v, 0.4);
  else if (name === 'u3') {
    const w2 = tf.mul(3, tf.exp(halfSquare(tf.sub(z1, 1), 0.6)));
    logP = logAddExp(halfSquare(v, 0.35), halfSquare(tf.add(v, w2), 0.35));
  } else {
    const w3 = tf.mul(3, tf.sigmoid(tf.div(tf.sub(z1, 1), 0.3)));
    logP = logAddExp(halfSquare(v, 0.4), halfSquare(tf.add(v, w3), 0.35));
  }
  return tf.sub(logP, wall(z1));
}
