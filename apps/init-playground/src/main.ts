/**
 * The initialization experiment of the lecture: 10 layers × 500 units on
 * 1000 samples of N(0, 1), tanh with N(0, 0.01²), N(0, 1) and Xavier
 * weights, ReLU with Kaiming and with Xavier weights.
 *
 *   npm run build -w @gradkit/app-init-playground
 *   npm start -w @gradkit/app-init-playground             # writes out/
 *   SAMPLES=200 SEED=1 OUT_DIR=/tmp/init npm start -w @gradkit/app-init-playground
 */
import { fileURLToPath } from "node:url";
import { selectBackend } from "@gradkit/backend";
import { runExperiment } from "./experiment.js";
import { markdownTables, writeReport } from "./report.js";

const samples = Number(process.env.SAMPLES ?? 1000);
const seed = Number(process.env.SEED ?? 0);
const outDir = process.env.OUT_DIR ?? process.argv[2] ?? fileURLToPath(new URL("../out/", import.meta.url));

const backend = await selectBackend({ prefer: ["wasm", "cpu"] });
console.log(`backend: ${backend.name}`);
const t0 = performance.now();
const result = runExperiment({ samples, seed });
console.log(markdownTables(result));
writeReport(result, outDir);
console.log(`wrote histograms.svg, histograms.png, stats.md and stats.json to ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
