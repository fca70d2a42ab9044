import { z } from "zod";
import type { Rng } from "@gradkit/tensor";

/** A positive integer. */
const posInt = z.number().int().positive();
/** Where initial weights come from: a generator, or a seed (else the enclosing buildModule's or nn's default). */
const rngFields = {
  seed: z.union([z.number(), z.string()]).optional(),
  rng: z.custom<Rng>((v) => typeof v === "object" && v !== null && typeof (v as { stream?: unknown }).stream === "function", "expected a createRng(seed) generator").optional(),
};
const probability = z.number().min(0).lt(1);

export const mlpSchema = z.object({
  inFeatures: posInt,
  hiddenSizes: z.array(posInt).default([]),
  outFeatures: posInt,
  activation: z.string().default("relu"),
  dropout: probability.default(0),
  batchNorm: z.boolean().default(false),
  ...rngFields,
});

export const lenetSchema = z.object({
  inChannels: posInt.default(1),
  inputSize: z.union([z.literal(28), z.literal(32)]).default(28),
  numClasses: posInt.default(10),
  activation: z.string().default("relu"),
  pool: z.enum(["max", "avg"]).default("max"),
  ...rngFields,
});

export const alexnetSchema = z.object({
  inChannels: posInt.default(3),
  inputSize: z.union([z.literal(28), z.literal(32)]).default(32),
  numClasses: posInt.default(10),
  dropout: probability.default(0.5),
  /** Channels of the first two convolutions; the others have 2·width, 2·width, width. */
  width: posInt.default(64),
  ...rngFields,
});

export const cifarResNetSchema = z.object({
  depth: posInt.refine((d) => d >= 8 && (d - 2) % 6 === 0, "depth must be 6n+2 with n ≥ 1 (20, 32, 44, 56, 110, …)").default(20),
  numClasses: posInt.default(10),
  inChannels: posInt.default(3),
  shortcut: z.enum(["A", "B"]).default("A"),
  widths: z.tuple([posInt, posInt, posInt]).default([16, 32, 64]),
  ...rngFields,
});

export const imagenetResNetSchema = z.object({
  depth: z.union([z.literal(18), z.literal(34), z.literal(50), z.literal(101), z.literal(152)]).default(18),
  numClasses: posInt.default(1000),
  inChannels: posInt.default(3),
  ...rngFields,
});

export const denseNetSchema = z.object({
  depth: posInt.default(100),
  growthRate: posInt.default(12),
  bottleneck: z.boolean().default(true),
  compression: z.number().gt(0).max(1).default(0.5),
  /** Dropout after every convolution but the first (the paper's 0.2 without data augmentation). */
  dropout: probability.default(0),
  numClasses: posInt.default(10),
  inChannels: posInt.default(3),
  ...rngFields,
});

export const fcnSchema = z.object({
  variant: z.enum(["32s", "16s", "8s"]).default("8s"),
  numClasses: posInt.default(21),
  inChannels: posInt.default(3),
  width: posInt.default(16),
  dropout: probability.default(0.5),
  ...rngFields,
});

export type MlpOptions = z.input<typeof mlpSchema>;
export type LeNetOptions = z.input<typeof lenetSchema>;
export type AlexNetOptions = z.input<typeof alexnetSchema>;
export type CifarResNetOptions = z.input<typeof cifarResNetSchema>;
export type ImageNetResNetOptions = z.input<typeof imagenetResNetSchema>;
export type DenseNetOptions = z.input<typeof denseNetSchema>;
export type FcnOptions = z.input<typeof fcnSchema>;
