/**
 * The files of the consumer projects that the selective-install test
 * creates outside the repository. Each script prints one line
 * "RESULT <json>" with what it measured.
 */

/**
 * One AdamW step and one SGD step on f(w) = ‖w‖² (gradient 2w), then two
 * more AdamW steps to see that the live tensor count stays put. `entry` is
 * the file Node resolved @gradkit/optim to (ESM: dist/index.js, CJS:
 * dist/index.cjs).
 */
const optimBody = `
  await tf.setBackend("cpu");
  const w = tf.variable(tf.tensor1d([3, -2]));
  const adamw = new AdamW({ w }, { lr: 0.1, weightDecay: 0.01 });
  const live = [];
  let adamwFirst;
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => adamw.step({ w: tf.mul(w, 2) }));
    if (i === 0) adamwFirst = w.arraySync();
    live.push(tf.memory().numTensors);
  }
  const v = tf.variable(tf.tensor1d([1, 2]));
  const sgd = new SGD({ v }, { lr: 0.1 });
  tf.tidy(() => sgd.step({ v: tf.mul(v, 2) }));
  console.log("RESULT " + JSON.stringify({ entry, backend: tf.getBackend(), adamwFirst, sgd: v.arraySync(), live }));
`;

export const optimEsm = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { AdamW, SGD } from "@gradkit/optim";

const entry = import.meta.resolve("@gradkit/optim");
${optimBody}`;

export const optimCjs = `const tf = require("@tensorflow/tfjs-core");
require("@tensorflow/tfjs-backend-cpu");
const { AdamW, SGD } = require("@gradkit/optim");

const entry = require.resolve("@gradkit/optim");
(async () => {
${optimBody}
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** A typed consumer; the @ts-expect-error lines fail the check if the types were lost (any). */
const optimTypedBody = `
const w: tf.Variable = tf.variable(tf.tensor1d([3, -2]));
const opt: Optimizer = new AdamW({ w }, { lr: 0.1 });
tf.tidy(() => { opt.step({ w: tf.mul(w, 2) }); });
const state = opt.stateDict();
opt.loadStateDict(state);
const steps: number = opt.stepCount;
// @ts-expect-error lr is a number
new SGD({ w }, { lr: "0.1" });
// @ts-expect-error no such optimizer class
new optim.Adamm({ w }, {});
export { steps };
`;

export const optimMts = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as optim from "@gradkit/optim";
import { AdamW, SGD, type Optimizer } from "@gradkit/optim";

await tf.setBackend("cpu");
${optimTypedBody}`;

export const optimCts = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as optim from "@gradkit/optim";
import { AdamW, SGD, type Optimizer } from "@gradkit/optim";

void tf.setBackend("cpu");
${optimTypedBody}`;

/** node16: .mts resolves the "import" condition (index.d.ts), .cts the "require" one (index.d.cts). */
export const tsconfigNode16 = JSON.stringify(
  { compilerOptions: { module: "node16", moduleResolution: "node16", target: "es2022", strict: true, skipLibCheck: false, noEmit: true }, files: ["optim.mts", "optim.cts"] },
  null,
  2,
);

/** bundler resolution (Vite, esbuild, webpack users); the declarations were checked by the node16 run. */
export const tsconfigBundler = JSON.stringify(
  { compilerOptions: { module: "esnext", moduleResolution: "bundler", target: "es2022", strict: true, skipLibCheck: true, noEmit: true }, files: ["optim.mts"] },
  null,
  2,
);

/**
 * Two training steps of LeNet-5 (by name, from @gradkit/arch's registry) on
 * real MNIST digits through @gradkit/train's trainFromConfig, on the CPU
 * backend. Same seeds in the ESM and the CJS script.
 */
const trainBody = `
  await tf.setBackend("cpu");
  const { trainer, logs } = trainFromConfig({
    model: { name: "lenet", numClasses: 10, seed: 0 },
    optimizer: { name: "sgd", lr: 0.01 },
    data: { train: { name: "mnist", split: "train" }, batchSize: 4, seed: 1 },
    steps: 2,
    seed: 0,
    progress: false,
  });
  const numParameters = trainer.model.numParameters();
  console.log("RESULT " + JSON.stringify({ entries, backend: tf.getBackend(), step: trainer.step, loss: logs.loss, numParameters }));
`;

export const trainEsm = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@gradkit/arch";
import { trainFromConfig } from "@gradkit/train";

const entries = [import.meta.resolve("@gradkit/arch"), import.meta.resolve("@gradkit/train")];
${trainBody}`;

export const trainCjs = `const tf = require("@tensorflow/tfjs-core");
require("@tensorflow/tfjs-backend-cpu");
require("@gradkit/arch");
const { trainFromConfig } = require("@gradkit/train");

const entries = [require.resolve("@gradkit/arch"), require.resolve("@gradkit/train")];
(async () => {
${trainBody}
})().catch((e) => { console.error(e); process.exit(1); });
`;
