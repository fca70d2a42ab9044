import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { PLOT } from "../src/plot.js";
import { PNG_SIGNATURE, pngSize, svgToPng } from "@gradkit/report";
import { markdownTable, runPlayground } from "../src/playground.js";
import { runRacer, stepsToLeave } from "../src/race.js";
import { RACERS, RACER_NAMES } from "../src/racers.js";
import { allSurfaces, beale, noisyQuadratic, rosenbrock, saddle, valley, type Point } from "../src/surfaces.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Checks that every opened tag is closed in order (a minimal well-formedness check; resvg parses the document too). */
function balancedTags(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "") stack.push(m[2]);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0;
}

describe("surfaces", () => {
  it("analytic gradients match central differences (h = 1e-6, relative 1e-5: float64 truncation error O(h²·f'''))", () => {
    const points: Point[] = [
      [0.3, -0.7],
      [-1.2, 1.1],
      [2.1, 0.4],
    ];
    for (const s of [valley(), saddle(), beale(), rosenbrock()]) {
      const fg = s.evaluator();
      for (const p of points) {
        const { g } = fg(p);
        const h = 1e-6;
        const num = [(s.exact([p[0] + h, p[1]]) - s.exact([p[0] - h, p[1]])) / (2 * h), (s.exact([p[0], p[1] + h]) - s.exact([p[0], p[1] - h])) / (2 * h)];
        for (let i = 0; i < 2; i++) expect(Math.abs(g[i] - num[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(num[i])));
      }
    }
  });

  it("f* is the value at each stated minimum", () => {
    for (const s of allSurfaces()) for (const m of s.argmin) expect(s.exact(m)).toBeCloseTo(s.fStar, 10);
    // Beale: f(3, 0.5) = 0; saddle minima (0, ±√2): −2 + 4/4 = −1.
    expect(beale().exact([3, 0.5])).toBe(0);
  });

  it("the noisy surface's minibatch gradient averages to the full gradient, and every racer sees the same batches", () => {
    const s = noisyQuadratic();
    const a = s.evaluator();
    const b = s.evaluator();
    const p: Point = [0.2, -0.4];
    let gx = 0;
    for (let i = 0; i < 2000; i++) {
      const ea = a(p);
      expect(b(p)).toEqual(ea);
      gx += ea.g[0];
    }
    // Full gradient in x: p₀ − c̄₀ = 0.2 − argmin₀; per-batch std ≈ 1/√4 = 0.5, so the mean of 2000 has std ≈ 0.011.
    expect(Math.abs(gx / 2000 - (0.2 - s.argmin[0][0]))).toBeLessThan(0.06);
  });
});

describe("the race's qualitative facts", () => {
  it("on the saddle plain SGD escapes slower than momentum, Nesterov and Adam", () => {
    const s = saddle();
    const escape = Object.fromEntries(
      (["sgd", "momentum", "nesterov", "adam"] as const).map((r) => [r, stepsToLeave(runRacer(s, r, 150), [0, 0], 1)])
    ) as Record<string, number>;
    // SGD multiplies y by (1 + 2η) = 1.1 per step near the saddle: from 1e-3 to ~0.9 takes ≈ ln(900)/ln(1.1) ≈ 71 steps.
    expect(escape.sgd).toBeGreaterThan(60);
    expect(escape.sgd).toBeLessThan(90);
    // Heavy ball's growth factor solves λ² − (1 + μ + 2η)λ + μ = 0 → λ ≈ 1.32 per step; Adam moves ≈ lr per step whatever the gradient's size.
    for (const r of ["momentum", "nesterov", "adam"]) expect(escape[r]).toBeLessThan(0.5 * escape.sgd);
  });

  it("on the valley (κ = 100) Adam and RMSProp are not slowed by the conditioning as SGD is", () => {
    const s = valley();
    const sgd = runRacer(s, "sgd", 500).stepsToTol;
    // η = 1/L = 0.01: x contracts by 0.99 per step, ½·4.5²·0.99^{2t} < 1e-3 ⇒ t ≥ ln(10125)/(−2 ln 0.99) ≈ 459.
    expect(sgd).toBeGreaterThanOrEqual(450);
    expect(sgd).toBeLessThanOrEqual(470);
    for (const r of ["adam", "rmsprop"] as const) {
      const steps = runRacer(s, r, 500).stepsToTol;
      expect(steps).not.toBeNull();
      expect(steps!).toBeLessThan(sgd! / 3);
    }
  });

  it("L-BFGS reaches Rosenbrock's minimum from (−1.5, 2) in far fewer iterations than SGD", () => {
    const s = rosenbrock();
    const lbfgs = runRacer(s, "lbfgs", 100);
    const sgd = runRacer(s, "sgd", 400);
    expect(lbfgs.stepsToTol).not.toBeNull();
    expect(lbfgs.stepsToTol!).toBeLessThan(60);
    const [x, y] = lbfgs.trajectory[lbfgs.trajectory.length - 1];
    expect(Math.hypot(x - 1, y - 1)).toBeLessThan(1e-3); // float32 parameters: 1e-3 in position ~ 1e-6 in f near the minimum
    expect(sgd.stepsToTol).toBeNull(); // not within 400 steps: ten times L-BFGS's budget
    expect(sgd.values[sgd.values.length - 1]).toBeGreaterThan(1);
  });

  it("each racer's registry spec names the optimizer class it builds, with the spec's options", () => {
    for (const r of RACER_NAMES) {
      const xy = tf.variable(tf.zeros([2]));
      const opt = RACERS[r].make({ xy }, 0.1);
      const { name, ...options } = RACERS[r].spec;
      expect(opt.name).toBe(name);
      for (const [k, v] of Object.entries(options)) expect(opt.paramGroups[0][k]).toEqual(v);
      opt.dispose();
      xy.dispose();
    }
  });

  it("a race leaks no tensor", () => {
    const before = countLive();
    for (const r of RACER_NAMES) runRacer(beale(), r, 5);
    expect(countLive()).toBe(before);
  });
});

describe("outputs", () => {
  it("writes one SVG with a polyline per optimizer, a PNG of the declared size, the table and the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "opt-playground-"));
    const surfaces = [beale(), saddle()];
    const reports = runPlayground({ steps: 20, surfaces, outDir: dir });
    expect(readdirSync(dir).sort()).toEqual(["beale.png", "beale.svg", "results.json", "results.md", "saddle.png", "saddle.svg"]);
    const svg = readFileSync(join(dir, "beale.svg"), "utf8");
    const polylines = [...svg.matchAll(/<polyline class="trajectory" data-racer="(\w+)"/g)].map((m) => m[1]);
    expect(polylines).toEqual([...RACER_NAMES]);
    expect(svg.match(/<path d="M/g)!.length).toBeGreaterThan(10); // contour levels
    expect(balancedTags(svg)).toBe(true);
    const png = readFileSync(join(dir, "beale.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: PLOT.width, height: PLOT.height });
    expect(() => svgToPng("<svg")).toThrow(); // resvg rejects a document that does not parse
    const md = readFileSync(join(dir, "results.md"), "utf8");
    expect(md).toBe(markdownTable(reports, 20));
    expect(md).toContain("| Beale's function (0.001) |");
    expect(md).toContain("Saddle escape");
    const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(json.surfaces.map((s: { name: string }) => s.name)).toEqual(["beale", "saddle"]);
    expect(json.surfaces[0].racers).toHaveLength(7);
    expect(json.surfaces[0].racers[0].trajectory).toHaveLength(21);
  });
});
