import { z } from "zod";
import type { Module } from "../module.js";

/** One registration: name, factory (parsed options → Module), zod schema, description. */
export type Entry = [name: string, factory: (options: never) => Module, schema: z.ZodType, description: string];

/** A positive integer. */
export const posInt = z.number().int().positive();
/** A seed for the layer's own generator (else the enclosing buildModule's or the default). */
export const seed = z.union([z.number(), z.string()]).optional();
/** A size per spatial axis, or one for all. */
export const size2 = z.union([posInt, z.tuple([posInt, posInt])]);
export const reduction = z.enum(["mean", "sum", "none"]).default("mean");
export const padding = z.union([
  z.enum(["valid", "same"]),
  z.number().int().nonnegative(),
  z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  z.tuple([
    z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
    z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  ]),
]);
