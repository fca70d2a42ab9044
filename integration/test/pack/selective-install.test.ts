/**
 * Selective installs (issue 9): a user who installs one gradkit package gets
 * that package and the gradkit packages it depends on, tfjs-core once, and
 * no GPU runtime; the ESM build, the CJS build and the types all work from
 * the tarballs `npm pack` makes.
 *
 * The workspaces are packed (from their built dist/) into a temporary
 * directory; each consumer is a fresh project under os.tmpdir(), outside the
 * monorepo, that installs the gradkit tarballs (every @gradkit dependency
 * forced to its tarball through "overrides") and @tensorflow/tfjs-core +
 * tfjs-backend-cpu 4.22.0 from the npm registry (--prefer-offline: the
 * shared npm cache answers when it can).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as consumers from "./consumers";
import {
  assertBuilt,
  cleanNpmEnv,
  dependencyClosure,
  installedTree,
  isGpuRuntime,
  isGradkitPackage,
  listWorkspaces,
  npmInstall,
  packTarballs,
  repoRoot,
  runNode,
  typecheck,
  writeConsumer,
  type InstalledPackage,
} from "./helpers";

// generous: two npm installs, two tsc runs and four node processes on a loaded 2-core CI machine
const TIMEOUT = 300_000;
const OPTIM = ["@gradkit/optim"];
const TRAIN = ["@gradkit/arch", "@gradkit/train"];

const workspaces = listWorkspaces();
const optimClosure = dependencyClosure(OPTIM, workspaces);
const trainClosure = dependencyClosure(TRAIN, workspaces);
const toPack = [...new Set([...optimClosure, ...trainClosure])].sort();

let root: string;
let tarballs: Map<string, string>;

beforeAll(() => {
  assertBuilt(toPack);
  root = mkdtempSync(join(tmpdir(), "gradkit-pack-"));
  tarballs = packTarballs(toPack, mkdtempSync(join(root, "tarballs-")));
}, TIMEOUT);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
}, TIMEOUT);

/** What every selective install must satisfy. */
function checkTree(tree: InstalledPackage[], closure: string[]): void {
  expect(tree.filter((p) => isGpuRuntime(p.name)).map((p) => p.name)).toEqual([]);
  const gradkit = tree.filter((p) => isGradkitPackage(p.name));
  expect(gradkit.map((p) => p.name).sort()).toEqual(closure);
  for (const p of gradkit) {
    // from the tarball made above, never from the registry
    expect(p.resolved, `${p.name} resolved from`).toMatch(/^file:.*\.tgz$/);
    expect(p.version).toBe(workspaces.find((w) => w.pkg.name === p.name)!.pkg.version);
  }
  // one engine: tfjs-core exactly once, at the top
  expect(tree.filter((p) => p.name === "@tensorflow/tfjs-core").map((p) => `${p.path}@${p.version}`)).toEqual(["node_modules/@tensorflow/tfjs-core@4.22.0"]);
}

it("packs the installed packages by the packing rules (scripts/check-packs.mjs)", () => {
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/check-packs.mjs"), "--only", toPack.join(","), "--json"], { encoding: "utf8", env: cleanNpmEnv() });
  const results = JSON.parse(r.stdout) as Array<{ name: string; errors: string[] }>;
  expect(results.map((x) => x.name).sort()).toEqual(toPack);
  expect(results.filter((x) => x.errors.length > 0)).toEqual([]);
  expect(r.status).toBe(0);
}, TIMEOUT);

