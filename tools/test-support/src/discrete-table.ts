/**
 * A table with one discrete and one continuous column and a known entropy, for checking that a
 * density model of grid values cannot report an NLL below it (the CLI's discrete-column tests and the
 * `discrete-columns` benchmark).
 */

/** H(a) + H(b | a) in nats: the lowest expected NLL of any model of the table's values. */
export const DISCRETE_TABLE_ENTROPY =
  -[0.5, 0.3, 0.2].reduce((sum, p) => sum + p * Math.log(p), 0) + 0.5 * Math.log(2 * Math.PI * Math.E);

/**
 * n CSV rows of (a, b): a ∈ {0, 1, 2} with probabilities 0.5, 0.3, 0.2 and b | a ~ N(a/2, 1), written
 * with 5 decimals under an `a,b` header (a deterministic LCG stream per seed).
 */
export function discreteTableCsv(n: number, seed: number): string {
  let s = seed;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['a,b'];
  for (let i = 0; i < n; i++) {
    const u = r();
    const a = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    lines.push(`${a},${(z + 0.5 * a).toFixed(5)}`);
  }
  return `${lines.join('\n')}\n`;
}
