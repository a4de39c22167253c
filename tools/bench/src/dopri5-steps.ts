// dopri5's step sequence read back from the times at which it evaluated the field.

/** One dopri5 step: its size (in absolute time) and whether the error control accepted it. */
export interface Dopri5Step {
  h: number;
  accepted: boolean;
}

/** The nodes c₂..c₇ of the Dormand-Prince tableau: a step from s evaluates the field at s + cᵢ h. */
const NODES = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];

/**
 * The steps of one `Dopri5Solver` solve (automatic first step) from its evaluation times: k₁ at t₀,
 * the first-step heuristic's Euler trial, then six stages per step (Dormand & Prince 1980; FSAL
 * reuses the last stage as the next k₁). A step is accepted when the next one starts at its end.
 */
export function dopri5Steps(times: readonly number[]): { firstTrial: number; steps: Dopri5Step[] } {
  if (times.length < 2 || (times.length - 2) % NODES.length !== 0)
    throw new Error(`dopri5Steps: ${times.length} evaluations are not 2 + 6 per step`);
  const at = (i: number) => times[i] as number;
  const stage = NODES.length;
  const steps: Dopri5Step[] = [];
  for (let i = 2; i < times.length; i += stage) {
    const h = (at(i + 4) - at(i)) / (NODES[4]! - NODES[0]!);
    const end = at(i + 4);
    let accepted = true;
    if (i + stage < times.length) {
      const j = i + stage;
      const next = (at(j + 4) - at(j)) / (NODES[4]! - NODES[0]!);
      const nextStart = at(j) - NODES[0]! * next;
      accepted = Math.abs(nextStart - end) <= 1e-6 * Math.max(1, Math.abs(end));
    }
    steps.push({ h: Math.abs(h), accepted });
  }
  return { firstTrial: Math.abs(at(1) - at(0)), steps };
}
