import type { BijectorSubject } from '../subject.js';

/** One conformance check of a bijector: a name, the claim it tests and the test itself. */
export interface BijectorCheck<N extends string = string> {
  /** Short kebab-case name, used in test titles and failure messages. */
  readonly name: N;
  /** The claim in words, e.g. "inverse(forward(x)) = x". */
  readonly claim: string;
  /** Runs the check on one subject inside a tidy scope; throws a `CheckFailure` saying what is wrong. */
  run(subject: BijectorSubject): void;
}
