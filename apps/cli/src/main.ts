/**
 * The `bijective` command: train, eval, sample, plot and list normalizing flows (see docs/cli.md).
 * Started as a replica thread of `train --threads N`, the same bundle serves that replica instead.
 * @module
 */
import './packages.js';
import { isReplicaThread, serveReplica } from '@bijective/train/node';
import { run } from './run.js';

if (isReplicaThread()) await serveReplica();
else process.exitCode = await run(process.argv.slice(2));
