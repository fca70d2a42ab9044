import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { distributedExecutor, logUniform, parseRedisUrl, randomSearch, runStudy, runTrial, trialJobId, type StudyFile } from "../src/index.js";
import { finalWeights, readLines, blobsConfig, tmpDir } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { setup } from "./fixtures/setup.mjs";

const REDIS = "/usr/bin/redis-server";
/** BullMQ 6 needs ioredis, an optional peer dependency of it, installed beside it. */
function haveIoredis(): boolean {
  try {
    createRequire(createRequire(import.meta.url).resolve("bullmq")).resolve("ioredis");
    return true;
  } catch {
    return false;
  }
}
const missing = !fs.existsSync(REDIS) ? `${REDIS} does not exist (apt-get install redis-server)` : !haveIoredis() ? "ioredis, BullMQ's Redis client, is not installed (npm i ioredis)" : undefined;
if (missing !== undefined) {
  if (process.env.GRADKIT_REQUIRE_REDIS !== undefined) throw new Error(`GRADKIT_REQUIRE_REDIS is set but ${missing}.`);
  console.warn(`skipping the BullMQ test: ${missing}.`);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const WORKER = path.join(here, "fixtures", "worker.mjs");
const DIST = path.join(here, "..", "dist", "processor.js");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Resolves when the child prints a line matching `re`; rejects if it exits first. */
function waitForLine(child: ChildProcess, re: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before printing ${re}: ${out}`)));
  });
}

async function waitForFile(dir: string): Promise<string> {
  for (;;) {
    const files = fs.readdirSync(dir);
    if (files.length > 0) return files[0];
    await new Promise((r) => setTimeout(r, 100));
  }
}

const children: ChildProcess[] = [];
let redisUrl = "";
let redisPort = 0;

describe.skipIf(missing !== undefined)("trials across worker processes on BullMQ + Redis", () => {
  beforeAll(async () => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: the workers run the built package; run \`npm run build -w @gradkit/search\` (turbo does before the tests).`);
    await setup();
    const port = await freePort();
    const redis = spawn(REDIS, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmpDir("redis")], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(redis);
    await waitForLine(redis, /Ready to accept connections/, "redis-server");
    redisUrl = `redis://127.0.0.1:${port}`;
    redisPort = port;
  });

  afterAll(async () => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((r) => c.once("exit", r));
      // Workers are killed outright (closing would wait for their trials); redis-server shuts down on SIGTERM.
      c.kill(c.spawnargs[0] === REDIS ? "SIGTERM" : "SIGKILL");
      await exited;
    }
  });

  const startWorker = (env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [WORKER, redisUrl, "trials"], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
    children.push(child);
    child.stdout!.on("data", () => {}); // keep its pipe drained
    return { child, ready: waitForLine(child, /ready \d+/, "worker") };
  };

  it("a worker killed mid-trial loses nothing: the trial resumes from its checkpoint elsewhere, every result is recorded once", async () => {
    const studyDir = tmpDir("distributed");
    const holdDir = tmpDir("hold");
    // The first worker stops its first trial at step 3, just after the checkpoint at step 2, until it is killed.
    const victim = startWorker({ GRADKIT_TEST_HOLD_DIR: holdDir });
    await victim.ready;
    const strategy = randomSearch({ "optimizer.lr": logUniform(0.02, 0.3) }, { trials: 6, seed: 11 });
    const executor = distributedExecutor({ redis: redisUrl, queue: "trials" });
    const done = runStudy({ studyDir, base: blobsConfig(), strategy, executor });
    const held = await waitForFile(holdDir);
    const others = [startWorker(), startWorker()];
    await Promise.all(others.map((w) => w.ready));
    const killed = new Promise((r) => victim.child.once("exit", r));
    victim.child.kill("SIGKILL");
    await killed;
    // The dead worker's lock on its job would expire after lockDuration (30 s); delete it now instead of waiting.
    // What follows is BullMQ's own: a live worker's stalled-job check finds the job without a lock and re-queues it.
    const queue = new Queue("trials", { connection: parseRedisUrl(redisUrl) });
    const lockKey = `${queue.toKey(trialJobId(JSON.parse(fs.readFileSync(path.join(studyDir, "study.json"), "utf8")).id, held))}:lock`;
    expect(execFileSync("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", String(redisPort), "DEL", lockKey], { encoding: "utf8" }).trim()).toBe("1");

    const study = await done;
    const file = JSON.parse(fs.readFileSync(path.join(studyDir, "study.json"), "utf8")) as StudyFile;
    expect(file.trials.map((t) => t.status)).toEqual(Array(6).fill("done"));
    const records = readLines(path.join(studyDir, "trials.jsonl")).map((r) => r.id);
    expect(records.sort()).toEqual(file.trials.map((t) => t.id).sort()); // exactly one record per trial

    // The killed trial: its first attempt ran in the victim, the second resumed from the step-2 checkpoint in another worker.
    const trial = study.trial(held)!;
    expect(trial.result!.resumedFrom).toEqual([2]);
    const attempts = JSON.parse(fs.readFileSync(path.join(studyDir, "trials", held, "trial.json"), "utf8")).attempts as Array<{ worker: string; fromStep: number }>;
    expect(attempts.map((a) => a.fromStep)).toEqual([0, 2]);
    expect(attempts[0].worker.endsWith(`:${victim.child.pid}`)).toBe(true);
    expect(attempts[1].worker.endsWith(`:${victim.child.pid}`)).toBe(false);
    // BullMQ saw it stall once and ran it again; it completed once.
    const job = (await queue.getJob(trialJobId(study.id, held)))!;
    expect(await job.getState()).toBe("completed");
    expect(job.stalledCounter).toBe(1);
    await queue.close();

    // Its final weights equal the same trial run here without interruption, bit for bit.
    const reference = tmpDir("reference");
    const request = strategy.next(new Map(), file.objective).find((r) => r.id === held)!;
    await runTrial(reference, blobsConfig(), request, { log: () => {}, report: false });
    expect(finalWeights(path.join(studyDir, "trials", held)).equals(finalWeights(reference))).toBe(true);

   
    // The coordinator run again records nothing new.
    await runStudy({ studyDir, base: blobsConfig(), strategy, executor: distributedExecutor({ redis: redisUrl, queue: "trials" }) });
    expect(readLines(path.join(studyDir, "trials.jsonl"))).toHaveLength(6);
  }, 300_000);
});
