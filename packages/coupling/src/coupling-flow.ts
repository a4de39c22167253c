import { Chain, ChainedFlow, type Bijector } from '@bijective/core';

/**
 * A complete coupling flow: a core {@link ChainedFlow} over coupling layers and the links between
 * them, saved as its high-level options (`{name: 'realnvp', options}`).
 */
export abstract class CouplingFlow extends ChainedFlow {
  /** Wraps the links, base side first, in a chain. */
  protected constructor(links: Bijector[]) {
    super(new Chain(links));
  }
}
