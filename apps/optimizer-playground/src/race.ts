import * as tf from "@tensorflow/tfjs-core";
import { RACERS, LEARNING_RATES, type RacerName } from "./racers.js";
import type { Point, Surface } from "./surfaces.js";

/** One optimizer's run on one surface. */
export interface RaceResult {
  surface: string;
  racer: RacerName;
  lr: number;
  /** The start and the point after each step (a diverged run stops at the first non-finite point). */
  trajectory: Point[];
  /** The exact objective f at each point of `trajectory`. */
  values: number[];
  /** The first step with |f − f*| < tol, or null if not reached within the budget. */
  stepsToTol: number | null;
  /** Objective evaluations (gradient calls): one per step, more for L-BFGS's line search. */
  evaluations: number;
  /** Evaluations spent until the tolerance was reached (null if never). */
  evaluationsToTol: number | null;
  diverged: boolean;
}

/** Options of `race`. */
export interface RaceOptions {
  /** Steps per optimizer (default 500). */
  steps?: number;
  /** Racers to run (default all). */
  racers?: readonly RacerName[];
  /** Learning rates to use instead of `LEARNING_RATES[surface.name]`. */
  lr?: Partial<Record<RacerName, number>>;
}

const LIMIT = 1e6;
let serial = 0;

/** Runs one optimizer on one surface: the parameter is a tf.Variable of shape [2], the gradient comes from the surface. */
export function runRacer(surface: Surface, racer: RacerName, steps: number, lrOverride?: number): RaceResult {
  const lr = lrOverride ?? LEARNING_RATES[surface.name]?.[racer] ?? 0.01;
  const xy = tf.tidy(() => tf.variable(tf.tensor1d(surface.start, "float32"), true, `${surface.name}-${racer}-${serial++}`));
  const optimizer = RACERS[racer].make({ xy }, lr);
  const evaluate = surface.evaluator();
  const trajectory: Point[] = [[...surface.start]];
  const values: number[] = [surface.exact(surface.start)];
  const spent: number[] = [0];
  let evaluations = 0;
  let diverged = false;
  const read = (): Point => {
    const v = xy.dataSync();
    return [v[0], v[1]];
  };
  try {
    for (let t = 0; t < steps; t++) {
      if (RACERS[racer].closure) {
        optimizer.step(() => {
          evaluations += 1;
          const { f, g } = evaluate(read());
          return { loss: f, grads: { xy: tf.tensor1d(g, "float32") } };
        });
      } else {
        evaluations += 1;
        const { g } = evaluate(read());
        tf.tidy(() => optimizer.step({ xy: tf.tensor1d(g, "float32") }));
      }
      const p = read();
      const f = surface.exact(p);
      if (!Number.isFinite(f) || Math.abs(p[0]) > LIMIT || Math.abs(p[1]) > LIMIT) {
        diverged = true;
        break;
      }
      trajectory.push(p);
      values.push(f);
      spent.push(evaluations);
    }
  } finally {
    optimizer.dispose();
    xy.dispose();
  }
  const hit = values.findIndex((f) => Math.abs(f - surface.fStar) < surface.tol);
  return {
    surface: surface.name,
    racer,
    lr,
    trajectory,
    values,
    stepsToTol: hit < 0 ? null : hit,
    evaluations,
    evaluationsToTol: hit < 0 ? null : spent[hit],
    diverged,
  };
}

/** Runs every racer on a surface. */
export function race(surface: Surface, options: RaceOptions = {}): RaceResult[] {
  const racers = options.racers ?? (Object.keys(RACERS) as RacerName[]);
  return racers.map((r) => runRacer(surface, r, options.steps ?? 500, options.lr?.[r]));
}

/** The first step at which the trajectory is farther than `radius` from `center` (null if never): the saddle's escape time. */
export function stepsToLeave(result: RaceResult, center: Point, radius: number): number | null {
  const i = result.trajectory.findIndex(([x, y]) => Math.hypot(x - center[0], y - center[1]) > radius);
  return i < 0 ? null : i;
}
