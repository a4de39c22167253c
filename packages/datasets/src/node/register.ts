import { register } from '@bijective/core';
import {
  csvDataset,
  idxDataset,
  pngFolderDataset,
  type CsvDatasetOptions,
  type IdxDatasetOptions,
  type PngFolderDatasetOptions,
} from './file-datasets.js';
import { fashionMnist, fashionMnist14, type FashionMnistOptions } from './fashion-mnist.js';

declare module '../dataset.js' {
  interface DatasetOptionsMap {
    csv: CsvDatasetOptions;
    idx: IdxDatasetOptions;
    'png-folder': PngFolderDatasetOptions;
    'fashion-mnist': FashionMnistOptions;
    'fashion-mnist-14': FashionMnistOptions;
  }
}

/** Registers the file datasets `csv`, `idx`, `png-folder`, `fashion-mnist` and `fashion-mnist-14` (Node only; idempotent). */
export function registerFileDatasets(): void {
  // `replace: true`: first-party modules may be evaluated twice in one process.
  const again = { replace: true };
  register(
    'dataset',
    'csv',
    {
      description: 'a CSV file of numeric columns (optional header row)',
      create: csvDataset,
      tags: ['file'],
    },
    again,
  );
  register(
    'dataset',
    'idx',
    {
      description: 'an IDX file (MNIST format, gzipped or not) with optional labels',
      create: idxDataset,
      tags: ['file'],
    },
    again,
  );
  register(
    'dataset',
    'png-folder',
    {
      description: 'a folder of same-size PNG images (grey or RGB; one subfolder per class for labels)',
      create: pngFolderDataset,
      tags: ['file'],
    },
    again,
  );
  register(
    'dataset',
    'fashion-mnist',
    {
      description: 'Fashion-MNIST 28x28 images (apt-get install dataset-fashion-mnist)',
      create: fashionMnist,
      tags: ['file', 'image'],
    },
    again,
  );
  register(
    'dataset',
    'fashion-mnist-14',
    {
      description:
        'Fashion-MNIST downscaled to 14x14 for quick image runs (apt-get install dataset-fashion-mnist)',
      create: fashionMnist14,
      tags: ['file', 'image'],
    },
    again,
  );
}
