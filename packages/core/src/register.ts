import { registerCoreBijectors } from './bijectors/register.js';
import { registerDistributions } from './distributions/register.js';

/** Registers core's standard bijectors and base distributions (idempotent); the main entry calls it on import. */
export function registerCore(): void {
  registerCoreBijectors();
  registerDistributions();
}
