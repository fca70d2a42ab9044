/**
 * Side-effect entry: registers the built-in metrics (kind "metric") and
 * callbacks (kind "callback") in gradkit's registry, each with a zod option
 * schema: `resolve("metric", { name: "topKAccuracy", k: 5 })`.
 */
import { z } from "zod";
import { registry } from "@gradkit/registry";
import { accuracy, meanIoU, meanLoss, topKAccuracy } from "./metrics.js";
import { bestCheckpoint, csvLogger, earlyStopping, ema, jsonlLogger, progressBar } from "./callbacks.js";
import { diagnostics } from "./diagnostics.js";

const mode = z.enum(["min", "max"]);
const file = z.string().min(1);

const METRICS: Array<[string, (o: never) => unknown, z.ZodObject, string]> = [
  ["accuracy", () => accuracy(), z.strictObject({}), "top-1 accuracy"],
  ["topKAccuracy", (o: { k: number }) => topKAccuracy(o.k), z.strictObject({ k: z.number().int().positive() }), "top-k accuracy"],
  ["meanLoss", () => meanLoss(), z.strictObject({}), "mean loss per example"],
  ["meanIoU", (o: { numClasses: number }) => meanIoU(o.numClasses), z.strictObject({ numClasses: z.number().int().positive() }), "mean intersection over union of label maps"],
];

const CALLBACKS: Array<[string, (o: never) => unknown, z.ZodObject, string]> = [
  [
    "earlyStopping",
    (o: { monitor: string; patience: number; minDelta: number; mode: "min" | "max" }) => earlyStopping(o),
    z.strictObject({ monitor: z.string().default("val_loss"), patience: z.number().int().min(0).default(0), minDelta: z.number().min(0).default(0), mode: mode.default("min") }),
    "stop when a monitored value stops improving",
  ],
  [
    "bestCheckpoint",
    (o: { file: string; monitor: string; mode?: "min" | "max" }) => bestCheckpoint(o.file, o),
    z.strictObject({ file, monitor: z.string().default("val_loss"), mode: mode.optional() }),
    "save the weights when the monitored value improves",
  ],
  ["ema", (o: { decay: number; biasCorrection: boolean }) => ema(o), z.strictObject({ decay: z.number().min(0).lt(1).default(0.999), biasCorrection: z.boolean().default(false) }), "exponential moving average of the weights"],
  ["jsonlLogger", (o: { file: string; everyBatch: boolean; every?: number; batchSize?: number }) => jsonlLogger(o.file, o), z.strictObject({ file, everyBatch: z.boolean().default(false), every: z.number().int().positive().optional(), batchSize: z.number().int().positive().optional() }), "JSON lines metric log"],
  ["csvLogger", (o: { file: string }) => csvLogger(o.file), z.strictObject({ file }), "CSV metric log"],
  ["progressBar", (o: { force: boolean }) => progressBar(o), z.strictObject({ force: z.boolean().default(false) }), "progress bar (off without a TTY)"],
  [
    "diagnostics",
    (o: { file: string; every: number; metricsFile?: string; initTolerance?: number; saturation?: number; collapse?: number }) => diagnostics(o.file, o),
    z.strictObject({
      file,
      every: z.number().int().positive().default(50),
      metricsFile: file.optional(),
      initTolerance: z.number().positive().optional(),
      saturation: z.number().gt(0).lt(1).optional(),
      collapse: z.number().gt(1).optional(),
    }),
    "run summary with plain-language findings",
  ],
];

for (const [name, factory, schema, description] of METRICS) {
  if (!registry.has("metric", name)) registry.register("metric", name, factory as never, { schema: schema as never, description });
}
for (const [name, factory, schema, description] of CALLBACKS) {
  if (!registry.has("callback", name)) registry.register("callback", name, factory as never, { schema: schema as never, description });
}
