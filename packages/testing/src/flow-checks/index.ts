// Barrel of the flow checks, in the order the kit runs them.
import type { FlowCheck } from './check.js';
import { goodnessOfFitCheck } from './goodness-of-fit.js';
import { flowLeaksCheck } from './leaks.js';
import { normalizationCheck } from './normalization.js';
import { sampleLogProbCheck } from './sample-log-prob.js';

export type { FlowCheck } from './check.js';

/** Every flow check, in run order. */
export const FLOW_CHECKS = [
  sampleLogProbCheck,
  normalizationCheck,
  goodnessOfFitCheck,
  flowLeaksCheck,
] as const satisfies readonly FlowCheck[];

/** The name of one of the {@link FLOW_CHECKS}. */
export type FlowCheckName = (typeof FLOW_CHECKS)[number]['name'];
