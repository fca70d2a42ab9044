import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { TrainConfig } from "@gradkit/train";
import { SearchError } from "./errors.js";
import { parseSpace, spaceSchema } from "./space.js";
import { randomSearch } from "./random.js";
import { gridSearch } from "./grid.js";
import { coarseToFine } from "./coarse-to-fine.js";
import { hyperband, successiveHalving } from "./hyperband.js";
import type { Strategy } from "./strategy.js";

const budget = z.strictObject({ epochs: z.number().int().positive().optional(), steps: z.number().int().positive().optional() });
const seed = z.union([z.number(), z.string()]).optional();
const resource = z.strictObject({ unit: z.enum(["epochs", "steps"]), per: z.number().positive().optional() });

export const strategySchema = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("random"), trials: z.number().int().positive(), seed, budget: budget.optional() }),
  z.strictObject({ name: z.literal("grid"), points: z.number().int().positive().optional(), budget: budget.optional() }),
  z.strictObject({
    name: z.literal("coarseToFine"),
    stages: z.array(z.strictObject({ trials: z.number().int().positive(), budget: budget.optional() })).min(1),
    top: z.number().int().positive().optional(),
    widen: z.number().min(1).optional(),
    minShare: z.number().gt(0).max(1).optional(),
    seed,
  }),
  z.strictObject({ name: z.literal("hyperband"), maxResource: z.number().min(1), eta: z.number().int().min(2).optional(), resource: resource.optional(), seed }),
  z.strictObject({
    name: z.literal("successiveHalving"),
    n: z.number().int().positive(),
    minResource: z.number().positive(),
    maxResource: z.number().positive(),
    eta: z.number().int().min(2).optional(),
    resource: resource.optional(),
    seed,
  }),
]);

/** The JSON file `gradkit search --config` reads. */
export const searchConfigSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** The training config every trial starts from (@gradkit/train's TrainConfig); each trial writes its params into it. */
  base: z.looseObject({}),
  space: spaceSchema,
  strategy: strategySchema,
  objective: z.strictObject({ metric: z.string().min(1), mode: z.enum(["min", "max"]) }).optional(),
  /** Default: the config file's directory + /study-<config file name>. */
  studyDir: z.string().min(1).optional(),
  /** Modules to import first (plugins registering architectures, datasets…), here and in every worker. */
  imports: z.array(z.string().min(1)).default([]),
  /** tfjs backend for the trials (through @gradkit/backend). */
  backend: z.string().min(1).optional(),
});
export type SearchConfig = z.output<typeof searchConfigSchema>;

/** Builds the strategy a search config names. */
export function strategyFromConfig(config: Pick<SearchConfig, "space" | "strategy">): Strategy {
  const space = parseSpace(config.space);
  const s = config.strategy;
  switch (s.name) {
    case "random":
      return randomSearch(space, s);
    case "grid":
      return gridSearch(space, s);
    case "coarseToFine":
      return coarseToFine(space, s);
    case "hyperband":
      return hyperband(space, s);
    case "successiveHalving":
      return successiveHalving(space, s);
  }
}

/** Reads and checks a search config file (shape, space ranges); relative studyDir and imports are resolved against the file's directory. */
export function loadSearchConfig(file: string): SearchConfig & { base: TrainConfig; studyDir: string } {
  if (!fs.existsSync(file)) throw new SearchError("SEARCH_NO_CONFIG", `search: the config file '${file}' does not exist.`, { received: file });
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new SearchError("SEARCH_BAD_CONFIG", `search: '${file}' is not valid JSON: ${(error as Error).message}`, { received: file });
  }
  const r = searchConfigSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new SearchError("SEARCH_BAD_CONFIG", `search: invalid config '${file}' (${problems.length} problem(s)):\n  - ${problems.join("\n  - ")}`, { issues: r.error.issues });
  }
  const dir = path.dirname(path.resolve(file));
  const c = r.data;
  strategyFromConfig(c); // range errors now, before anything runs
  return {
    ...c,
    base: c.base as unknown as TrainConfig,
    studyDir: path.resolve(dir, c.studyDir ?? `study-${path.basename(file, path.extname(file))}`),
    imports: c.imports.map((s) => (s.startsWith(".") ? path.resolve(dir, s) : s)),
  };
}
