import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import type { Callback } from "@gradkit/train";
import { choice, localExecutor, logUniform, randomSearch, gridSearch, runStudy, runTrial, Study, type StudyFile, type TrialExecutor } from "../src/index.js";
import { finalWeights, readLines, tinyConfig, tmpDir } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { setup } from "./fixtures/setup.mjs";

const quiet = { log: () => {} };

beforeAll(async () => {
  await setup();
});

describe("runStudy", () => {
  it("runs every trial as a run directory and keeps a table; no tensor outlives a trial", async () => {
    const studyDir = tmpDir("study");
    const strategy = randomSearch({ "optimizer.lr": logUniform(0.01, 0.5), "model.hidden": choice([8, 16]) }, { trials: 3, seed: 5 });
    const live = countLive();
    const study = await runStudy({ studyDir, base: tinyConfig(), strategy, executor: localExecutor(quiet) });
    expect(countLive()).toBe(live);

    const file = JSON.parse(fs.readFileSync(path.join(studyDir, "study.json"), "utf8")) as StudyFile;
    expect(file.objective).toEqual({ metric: "val_loss", mode: "min" }); // the default with validation data
    expect(file.trials.map((t) => [t.id, t.status])).toEqual([["t000", "done"], ["t001", "done"], ["t002", "done"]]);
    expect(readLines(path.join(studyDir, "trials.jsonl")).map((r) => r.id)).toEqual(["t000", "t001", "t002"]);

    for (const t of file.trials) {
      const dir = path.join(studyDir, t.runDir);
      const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
      expect(config.optimizer.lr).toBe(t.params["optimizer.lr"]); // the sampled hyperparameters, in the training config
      expect(config.model.hidden).toBe(t.params["model.hidden"]);
      const rows = readLines(path.join(dir, "metrics.jsonl"));
      expect(rows.filter((r) => r.kind === "batch").map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // 2 epochs × 128/32
      const epochs = rows.filter((r) => r.kind === "epoch");
      expect(epochs).toHaveLength(2);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).findings).toBeInstanceOf(Array);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "status.json"), "utf8")).state).toBe("done");
      expect(fs.existsSync(path.join(dir, "checkpoint.json"))).toBe(true);
      // the result is the run's own numbers
      expect(t.result!.steps).toBe(8);
      expect(t.result!.best_val_loss).toBe(Math.min(...epochs.map((e) => e.val_loss as number)));
      expect(t.result!.best_val_accuracy).toBe(Math.max(...epochs.map((e) => e.val_accuracy as number)));
      expect(t.result!.objective).toBe(t.result!.best_val_loss);
    }
    const best = study.best()!;
    expect(file.best!.id).toBe(best.id);
    expect(best.result!.objective).toBe(Math.min(...file.trials.map((t) => t.result!.objective!)));

    // running it again changes nothing: every trial is finished
    const again = await runStudy({ studyDir, base: tinyConfig(), strategy, executor: localExecutor(quiet) });
    expect(again.trials.map((t) => t.recorded)).toEqual(file.trials.map((t) => t.recorded));
    expect(readLines(path.join(studyDir, "trials.jsonl"))).toHaveLength(3);
    // another search in the same directory is refused
    await expect(runStudy({ studyDir, base: tinyConfig(), strategy: randomSearch({ "optimizer.lr": logUniform(0.01, 0.5) }, { trials: 3 }) })).rejects.toThrow(/belongs to another search: its strategy|its space/);
  });

  it("a warm-started trial (successive halving's promotion) continues its source's checkpoint, momentum included", async () => {
    // SGD with momentum has state tensors, which checkpoint format 2 keeps in a file beside the weights: the
    // promotion must copy it too. Resuming is exact, so the promoted trial ends with the bytes of one trial
    // that ran the whole budget.
    const base = { ...tinyConfig(), optimizer: { name: "sgd", lr: 0.05, momentum: 0.9 } };
    const dir = tmpDir("warm");
    const r1 = await runTrial(path.join(dir, "r1"), base, { id: "r1", params: {}, budget: { epochs: 1 } }, quiet);
    const r2 = await runTrial(path.join(dir, "r2"), base, { id: "r2", params: {}, budget: { epochs: 2 }, warmStart: "r1" }, quiet);
    const whole = await runTrial(path.join(dir, "whole"), base, { id: "whole", params: {}, budget: { epochs: 2 } }, quiet);
    expect([r1.status, r2.status, whole.status]).toEqual(["done", "done", "done"]);
    expect([r1.steps, r2.steps]).toEqual([4, 8]);
    expect(fs.readdirSync(path.join(dir, "r2")).filter((f) => f.endsWith(".safetensors")).sort()).toEqual(["state-8.safetensors", "weights-8.safetensors"]);
    expect(Buffer.compare(finalWeights(path.join(dir, "r2")), finalWeights(path.join(dir, "whole")))).toBe(0);
  });

  it("aborts a trial whose loss passes 3× its initial value or goes non-finite, with the guard's reason", async () => {
    const studyDir = tmpDir("abort");
    // SGD with lr = 1e4 on cross-entropy: the second step's loss is far above 3 × ln 10 (or NaN).
    const strategy = gridSearch({ "optimizer.lr": choice([0.1, 1e4]) });
    const study = await runStudy({ studyDir, base: tinyConfig(), strategy, executor: localExecutor(quiet) });
    const [good, bad] = study.trials;
    expect(good.status).toBe("done");
    expect(bad.status).toBe("aborted");
    expect(bad.result!.reason).toMatch(/^run guard: at step \d+ the (loss is NaN|loss is Infinity|loss [\d.e+]+ is above 3 × the initial loss)/);
    expect(bad.result!.steps).toBeLessThan(8);
    expect(JSON.parse(fs.readFileSync(path.join(studyDir, bad.runDir, "status.json"), "utf8")).state).toBe("stopped");
    expect(study.best()!.id).toBe(good.id);
  });

  it("resumes: finished trials are not re-run, an interrupted one continues from its checkpoint to the same weights", async () => {
    const studyDir = tmpDir("resume");
    const strategy = randomSearch({ "optimizer.lr": logUniform(0.01, 0.5) }, { trials: 2, seed: 9 });
    const [first, second] = strategy.next(new Map(), { metric: "val_loss", mode: "min" });
    // The first run finishes t000, then "dies" in t001 at step 3 (its checkpoint at step 2 is on disk) before recording it.
    const crash: Callback = {
      name: "crash",
      onBatchEnd(trainer) {
        if (trainer.step === 3) throw new Error("simulated crash");
      },
    };
    const crashing: TrialExecutor = {
      async runRound(requests, { study, base, objective, record }) {
        record(requests[0], await runTrial(study.runDir(requests[0].id), base, requests[0], { ...quiet, objective, study: study.id }));
        await runTrial(study.runDir(requests[1].id), base, requests[1], { ...quiet, objective, callbacks: [crash] });
        throw new Error("the coordinator died");
      },
    };
    await expect(runStudy({ studyDir, base: tinyConfig(), strategy, executor: crashing })).rejects.toThrow(/coordinator died/);
    const half = Study.open(studyDir, JSON.parse(fs.readFileSync(path.join(studyDir, "study.json"), "utf8")) as StudyFile);
    expect(half.trial(first.id)!.status).toBe("done");
    expect(half.trial(second.id)!.status).toBe("running");
    expect(JSON.parse(fs.readFileSync(path.join(studyDir, "trials", second.id, "checkpoint.json"), "utf8")).trainer.step).toBe(2);

    const study = await runStudy({ studyDir, base: tinyConfig(), strategy, executor: localExecutor(quiet) });
    expect(study.trials.map((t) => t.status)).toEqual(["done", "done"]);
    expect(readLines(path.join(studyDir, "trials.jsonl")).map((r) => r.id)).toEqual([first.id, second.id]); // one record each
    const trialJson = (id: string) => JSON.parse(fs.readFileSync(path.join(studyDir, "trials", id, "trial.json"), "utf8"));
    expect(trialJson(first.id).attempts).toHaveLength(1); // not re-run
    expect(trialJson(second.id).attempts.map((a: { fromStep: number }) => a.fromStep)).toEqual([0, 2]);
    expect(study.trial(second.id)!.result!.resumedFrom).toEqual([2]);
    // metrics.jsonl holds each step once
    expect(readLines(path.join(studyDir, "trials", second.id, "metrics.jsonl")).filter((r) => r.kind === "batch").map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // the resumed trial ends with the same weights, bit for bit, as the same trial run without interruption
    const reference = tmpDir("reference");
    await runTrial(reference, tinyConfig(), second, quiet);
    expect(finalWeights(path.join(studyDir, "trials", second.id)).equals(finalWeights(reference))).toBe(true);
  });
});
