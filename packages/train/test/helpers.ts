import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as data from "@gradkit/data";
import * as nn from "@gradkit/nn";
import * as optim from "@gradkit/optim";
import * as tensor from "@gradkit/tensor";
import type { DataLoader } from "@gradkit/data";
import type { Module } from "@gradkit/nn";
import type { Optimizer } from "@gradkit/optim";
// @ts-expect-error plain ESM fixture without types
import { makeRun as makeRunJs } from "./fixtures/setup.mjs";

export const lib = { data, nn, optim, tensor };

export async function cpu(): Promise<void> {
  await tf.setBackend("cpu");
}

export function makeRun(options: { lr?: number; n?: number } = {}): { model: Module; optimizer: Optimizer; train: DataLoader; val: DataLoader } {
  return makeRunJs(lib, options);
}

export function weightsOf(model: Module): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.dataSync() as Float32Array]));
}
