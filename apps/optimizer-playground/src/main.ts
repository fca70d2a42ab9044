/**
 * The optimizer playground: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam
 * and L-BFGS racing on a long valley, a saddle, Beale's function,
 * Rosenbrock and a noisy minibatch quadratic.
 *
 *   npm run build -w @gradkit/app-optimizer-playground
 *   npm start -w @gradkit/app-optimizer-playground            # writes out/
 *   STEPS=300 OUT_DIR=/tmp/race npm start -w @gradkit/app-optimizer-playground
 */
import { fileURLToPath } from "node:url";
import { selectBackend } from "@gradkit/backend";
import { markdownTable, runPlayground } from "./playground.js";

const steps = Number(process.env.STEPS ?? 1000);
const outDir = process.env.OUT_DIR ?? process.argv[2] ?? fileURLToPath(new URL("../out/", import.meta.url));

const backend = await selectBackend({ prefer: ["wasm", "cpu"] });
console.log(`backend: ${backend.name}; ${steps} steps per optimizer and surface`);
const t0 = performance.now();
const reports = runPlayground({ steps, outDir });
console.log(markdownTable(reports, steps));
console.log(`wrote ${reports.length} SVG + PNG, results.md and results.json to ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
