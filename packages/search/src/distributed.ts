import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents, Worker } from "bullmq";
import type { TrainConfig } from "@gradkit/train";
import { parseRedisUrl, type RedisConnection } from "./redis.js";
import type { TrialExecutor } from "./study.js";
import type { Objective, TrialRequest } from "./strategy.js";
import type { TrialResult } from "./trial.js";
import { workerName } from "./worker-name.js";
import { SearchError } from "./errors.js";

export const DEFAULT_QUEUE = "gradkit-search";

/** A trial job's data. `studyDir` is the coordinator's path; a worker that mounts the shared directory elsewhere sets its own `studyDir`. */
export interface TrialJobData {
  studyDir: string;
  studyId: string;
  request: TrialRequest;
  base: TrainConfig;
  objective: Objective;
}

/** What the trial worker threads are told (BullMQ's workerThreadsOptions.workerData). */
export interface TrialWorkerData {
  /** Modules imported before the first trial: plugins that register architectures, datasets…; a module exporting `setup()` has it awaited, one exporting `callbacks(job)` adds Trainer callbacks to each trial. */
  imports: string[];
  /** A tfjs backend to activate (through @gradkit/backend's selectBackend when installed, else tf.setBackend). */
  backend?: string;
  /** Overrides the job's studyDir (where this machine mounts the shared study directory). */
  studyDir?: string;
}

/** The id of a trial's job: `<study id>.<trial id>`, so a trial is enqueued once however often the coordinator adds it (BullMQ ignores an add whose jobId exists). */
export function trialJobId(studyId: string, trialId: string): string {
  return `${studyId}.${trialId}`;
}

export interface DistributedOptions {
  /** redis://host:port or connection options. */
  redis: string | RedisConnection;
  queue?: string;
}

function connectionOf(redis: string | RedisConnection): RedisConnection {
  checkRedisClient();
  return typeof redis === "string" ? parseRedisUrl(redis) : redis;
}

/** BullMQ 6 talks to Redis through ioredis, an optional peer of it that must be installed beside it. */
function checkRedisClient(): void {
  let bullmq: string;
  try {
    bullmq = createRequire(import.meta.url).resolve("bullmq");
  } catch {
    return; // BullMQ's own import fails with its own message
  }
  try {
    createRequire(bullmq).resolve("ioredis");
  } catch {
    throw new SearchError("SEARCH_NO_REDIS_CLIENT", "search: BullMQ needs the Redis client package 'ioredis' (>= 5), which is not installed; received none. Install it: npm i ioredis", {
      expected: "ioredis >= 5",
    });
  }
}

/**
 * Runs each round's trials on BullMQ workers (startWorker / `gradkit
 * search-worker`): every trial becomes one job (jobId = trialJobId), and
 * each result is recorded when its job completes — from the job's return
 * value, so the coordinator needs no access to the workers' disks beyond
 * what the study directory shares. A job that fails is recorded as a failed
 * trial with BullMQ's reason.
 */
export function distributedExecutor(options: DistributedOptions): TrialExecutor {
  const connection = connectionOf(options.redis);
  const name = options.queue ?? DEFAULT_QUEUE;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  return {
    async runRound(requests, { study, base, objective, record }) {
      queue ??= new Queue(name, { connection });
      if (events === undefined) {
        events = new QueueEvents(name, { connection });
        await events.waitUntilReady();
      }
      const studyDir = path.resolve(study.dir);
      const jobs = await queue.addBulk(
        requests.map((request) => ({
          name: request.id,
          data: { studyDir, studyId: study.id, request, base, objective } satisfies TrialJobData,
          opts: { jobId: trialJobId(study.id, request.id), removeOnComplete: false, removeOnFail: false },
        })),
      );
      await Promise.all(
        jobs.map(async (job, i) => {
          let result: TrialResult;
          try {
            result = (await job.waitUntilFinished(events!)) as TrialResult;
          } catch (error) {
            result = { status: "failed", reason: (error as Error).message, steps: 0, epochs: 0, final: {}, resumedFrom: [], seconds: 0, worker: "unknown" };
          }
          record(requests[i], result);
        }),
      );
    },
    async close() {
      await events?.close();
      await queue?.close();
    },
  };
}

export interface StartWorkerOptions extends DistributedOptions, Partial<TrialWorkerData> {
  /** Trials at a time in this worker (one per GPU). Default 1. */
  concurrency?: number;
  /** BullMQ: how long a job's lock lasts without renewal (ms). A killed worker's trial is re-queued after about this long. Default 30000. */
  lockDuration?: number;
  /** BullMQ: how often this worker looks for stalled jobs (ms). Default 30000. */
  stalledInterval?: number;
  /** BullMQ: how often a job may stall (its worker dies) before it fails. Default 10. */
  maxStalledCount?: number;
  /** The sandboxed processor file (default: this package's built processor). */
  processorFile?: string;
  log?: (message: string) => void;
}

/** This package's built processor (dist/processor.js or .cjs beside the running file). */
export function defaultProcessorFile(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), here.endsWith(".cjs") ? "processor.cjs" : "processor.js");
}

/**
 * A worker that runs trial jobs. Each trial trains in a BullMQ sandbox
 * (a worker thread), so the training loop, which is synchronous, never
 * blocks the thread that renews the job's lock; if this process dies, the
 * lock expires, another worker's stalled-job check puts the job back in the
 * queue, and the next worker resumes the trial from its last checkpoint in
 * the shared study directory.
 */
export async function startWorker(options: StartWorkerOptions): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = connectionOf(options.redis);
  const workerData: TrialWorkerData = {
    imports: options.imports ?? [],
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.studyDir === undefined ? {} : { studyDir: path.resolve(options.studyDir) }),
  };
  const log = options.log ?? ((m: string) => console.warn(m));
  const worker = new Worker(options.queue ?? DEFAULT_QUEUE, options.processorFile ?? defaultProcessorFile(), {
    connection,
    concurrency: options.concurrency ?? 1,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData },
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 10,
  });
  const me = workerName();
  worker.on("active", (job) => log(`search-worker ${me}: trial ${job.name} started`));
  worker.on("completed", (job) => log(`search-worker ${me}: trial ${job.name} ${(job.returnvalue as TrialResult | undefined)?.status ?? "finished"}`));
  worker.on("failed", (job, error) => log(`search-worker ${me}: trial ${job?.name ?? "?"} failed: ${error.message}`));
  worker.on("error", (error) => log(`search-worker ${me}: ${error.message}`));
  await worker.waitUntilReady();
  return { worker, close: () => worker.close() };
}
