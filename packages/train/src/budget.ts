/**
 * The steps a run on a time budget will have taken at its pace so far: `done` steps in `fraction`
 * of the budget project to done / fraction (reported as `totalSteps` of such a run's progress).
 */
export function projectedSteps(done: number, fraction: number): number {
  return fraction >= 1 ? done : Math.max(done + 1, Math.round(done / Math.max(fraction, 1e-9)));
}
