import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { Flatten, Linear, ReLU, Sequential } from "@gradkit/nn";
import { Adam } from "@gradkit/optim";
import { Dropout } from "@gradkit/regularize";
import { LRScheduler } from "@gradkit/schedulers";
import { createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, parseSafetensorsHeader } from "@gradkit/tensor";
import { CHECKPOINT_FORMAT, CHECKPOINT_JSON, ema, loadCheckpointWeights, readCheckpoint, Trainer } from "../src/index.js";
import { cpu, makeRun, weightsOf } from "./helpers.js";

beforeAll(cpu);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-"));

function trainer(dir: string | undefined, steps: number) {
  const run = makeRun({ n: 60 }); // 5 batches per epoch, so the runs below stop and resume mid-epoch
  const scheduler = new LRScheduler(run.optimizer, { name: "cosine", T: 20 });
  const e = ema({ decay: 0.9 });
  const t = new Trainer({ ...run, steps, scheduler, rng: createRng(5), callbacks: [e], checkpointDir: dir, log: () => {} });
  return { t, run, e };
}

/** A 13-step run, and a run stopped and saved into `dir` at step 7 (mid-epoch) to be resumed. */
function stoppedAtSeven() {
  const whole = trainer(undefined, 13);
  whole.t.fit();
  const dir = tmp();
  const first = trainer(dir, 7);
  first.t.fit();
  first.t.save(dir);
  return { whole, dir };
}

describe("checkpoints and resume", () => {
  it("N steps + save + resume in a fresh trainer + M steps is bit-identical to N + M steps", () => {
    const { whole, dir } = stoppedAtSeven();
    const fresh = trainer(dir, 13);
    const second = fresh.t.resume(dir);
    expect([second.step, second.epoch, second.batch]).toEqual([7, 1, 2]);
    second.fit();
    // float32 weights and the optimizer's and EMA's state tensors go through safetensors: exact, so equality is exact.
    expect(weightsOf(second.model)).toEqual(weightsOf(whole.run.model));
    expect(second.optimizer.stateDict()).toEqual(whole.run.optimizer.stateDict());
    const shadow = (e: ReturnType<typeof ema>) => Object.fromEntries(Object.entries(e.ema!.averaged()).map(([k, v]) => [k, v.dataSync()]));
    expect(shadow(fresh.e)).toEqual(shadow(whole.e)); // the EMA callback's state went through the checkpoint too
  });

  it("writes weights and state atomically and keeps only the current weights and state files", () => {
    const dir = tmp();
    const { t } = trainer(dir, 6);
    t.fit(); // checkpoints at the epoch end (step 5)
    t.save(dir);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual([CHECKPOINT_JSON, "state-6.safetensors", "weights-6.safetensors"]);
    // The state tensors are in the safetensors file, not the JSON: Adam's exp_avg and exp_avg_sq and the EMA's
    // shadow, one each per parameter element: 3 × (16·16 + 16 + 16·3 + 3) = 3 × 323 float32 values.
    const json = fs.readFileSync(path.join(dir, CHECKPOINT_JSON), "utf8");
    expect(JSON.parse(json).format).toBe(CHECKPOINT_FORMAT);
    expect(json).not.toContain('"values"');
    const header = parseSafetensorsHeader(new Uint8Array(fs.readFileSync(path.join(dir, "state-6.safetensors"))));
    expect(header.entries.map((e) => e.name).sort()).toEqual([
      "callbacks/ema/shadow/1.bias",
      "callbacks/ema/shadow/1.weight",
      "callbacks/ema/shadow/3.bias",
      "callbacks/ema/shadow/3.weight",
      ...["1.bias", "1.weight", "3.bias", "3.weight"].flatMap((p) => [`optimizer/state/${p}/expAvg`, `optimizer/state/${p}/expAvgSq`]),
    ]);
    expect(header.entries.every((e) => e.dtype === "F32")).toBe(true);
    expect(header.entries.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0)).toBe(3 * 323);
    const { state, weights } = readCheckpoint(dir);
    expect(state.optimizer).toEqual(t.optimizer.stateDict()); // readCheckpoint puts the tensors back in place
    expect(state.trainer).toMatchObject({ step: 6, epoch: 1, batch: 1 });
    expect(state.data).toEqual({ seed: "3", epoch: 1, batch: 1 });
    expect(state.scheduler).not.toBeNull();
    expect(state.rng?.algorithm).toBeDefined();
    expect(Object.keys(state.callbacks)).toEqual(["ema"]);
    expect(Object.keys(weights).sort()).toEqual(["1.bias", "1.weight", "3.bias", "3.weight"]);
    expect(() => trainer(undefined, 1).t.resume(tmp())).toThrow(/no checkpoint in/);
  });

  it("resumes a format-1 checkpoint (state tensors inline in the JSON) bit-identically, and names a missing state file", () => {
    const { whole, dir } = stoppedAtSeven();
    // Rewrite the checkpoint as format 1 wrote it: the state tensors as JSON arrays, no state file.
    const { state, weights } = readCheckpoint(dir);
    Object.values(weights).forEach((w) => w.dispose());
    const { tensors, ...v1 } = state;
    fs.rmSync(path.join(dir, tensors!));
    fs.writeFileSync(path.join(dir, CHECKPOINT_JSON), JSON.stringify({ ...v1, format: "gradkit-train-checkpoint/1" }));
    const fresh = trainer(dir, 13);
    fresh.t.resume(dir).fit();
    expect(weightsOf(fresh.t.model)).toEqual(weightsOf(whole.run.model));
    expect(fresh.t.optimizer.stateDict()).toEqual(whole.run.optimizer.stateDict());

    const broken = tmp();
    const b = trainer(broken, 3).t;
    b.fit();
    b.save(broken);
    fs.rmSync(path.join(broken, "state-3.safetensors"));
    expect(() => trainer(broken, 13).t.resume(broken)).toThrow(/state tensors file '.*state-3\.safetensors' is missing/);
    fs.writeFileSync(path.join(broken, CHECKPOINT_JSON), JSON.stringify({ ...v1, format: "gradkit-train-checkpoint/9" }));
    expect(() => trainer(broken, 13).t.resume(broken)).toThrow(/format: expected \[.*checkpoint\/1.*checkpoint\/2.*received "gradkit-train-checkpoint\/9"/);
  });

  it("resumes a model with Dropout bit-identically: the dropout stream the layer holds goes back with the trainer's rng", () => {
    // The Dropout layer keeps the stream it got at construction; trainer.resume restores the run's generator
    // (rng.setState), which must move that same stream object back, or the resumed run draws other masks.
    const dropoutRun = (dir: string | undefined, steps: number) => {
      const rng = createRng(11);
      const model = new Sequential(new Flatten(), new Linear(16, 16, { rng }), new Dropout(0.5, { rng }), new ReLU(), new Linear(16, 3, { rng }));
      const { train } = makeRun({ n: 60 });
      const optimizer = new Adam(model.parameterTree(), { lr: 0.01 });
      return new Trainer({ model, optimizer, train, steps, rng, checkpointDir: dir, log: () => {} });
    };
    const whole = dropoutRun(undefined, 13);
    whole.fit();
    const dir = tmp();
    const first = dropoutRun(dir, 7);
    first.fit();
    first.save(dir);
    const resumed = dropoutRun(dir, 13).resume(dir);
    resumed.fit();
    expect(weightsOf(resumed.model)).toEqual(weightsOf(whole.model)); // failed before rng.setState kept held streams
  });

  it("loadCheckpointWeights puts the checkpoint's weights into a fresh model, returns its state and frees what it read", () => {
    const dir = tmp();
    const { t, run } = trainer(dir, 3);
    t.fit();
    t.save(dir);
    const fresh = makeRun({ n: 60 }).model; // untrained: differs from the trained run;
    expect(weightsOf(fresh)).not.toEqual(weightsOf(run.model));
    const before = countLive();
    const state = loadCheckpointWeights(dir, fresh);
    expect(countLive()).toBe(before);
    expect(weightsOf(fresh)).toEqual(weightsOf(run.model));
    expect(state.weights).toBe("weights-3.safetensors");
    expect(state.trainer.step).toBe(3);
    // Evaluating needs only the JSON and the weights: without the state file the weights still load.
    fs.rmSync(path.join(dir, "state-3.safetensors"));
    const other = makeRun({ n: 60 }).model;
    loadCheckpointWeights(dir, other);
    expect(weightsOf(other)).toEqual(weightsOf(run.model));
    expect(() => loadCheckpointWeights(dir, other, { state: true })).toThrow(/state tensors file '.*state-3\.safetensors' is missing/);
    expect(() => loadCheckpointWeights(tmp(), fresh)).toThrow(/no checkpoint in/);
  });
});

