import { expect, it } from "vitest";
import { minimize, newton } from "../src/index.js";

it("the example at the top of src/second-order/README.md runs and prints what it says", () => {
  const f = (x: Float64Array) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
  const grad = (x: Float64Array) => [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)];
  const hessian = (x: Float64Array) => [[2 - 400 * (x[1] - x[0] ** 2) + 800 * x[0] ** 2, -400 * x[0]], [-400 * x[0], 200]];
  const r = minimize(f, [-1.5, 2], { grad, method: "lbfgs", lineSearch: "strong-wolfe" });
  expect(r.converged).toBe(true);
  expect(r.iterations).toBe(42);
  expect(r.x[0]).toBeCloseTo(1, 8);
  expect(r.x[1]).toBeCloseTo(1, 8);
  expect(newton(f, grad, hessian, [-1.5, 2]).iterations).toBe(22);
});
