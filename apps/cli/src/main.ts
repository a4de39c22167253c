/**
 * The `bijective` command: train, eval, sample, plot and list normalizing flows (see docs/cli.md).
 * @module
 */
import './packages.js';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
