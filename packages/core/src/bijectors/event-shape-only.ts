import { option } from '../options/fields.js';
import { defineOptions, type OptionSchema } from '../options/schema.js';
import type { EventShape } from '../shapes.js';
import type { OptionField } from '../options/schema.js';

/** Options holding only an event shape (the parameter-free bijectors). */
export interface EventShapeOptions {
  /** Event shape (any rank for elementwise maps, `[d]` for permutations). */
  eventShape: number[];
}

/**
 * The declaration of options holding only `eventShape` (a vector `[d]` when `vector` is set).
 * @internal
 */
export function eventShapeOnly(
  owner: string,
  vector = false,
): OptionSchema<{ eventShape: OptionField<EventShape> }> {
  return defineOptions(owner, { eventShape: vector ? option.vectorShape() : option.eventShape() });
}
