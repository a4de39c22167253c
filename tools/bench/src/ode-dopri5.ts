/**
 * Benchmark: NFE, accepted/rejected steps and time per solve of dopri5 (rtol = atol = 1e-5) on a small
 * neural vector field, an MLP 2 -> 64 -> 64 -> 2 with tanh on a batch of 256, per tfjs backend; and the
 * same solve carrying a log-density accumulator with the exact trace (the FFJORD density pass).
 * Usage: node tools/bench/run.mjs tools/bench/src/ode-dopri5.ts [repeats]
 */
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { Dopri5Solver, type OdeSolver, type SolveStats, type VectorField } from '@bijective/ode';
import { ExactTrace } from '@bijective/trace';

const BATCH = 256;
const HIDDEN = 64;
const TOLERANCE = 1e-5;
const repeats = Number(process.argv[2] ?? 5);

/** A seeded MLP 2 -> 64 -> 64 -> 2 with tanh, weights ~ N(0, 1.5² / fan_in): curved but not stiff flow. */
function makeMlp(): { f: (z: tf.Tensor) => tf.Tensor; weights: tf.Tensor[] } {
  const layer = (fanIn: number, fanOut: number, seed: number) => [
    tf.randomNormal([fanIn, fanOut], 0, 1.5 / Math.sqrt(fanIn), 'float32', seed),
    tf.randomNormal([fanOut], 0, 0.1, 'float32', seed + 100),
  ];
  const [w1, b1, w2, b2, w3, b3] = [
    ...layer(2, HIDDEN, 1),
    ...layer(HIDDEN, HIDDEN, 2),
    ...layer(HIDDEN, 2, 3),
  ] as tf.Tensor[];
  const dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
    tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
  const f = (z: tf.Tensor) =>
    dense(
      tf.tanh(dense(tf.tanh(dense(z, w1 as tf.Tensor, b1 as tf.Tensor)), w2 as tf.Tensor, b2 as tf.Tensor)),
      w3 as tf.Tensor,
      b3 as tf.Tensor,
    );
  return { f, weights: [w1, b1, w2, b2, w3, b3] as tf.Tensor[] };
}

interface Row {
  backend: string;
  problem: string;
  stats: SolveStats;
  msPerSolve: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Median wall time of `repeats` solves after one warm-up, reading the result back each time. */
function time(solver: OdeSolver, f: VectorField, y0: tf.Tensor[]): { stats: SolveStats; ms: number } {
  let stats: SolveStats = { nfe: 0, accepted: 0, rejected: 0 };
  const once = () => {
    const start = performance.now();
    const result = solver.solve(f, y0, [0, 1]);
    (result.states[1] as tf.Tensor[]).forEach((t) => t.dataSync());
    const ms = performance.now() - start;
    stats = result.stats;
    tf.dispose(result.states);
    return ms;
  };
  once();
  const ms = median(Array.from({ length: repeats }, once));
  return { stats, ms };
}

async function runOn(backend: string): Promise<Row[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const { f, weights } = makeMlp();
  const solver = new Dopri5Solver({ rtol: TOLERANCE, atol: TOLERANCE });
  const exact = new ExactTrace();
  const z0 = tf.randomNormal([BATCH, 2], 0, 1, 'float32', 7);
  const logp0 = tf.zeros([BATCH]);
  const field: VectorField = (_t, [z]) => [f(z as tf.Tensor)];
  const cnf: VectorField = (_t, [z]) => {
    const { value, trace } = exact.estimate(f, z as tf.Tensor);
    return [value, tf.neg(trace)];
  };
  const plain = time(solver, field, [z0]);
  const density = time(solver, cnf, [z0, logp0]);
  tf.dispose([z0, logp0, ...weights]);
  return [
    { backend, problem: 'field', stats: plain.stats, msPerSolve: plain.ms },
    { backend, problem: 'field + exact trace', stats: density.stats, msPerSolve: density.ms },
  ];
}

setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
console.log(
  `dopri5 rtol = atol = ${TOLERANCE}, MLP 2-${HIDDEN}-${HIDDEN}-2 tanh, batch ${BATCH}, t in [0, 1], median of ${repeats}`,
);
console.log(`tfjs-core ${tf.version_core}, backend-cpu ${version_cpu}, backend-wasm ${version_wasm}`);
const rows = [...(await runOn('cpu')), ...(await runOn('wasm'))];
const header = ['backend', 'problem', 'NFE', 'accepted', 'rejected', 'ms/solve', 'ms/NFE'];
const table = rows.map((r) => [
  r.backend,
  r.problem,
  String(r.stats.nfe),
  String(r.stats.accepted),
  String(r.stats.rejected),
  r.msPerSolve.toFixed(1),
  (r.msPerSolve / r.stats.nfe).toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
console.log(line(header));
for (const row of table) console.log(line(row));
