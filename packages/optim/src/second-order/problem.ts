import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";
import type { LinePoint } from "../line-search/types.js";

/** A vector as the solvers accept it. */
export type VectorInput = Float64Array | readonly number[];

/** f : ℝⁿ → ℝ. */
export type ScalarFunction = (x: Float64Array) => number;
/** ∇f : ℝⁿ → ℝⁿ. */
export type GradientFunction = (x: Float64Array) => VectorInput;
/** ∇²f : ℝⁿ → ℝⁿˣⁿ, as n rows or one row-major array of n² numbers. */
export type HessianFunction = (x: Float64Array) => Float64Array | readonly number[] | ReadonlyArray<readonly number[]>;

/** Copies x₀ into a Float64Array, or throws OPTIM_BAD_INPUT naming what is wrong. */
export function toVector(where: string, name: string, value: unknown, n?: number): Float64Array {
  const ok = value instanceof Float64Array || value instanceof Float32Array || Array.isArray(value);
  if (!ok) {
    throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: ${name} must be a Float64Array or an array of numbers, received ${describeValue(value)}.`, { name });
  }
  const arr = value as ArrayLike<unknown>;
  if (n !== undefined && arr.length !== n) {
    throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: ${name} must have length ${n}, received length ${arr.length}.`, { name, expected: n, received: arr.length });
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number") {
      throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: ${name}[${i}] must be a number, received ${describeValue(v)}.`, { name, index: i });
    }
    out[i] = v;
  }
  return out;
}

/** Reads a Hessian as a row-major n×n Float64Array. */
export function toMatrix(where: string, value: unknown, n: number): Float64Array {
  if (Array.isArray(value) && value.length === n && value.every((row) => Array.isArray(row) || row instanceof Float64Array)) {
    const out = new Float64Array(n * n);
    value.forEach((row, i) => out.set(toVector(where, `hessian row ${i}`, row, n), i * n));
    return out;
  }
  const flat = toVector(where, "hessian", value);
  if (flat.length !== n * n) {
    throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: hessian must be ${n}×${n} (${n * n} numbers or ${n} rows), received ${flat.length} numbers.`, {
      expected: n * n,
      received: flat.length,
    });
  }
  return flat;
}

/** Checks that `value` is a function, naming it otherwise. */
export function checkFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== "function") {
    throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: ${name} must be a function, received ${describeValue(value)}.`, { name });
  }
}

/** f and ∇f at x as one `LinePoint`, with ∇f checked to have length n. */
export function evaluator(where: string, f: ScalarFunction, grad: GradientFunction): (x: Float64Array) => LinePoint {
  return (x) => {
    const value = f(x);
    if (typeof value !== "number") {
      throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: f must return a number, received ${describeValue(value)}.`);
    }
    return { f: value, g: toVector(where, "grad(x)", grad(x), x.length) };
  };
}
