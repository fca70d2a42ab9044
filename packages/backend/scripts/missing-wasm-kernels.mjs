// Lists the kernels that training (forward + tfjs-core's gradients) calls for
// a set of common layers, and which of them the WASM backend does not
// register. Runs everything on the CPU backend with each registered cpu
// kernel wrapped to record its name, so it sees every kernel the engine
// dispatches (forward, gradient, and kernels inside gradients), and needs
// no WASM init.
//
//   node packages/backend/scripts/missing-wasm-kernels.mjs [--all] [--json]
//
// --all prints every case's kernels; --json prints a machine-readable
// summary. With --with-gradkit, gradkit's completing kernels are registered
// first (from the built dist), so the list shows what is still missing.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { ensureGradients } from "@gradkit/tensor";
import { trainingCases } from "./training-cases.mjs";

const args = new Set(process.argv.slice(2));
ensureGradients();
if (args.has("--with-gradkit")) {
  const { registerWasmTrainingKernels } = await import("@gradkit/backend");
  registerWasmTrainingKernels();
}
await tf.setBackend("cpu");
tf.backend().firstUse = false;

const cases = trainingCases(tf);

let seen = new Set();
for (const config of tf.getKernelsForBackend("cpu")) {
  const inner = config.kernelFunc;
  config.kernelFunc = (args) => {
    seen.add(config.kernelName);
    return inner(args);
  };
}
/** Runs f, returns the result and the kernels it dispatched. */
function trace(f) {
  seen = new Set();
  const result = f();
  return { result, kernels: seen };
}

const wasm = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
const missing = new Map(); // kernel → cases
const report = [];
for (const [name, [mk, f]] of Object.entries(cases)) {
  const inputs = mk();
  const fwd = trace(() => f(...inputs));
  fwd.result.dispose();
  const fwdKernels = fwd.kernels;
  let prof;
  try {
    prof = trace(() => tf.grads((...xs) => tf.sum(f(...xs)))(inputs));
  } catch (e) {
    // tfjs-core has no gradient for some ops (StridedSlice, …): not a wasm gap.
    report.push({ case: name, forward: [...fwdKernels].sort(), gradientOnly: [], missingOnWasm: [], error: e.message });
    inputs.forEach((t) => t.dispose());
    continue;
  }
  for (const t of prof.result) t.dispose();
  const all = [...prof.kernels].sort();
  const gradOnly = all.filter((k) => !fwdKernels.has(k));
  const miss = all.filter((k) => !wasm.has(k));
  for (const k of miss) {
    if (!missing.has(k)) missing.set(k, []);
    missing.get(k).push(name);
  }
  report.push({ case: name, forward: [...fwdKernels].sort(), gradientOnly: gradOnly, missingOnWasm: miss });
  inputs.forEach((t) => t.dispose());
}

if (args.has("--json")) {
  console.log(JSON.stringify({ missing: Object.fromEntries(missing), report }, null, 2));
} else {
  if (args.has("--all")) {
    for (const r of report) {
      if (r.error) { console.log(`${r.case}\n  gradient fails on cpu too (not a wasm gap): ${r.error}`); continue; }
      console.log(`${r.case}\n  forward:  ${r.forward.join(" ")}\n  gradient: ${r.gradientOnly.join(" ")}${r.missingOnWasm.length ? `\n  MISSING on wasm: ${r.missingOnWasm.join(" ")}` : ""}`);
    }
    console.log();
  }
  console.log(`${report.length} cases; wasm registers ${wasm.size} kernels.`);
  if (missing.size === 0) console.log("No kernel these cases call is missing on wasm.");
  for (const [k, cs] of missing) console.log(`missing on wasm: ${k.padEnd(38)} used by: ${cs.join(", ")}`);
}
