// The 16-D table of the CLI-loop benches (cli-loop-speed, cli-loop-kernels): 22000 seeded rows of
// correlated Gaussians bent by products of neighbours, written as a CSV with a header line.
import { writeFileSync } from 'node:fs';

/** Writes the 16-D table (22000 rows, seeded): x_j = z_j + 0.8·tanh(z_{j-1})·z_{j+1}, z standard normal. */
export function writeTable16(path: string): void {
  let state = 12345;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const lines = [Array.from({ length: 16 }, (_, j) => `x${j}`).join(',')];
  for (let r = 0; r < 22_000; r++) {
    const z = Array.from({ length: 16 }, normal);
    const x = z.map((v, j) => v + 0.8 * Math.tanh(z[(j + 15) % 16] as number) * (z[(j + 1) % 16] as number));
    lines.push(x.map((v) => v.toFixed(6)).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