describe("a user who installs only @gradkit/optim", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(root, "optim-"));
    writeConsumer(dir, OPTIM, optimClosure, tarballs, {
      "step.mjs": consumers.optimEsm,
      "step.cjs": consumers.optimCjs,
      "optim.mts": consumers.optimMts,
      "optim.cts": consumers.optimCts,
      "tsconfig.node16.json": consumers.tsconfigNode16,
      "tsconfig.bundler.json": consumers.tsconfigBundler,
    });
    npmInstall(dir);
  }, TIMEOUT);

  it("is outside the monorepo", () => {
    expect(dir.startsWith(repoRoot)).toBe(false);
  });

  it("gets optim's gradkit dependency closure from the tarballs, tfjs-core once, and no GPU runtime", () => {
    // the closure is read from the package.json files: optim → autograd, tensor, registry
    expect(optimClosure).toContain("@gradkit/optim");
    expect(optimClosure).not.toContain("@gradkit/nn");
    checkTree(installedTree(dir), optimClosure);
  });

  it("runs an optimizer step from ESM and from CJS with the same numbers", () => {
    const esm = runNode(dir, "step.mjs");
    const cjs = runNode(dir, "step.cjs");
    expect(esm.entry).toMatch(/node_modules\/@gradkit\/optim\/dist\/index\.js$/);
    expect(cjs.entry).toMatch(/node_modules\/@gradkit\/optim\/dist\/index\.cjs$/);
    for (const r of [esm, cjs]) {
      expect(r.backend).toBe("cpu");
      // AdamW (Loshchilov & Hutter; PyTorch's AdamW): first step with bias correction,
      // m̂ = g, v̂ = g², so w ← w(1 − lr·λ) − lr·g/(|g| + ε), g = 2w = [6, −4]
      const lr = 0.1;
      const wd = 0.01;
      const eps = 1e-8;
      const expected = [3 * (1 - lr * wd) - (lr * 6) / (6 + eps), -2 * (1 - lr * wd) + (lr * 4) / (4 + eps)];
      expect(r.adamwFirst[0]).toBeCloseTo(expected[0], 6);
      expect(r.adamwFirst[1]).toBeCloseTo(expected[1], 6);
      // SGD: v ← v − lr·2v = 0.8·v
      expect(r.sgd[0]).toBeCloseTo(0.8, 6);
      expect(r.sgd[1]).toBeCloseTo(1.6, 6);
      // no tensor leaks across steps (the optimizer state is made at the first step)
      expect(new Set(r.live).size).toBe(1);
    }
    expect(cjs.adamwFirst).toEqual(esm.adamwFirst);
  }, TIMEOUT);

  it("type-checks a TypeScript consumer (node16: ESM and CJS types; bundler)", () => {
    const files = typecheck(dir, "tsconfig.node16.json");
    const read = (suffix: string) => files.some((f) => f.replace(/\\/g, "/").endsWith(suffix));
    expect(read("node_modules/@gradkit/optim/dist/index.d.ts")).toBe(true);
    expect(read("node_modules/@gradkit/optim/dist/index.d.cts")).toBe(true);
    expect(typecheck(dir, "tsconfig.bundler.json").some((f) => f.endsWith("node_modules/@gradkit/optim/dist/index.d.ts"))).toBe(true);
  }, TIMEOUT);
});

describe("a user who installs @gradkit/arch and @gradkit/train", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(root, "train-"));
    writeConsumer(dir, TRAIN, trainClosure, tarballs, { "train.mjs": consumers.trainEsm, "train.cjs": consumers.trainCjs });
    npmInstall(dir);
  }, TIMEOUT);

  it("gets the dependency closure of arch and train from the tarballs, and no GPU runtime or backend package", () => {
    expect(trainClosure).toEqual(expect.arrayContaining(["@gradkit/arch", "@gradkit/train", "@gradkit/optim", "@gradkit/data"]));
    expect(trainClosure).not.toContain("@gradkit/backend");
    checkTree(installedTree(dir), trainClosure);
  });

  it("trains LeNet-5 for two steps from ESM and from CJS, identically", () => {
    const esm = runNode(dir, "train.mjs");
    const cjs = runNode(dir, "train.cjs");
    expect(esm.entries[0]).toMatch(/@gradkit\/arch\/dist\/index\.js$/);
    expect(esm.entries[1]).toMatch(/@gradkit\/train\/dist\/index\.js$/);
    expect(cjs.entries[0]).toMatch(/@gradkit\/arch\/dist\/index\.cjs$/);
    expect(cjs.entries[1]).toMatch(/@gradkit\/train\/dist\/index\.cjs$/);
    // LeNet-5 on 28×28×1, 10 classes: 61,706 parameters, as the same net built in PyTorch 1.13
    const counts = JSON.parse(readFileSync(join(repoRoot, "packages/arch/test/fixtures/param-counts.json"), "utf8")) as { counts: Record<string, number> };
    for (const r of [esm, cjs]) {
      expect(r.backend).toBe("cpu");
      expect(r.step).toBe(2);
      expect(r.numParameters).toBe(counts.counts.lenet_28_1_10);
      // an untrained 10-class classifier predicts near-uniformly: cross-entropy ≈ ln 10 ≈ 2.303
      expect(Math.abs(r.loss - Math.log(10))).toBeLessThan(0.5);
    }
    // same seeds, same backend: the same run from either build
    expect(cjs.loss).toBe(esm.loss);
  }, TIMEOUT);
});
