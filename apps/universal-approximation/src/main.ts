/**
 * Universal approximation, shown two ways on f(x) = sin(3x) + 0.3x² on [−2, 2]:
 * (a) the explicit construction of N bumps of steep sigmoids with its error
 * bound, (b) 1-hidden-layer sigmoid nets trained with Adam, several widths.
 *
 *   npm run build -w @gradkit/app-universal-approximation
 *   npm start -w @gradkit/app-universal-approximation            # writes out/
 *   STEPS=1000 OUT_DIR=/tmp/ua npm start -w @gradkit/app-universal-approximation
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { selectBackend } from "@gradkit/backend";
import { renderSpec, type VegaLiteSpec } from "@gradkit/report";
import { ensureGradients } from "@gradkit/tensor";
import { bumpsSpec, convergenceSpec, trainedSpec } from "./charts.js";
import { construct, DEFAULT_TARGET, errorBound, sweep } from "./construct.js";
import { fitWidth, type FitResult } from "./fit.js";
import { markdown, type Results } from "./results.js";

const steps = Number(process.env.STEPS ?? 4000);
const seed = Number(process.env.SEED ?? 0);
const outDir = process.env.OUT_DIR ?? process.argv[2] ?? fileURLToPath(new URL("../out/", import.meta.url));
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`STEPS must be a positive integer; received ${JSON.stringify(process.env.STEPS)}.`);

ensureGradients();
const backend = await selectBackend({ prefer: ["wasm", "cpu"] });
console.log(`backend: ${backend.name}`);
mkdirSync(outDir, { recursive: true });
const target = DEFAULT_TARGET;

// (a) The construction.
const NS = [5, 10, 20, 40, 80, 160, 320];
const WS = [30, 100, 300, 1000, 10000];
const rows = sweep(target, NS, WS);
const example = construct(target, 12, 60);

// (b) Trained nets.
const WIDTHS = [1, 2, 4, 8, 16, 32];
const fits: FitResult[] = [];
for (const width of WIDTHS) {
  const t0 = performance.now();
  const r = fitWidth(target, { width, steps, seed });
  fits.push(r);
  console.log(`width ${String(width).padStart(2)}: train MSE ${r.trainMse.toExponential(2)}, sup error ${r.supError.toFixed(4)}, RMS ${r.rmsError.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

const results: Results = {
  target: target.name,
  interval: [target.a, target.b],
  lipschitz: target.lipschitz,
  example: { n: example.n, w: example.w, ...errorBound(example) },
  sweep: rows,
  training: { steps, seed, lr: 0.02, points: 200, backend: backend.name, fits: fits.map(({ width, trainMse, supError, rmsError }) => ({ width, trainMse, supError, rmsError })) },
};
writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2));
const md = markdown(results);
writeFileSync(join(outDir, "results.md"), md);
console.log(md);

const charts: [string, VegaLiteSpec][] = [
  ["bumps", bumpsSpec(example)],
  ["convergence", convergenceSpec(rows.filter((r) => r.w !== 30))],
  ["trained", trainedSpec(fits, target.name, target.f)],
];
for (const [name, spec] of charts) {
  const { svg, png } = await renderSpec(spec, { png: true });
  writeFileSync(join(outDir, `${name}.svg`), svg);
  if (png !== undefined) writeFileSync(join(outDir, `${name}.png`), png);
}
console.log(`wrote results.json, results.md, bumps.png, convergence.png, trained.png (and .svg) to ${outDir}`);
