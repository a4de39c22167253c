import type { Throughput, Workload } from './coupling-workloads.js';

/** Every round's throughput of one workload on one backend (`torch` for the reference). */
export interface Measured {
  /** The architecture and batch. */
  workload: Workload;
  /** `torch`, `cpu` or `wasm`. */
  backend: string;
  /** One entry per round. */
  rounds: Throughput[];
}

type Metric = 'trainStepsPerSecond' | 'logProbExamplesPerSecond' | 'sampleExamplesPerSecond';
const METRICS: readonly Metric[] = [
  'trainStepsPerSecond',
  'logProbExamplesPerSecond',
  'sampleExamplesPerSecond',
];

/** The best round of a metric: on a shared machine, load only ever slows a round down. */
export function best(m: Measured, metric: Metric): number {
  return Math.max(...m.rounds.map((r) => r[metric]));
}

/** The median over rounds of the per-round ratio to the reference (rounds run side by side). */
export function medianRatio(m: Measured, reference: Measured, metric: Metric): number {
  const ratios = m.rounds
    .map((r, i) => r[metric] / (reference.rounds[i] as Throughput)[metric])
    .sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] as number;
}

/** The markdown table: best-round throughputs, their ratio to torch's best, and the median per-round ratio. */
export function markdownTable(all: readonly Measured[]): string {
  const fixed = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: v < 100 ? 1 : 0 });
  const lines = [
    '| flow | layers | hidden | batch | backend | train steps/s | vs torch | logProb ex/s | vs torch | sample ex/s | vs torch |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const m of all) {
    const w = m.workload;
    const reference = all.find((r) => r.backend === 'torch' && r.workload === w);
    const cells = METRICS.map((metric) => {
      if (!reference || m === reference) return [fixed(best(m, metric)), m === reference ? '1' : '-'];
      const ratio = best(m, metric) / best(reference, metric);
      return [
        fixed(best(m, metric)),
        `${ratio.toFixed(2)} (${medianRatio(m, reference, metric).toFixed(2)})`,
      ];
    }).flat();
    lines.push(
      `| ${w.flow} | ${w.layers} | ${w.hidden.join('x')} | ${w.batch} | ${m.backend} | ${cells.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
