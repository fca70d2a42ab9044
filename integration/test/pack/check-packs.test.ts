/**
 * scripts/check-packs.mjs on a small fixture monorepo: a package that follows
 * every packing rule passes, and one that breaks each rule is flagged for
 * each. (The real workspaces are checked by `node scripts/check-packs.mjs`
 * and, for the packages installed there, by selective-install.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanNpmEnv, dependencyClosure, listWorkspaces, repoRoot } from "./helpers";

interface Result {
  name: string;
  files: number;
  builds: { esm: boolean; cjs: boolean; dts: boolean; dcts: boolean };
  tfjs: string;
  errors: string[];
  warnings: string[];
}

const exportsMap = {
  ".": { import: { types: "./dist/index.d.ts", default: "./dist/index.js" }, require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" } },
  "./package.json": "./package.json",
};

function write(root: string, files: Record<string, string | object>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
}

let root: string;
let results: Result[];
let exitCode: number | null;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gradkit-check-packs-"));
  write(root, {
    "package.json": { name: "fixture-root", private: true, workspaces: ["packages/*"] },
    "packages/good/package.json": {
      name: "@fixture/good",
      version: "1.0.0",
      files: ["dist", "README.md"],
      exports: exportsMap,
      main: "./dist/index.cjs",
      module: "./dist/index.js",
      types: "./dist/index.d.ts",
      sideEffects: ["./dist/register.js", "./dist/register.cjs"],
      dependencies: { zod: "^4.1.0" },
      peerDependencies: { "@tensorflow/tfjs-core": "^4.22.0" },
    },
    "packages/good/README.md": "# good\n",
    "packages/good/dist/index.js": `import * as tf from "@tensorflow/tfjs-core";\nimport { z } from "zod";\nimport "./register.js";\nimport { readFileSync } from "node:fs";\nexport const f = () => [tf, z, readFileSync];\n`,
    "packages/good/dist/index.cjs": `const tf = require("@tensorflow/tfjs-core");\nrequire("./register.cjs");\nconst o = { require: (n) => n };\no.require("not-a-module");\nmodule.exports = { tf };\n`,
    "packages/good/dist/register.js": `export {};\n`,
    "packages/good/dist/register.cjs": `"use strict";\n`,
    "packages/good/dist/index.d.ts": `import type * as tf from "@tensorflow/tfjs-core";\nexport declare const f: () => tf.Tensor;\n`,
    "packages/good/dist/index.d.cts": `import type * as tf from "@tensorflow/tfjs-core";\nexport declare const f: () => tf.Tensor;\n`,
    "packages/good/src/index.ts": `export const f = 1;\n`,
    "packages/bad/package.json": {
      name: "@fixture/bad",
      version: "1.0.0",
      files: ["dist", "src"],
      exports: { ".": "./dist/index.js", "./extra": "./dist/missing.js" },
      sideEffects: false,
      dependencies: { "@tensorflow/tfjs-core": "^4.22.0", "@fixture/private": "1.0.0" },
      devDependencies: { zod: "^4.1.0" },
    },
    "packages/bad/src/index.ts": `export const f = 1;\n`,
    "packages/bad/dist/index.js": `import * as tf from "@tensorflow/tfjs-core";\nimport { z } from "zod";\nimport "./register.js";\nexport { tf, z };\n//# sourceMappingURL=index.js.map\n`,
    "packages/bad/dist/index.js.map": `{}`,
    "packages/bad/dist/register.js": `export {};\n`,
    "packages/bad/dist/helper.test.js": `export {};\n`,
    "packages/private/package.json": { name: "@fixture/private", version: "1.0.0", private: true },
  });
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/check-packs.mjs"), "--root", root, "--json"], { encoding: "utf8", env: cleanNpmEnv() });
  exitCode = r.status;
  if (!r.stdout.trim().startsWith("[")) throw new Error(`check-packs printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  results = JSON.parse(r.stdout) as Result[];
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("scripts/check-packs.mjs", () => {
  it("checks the published workspaces only and exits 1 when one breaks a rule", () => {
    expect(results.map((r) => r.name)).toEqual(["@fixture/bad", "@fixture/good"]);
    expect(exitCode).toBe(1);
  });

  it("passes a package with exports, ESM + CJS + types, README, a registering sideEffects entry and tfjs-core as a peer", () => {
    const good = results.find((r) => r.name === "@fixture/good")!;
    expect(good.errors).toEqual([]);
    expect(good.warnings).toEqual([]);
    expect(good.builds).toEqual({ esm: true, cjs: true, dts: true, dcts: true });
    expect(good.tfjs).toBe("peer");
    expect(good.files).toBe(8); // package.json, README.md and the six dist files; not src/
  });

  it("flags each broken rule, naming the file or field", () => {
    const errors = results.find((r) => r.name === "@fixture/bad")!.errors.join("\n");
    const expected = [
      /source file in the tarball: src\/index\.ts/,
      /source map in the tarball: dist\/index\.js\.map/,
      /test file in the tarball: dist\/helper\.test\.js/,
      /README\.md missing/,
      /CJS build \(dist\/\*\.cjs\) missing/,
      /ESM types \(dist\/\*\.d\.ts\) missing/,
      /exports\["\."\] missing or a bare string/,
      /exports names \.\/dist\/missing\.js, which is not in the tarball/,
      /imports "zod", which is not in dependencies or peerDependencies \(only a devDependency/,
      /@tensorflow\/tfjs-core is a regular dependency of a library: move it to peerDependencies/,
      /depends on the private workspace @fixture\/private/,
      /dist\/register\.js registers built-ins but is not listed in "sideEffects"/,
    ];
    for (const re of expected) expect(errors).toMatch(re);
  });
});

describe("scripts/workspaces.mjs dependencyClosure", () => {
  it("follows dependencies between workspaces transitively, not devDependencies", () => {
    const ws = listWorkspaces();
    const byName = new Map(ws.map((w) => [w.pkg.name, w.pkg]));
    const closure = dependencyClosure(["@gradkit/train"], ws);
    const runtime = (name: string) => Object.keys({ ...byName.get(name)!.dependencies, ...byName.get(name)!.peerDependencies }).filter((d) => byName.has(d));
    // closed: every runtime workspace dependency of a member is a member
    for (const name of closure) for (const dep of runtime(name)) expect(closure).toContain(dep);
    // minimal: every member but the root is some member's runtime dependency
    for (const name of closure.filter((n) => n !== "@gradkit/train")) expect(closure.some((m) => runtime(m).includes(name))).toBe(true);
    // train's gradkit devDependencies that nothing in the closure depends on stay out
    const devOnly = Object.keys(byName.get("@gradkit/train")!.devDependencies ?? {}).filter((d) => byName.has(d) && !closure.some((m) => runtime(m).includes(d)));
    expect(devOnly.length).toBeGreaterThan(0);
    for (const d of devOnly) expect(closure).not.toContain(d);
    expect(() => dependencyClosure(["@gradkit/nope"], ws)).toThrow(/"@gradkit\/nope" is not a workspace/);
  });
});
