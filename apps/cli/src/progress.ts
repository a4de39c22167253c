/** A writable text stream with an optional terminal flag (process.stderr fits). */
export interface ProgressStream {
  /** Whether the stream is a terminal. */
  isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** A one-line progress bar with the running loss, redrawn at most every `intervalMs` on a terminal. */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  /** Draws on `stream` only when `enabled` and the stream is a terminal. */
  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly enabled: boolean,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reports step `step` with its training loss and, when known, the latest validation NLL and a continuous flow's NFE per solve. */
  update(step: number, loss: number, validationNll?: number, nfe?: number): void {
    if (!this.enabled || !this.stream.isTTY) return;
    const t = this.now();
    if (step < this.total && t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.drawn = true;
    const width = 30;
    const filled = Math.round((step / this.total) * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const val = validationNll === undefined ? '' : ` val ${validationNll.toFixed(4)}`;
    const solver = nfe === undefined ? '' : ` nfe ${nfe.toFixed(0)}`;
    this.stream.write(`\r[${bar}] ${step}/${this.total} loss ${loss.toFixed(4)}${val}${solver}   `);
  }

  /** Ends the line if anything was drawn. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
