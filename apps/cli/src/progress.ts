/** A writable text stream with an optional terminal flag (process.stderr fits). */
export interface ProgressStream {
  /** Whether the stream is a terminal. */
  isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** How progress is shown: a redrawn bar (terminals), a line every ~10% (logs, pipes), or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** The mode for `stream`: off when `quiet`; on a terminal the bar (unless `noBar`), else lines. */
export function progressMode(stream: ProgressStream, quiet: boolean, noBar: boolean): ProgressMode {
  if (quiet) return 'off';
  if (stream.isTTY) return noBar ? 'off' : 'bar';
  return 'lines';
}

/** `2h 03m`, `4m 05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Training progress on stderr: on a terminal a one-line bar with the running loss, redrawn at most
 * every `intervalMs`; elsewhere a line at every tenth of the run (step, loss, latest validation NLL,
 * steps/s, ETA), so that logs show a long run moving.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;
  private nextTenth: number;
  private validationNll: number | undefined;
  private readonly startTime: number;

  /** Reports steps `firstStep + 1 .. total` on `stream` in `mode`. */
  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly mode: ProgressMode,
    private readonly firstStep = 0,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startTime = now();
    this.nextTenth = Math.floor((firstStep * 10) / total) + 1;
  }

  /** Reports step `step` with its training loss and, when this step validated, the validation NLL. */
  update(step: number, loss: number, validationNll?: number): void {
    if (validationNll !== undefined) this.validationNll = validationNll;
    if (this.mode === 'bar') this.drawBar(step, loss);
    else if (this.mode === 'lines' && step >= Math.ceil((this.nextTenth * this.total) / 10)) {
      while (step >= Math.ceil((this.nextTenth * this.total) / 10)) this.nextTenth += 1;
      this.stream.write(`${this.line(step, loss)}\n`);
    }
  }

  /** The progress line: `step 500/5000 (10%)  loss 1.2345  val NLL 1.3000  210.3 steps/s  ETA 21s`. */
  private line(step: number, loss: number): string {
    const seconds = (this.now() - this.startTime) / 1000;
    const rate = (step - this.firstStep) / Math.max(seconds, 1e-9);
    const percent = Math.round((100 * step) / this.total);
    const val = this.validationNll === undefined ? '' : `  val NLL ${this.validationNll.toFixed(4)}`;
    const eta = step >= this.total ? 'done' : `ETA ${formatDuration((this.total - step) / rate)}`;
    return `step ${step}/${this.total} (${percent}%)  loss ${loss.toFixed(4)}${val}  ${rate.toFixed(1)} steps/s  ${eta}`;
  }

  private drawBar(step: number, loss: number): void {
    const t = this.now();
    if (step < this.total && t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.drawn = true;
    const width = 30;
    const filled = Math.round((step / this.total) * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const val = this.validationNll === undefined ? '' : ` val ${this.validationNll.toFixed(4)}`;
    this.stream.write(`\r[${bar}] ${step}/${this.total} loss ${loss.toFixed(4)}${val}   `);
  }

  /** Ends the bar's line if anything was drawn. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
