import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { countLive } from "@gradkit/tensor";
import type { Optimizer } from "../src/index.js";
import { problemGrads, problemParams } from "./problem.js";

export interface Setting {
  optimizer: string;
  options: Record<string, unknown>;
  x: number[][];
  y: number[][];
}

/** PyTorch 1.13's trajectories from scripts/make-fixtures.py. */
export const fixture = JSON.parse(readFileSync(new URL("./fixtures/trajectories.json", import.meta.url), "utf8")) as {
  torch: string;
  steps: number;
  settings: Record<string, Setting>;
};

/**
 * Runs `make(params)` for the fixture's steps on the fixture problem and
 * checks every step against `setting` within rtol·|torch| + atol; also checks
 * that the live tensor count stays flat from the third step on.
 */
export function matchTrajectory(
  name: string,
  setting: Setting,
  make: (params: { x: tf.Variable; y: tf.Variable }) => Optimizer,
  rtol: number,
  atol: number,
): void {
  const params = problemParams();
  const opt = make(params);
  let live = 0;
  try {
    for (let t = 0; t < fixture.steps; t++) {
      const g = problemGrads(params.x, params.y);
      opt.step(g);
      tf.dispose([g.x, g.y]);
      if (t === 1) live = countLive();
      if (t > 1 && countLive() !== live) throw new Error(`${name}: ${countLive() - live} tensors leaked by step ${t + 1}`);
      check(params.x.dataSync(), setting.x[t], `${name} step ${t + 1} x`, rtol, atol);
      check(params.y.dataSync(), setting.y[t], `${name} step ${t + 1} y`, rtol, atol);
    }
  } finally {
    opt.dispose();
    tf.dispose([params.x, params.y]);
  }
}

function check(ours: ArrayLike<number>, torch: number[], what: string, rtol: number, atol: number): void {
  torch.forEach((t, i) => {
    const err = Math.abs(ours[i] - t);
    if (!(err <= rtol * Math.abs(t) + atol)) throw new Error(`${what}[${i}]: ours ${ours[i]}, torch ${t} (error ${err})`);
  });
}
