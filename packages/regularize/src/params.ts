import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import { flattenTree, type Tree } from "@gradkit/tensor";
import { invalid } from "./errors.js";

/** Where penalties and pruning find parameters: a Module (its trainable parameters) or a tree of tensors. */
export type ParamSource = Module | Tree<Tensor>;

/** Picks which parameters a penalty or a pruner sees, by dotted path and tensor. */
export type ParamFilter = (name: string, param: Tensor) => boolean;

/**
 * The usual "weights only" filter: parameters of rank ≥ 2 (Linear and
 * conv kernels), leaving out biases and the 1-D scales and shifts of
 * normalization layers, which are conventionally not decayed.
 */
export const weightsOnly: ParamFilter = (_name, p) => p.rank >= 2;

/** Every parameter whose path does not end in "bias". */
export const notBias: ParamFilter = (name) => !/(^|\.)bias$/.test(name);

/** The (path, tensor) pairs of `source` that pass `filter`. */
export function selectParams(where: string, source: ParamSource, filter?: ParamFilter): [string, Tensor][] {
  let all: [string, Tensor][];
  if (source instanceof Module) all = Object.entries(source.parameterTree());
  else if (source instanceof tf.Tensor) all = [["", source]];
  else if (source !== null && typeof source === "object") all = flattenTree<Tensor>(source, { allowDottedKeys: true });
  else throw invalid(where, `expected a Module or a tree of tensors; received ${describeValue(source)}.`, { received: source });
  for (const [name, t] of all) {
    if (!(t instanceof tf.Tensor)) throw invalid(where, `parameter '${name}' must be a tensor; received ${describeValue(t)}.`, { name });
  }
  return filter === undefined ? all : all.filter(([n, t]) => filter(n, t));
}
