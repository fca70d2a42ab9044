/**
 * `@gradkit/search/worker`: the BullMQ side only (a worker's main thread and
 * the coordinator's executor), without loading tfjs or the trainer; trials
 * themselves run in the sandboxed processor thread.
 */
export { startWorker, distributedExecutor, trialJobId, defaultProcessorFile, DEFAULT_QUEUE, type StartWorkerOptions, type DistributedOptions, type TrialJobData, type TrialWorkerData } from "./distributed.js";
export { parseRedisUrl, type RedisConnection } from "./redis.js";
