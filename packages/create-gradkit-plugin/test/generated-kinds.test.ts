/**
 * Generates one plugin of every kind into test/generated/ (inside the repo,
 * so @gradkit/*, tfjs and zod resolve), type-checks all of them with the
 * repo's TypeScript against the workspace packages' sources, and runs each
 * generated test/conformance.test.ts in this process: importing them here
 * declares their describe blocks in this file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatePlugin, PLUGIN_KINDS } from "../src/index.js";

const here = import.meta.dirname;
const root = join(here, "generated");
rmSync(root, { recursive: true, force: true });
for (const kind of PLUGIN_KINDS) generatePlugin({ dir: join(root, kind), kind, name: `gen-${kind}`, layout: "gradkit-repo" });

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("generated plugins", () => {
  it("type-check against the workspace packages (tsc, strict)", () => {
    // Each @gradkit package's built types where it has them (fast), else its sources; the testkit always from source.
    const packages = join(here, "..", "..");
    const paths: Record<string, string[]> = {};
    for (const dir of readdirSync(packages)) {
      const built = join(packages, dir, "dist", "index.d.ts");
      const source = join(packages, dir, "src", "index.ts");
      const target = dir !== "testkit" && existsSync(built) ? built : source;
      if (existsSync(target)) paths[`@gradkit/${dir}`] = [relative(root, target)];
    }
    writeFileSync(
      join(root, "tsconfig.json"),
      JSON.stringify({ extends: relative(root, join(packages, "..", "tsconfig.base.json")), compilerOptions: { noEmit: true, paths }, include: ["*/src", "*/test"] }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json"), "--pretty", "false"], { cwd: root, encoding: "utf8", timeout: 400_000 });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Only the generated files are judged here; other packages' work in progress is not this test's business.
    const mine = output.split("\n").filter((line) => PLUGIN_KINDS.some((k) => line.startsWith(`${k}/`)));
    expect(mine).toEqual([]);
  }, 420_000);
});

// A computed path: the files do not exist when vite first analyses this module.
for (const kind of PLUGIN_KINDS) await import(/* @vite-ignore */ join(root, kind, "test", "conformance.test.ts"));
