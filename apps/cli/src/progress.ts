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
 * steps/s, ETA), so that logs show a long run moving. A run on a time budget passes each step's
 * projected total to {@link ProgressBar.update} (shown as `~N`); a step past the total is drawn full.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;
  private nextTenth: number;
  private validationNll: number | undefined;
  private nfe: number | undefined;
  private readonly startTime: number;
  private projected = false;

  /** Reports steps `firstStep + 1 .. total` on `stream` in `mode` (`total` may change with each update). */
  constructor(
    private total: number,
    private readonly stream: ProgressStream,
    private readonly mode: ProgressMode,
    private readonly firstStep = 0,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startTime = now();
    this.nextTenth = Math.floor((firstStep * 10) / total) + 1;
  }

  /**
   * Reports step `step` with its training loss, the validation NLL when this step validated, a
   * continuous flow's function evaluations per solve when known, and the run's projected total steps
   * when it has no fixed count (a time budget: `FitProgress.totalSteps`).
   */
  update(step: number, loss: number, validationNll?: number, nfe?: number, projectedTotal?: number): void {
    if (validationNll !== undefined) this.validationNll = validationNll;
    this.nfe = nfe;
    if (projectedTotal !== undefined && Number.isFinite(projectedTotal) && projectedTotal >= 1) {
      // The first projection replaces the placeholder total: count the tenths already passed anew.
      if (!this.projected) this.nextTenth = Math.floor((this.firstStep * 10) / projectedTotal) + 1;
      this.total = projectedTotal;
      this.projected = true;
    }
    if (this.mode === 'bar') this.drawBar(step, loss);
    else if (this.mode === 'lines' && step >= Math.ceil((this.nextTenth * this.total) / 10)) {
      // A projected total moves: the next line is at the next tenth of the fraction now reached.
      this.nextTenth = Math.max(this.nextTenth, Math.floor((10 * step) / this.total)) + 1;
      this.stream.write(`${this.line(step, loss)}\n`);
    }
  }

  /** The total shown: `5000`, or `~5000` when projected from a time budget's pace. */
  private totalText(): string {
    return `${this.projected ? '~' : ''}${this.total}`;
  }

  /** The progress line: `step 500/5000 (10%)  loss 1.2345  val NLL 1.3000  210.3 steps/s  ETA 21s`. */
  private line(step: number, loss: number): string {
    const seconds = (this.now() - this.startTime) / 1000;
    const rate = (step - this.firstStep) / Math.max(seconds, 1e-9);
    const percent = Math.min(100, Math.round((100 * step) / this.total));
    const val = this.validationNll === undefined ? '' : `  val NLL ${this.validationNll.toFixed(4)}`;
    const eta = step >= this.total ? 'done' : `ETA ${formatDuration((this.total - step) / rate)}`;
    const nfe = this.nfe === undefined ? '' : `  NFE ${this.nfe.toFixed(0)}`;
    return `step ${step}/${this.totalText()} (${percent}%)  loss ${loss.toFixed(4)}${val}${nfe}  ${rate.toFixed(1)} steps/s  ${eta}`;
  }

  private drawBar(step: number, loss: number): void {
    const t = this.now();
    if (step < this.total && t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.drawn = true;
    const width = 30;
    const filled = Math.min(width, Math.max(0, Math.round((step / this.total) * width)));
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const val = this.validationNll === undefined ? '' : ` val ${this.validationNll.toFixed(4)}`;
    const nfe = this.nfe === undefined ? '' : ` nfe ${this.nfe.toFixed(0)}`;
    this.stream.write(`\r[${bar}] ${step}/${this.totalText()} loss ${loss.toFixed(4)}${val}${nfe}   `);
  }

  /** Ends the bar's line if anything was drawn. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
