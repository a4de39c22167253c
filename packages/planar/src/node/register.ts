import { register } from '@bijective/core';
import { logisticRegressionFromOptions } from './logistic-regression-csv.js';

// Replaces the browser-safe registration: the same name and options, CSV files included.
register(
  'target',
  'logistic-regression',
  {
    description:
      'Bayesian logistic regression posterior, Gaussian prior (a CSV file with a 0/1 label column, or data inline)',
    create: (o) => logisticRegressionFromOptions(o),
  },
  { replace: true },
);
