import type { FlowSubject } from '../flow-subject.js';

/** One conformance check of a flow: a name, the claim it tests and the test itself. */
export interface FlowCheck<N extends string = string> {
  /** Short kebab-case name, used in test titles and failure messages. */
  readonly name: N;
  /** The claim in words. */
  readonly claim: string;
  /** Runs the check on one subject inside a tidy scope; throws a `CheckFailure` saying what is wrong. */
  run(subject: FlowSubject): void;
}
