// The tabular suite's PyTorch reference at a conditioner width other than its own default (64,64):
// the model name a run is stored under and the flags passed to tools/bench/reference/flows.py.

/** Parses a `--reference-hidden` value ("128,128") into positive integer widths; '' gives none. */
export function parseReferenceHidden(value: string): number[] | undefined {
  if (value.trim() === '') return undefined;
  const widths = value.split(',').map((w) => Number(w.trim()));
  if (widths.some((w) => !Number.isInteger(w) || w <= 0))
    throw new Error(`tabular-suite: --reference-hidden wants positive integers like 128,128, got '${value}'`);
  return widths;
}

/**
 * The stored model name of a flow's torch reference: `maf (torch)` at the reference's default
 * width, `maf (torch, 128 wide)` at equal widths, `maf (torch, hidden 128,64)` otherwise.
 */
export function torchModel(flow: string, hidden?: number[]): string {
  if (hidden === undefined) return `${flow} (torch)`;
  const label = hidden.every((w) => w === hidden[0]) ? `${hidden[0]} wide` : `hidden ${hidden.join(',')}`;
  return `${flow} (torch, ${label})`;
}

/** flows.py's `--hidden` flag for a width, none at the reference's default. */
export function torchHiddenArgs(hidden?: number[]): string[] {
  return hidden === undefined ? [] : ['--hidden', hidden.join(',')];
}
