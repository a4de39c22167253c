import { describe, expect, it } from 'vitest';
import { createByName } from '@bijective/core';
import { FASHION_MNIST_DIRECTORIES, findFashionMnist, readIdx, type FixedDataset } from './index.js';

function installed(): boolean {
  try {
    findFashionMnist();
    return true;
  } catch {
    return false;
  }
}

const reason = `Debian's dataset-fashion-mnist is not installed (${FASHION_MNIST_DIRECTORIES.join(', ')}); apt-get install dataset-fashion-mnist`;

describe.skipIf(!installed())('real Fashion-MNIST files (skipped when absent: ' + reason + ')', () => {
  it('reads the t10k images (10000 x 28 x 28 uint8) and labels (10 classes of 1000)', () => {
    const files = findFashionMnist();
    const images = readIdx(files.testImages);
    expect(images.type).toBe('uint8');
    expect(images.dims).toEqual([10000, 28, 28]);
    const labels = readIdx(files.testLabels);
    expect(labels.dims).toEqual([10000]);
    const counts = new Array<number>(10).fill(0);
    for (const l of labels.data) counts[l] = (counts[l] as number) + 1;
    expect(counts).toEqual(new Array(10).fill(1000));
    let sum = 0;
    for (const v of images.data) sum += v;
    const mean = sum / images.data.length;
    expect(mean).toBeGreaterThan(60); // Fashion-MNIST's pixel mean is about 73
    expect(mean).toBeLessThan(90);
  });

  it('the fashion-mnist dataset serves t10k as its test rows without loading the training file', () => {
    const ds = createByName('dataset', 'fashion-mnist', {}) as FixedDataset;
    const test = ds.test;
    expect([test?.rows, test?.cols, test?.labels?.length]).toEqual([10000, 784, 10000]);
    expect(ds.eventShape).toEqual([28, 28, 1]);
  });
});
