import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildModule } from "@gradkit/nn";
import { DataLoader } from "@gradkit/data";
import { Adam, SGD } from "@gradkit/optim";
import { LRScheduler } from "@gradkit/schedulers";
import { createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { Trainer, TrainError, type TrainerOptions } from "../src/index.js";
import { cpu, lib, makeRun, weightsOf } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { makeData } from "./fixtures/setup.mjs";

beforeAll(cpu);

/** A saved checkpoint of the reference run (steps 4), to resume with altered options. */
function saved(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-resume-check-"));
  const run = makeRun();
  const t = new Trainer({ ...run, steps: 4, log: () => {} });
  t.fit();
  t.save(dir);
  return dir;
}

function attempt(dir: string, change: (run: ReturnType<typeof makeRun>) => Partial<TrainerOptions>) {
  const run = makeRun();
  const t = new Trainer({ ...run, steps: 10, log: () => {}, ...change(run) });
  const before = weightsOf(t.model);
  let error: unknown;
  try {
    t.resume(dir);
  } catch (e) {
    error = e;
  }
  return { error: error as TrainError, unchanged: JSON.stringify(weightsOf(t.model)) === JSON.stringify(before) && t.step === 0 };
}

describe("trainer.resume checks the checkpoint first", () => {
  const dir = saved();

  it("a matching trainer resumes (control)", () => {
    const r = attempt(dir, () => ({}));
    expect(r.error).toBeUndefined();
    expect(r.unchanged).toBe(false); // it loaded the step-4 weights
  });

  const cases: [string, (run: ReturnType<typeof makeRun>) => Partial<TrainerOptions>, RegExp, unknown, unknown][] = [
    [
      "a different hidden width",
      () => {
        const model = buildModule({ name: "sequential", layers: [{ name: "flatten" }, { name: "linear", inFeatures: 16, outFeatures: 8 }, { name: "relu" }, { name: "linear", inFeatures: 8, outFeatures: 3 }] }, { rng: createRng(7) });
        return { model, optimizer: new Adam(model.parameterTree(), { lr: 0.01 }) };
      },
      /shape of '1\.weight': expected \[16, 8\] \(this trainer\), received \[16, 16\] \(the checkpoint\)/,
      [16, 8],
      [16, 16],
    ],
    [
      "another parameter name",
      () => {
        const model = buildModule({ name: "sequential", layers: [{ name: "linear", inFeatures: 16, outFeatures: 16 }, { name: "flatten" }, { name: "relu" }, { name: "linear", inFeatures: 16, outFeatures: 3 }] }, { rng: createRng(7) });
        return { model, optimizer: new Adam(model.parameterTree(), { lr: 0.01 }) };
      },
      /parameter\(s\) '0\.weight', '0\.bias' missing from the checkpoint/,
      ["0.weight", "0.bias", "3.weight", "3.bias"],
      ["1.bias", "1.weight", "3.bias", "3.weight"],
    ],
    ["another optimizer type", (run) => ({ optimizer: new SGD(run.model.parameterTree(), { lr: 0.01 }) }), /optimizer type: expected "sgd" \(this trainer\), received "adam"/, "sgd", "adam"],
    ["another batch size", () => ({ train: new DataLoader(makeData(lib, 120, 1), { batchSize: 10, seed: 3, prefetch: 0 }) }), /batch size: expected 10 \(this trainer\), received 12/, 10, 12],
    ["another loader seed", () => ({ train: new DataLoader(makeData(lib, 120, 1), { batchSize: 12, seed: 4, prefetch: 0 }) }), /train loader seed: expected "4" \(this trainer\), received "3"/, "4", "3"],
    ["a training set of another length", () => ({ train: new DataLoader(makeData(lib, 96, 1), { batchSize: 12, seed: 3, prefetch: 0 }) }), /training set length: expected 96 \(this trainer\), received 120/, 96, 120],
    ["a scheduler the checkpoint lacks", (run) => ({ scheduler: new LRScheduler(run.optimizer, { name: "cosine", T: 10 }) }), /scheduler: expected "a scheduler" \(this trainer\), received "none"/, "a scheduler", "none"],
    ["fewer steps than the checkpoint has done", () => ({ steps: 3 }), /steps: the checkpoint is at step 4, past this trainer's steps = 3/, ">= 4", 3],
  ];

  for (const [name, change, message, expected, received] of cases) {
    it(`${name} fails naming the mismatch, before loading anything`, () => {
      const r = attempt(dir, change);
      expect(r.error).toBeInstanceOf(TrainError);
      expect(r.error.code).toBe("TRAIN_CHECKPOINT_MISMATCH");
      expect(r.error.message).toMatch(message);
      const details = r.error.details as { expected: unknown; received: unknown };
      if (Array.isArray(expected)) {
        expect([...(details.expected as string[])].sort()).toEqual([...expected].sort());
        expect([...(details.received as string[])].sort()).toEqual([...(received as string[])].sort());
      } else {
        expect(details.expected).toEqual(expected);
        expect(details.received).toEqual(received);
      }
      expect(r.unchanged).toBe(true);
    });
  }
});
