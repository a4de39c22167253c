import { BACKEND_VERSIONS, selectBackend } from './coupling-backends.js';
import { findTorchPython, referenceThroughput } from './coupling-reference.js';
import type { Measured } from './coupling-table.js';
import type { TimingOptions } from './coupling-timing.js';
import { measure, type Workload } from './coupling-workloads.js';

/** What {@link measureRounds} runs. */
export interface RoundsOptions {
  /** The script's name, for its messages. */
  tool: string;
  /** The architectures and batches. */
  workloads: Workload[];
  /** The tfjs backends (`cpu`, `wasm`). */
  backends: string[];
  /** Rounds: each measures torch, then every tfjs backend, per workload. */
  rounds: number;
  /** How each measurement is timed. */
  timing: TimingOptions;
  /** `--python`: the interpreter to try first for the PyTorch reference. */
  python?: string;
  /** `--no-reference`: tfjs backends only. */
  noReference: boolean;
}

/**
 * Every workload on torch (when a python with torch is found) and each tfjs backend, `rounds` times
 * side by side; says on stderr which versions ran and which measurements leaked tensors.
 */
export async function measureRounds(o: RoundsOptions): Promise<Measured[]> {
  const python = o.noReference ? null : findTorchPython(o.python);
  if (!o.noReference && python === null)
    console.error(`${o.tool}: no python with torch found; no reference column`);
  const backends = [...(python ? ['torch'] : []), ...o.backends];
  const results: Measured[] = o.workloads.flatMap((workload) =>
    backends.map((backend) => ({ workload, backend, rounds: [] })),
  );
  for (let round = 0; round < o.rounds; round++) {
    for (const m of results) {
      if (m.backend === 'torch') m.rounds.push(referenceThroughput(python as string, m.workload, o.timing));
      else {
        await selectBackend(m.backend);
        m.rounds.push(measure(m.workload, o.timing));
      }
    }
  }
  console.error(
    `tfjs backends: cpu ${BACKEND_VERSIONS.cpu}, wasm ${BACKEND_VERSIONS.wasm}; reference: ${python ?? 'none'}`,
  );
  for (const m of results) {
    if (m.rounds.some((r) => r.leakedTensors !== 0))
      console.error(`warning: ${m.backend} ${m.workload.flow} leaked tensors`);
  }
  return results;
}
