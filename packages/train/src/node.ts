/**
 * Node-only entry of `@bijective/train`: data-parallel training over worker threads
 * ({@link fitParallel}) and the replica threads' side ({@link serveReplica}).
 * @module @bijective/train/node
 */
import '@bijective/engine/gradients';

export { fitParallel, type FitParallelOptions } from './fit-parallel.js';
export { isReplicaThread, serveReplica } from './replica-thread.js';
export {
  MAX_THREADS,
  ReplicaError,
  ReplicaThreads,
  startReplicaThreads,
  type ReplicaThreadsOptions,
} from './replica-threads.js';
