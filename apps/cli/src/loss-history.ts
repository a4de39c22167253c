import { UsageError } from './usage-error.js';

/** One optimisation step of the loss history `train` writes as `loss.csv`. */
export interface LossRow {
  /** Steps completed (1-based). */
  step: number;
  /** The objective minimised on this step's minibatch (mean NLL, nats). */
  trainLoss: number;
  /** Validation NLL when this step validated, else null. */
  valNll: number | null;
  /** Learning rate of this step. */
  lr: number;
}

/** The header of `loss.csv`. */
export const LOSS_CSV_HEADER = 'step,trainLoss,valNll,lr';

/** The history as CSV: `step,trainLoss,valNll,lr`, valNll empty on steps without validation. */
export function lossCsv(rows: readonly LossRow[]): string {
  const lines = rows.map((r) => `${r.step},${r.trainLoss},${r.valNll === null ? '' : r.valNll},${r.lr}`);
  return `${[LOSS_CSV_HEADER, ...lines].join('\n')}\n`;
}

/** Parses `loss.csv` text back into rows; `file` names it in errors. */
export function parseLossCsv(text: string, file: string): LossRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== LOSS_CSV_HEADER) throw new UsageError(`${file}: expected the header '${LOSS_CSV_HEADER}'`);
  return lines.slice(1).map((line, i) => {
    const [step, trainLoss, valNll, lr] = line.split(',');
    const row = {
      step: Number(step),
      trainLoss: Number(trainLoss),
      valNll: valNll ? Number(valNll) : null,
      lr: Number(lr),
    };
    if (
      ![row.step, row.lr].every(Number.isFinite) ||
      Number.isNaN(row.trainLoss) ||
      (row.valNll !== null && Number.isNaN(row.valNll))
    ) {
      throw new UsageError(`${file}: line ${i + 2} is not 'step,trainLoss,valNll,lr' numbers`);
    }
    return row;
  });
}