describe("SIGKILL mid-epoch, then resume in another process", () => {
  const dir = tmp();
  // Inside the package (git-ignored), so Node resolves the bundle's @gradkit imports from the workspace.
  const bundle = path.join(import.meta.dirname, "..", "node_modules", ".cache", "gradkit-train-test", "train.mjs");
  const child = path.join(import.meta.dirname, "fixtures", "train-child.mjs");

  beforeAll(async () => {
    // The child runs plain Node: bundle this package's source; the gradkit dependencies resolve to their built dist.
    await build({
      entryPoints: [path.join(import.meta.dirname, "..", "src", "index.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile: bundle,
      packages: "external",
      logLevel: "silent",
    });
  });

  const runChild = (ckpt: string, final: string) => spawnSync(process.execPath, [child, bundle, ckpt, "30", final], { encoding: "utf8", cwd: import.meta.dirname });

  it("gives final weights equal to an uninterrupted run's", async () => {
    const whole = runChild(path.join(dir, "whole"), path.join(dir, "whole.safetensors"));
    expect(whole.status, whole.stderr).toBe(0);

    // The child trains 30 steps of 10 batches each (120 samples, batch 12) and checkpoints every 2 steps; it blocks
    // once the step-14 checkpoint is written (epoch 1, batch 4: mid-epoch) and tells us on stdout.
    const ckpt = path.join(dir, "killed");
    const proc = spawn(process.execPath, [child, bundle, ckpt, "30", path.join(dir, "never.safetensors"), "14"], { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "pipe"] });
    // Listen for the exit before anything else, so an early exit can't be missed.
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
    const blocked = new Promise<string>((resolve, reject) => {
      let out = "";
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.trim());
      });
      void exited.then(({ code, signal }) => reject(new Error(`train-child exited (code ${code}, signal ${signal}) before blocking at step 14; stderr: ${stderr}`)));
    });
    expect(await blocked).toBe("blocked at step 14");
    proc.kill("SIGKILL");
    expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(fs.existsSync(path.join(dir, "never.safetensors"))).toBe(false);
    // Exactly the step-14 checkpoint is on disk.
    expect(fs.readdirSync(ckpt).sort()).toEqual([CHECKPOINT_JSON, "state-14.safetensors", "weights-14.safetensors"]);
    expect(JSON.parse(fs.readFileSync(path.join(ckpt, CHECKPOINT_JSON), "utf8")).trainer).toMatchObject({ step: 14, epoch: 1, batch: 4 });

    const resumed = runChild(ckpt, path.join(dir, "resumed.safetensors"));
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(dir, "resumed.safetensors")), fs.readFileSync(path.join(dir, "whole.safetensors")))).toBe(0);
  }, 60_000);
});
