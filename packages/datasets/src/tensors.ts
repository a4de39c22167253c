import * as tf from '@tensorflow/tfjs-core';
import { eventSize, formatShape, ShapeError, type EventShape } from '@bijective/core';
import type { Table } from './table.js';

/** A table's rows as a float32 tensor `[rows, ...eventShape]` (default `[rows, cols]`); the caller owns it. */
export function tableTensor(table: Table, eventShape: EventShape = [table.cols]): tf.Tensor {
  if (eventSize(eventShape) !== table.cols) {
    throw new ShapeError(
      `tableTensor: event shape ${formatShape(eventShape)} does not hold rows of ${table.cols} values`,
    );
  }
  return tf.tensor(table.data, [table.rows, ...eventShape], 'float32');
}

/** A table's context columns as a float32 tensor `[rows, contextCols]`, or undefined without context. */
export function contextTensor(table: Table): tf.Tensor2D | undefined {
  return table.context && tf.tensor2d(table.context.data, [table.rows, table.context.cols], 'float32');
}
