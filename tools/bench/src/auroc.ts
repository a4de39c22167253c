// The area under the ROC curve, for the anomaly benchmark.

/**
 * Area under the ROC curve of `scores` (higher = more anomalous) for binary `labels` (1 = anomaly):
 * the Mann-Whitney U statistic over (#anomalies · #normals), ties counted one half (average ranks).
 */
export function auroc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  const rankSum = labels.reduce((s, l, i) => s + (l === 1 ? ranks[i]! : 0), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
