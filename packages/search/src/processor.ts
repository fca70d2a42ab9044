/**
 * The BullMQ sandboxed processor of trial jobs (see startWorker): runs in a
 * worker thread, imports the worker's plugin modules once, then runs each
 * job's trial with runTrial and returns its result as the job's value.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { workerData as threadData } from "node:worker_threads";
import type { SandboxedJob } from "bullmq";
import * as tf from "@tensorflow/tfjs-core";
import type { Callback } from "@gradkit/train";
import type { TrialJobData, TrialWorkerData } from "./distributed.js";
import { runTrial, type TrialResult } from "./trial.js";

type Hook = (job: { id?: string; data: TrialJobData }) => Callback[];

const settings: TrialWorkerData = (threadData as TrialWorkerData | null) ?? (JSON.parse(process.env.GRADKIT_SEARCH_WORKER ?? '{"imports":[]}') as TrialWorkerData);
const hooks: Hook[] = [];
let ready: Promise<void> | undefined;

function specifierOf(s: string): string {
  return s.startsWith(".") || path.isAbsolute(s) ? pathToFileURL(path.resolve(s)).href : s;
}

async function setup(): Promise<void> {
  for (const s of settings.imports) {
    const m = (await import(specifierOf(s))) as { setup?: () => unknown; callbacks?: Hook };
    if (typeof m.setup === "function") await m.setup();
    if (typeof m.callbacks === "function") hooks.push(m.callbacks);
  }
  if (settings.backend !== undefined) {
    const specifier = "@gradkit/backend";
    let backend: { selectBackend?: (o: { name: string }) => Promise<unknown> } | undefined;
    try {
      backend = (await import(specifier)) as typeof backend;
    } catch {
      backend = undefined;
    }
    if (typeof backend?.selectBackend === "function") await backend.selectBackend({ name: settings.backend });
    else if (!(await tf.setBackend(settings.backend))) throw new Error(`search-worker: the tfjs backend '${settings.backend}' could not be activated.`);
  }
}

export default async function processTrial(job: SandboxedJob<TrialJobData, TrialResult>): Promise<TrialResult> {
  await (ready ??= setup());
  const { studyDir, studyId, request, base, objective } = job.data;
  const dir = path.join(settings.studyDir ?? studyDir, "trials", request.id);
  const callbacks = hooks.flatMap((h) => h({ id: job.id, data: job.data }));
  return runTrial(dir, base, request, { objective, study: studyId, callbacks, log: (m) => console.warn(m) });
}
